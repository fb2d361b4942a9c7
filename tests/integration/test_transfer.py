"""Import and export: a table maker moves its master data and stock in and out of spreadsheets.

Every test runs on SQLite and PostgreSQL (the ``takt`` fixture).
"""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from takt.app import catalog, queries, sales, stock
from takt.app.ports import UnitOfWorkFactory
from takt.app.purchasing import (
    NewPurchaseOrder,
    PurchaseLineInput,
    ReceivePurchase,
    create_purchase_order,
    receive_purchase,
)
from takt.app.transfer import (
    Format,
    Kind,
    RowError,
    export,
    import_file,
    template,
    validate,
)
from takt.app.transfer.formats import Sheet, read_csv, write
from takt.config import Settings, Takt, bootstrap
from takt.domain.items import Item, ItemKind
from takt.domain.locations import Location
from takt.domain.partners import Customer, Supplier
from takt.domain.workstations import Workstation

D = Decimal

ITEMS = (
    "sku,name,kind,unit,default_supplier,standard_cost,sales_price,batch_tracked\n"
    "OAK,Oak board,material,m,TIMBER,4.20,,no\n"
    "GLUE,Wood glue,material,l,,8,,yes\n"
    "LEG,Table leg,subassembly,pcs,,,,\n"
    "TABLE,Dining table,product,pcs,,,450,\n"
)
BOMS = (
    "parent_sku,component_sku,quantity,unit,wastage_pct\n"
    "LEG,OAK,80,cm,\n"
    "TABLE,LEG,4,pcs,5\n"
    "TABLE,GLUE,0.1,l,\n"
)
ROUTINGS = (
    "item_sku,sequence,name,workstation,setup_minutes,run_minutes,cost_per_hour\n"
    "LEG,10,Cut legs,SAW,15,3,\n"
    "TABLE,10,Assemble,ASSY,10,45,\n"
    "TABLE,20,Oil,ASSY,,12.5,28\n"
)


def _table(text: str) -> list[list[str]]:
    return read_csv(text.encode())


def workbook(**sheets: str) -> bytes:
    """An XLSX workbook with one sheet per keyword, each filled from CSV text."""
    parts = [Sheet(name, (t := _table(text))[0], t[1:]) for name, text in sheets.items()]
    return write(parts, Format.XLSX)


def resources(uows: UnitOfWorkFactory) -> None:
    """What files do not import: locations, a supplier, workstations, a customer."""
    catalog.add_location(Location("MAIN", "Main warehouse"), uows())
    catalog.add_supplier(Supplier("TIMBER", "Timber & Co", lead_time_days=7), uows())
    catalog.add_workstation(Workstation("SAW", "Panel saw", cost_per_hour=D("30")), uows())
    catalog.add_workstation(Workstation("ASSY", "Assembly bench", cost_per_hour=D("24")), uows())
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), uows())


def state(uows: UnitOfWorkFactory) -> tuple[object, ...]:
    """Everything an import can change, for before/after comparisons."""
    with uows(read_only=True) as uow:
        return (
            [replace(i, id=None) for i in uow.items.list()],
            uow.recipes.boms(),
            uow.recipes.routings(),
            uow.stock.balances(),
            [o.number for o in uow.sales.orders()],
            [o.number for o in uow.purchasing.orders()],
        )


@pytest.fixture
def shop(takt: Takt) -> Takt:
    resources(takt.uows)
    return takt


def test_a_workbook_of_items_boms_and_routings_imports_in_one_go(shop: Takt) -> None:
    data = workbook(routings=ROUTINGS, items=ITEMS, boms=BOMS)  # sheet order does not matter

    report = import_file(Kind.WORKBOOK, data, Format.XLSX, shop.uows)

    assert report.errors == []
    assert report.imported == 4 + 3 + 3
    assert report.summary == {"items added": 4, "BOMs replaced": 2, "routings replaced": 2}
    view = queries.bom_view(shop.uows, "TABLE", D(10))
    assert view.leaves == {"GLUE": D("1"), "OAK": D("33.6")}  # 10 x 4 x 1.05 x 0.8 m
    with shop.uows(read_only=True) as uow:
        glue = uow.items.get("GLUE")
        oil = uow.recipes.routing("TABLE")
    assert glue.batch_tracked
    assert glue.standard_cost == D("8")
    assert oil is not None
    assert [op.name for op in oil.operations] == ["Assemble", "Oil"]
    assert oil.operations[1].run_minutes == D("12.5")
    assert oil.operations[1].cost_per_hour == D("28")


