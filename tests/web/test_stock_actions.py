"""The Stock item page's actions: a Transfer and a Stocktake form for admins and planners (others
see none and are refused), refusals that name the field and write nothing, one audit entry per
posting, and a batch's trace from its receipt to its consumption and shipment."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries, catalog, manufacturing, purchasing, sales, stock
from takt.app.ports import AuditEntry, LedgerFilter
from takt.domain.items import Item, ItemKind
from takt.domain.ledger import LedgerEntry
from tests.web.conftest import Site
from tests.web.test_sell import with_pages

D = Decimal
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def pages(site: Site) -> Site:
    return with_pages(site)


def _ledger(site: Site, sku: str) -> list[LedgerEntry]:
    with site.takt.uows(read_only=True) as uow:
        return uow.stock.ledger(LedgerFilter(sku=sku, limit=1000))


def _trail(site: Site) -> list[AuditEntry]:
    return api_queries.audit_entries(site.takt.uows, "stock")


def _oak(site: Site, quantity: str = "5") -> None:
    stock.adjust(stock.Adjust("OAK", D(quantity), "opening", unit_cost=D(8)), site.takt.uows())


def _glue_batch(site: Site, batch: str = "B1") -> str:
    """5 l of glue bought on a PO and received as ``batch``; the PO's number."""
    uows = site.takt.uows
    po = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder("TIMBER", (purchasing.PurchaseLineInput("GLUE", D(5), D(4)),)),
        uows(),
    ).number
    line = purchasing.ReceiptLine(1, D(5), batch)
    purchasing.receive_order(purchasing.ReceiveOrder(po, (line,)), uows())
    return po


def test_a_planner_transfers_and_counts_and_the_ledger_shows_both(pages: Site) -> None:
    _oak(pages)
    planner = pages.browser("planner")
    page = planner.get("/stock/OAK")
    assert 'action="/stock/OAK/transfer"' in page.text
    assert 'action="/stock/OAK/count"' in page.text
    moved = planner.post(
        "/stock/OAK/transfer",
        {"quantity": "2", "from_location": "MAIN", "to_location": "SHOP", "note": "for the saw"},
    )
    assert moved.status_code == 303
    assert moved.headers["location"].startswith("/stock/OAK?done=")
    after = planner.get(moved.headers["location"])
    assert "Moved 2 from MAIN to SHOP" in after.text
    assert "MAIN 3, SHOP 2" in after.text
    assert "for the saw" in after.text
    # 3 on the books at MAIN, 2.5 on the shelf: -0.5 posted as a stocktake (htmx: the panel)
    counted = planner.post("/stock/OAK/count", {"location": "MAIN", "counted": "2.5"}, htmx=True)
    assert counted.status_code == 200
    assert counted.text.lstrip().startswith('<div id="stock-item"')
    assert "Counted 2.5 at MAIN: -0.5 posted" in counted.text
    assert "MAIN 2.5, SHOP 2" in counted.text
    reasons = [(e.reason.value, e.key.location, e.quantity) for e in _ledger(pages, "OAK")]
    assert reasons[:3] == [
        ("stocktake", "MAIN", D("-0.5")),
        ("transfer", "SHOP", D(2)),
        ("transfer", "MAIN", D(-2)),
    ]


def test_each_posting_leaves_exactly_one_audit_entry(pages: Site) -> None:
    _oak(pages)
    planner = pages.browser("planner")
    assert _trail(pages) == []
    planner.post(
        "/stock/OAK/transfer", {"quantity": "1", "from_location": "MAIN", "to_location": "SHOP"}
    )
    [transfer] = _trail(pages)
    document = _ledger(pages, "OAK")[0].document
    assert (transfer.user, transfer.action, transfer.key) == ("planner", "transfer", document)
    assert transfer.after == {
        "sku": "OAK",
        "quantity": "1",
        "source": "MAIN",
        "destination": "SHOP",
        "batch": "",
        "note": "",
    }
    planner.post("/stock/OAK/count", {"location": "SHOP", "counted": "3"})
    count, again = _trail(pages)
    assert (count.action, count.key) == ("count", _ledger(pages, "OAK")[0].document)
    assert again == transfer
    assert count.after == {"sku": "OAK", "counted": "3", "location": "SHOP", "batch": ""}