def test_three_bad_rows_are_all_reported_and_nothing_is_imported(shop: Takt) -> None:
    before = state(shop.uows)
    data = (
        b"sku,name,kind,unit,lead_time_days,sales_price,default_supplier\n"
        b"OAK,Oak board,material,m,7,,TIMBER\n"
        b"SEAT,Seat,furniture,pcs,,,\n"  # row 3: no such kind
        b"LEG,Table leg,subassembly,pcs,two,,\n"  # row 4: not a number
        b"TABLE,Table,product,pcs,,450,\n"
        b"OAK,Oak again,material,m,,,\n"  # row 6: SKU repeated
    )

    report = import_file(Kind.ITEMS, data, Format.CSV, shop.uows)

    assert report.errors == [
        RowError(
            3, "kind", "furniture", "unknown kind 'furniture' (product, subassembly or material)"
        ),
        RowError(4, "lead_time_days", "two", "'two' is not a whole number"),
        RowError(6, "sku", "OAK", "OAK is already on row 2"),
    ]
    assert (report.rows, report.imported) == (5, 0)
    assert state(shop.uows) == before


def test_every_error_of_a_row_and_unknown_references_are_reported(shop: Takt) -> None:
    rows = _table(
        "parent_sku,component_sku,quantity,unit,wastage_pct\nTABLE,LEG,-4,kg,5\nCHAIR,NAIL,1,,\n"
    )
    catalog.add_item(Item("TABLE", "Table", ItemKind.PRODUCT), shop.uows())
    catalog.add_item(Item("LEG", "Leg", ItemKind.SUBASSEMBLY), shop.uows())

    report = validate(Kind.BOMS, rows, shop.uows)

    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "quantity", "-4"),
        (2, "unit", "kg"),
        (3, "parent_sku", "CHAIR"),
        (3, "component_sku", "NAIL"),
    ]
    assert report.errors[1].why == "no conversion from kg (mass) to pcs (count)"
    assert "neither in the database nor on an earlier row" in report.errors[2].why


def test_a_bom_cycle_across_the_file_and_the_database_names_its_path(plant: Takt) -> None:
    """The database has TABLE -> LEG; the file puts a new FRAME into LEG and TABLE into FRAME."""
    data = workbook(
        items="sku,name,kind\nFRAME,Leg frame,subassembly\n",
        boms="parent_sku,component_sku,quantity\nFRAME,TABLE,1\nLEG,OAK,0.8\nLEG,FRAME,1\n",
    )

    report = import_file(Kind.WORKBOOK, data, Format.XLSX, plant.uows)

    assert report.errors == [
        RowError(2, "component_sku", "TABLE", "BOM cycle: FRAME -> TABLE -> LEG -> FRAME", "boms")
    ]
    with plant.uows(read_only=True) as uow:
        leg = uow.recipes.bom("LEG")
        frame = uow.items.find("FRAME")
    assert frame is None
    assert leg is not None
    assert [(ln.component, ln.quantity, ln.unit) for ln in leg.lines] == [("OAK", D(80), "cm")]


def test_a_dry_run_reports_what_would_be_imported_and_writes_nothing(plant: Takt) -> None:
    catalog.add_location(Location("YARD", "Yard"), plant.uows())
    stock.receive(stock.Receive("OAK", D(10), D(4)), plant.uows())
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    before = state(plant.uows)
    counts = b"sku,location,batch,counted\nOAK,MAIN,,12\nOAK,YARD,,3\n"
    orders = b"order_ref,customer,delivery_date,sku,quantity\nW1,HOTEL,2030-03-01,TABLE,2\n"

    dry = import_file(Kind.STOCK, counts, Format.CSV, plant.uows, dry_run=True)
    dry_orders = import_file(Kind.SALES, orders, Format.CSV, plant.uows, dry_run=True)

    assert dry.ok
    assert (dry.imported, dry.documents) == (2, {})
    assert dry.summary == {"stock counts": 2, "stock differences posted": 2}
    assert dry_orders.ok
    assert dry_orders.imported == 1
    assert state(plant.uows) == before
    real = import_file(Kind.SALES, orders, Format.CSV, plant.uows)
    assert real.documents == {"W1": "SO-0001"}  # the dry run used up no number


def test_xlsx_and_csv_give_the_same_result(plant: Takt) -> None:
    """Numeric XLSX cells are binary floats: 0.1 must still arrive as exactly one tenth."""
    csv_text = (
        "parent_sku,component_sku,quantity,unit,wastage_pct\n"
        "TOP,PLY,1.15,m2,0.1\n"
        "TOP,GLUE,55,ml,\n"
        "LEG,OAK,0.1,m,2.5\n"
        "LEG,NAIL,1,pcs,\n"
    )
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["parent_sku", "component_sku", "quantity", "unit", "wastage_pct"])
    sheet.append(["TOP", "PLY", 1.15, "m2", 0.1])
    sheet.append(["TOP", "GLUE", 55, "ml", None])
    sheet.append(["LEG", "OAK", 0.1, "m", 2.5])
    sheet.append(["LEG", "NAIL", 1.0, "pcs"])
    buffer = io.BytesIO()
    book.save(buffer)

    from_csv = import_file(Kind.BOMS, csv_text.encode(), Format.CSV, plant.uows, dry_run=True)
    from_xlsx = import_file(Kind.BOMS, buffer.getvalue(), None, plant.uows, dry_run=True)

    assert from_csv.errors == from_xlsx.errors
    assert [(e.row, e.column) for e in from_csv.errors] == [(5, "component_sku")]
    fixed_csv = csv_text.replace("LEG,NAIL,1,pcs,\n", "")
    sheet.delete_rows(5)
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_file(Kind.BOMS, buffer.getvalue(), Format.XLSX, plant.uows).ok
    after_xlsx = state(plant.uows)
    assert import_file(Kind.BOMS, fixed_csv.encode(), Format.CSV, plant.uows).ok
    assert state(plant.uows) == after_xlsx
    with plant.uows(read_only=True) as uow:
        leg = uow.recipes.bom("LEG")
    assert leg is not None
    assert (leg.lines[0].quantity, leg.lines[0].wastage_pct) == (D("0.1"), D("2.5"))


@pytest.mark.parametrize("fmt", list(Format))
def test_export_then_import_changes_nothing(plant: Takt, fmt: Format) -> None:
    stock.receive(stock.Receive("OAK", D("12.5"), D("4.2")), plant.uows())
    stock.receive(stock.Receive("GLUE", D(2), D(8), batch="G-1"), plant.uows())
    before = state(plant.uows)
    for kind in (Kind.ITEMS, Kind.BOMS, Kind.ROUTINGS, Kind.STOCK):
        report = import_file(kind, export(kind, fmt, plant.uows), fmt, plant.uows)
        assert report.errors == [], kind
    assert state(plant.uows) == before
    assert queries.ledger(plant.uows, queries.LedgerFilter())[0].document.startswith("RCV")


def test_exported_master_data_rebuilds_an_empty_database(
    plant: Takt, sqlite_template: Path, tmp_path: Path
) -> None:
    """The workbook export, imported where only the resources exist, gives the same recipes."""
    shutil.copyfile(sqlite_template, tmp_path / "other.db")
    other = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'other.db'}"), migrate=False)
    try:
        resources(other.uows)
        data = export(Kind.WORKBOOK, Format.XLSX, plant.uows)

        report = import_file(Kind.WORKBOOK, data, Format.XLSX, other.uows)

        assert report.errors == []
        assert report.summary == {"items added": 7, "BOMs replaced": 3, "routings replaced": 2}
        assert state(other.uows)[:3] == state(plant.uows)[:3]
    finally:
        other.close()