def test_a_transfer_of_more_than_on_hand_is_refused_naming_the_quantity(pages: Site) -> None:
    _oak(pages, "2")
    planner = pages.browser("planner")
    before = _ledger(pages, "OAK")
    form = {"quantity": "5", "from_location": "MAIN", "to_location": "SHOP"}
    refused = planner.post("/stock/OAK/transfer", form)
    assert refused.status_code == 422
    assert "Quantity: not enough OAK at MAIN: 2 on hand, 5 requested" in refused.text
    assert re.search(r'id="transfer-quantity"[^>]*value="5"[^>]*aria-invalid="true"', refused.text)
    assert "Traceback" not in refused.text
    htmx = planner.post("/stock/OAK/transfer", form, htmx=True)
    assert htmx.status_code == 422
    assert htmx.text.lstrip().startswith('<div id="stock-item"')
    assert 'role="alert" id="transfer-error"' in htmx.text
    assert _ledger(pages, "OAK") == before
    assert _trail(pages) == []


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        (
            "transfer",
            {"quantity": "x", "from_location": "MAIN", "to_location": "SHOP"},
            "Quantity: &#39;x&#39; is not a number",
        ),
        (
            "transfer",
            {"quantity": "1", "from_location": "MAIN", "to_location": "MAIN"},
            "To location: must differ",
        ),
        (
            "transfer",
            {"quantity": "1", "from_location": "MAIN", "to_location": "MOON"},
            "To location: unknown location",
        ),
        (
            "transfer",
            {"quantity": "", "from_location": "MAIN", "to_location": "SHOP"},
            "Quantity: enter the quantity",
        ),
        ("count", {"location": "MAIN", "counted": ""}, "Counted quantity: enter what you counted"),
        ("count", {"location": "MAIN", "counted": "-1"}, "Counted quantity: must not be negative"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    pages: Site, path: str, form: dict[str, str], message: str
) -> None:
    _oak(pages)
    before = _ledger(pages, "OAK")
    refused = pages.browser("planner").post(f"/stock/OAK/{path}", form)
    assert refused.status_code == 422
    assert message in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert _ledger(pages, "OAK") == before
    assert _trail(pages) == []


def test_a_batch_tracked_item_needs_the_batch(pages: Site) -> None:
    _glue_batch(pages)
    refused = pages.browser("planner").post(
        "/stock/GLUE/transfer", {"quantity": "1", "from_location": "MAIN", "to_location": "SHOP"}
    )
    assert refused.status_code == 422
    assert "Batch: GLUE is batch-tracked, give the batch to move" in refused.text
    assert re.search(r'id="transfer-batch"[^>]*aria-invalid="true"', refused.text)


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_viewers_and_operators_get_no_forms_and_are_refused(pages: Site, role: str) -> None:
    _oak(pages)
    browser = pages.browser(role)
    page = browser.get("/stock/OAK")
    assert page.status_code == 200
    assert "/stock/OAK/transfer" not in page.text
    assert "/stock/OAK/count" not in page.text
    form = {"quantity": "1", "from_location": "MAIN", "to_location": "SHOP"}
    assert browser.post("/stock/OAK/transfer", form).status_code == 403
    assert browser.post("/stock/OAK/count", {"location": "MAIN", "counted": "0"}).status_code == 403
    assert len(_ledger(pages, "OAK")) == 1
    assert _trail(pages) == []


def test_a_post_without_the_csrf_token_is_refused(pages: Site) -> None:
    _oak(pages)
    form = {"quantity": "1", "from_location": "MAIN", "to_location": "SHOP"}
    refused = pages.browser("planner").post("/stock/OAK/transfer", form, csrf=False)
    assert refused.status_code == 403
    assert len(_ledger(pages, "OAK")) == 1