def test_orders_export_and_reimport_as_new_orders_for_what_is_still_open(plant: Takt) -> None:
    """A partly delivered order, exported and imported back, is an open order for the rest."""
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    so = sales.create_sales_order(
        sales.NewSalesOrder(
            "HOTEL",
            date(2030, 3, 1),
            (
                sales.SalesLineInput("TABLE", D(3), D("425.50")),
                sales.SalesLineInput("TOP", D(1), D(90)),
            ),
        ),
        plant.uows(),
    )
    stock.receive(stock.Receive("TABLE", D(2), D(300)), plant.uows())
    stock.receive(stock.Receive("TOP", D(1), D(60)), plant.uows())
    sales.ship_order(
        sales.ShipOrder(so.number, (sales.ShipLine(1, D(2)), sales.ShipLine(2, D(1)))),
        plant.uows(),
    )
    po = create_purchase_order(
        NewPurchaseOrder(
            "TIMBER", (PurchaseLineInput("OAK", D(40), D("4.2")),), expected_date=date(2030, 2, 1)
        ),
        plant.uows(),
    )
    receive_purchase(ReceivePurchase(po.number, 1, D(10)), plant.uows())

    for kind, fmt in ((Kind.SALES, Format.XLSX), (Kind.PURCHASES, Format.CSV)):
        report = import_file(kind, export(kind, fmt, plant.uows), fmt, plant.uows)
        assert report.errors == []
    with plant.uows(read_only=True) as uow:
        so2, po2 = uow.sales.get("SO-0002"), uow.purchasing.get("PO-0002")
    assert (so2.customer, so2.delivery_date, so2.status.value) == (
        "HOTEL",
        so.delivery_date,
        "open",
    )
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in so2.lines] == [
        ("TABLE", D(1), D("425.5"))  # TOP was delivered in full: nothing left to import
    ]
    assert (po2.supplier, po2.expected_date, po2.location) == ("TIMBER", po.expected_date, "MAIN")
    assert [(ln.sku, ln.quantity, ln.unit, ln.unit_price) for ln in po2.lines] == [
        ("OAK", D(30), "m", D("4.2"))
    ]


def test_rows_with_the_same_order_ref_form_one_order(plant: Takt) -> None:
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    data = (
        b"order_ref,customer,delivery_date,sku,quantity,unit_price,status\n"
        b"A,HOTEL,2030-03-01,TABLE,2,,\n"
        b"B,HOTEL,2030-04-01,LEG,8,20,quote\n"
        b"A,HOTEL,2030-03-01,TOP,1,90,\n"
    )

    report = import_file(Kind.SALES, data, Format.CSV, plant.uows)

    assert report.documents == {"A": "SO-0001", "B": "SO-0002"}
    with plant.uows(read_only=True) as uow:
        a, b = uow.sales.get("SO-0001"), uow.sales.get("SO-0002")
    assert [(ln.sku, ln.unit_price) for ln in a.lines] == [("TABLE", D(450)), ("TOP", D(90))]
    assert b.status.value == "quote"


def test_order_rows_that_disagree_are_reported(plant: Takt) -> None:
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    data = (
        b"order_ref,customer,delivery_date,sku,quantity,unit_price\n"
        b"A,HOTEL,2030-03-01,TABLE,2,\n"
        b"A,HOTEL,2030-03-02,TOP,1,\n"  # another date
        b"B,NOBODY,1 March,OAK,1,\n"  # unknown customer, bad date, a material
    )

    report = import_file(Kind.SALES, data, Format.CSV, plant.uows)

    assert [(e.row, e.column, e.why) for e in report.errors] == [
        (3, "delivery_date", "order A has 2030-03-01 on row 2"),
        (3, "unit_price", "TOP has no sales price: give a unit price"),
        (4, "delivery_date", "'1 March' is not a date: use YYYY-MM-DD"),
        (4, "customer", "unknown customer 'NOBODY'"),
        (4, "sku", "OAK is a material (bought), not a sellable item"),
    ]


def test_a_stock_count_file_posts_one_stocktake(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D(10), D(4)), plant.uows())
    data = (
        b"sku,location,batch,counted,unit_cost\nOAK,,,8.5,\nGLUE,SHOP,G-7,2,7.5\nSCREW,MAIN,,0,\n"
    )
    refused = import_file(Kind.STOCK, data.replace(b"7.5", b""), Format.CSV, plant.uows)
    assert refused.errors == [
        RowError(3, "unit_cost", "", "GLUE has no cost yet: give the unit cost of the 2 l found")
    ]

    report = import_file(Kind.STOCK, data, Format.CSV, plant.uows, user="ines")

    assert report.errors == []
    assert report.documents == {"stocktake": "CNT-0001"}
    levels = {(r.sku, r.location, r.batch): r.quantity for r in queries.stock_levels(plant.uows)}
    assert levels == {("OAK", "MAIN", ""): D("8.5"), ("GLUE", "SHOP", "G-7"): D(2)}
    entries = queries.ledger(plant.uows, queries.LedgerFilter(document="CNT-0001"))
    assert {(e.key.item, e.quantity, e.user) for e in entries} == {
        ("OAK", D("-1.5"), "ines"),
        ("GLUE", D(2), "ines"),
    }


def test_items_update_the_columns_in_the_file_only(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D(10), D(4)), plant.uows())
    data = (
        b"sku,name,sales_price,unit\n"
        b"TABLE,Oak dining table,495,\n"
        b"OAK,Oak board,,cm\n"  # its unit cannot change
    )
    assert [(e.row, e.column) for e in import_file(Kind.ITEMS, data, None, plant.uows).errors] == [
        (3, "unit")
    ]

    report = import_file(Kind.ITEMS, data.replace(b",cm", b",m"), Format.CSV, plant.uows)

    assert report.summary == {"items updated": 2}
    with plant.uows(read_only=True) as uow:
        table, oak = uow.items.get("TABLE"), uow.items.get("OAK")
    assert (table.name, table.sales_price, table.kind) == ("Oak dining table", D(495), "product")
    assert (oak.average_cost, oak.default_supplier) == (D(4), "TIMBER")  # kept


def test_csv_injection_is_escaped_on_export_and_undone_on_import(plant: Takt) -> None:
    evil = '=HYPERLINK("http://evil.example","x")'
    catalog.add_item(Item("EVIL", evil, ItemKind.MATERIAL), plant.uows())
    catalog.add_item(Item("MINUS", "-5 pack", ItemKind.MATERIAL), plant.uows())

    csv_rows = read_csv(export(Kind.ITEMS, Format.CSV, plant.uows))
    raw_csv = export(Kind.ITEMS, Format.CSV, plant.uows).decode("utf-8-sig")
    xlsx = openpyxl.load_workbook(io.BytesIO(export(Kind.ITEMS, Format.XLSX, plant.uows)))

    assert "'=HYPERLINK" in raw_csv
    assert "'-5 pack" in raw_csv
    cells = [c for row in xlsx.worksheets[0].iter_rows() for c in row if c.value]
    evil_cell = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert evil_cell.data_type == "s"
    assert str(evil_cell.value).startswith("'=")
    assert [r[1] for r in csv_rows if r[0] == "EVIL"] == [evil]  # reading undoes the quote
    for fmt in Format:
        assert import_file(Kind.ITEMS, export(Kind.ITEMS, fmt, plant.uows), fmt, plant.uows).ok
    with plant.uows(read_only=True) as uow:
        assert uow.items.get("EVIL").name == evil


def test_every_list_exports_in_both_formats(plant: Takt) -> None:
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", date(2030, 3, 1), (sales.SalesLineInput("TABLE", D(1)),)),
        plant.uows(),
    )
    stock.receive(stock.Receive("OAK", D(5), D(4)), plant.uows())
    for kind in Kind:
        if kind is Kind.WORKBOOK:
            continue
        csv_rows = read_csv(export(kind, Format.CSV, plant.uows))
        book = openpyxl.load_workbook(io.BytesIO(export(kind, Format.XLSX, plant.uows)))
        xlsx_rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        assert csv_rows[0] == xlsx_rows[0], kind
        assert len(csv_rows) == len(xlsx_rows), kind
        assert len(csv_rows) > (kind not in (Kind.PURCHASES, Kind.MOS)), kind