def test_the_batch_trace_runs_from_receipt_to_consumption_and_transfer(pages: Site) -> None:
    uows = pages.takt.uows
    po = _glue_batch(pages)
    soon = date.today() + timedelta(days=14)
    tops = manufacturing.create_mo(manufacturing.NewMO("TOP", D(2), soon), uows()).number
    manufacturing.issue(manufacturing.Issue(tops, "GLUE", D("0.1"), "B1"), uows())
    planner = pages.browser("planner")
    moved = planner.post(
        "/stock/GLUE/transfer",
        {"quantity": "2", "from_location": "MAIN", "to_location": "SHOP", "batch": "B1"},
    )
    assert moved.status_code == 303
    item = planner.get("/stock/GLUE")
    assert '<h2 id="batches-title">Batches</h2>' in item.text
    assert '<a href="/stock/GLUE/batch/B1"' in item.text
    trace = planner.get("/stock/GLUE/batch/B1")
    assert trace.status_code == 200
    assert "<title>GLUE batch B1 · Takt</title>" in trace.text
    rows = _trace_rows(trace.text)
    assert len(rows) == 4  # receipt, consumption, transfer out and in: oldest first
    assert "received on" in rows[0]
    assert f'<a href="/buy/{po}">{po}</a>' in rows[0]
    assert "consumed into" in rows[1]
    assert f'<a href="/make/{tops}/materials">{tops}</a>' in rows[1]
    assert [_balance(r) for r in rows] == ["5", "4.9", "2.9", "4.9"]
    assert "MAIN 2.9, SHOP 2" in trace.text
    assert planner.get("/stock/GLUE/batch/NOPE").status_code == 404
    assert planner.get("/stock/OAK/batch/B1").status_code == 404


def test_the_batch_trace_shows_the_shipment_to_its_sales_order(pages: Site) -> None:
    uows = pages.takt.uows
    catalog.add_item(
        Item("JAR", "Glue jar", ItemKind.PRODUCT, batch_tracked=True, sales_price=D(9)), uows()
    )
    stock.receive(stock.Receive("JAR", D(3), D(2), batch="J1", note="opening"), uows())
    soon = date.today() + timedelta(days=14)
    so = sales.create_sales_order(
        sales.NewSalesOrder("ACME", soon, (sales.SalesLineInput("JAR", D(2)),)), uows()
    ).number
    sales.ship(sales.Ship(so, 1, D(2), batch="J1"), uows())
    trace = pages.browser("planner").get("/stock/JAR/batch/J1")
    rows = _trace_rows(trace.text)
    assert "RCV-" in rows[0]
    assert "shipped on" in rows[1]
    assert f'<a href="/sell/{so}">{so}</a>' in rows[1]
    assert [_balance(r) for r in rows] == ["3", "1"]
    operator = pages.browser("operator").get("/stock/JAR/batch/J1")
    assert operator.status_code == 200
    assert f'<a href="/sell/{so}">' not in operator.text  # operators may not open sales orders


def _trace_rows(html: str) -> list[str]:
    return html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]


def _balance(row: str) -> str:
    found = re.search(r"<strong>([-\d.]+)</strong>", row)
    assert found
    return found.group(1)


def test_a_batch_or_item_named_like_a_script_is_shown_as_text(pages: Site) -> None:
    uows = pages.takt.uows
    catalog.add_item(Item("EVIL", EVIL, ItemKind.MATERIAL, batch_tracked=True), uows())
    stock.receive(stock.Receive("EVIL", D(3), D(1), batch=EVIL), uows())
    planner = pages.browser("planner")
    page = planner.get("/stock/EVIL")
    assert page.status_code == 200
    assert EVIL not in page.text
    assert ESCAPED in page.text
    link = re.search(r'href="(/stock/EVIL/batch/[^"]+)"', page.text)
    assert link
    trace = planner.get(link.group(1))
    assert trace.status_code == 200
    assert EVIL not in trace.text
    assert f"batch {ESCAPED}" in trace.text
    refused = planner.post(
        "/stock/EVIL/transfer",
        {"quantity": "9", "from_location": "MAIN", "to_location": "SHOP", "batch": EVIL},
    )
    assert refused.status_code == 422
    assert EVIL not in refused.text


def test_an_unknown_item_is_not_found(pages: Site) -> None:
    planner = pages.browser("planner")
    form = {"quantity": "1", "from_location": "MAIN", "to_location": "SHOP"}
    assert planner.post("/stock/NOPE/transfer", form).status_code == 404