def test_templates_hold_the_header_and_import_nothing(shop: Takt) -> None:
    csv_template = template(Kind.BOMS, Format.CSV).decode("utf-8-sig")
    assert csv_template == "parent_sku,component_sku,quantity,unit,wastage_pct\r\n"
    book = openpyxl.load_workbook(io.BytesIO(template(Kind.WORKBOOK, Format.XLSX)))
    assert book.sheetnames == ["items", "boms", "routings", "help"]
    help_rows = list(book["help"].iter_rows(values_only=True))
    assert ("boms", "quantity", "yes", "4", "Per one unit of the parent, in unit") in help_rows
    for kind in (Kind.ITEMS, Kind.STOCK, Kind.SALES, Kind.PURCHASES):
        report = import_file(kind, template(kind, Format.XLSX), Format.XLSX, shop.uows)
        assert report.ok
        assert report.rows == 0


def test_a_bad_header_is_reported_alone(shop: Takt) -> None:
    report = import_file(
        Kind.ROUTINGS,
        b"item_sku,sequence,name,wrkstation\nLEG,10,Cut,SAW\n",
        Format.CSV,
        shop.uows,
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, "wrkstation"), (1, "workstation")]
    unreadable = import_file(Kind.ITEMS, b"\xff\xfe,x", Format.CSV, shop.uows)
    assert unreadable.errors[0].why.startswith("the file is not UTF-8 text")


def test_an_orders_file_imported_twice_creates_its_orders_once(plant: Takt) -> None:
    """The web shop's export run twice: the second import (and its dry run) names the orders."""
    sales.add_customer(Customer("HOTEL", "Grand Hotel"), plant.uows())
    orders = (
        b"order_ref,customer,delivery_date,sku,quantity,unit_price\n"
        b"WEB-1001,HOTEL,2030-03-01,TABLE,2,\n"
        b"WEB-1001,HOTEL,2030-03-01,TOP,1,90\n"
        b"WEB-1002,HOTEL,2030-03-08,TABLE,1,\n"
    )
    purchases = b"order_ref,supplier,sku,quantity,unit_price\nREQ-7,TIMBER,OAK,40,4.2\n"
    assert import_file(Kind.SALES, orders, Format.CSV, plant.uows).ok
    assert import_file(Kind.PURCHASES, purchases, Format.CSV, plant.uows).ok
    before = state(plant.uows)

    dry = import_file(Kind.SALES, orders, Format.CSV, plant.uows, dry_run=True)
    again = import_file(Kind.SALES, orders, Format.CSV, plant.uows)
    bought_again = import_file(Kind.PURCHASES, purchases, Format.CSV, plant.uows)

    assert dry.errors == again.errors
    assert [(e.row, e.column, e.why) for e in again.errors] == [
        (2, "order_ref", "WEB-1001 of HOTEL was already imported as SO-0001"),
        (4, "order_ref", "WEB-1002 of HOTEL was already imported as SO-0002"),
    ]
    assert bought_again.errors == [
        RowError(2, "order_ref", "REQ-7", "REQ-7 of TIMBER was already imported as PO-0001")
    ]
    assert (again.imported, again.documents) == (0, {})
    assert state(plant.uows) == before
    with plant.uows(read_only=True) as uow:
        assert uow.sales.get("SO-0001").reference == "WEB-1001"
    # A cancelled order's reference may come back; an export of referenced orders is refused.
    sales.cancel_sales_order("SO-0002", plant.uows())
    web_1002 = b"order_ref,customer,delivery_date,sku,quantity\nWEB-1002,HOTEL,2030-03-09,TABLE,1\n"
    assert import_file(Kind.SALES, web_1002, Format.CSV, plant.uows).documents == {
        "WEB-1002": "SO-0003"
    }
    exported = import_file(Kind.SALES, export(Kind.SALES, Format.CSV, plant.uows), None, plant.uows)
    assert {e.value for e in exported.errors} == {"WEB-1001", "WEB-1002"}
