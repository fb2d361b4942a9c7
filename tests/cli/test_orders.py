"""The order commands a planner types: selling, buying, making, the shop floor, status and costs.

The small table maker: a TABLE is a TOP and 4 LEGs (+5 %); a TOP is 1.2 m2 of PLY and 50 ml of
GLUE; a LEG is 0.8 m of OAK. Dates are relative to today, as a planner's would be.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.cli.conftest import Takt

D = Decimal


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def ok(takt: Takt, *args: str) -> Any:
    """Runs a command with ``--json`` and returns its output, failing on any refusal."""
    return takt.json(*args)


@pytest.fixture
def shop(plant_cli: Takt) -> Takt:
    """The plant with a customer, 3 tables, plywood, glue and oak on the shelves."""
    for args in (
        ("customer", "add", "HOTEL", "Hotel Adler"),
        ("receive", "TABLE", "3", "--unit-cost", "200"),
        ("receive", "PLY", "3", "--unit-cost", "12"),
        ("receive", "GLUE", "2", "--unit-cost", "10", "--batch", "G-1"),
        ("receive", "OAK", "40", "--unit-cost", "4"),
    ):
        result = plant_cli(*args)
        assert result.exit_code == 0, result.output
    return plant_cli


# ---------------------------------------------------------------- selling


def test_sales_orders_ship_what_is_allocated_and_know_their_margin(shop: Takt) -> None:
    """3 tables in stock; the first order takes 2, the second gets 1 of its 2: it is red."""
    first = ok(shop, "so", "new", "HOTEL", "--delivery", day(3), "--line", "TABLE:2")
    assert (first["number"], first["status"], first["material_status"]) == (
        "SO-0001",
        "open",
        "green",
    )
    second = ok(shop, "so", "new", "HOTEL", "--delivery", day(4), "--line", "TABLE:2:500")
    assert second["material_status"] == "red"
    assert second["lines"][0]["reason"] == "short 1 of 2 after 1 in stock"

    refused = shop("so", "ship", "SO-0002", "1", "2")
    assert refused.exit_code == 1
    assert "quantity: only 1 TABLE allocated to SO-0002 line 1" in refused.stderr
    assert len(ok(shop, "ledger", "TABLE")) == 1  # only the receipt

    posted = ok(shop, "so", "ship", "SO-0002", "1", "1")
    assert posted["entries"][0]["quantity"] == "-1"
    ok(shop, "so", "ship", "SO-0001", "1", "2")

    rows = {r["number"]: r for r in ok(shop, "so", "list", "--status", "all")}
    assert rows["SO-0001"]["status"] == "delivered"
    assert rows["SO-0001"]["material_status"] == "green"
    assert (rows["SO-0002"]["status"], rows["SO-0002"]["material_status"]) == (
        "partly delivered",
        "red",
    )
    # 1 table shipped at 500, cost 200 each
    assert (rows["SO-0002"]["revenue"], rows["SO-0002"]["margin"]) == ("500", "300")
    assert rows["SO-0001"]["margin"] == "500"  # 2 at the sales price of 450, cost 200 each
    line = ok(shop, "status", "SO-0002")["lines"][0]
    assert (line["revenue"], line["margin"]) == ("500", "300")
    table = shop("status", "SO-0002")
    assert table.exit_code == 0, table.output
    assert "Margin" in table.stdout
    assert "300.00" in table.stdout
    assert [r["number"] for r in ok(shop, "so", "list")] == ["SO-0002"]


def test_a_quote_shows_what_it_would_get_and_commits_nothing(shop: Takt) -> None:
    quote = ok(shop, "so", "new", "HOTEL", "--delivery", day(5), "--line", "TABLE:2", "--quote")
    assert (quote["status"], quote["material_status"]) == ("quote", "green")
    assert quote["lines"][0]["reason"].startswith("quote, if confirmed now: in stock")
    # The quote holds nothing back: an open order for all 3 tables is green.
    assert (
        ok(shop, "so", "new", "HOTEL", "--delivery", day(9), "--line", "TABLE:3")["material_status"]
        == "green"
    )
    assert ok(shop, "status", "SO-0001")["material_status"] == "red"  # now nothing is left
    ok(shop, "so", "add-line", "SO-0001", "TOP", "1", "--price", "120")
    confirmed = ok(shop, "so", "confirm", "SO-0001")
    assert confirmed["status"] == "open"
    assert [ln["item"] for ln in confirmed["lines"]] == ["TABLE", "TOP"]
    # Confirmed, it ranks by its earlier delivery date and takes the tables first.
    assert ok(shop, "status", "SO-0002")["lines"][0]["material_status"] == "red"


def test_a_sales_order_ranked_first_takes_the_stock(shop: Takt) -> None:
    ok(shop, "so", "new", "HOTEL", "--delivery", day(3), "--line", "TABLE:3")
    ok(shop, "so", "new", "HOTEL", "--delivery", day(9), "--line", "TABLE:3")
    assert ok(shop, "status", "SO-0002")["material_status"] == "red"
    ranked = ok(shop, "so", "rank", "SO-0002", "-5")
    assert ranked["material_status"] == "green"
    assert ranked["summary"].endswith("rank -5")
    rows = {r["number"]: r for r in ok(shop, "so", "list")}
    assert (rows["SO-0001"]["rank"], rows["SO-0001"]["material_status"]) == (0, "red")
    assert rows["SO-0002"]["rank"] == -5
    table = shop("so", "list")
    assert table.exit_code == 0, table.output
    assert "Rank" in table.stdout


def test_status_shows_the_colour_as_a_word_and_a_symbol(shop: Takt) -> None:
    ok(shop, "so", "new", "HOTEL", "--delivery", day(3), "--line", "TABLE:2")
    result = shop("status", "SO-0001")
    assert result.exit_code == 0, result.output
    assert "● green" in result.stdout
    assert "in stock" in result.stdout


def test_make_to_order(shop: Takt) -> None:
    ok(shop, "so", "new", "HOTEL", "--delivery", day(10), "--line", "TABLE:5")
    assert ok(shop, "status", "SO-0001")["material_status"] == "red"
    mo = ok(shop, "so", "make", "SO-0001", "1")
    assert (mo["number"], mo["partner"]) == ("MO-0001", "HOTEL")
    line = ok(shop, "status", "SO-0001")["lines"][0]
    assert line["material_status"] == "amber"
    assert line["reason"].startswith("made to order: MO-0001")
    assert line["made_to_order"].startswith("MO-0001 (not started, materials red)")
    row = ok(shop, "mo", "list")[0]
    assert (row["customer"], row["sales_line"], row["quantity"]) == ("HOTEL", "SO-0001/1", "5")
    assert ok(shop, "so", "list")[0]["flag"] == "at risk"  # its MO has no tops or legs


# ---------------------------------------------------------------- buying


def test_a_purchase_order_in_time_is_amber_too_late_is_red(shop: Takt) -> None:
    """A top needs 1.2 m2 of plywood; 3 are in stock. 4 tops need 4.8."""
    mo = ok(shop, "mo", "new", "TOP", "4", "--due", day(10))
    assert mo["material_status"] == "red"
    ok(shop, "po", "new", "TIMBER", "--expected", day(12), "--line", "PLY:10:12")
    late = ok(shop, "status", "MO-0001")
    ply = next(ln for ln in late["lines"] if ln["item"] == "PLY")
    assert ply["material_status"] == "red"
    assert f"expected too late: 1.8 from PO-0001 on {day(12)}, needed {day(10)}" in ply["reason"]
    assert ok(shop, "po", "list")[0]["too_late_for"] == ["MO-0001/PLY"]

    ok(shop, "po", "cancel", "PO-0001")
    ok(shop, "po", "new", "TIMBER", "--expected", day(5), "--line", "PLY:10:12")
    assert ok(shop, "status", "MO-0001")["material_status"] == "amber"
    po_line = ok(shop, "status", "PO-0002")["lines"][0]
    assert (po_line["state"], po_line["unit"]) == ("open", "m2")
    assert po_line["reason"].startswith("MO-0001 PLY takes 1.8")
    table = shop("status", "PO-0002")
    assert "Waiting for it" in table.stdout
    assert "Colour" not in table.stdout
    posted = ok(shop, "po", "receive", "PO-0002", "1", "10")
    assert posted["entries"][0]["quantity"] == "10"
    assert ok(shop, "mo", "list")[0]["material_status"] == "green"
    statuses = {r["number"]: r["status"] for r in ok(shop, "po", "list", "--status", "all")}
    assert statuses == {"PO-0001": "cancelled", "PO-0002": "received"}


def test_a_new_supplier_sets_the_expected_date_of_its_orders(shop: Takt) -> None:
    added = ok(shop, "supplier", "add", "STEEL", "Stahl Meier", "--lead-time", "14")
    assert added == {"code": "STEEL", "name": "Stahl Meier", "lead_time_days": 14}
    assert "STEEL" in [s["code"] for s in ok(shop, "supplier", "list")]
    assert ok(shop, "po", "new", "STEEL", "--line", "OAK:10:4")["date"] == day(14)
    refused = shop("supplier", "add", "IRON", "Eisen", "--lead-time", "soon")
    assert refused.exit_code == 1
    assert "lead_time: 'soon' is not a whole number" in refused.stderr
    assert "IRON" not in [s["code"] for s in ok(shop, "supplier", "list")]


def test_an_order_keeps_the_partners_reference(shop: Takt) -> None:
    so = ok(shop, "so", "new", "HOTEL", "--delivery", day(3), "--reference", "ADLER-PO-77")
    assert (so["number"], so["reference"]) == ("SO-0001", "ADLER-PO-77")
    assert [r["reference"] for r in ok(shop, "so", "list")] == ["ADLER-PO-77"]
    assert "ref ADLER-PO-77" in shop("status", "SO-0001").output
    po = ok(shop, "po", "new", "TIMBER", "--line", "PLY:10:12", "--reference", "TIMBER-9021")
    assert po["reference"] == "TIMBER-9021"
    assert ok(shop, "po", "list")[0]["reference"] == "TIMBER-9021"


# ---------------------------------------------------------------- making


def test_an_mo_takes_a_substitute_ingredient(shop: Takt) -> None:
    ok(shop, "mo", "new", "TOP", "2", "--due", day(7))  # 2.4 m2 of plywood, glue
    ok(shop, "mo", "ingredient", "MO-0001", "PLY", "0")
    changed = ok(shop, "mo", "ingredient", "MO-0001", "OAK", "6")  # solid oak instead
    planned = {ln["item"]: ln["quantity"] for ln in changed["lines"]}
    assert planned["PLY"] == "0"
    assert planned["OAK"] == "6"
    refused = shop("mo", "ingredient", "MO-0001", "OAK", "-1")
    assert refused.exit_code == 1
    assert "quantity: ingredient quantity must not be negative" in refused.stderr
    assert shop("mo", "ingredient", "MO-0001", "NOPE", "1").exit_code == 1


def test_the_make_list_follows_the_planners_ranking(shop: Takt) -> None:
    ok(shop, "mo", "new", "TOP", "2", "--due", day(7))  # 2.4 m2: covered by the 3 in stock
    ok(shop, "mo", "new", "TOP", "2", "--due", day(5))  # ranked second: 0.6 left, red
    rows = ok(shop, "mo", "list")
    assert [(r["number"], r["rank"], r["material_status"]) for r in rows] == [
        ("MO-0001", 1, "green"),
        ("MO-0002", 2, "red"),
    ]
    assert rows[0]["production_minutes"] == "0"  # TOP has no routing
    ranked = ok(shop, "mo", "rank", "MO-0002", "1")
    assert [(r["number"], r["rank"], r["material_status"]) for r in ranked] == [
        ("MO-0002", 1, "green"),
        ("MO-0001", 2, "red"),
    ]
    third = ok(shop, "mo", "new", "LEG", "4", "--due", day(-1), "--rank", "1")
    assert third["number"] == "MO-0003"
    rows = ok(shop, "mo", "list")
    assert [r["number"] for r in rows] == ["MO-0003", "MO-0002", "MO-0001"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["late"] is True  # due yesterday and not done


def test_tasks_complete_and_costs(shop: Takt) -> None:
    """10 legs need 8 m of oak and 45 minutes on the saw (15 setup + 3 x 10)."""
    ok(shop, "mo", "new", "LEG", "10", "--due", day(4))
    started = ok(shop, "task", "start", "MO-0001", "10")
    assert (started["status"], started["mo_status"]) == ("in progress", "in progress")
    tasks = ok(shop, "task", "list", "--workstation", "SAW")
    assert [(t["mo"], t["sequence"], t["status"]) for t in tasks] == [
        ("MO-0001", 10, "in progress")
    ]
    assert ok(shop, "task", "pause", "MO-0001", "10")["status"] == "paused"
    assert ok(shop, "task", "resume", "MO-0001", "10")["status"] == "in progress"
    finished = ok(shop, "task", "finish", "MO-0001", "10", "--done", "10", "--scrap", "1")
    assert (finished["status"], finished["quantity_done"], finished["scrap"]) == ("done", "10", "1")
    assert ok(shop, "task", "list") == []

    blocked = ok(shop, "mo", "block", "MO-0001", "--reason", "waiting for QA")
    assert blocked["status"] == "blocked"
    refused = shop("mo", "complete", "MO-0001", "10")
    assert refused.exit_code == 1
    assert "quantity: MO-0001 is blocked (waiting for QA)" in refused.stderr
    assert ok(shop, "mo", "unblock", "MO-0001")["status"] == "in progress"

    ok(shop, "mo", "issue", "MO-0001", "OAK", "5")
    posted = ok(shop, "mo", "complete", "MO-0001", "10", "--consume", "OAK:3.5")
    assert [(e["sku"], e["quantity"]) for e in _entries(posted)] == [
        ("OAK", "-3.5"),
        ("LEG", "10"),
    ]
    assert ok(shop, "mo", "list", "--status", "done")[0]["material_status"] == "green"
    costs = ok(shop, "costs", "MO-0001")
    # Planned: 8 m oak at 4 = 32; 45 min saw at 30/h = 22.5. Actual: 8.5 m oak = 34.
    assert (costs["planned"]["materials"], costs["planned"]["labour"]) == ("32", "22.5")
    assert costs["actual"]["materials"] == "34"
    assert costs["variance"]["materials"] == "2"
    result = shop("costs", "MO-0001")
    assert "Materials" in result.stdout
    assert "Variance" in result.stdout


def _entries(posted: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"sku": e["key"]["item"], "quantity": e["quantity"]} for e in posted["entries"]]


def test_a_negative_quantity_reaches_the_use_case(shop: Takt) -> None:
    ok(shop, "so", "new", "HOTEL", "--delivery", day(3))
    result = shop("so", "add-line", "SO-0001", "TABLE", "-2")
    assert result.exit_code == 1
    assert "quantity: line 1: quantity must be positive, got -2" in result.stderr
    assert ok(shop, "status", "SO-0001")["lines"] == []


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["so", "new", "HOTEL", "--delivery", "2026-13-01", "--line", "TABLE:1"],
            "delivery: '2026-13-01' is not a date: use YYYY-MM-DD",
        ),
        (
            ["so", "new", "HOTEL", "--delivery", "next friday"],
            "delivery: 'next friday' is not a date",
        ),
        (
            ["so", "new", "NOBODY", "--delivery", "2030-01-01"],
            "customer: unknown customer 'NOBODY'",
        ),
        (
            ["so", "new", "HOTEL", "--delivery", "2030-01-01", "--line", "TABLE"],
            "line: 'TABLE' is not SKU:QTY or SKU:QTY:PRICE",
        ),
        (
            ["so", "new", "HOTEL", "--delivery", "2030-01-01", "--line", "TABLE:two"],
            "quantity: quantity is not a number",
        ),
        (
            ["so", "new", "HOTEL", "--delivery", "2030-01-01", "--line", "TABLE:1:-5"],
            "price: price must not be negative",
        ),
        (
            ["so", "new", "HOTEL", "--delivery", "2030-01-01", "--line", "OAK:1:5"],
            "sku: OAK is a material",
        ),
        (
            [
                "so",
                "new",
                "HOTEL",
                "--delivery",
                "2030-01-01",
                "--line",
                "TABLE:1",
                "--line",
                "X:1",
            ],
            "sku: unknown SKU 'X'",
        ),
        (["so", "ship", "SO-0009", "1", "1"], "order: unknown sales order 'SO-0009'"),
        (["so", "ship", "SO-0001", "first", "1"], "line: 'first' is not a whole number"),
        (["so", "list", "--status", "shipped"], "status: 'shipped' is not one of"),
        (["po", "new", "TIMBER"], "line: a purchase order needs at least one --line"),
        (
            ["po", "new", "TIMBER", "--expected", "31.12.2030", "--line", "PLY:10"],
            "expected: '31.12.2030' is not a date",
        ),
        (["po", "new", "NOBODY", "--line", "PLY:10:1"], "supplier: unknown supplier 'NOBODY'"),
        (["po", "new", "TIMBER", "--line", "TABLE:1:1"], "sku: TABLE is made here"),
        (["po", "receive", "PO-0001", "1", "1"], "order: unknown purchase order 'PO-0001'"),
        (
            ["po", "new", "TIMBER", "--line", "PLY:10:1", "--reference", "R" * 65],
            "reference: reference must be at most 64 characters",
        ),
        (["mo", "new", "TOP", "2", "--due", "tomorrow"], "due: 'tomorrow' is not a date"),
        (["mo", "new", "TOP", "-2", "--due", "2030-01-01"], "quantity: quantity must be positive"),
        (["mo", "new", "OAK", "2", "--due", "2030-01-01"], "sku: OAK is a material"),
        (
            ["mo", "new", "TOP", "2", "--due", "2030-01-01", "--rank", "0"],
            "rank: must be 1 or more",
        ),
        (["mo", "rank", "MO-0001", "top"], "position: 'top' is not a whole number"),
        (["so", "rank", "SO-0001", "first"], "rank: 'first' is not a whole number"),
        (["so", "rank", "SO-0404", "1"], "order: unknown sales order 'SO-0404'"),
        (["mo", "complete", "MO-0001", "1", "--consume", "OAK"], "consume: 'OAK' is not SKU:QTY"),
        (["mo", "list", "--status", "started"], "status: 'started' is not one of"),
        (["task", "start", "MO-0001", "ten"], "seq: 'ten' is not a whole number"),
        (["task", "start", "MO-0042", "10"], "order: unknown manufacturing order 'MO-0042'"),
        (["task", "list", "--workstation", "LASER"], "workstation: unknown workstation 'LASER'"),
        (["task", "list", "--operator", "NOBODY"], "operator: unknown operator 'NOBODY'"),
        (["status", "XO-1"], "order: 'XO-1' is not an order number"),
        (["status", "SO-0404"], "order: unknown sales order 'SO-0404'"),
        (["costs", "MO-0404"], "order: unknown manufacturing order 'MO-0404'"),
        (["customer", "add", "HOTEL", "Again"], "code: customer 'HOTEL' already exists"),
        (["customer", "add", "bad code", "Name"], "code: customer code 'bad code' is not valid"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    shop: Takt, args: list[str], message: str
) -> None:
    before = ok(shop, "ledger")
    result = shop(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert ok(shop, "so", "list", "--status", "all") == []
    assert ok(shop, "po", "list", "--status", "all") == []
    assert ok(shop, "mo", "list", "--status", "all") == []
    assert ok(shop, "ledger") == before
    assert [c["code"] for c in ok(shop, "customer", "list")] == ["HOTEL"]


def test_a_refused_task_action_changes_nothing(shop: Takt) -> None:
    ok(shop, "mo", "new", "LEG", "4", "--due", day(4))
    result = shop("task", "pause", "MO-0001", "10")
    assert result.exit_code == 1
    assert "status: task 10 Cut legs is not started: it cannot pause" in result.stderr
    assert ok(shop, "status", "MO-0001")["status"] == "not started"
    assert ok(shop, "task", "list")[0]["status"] == "not started"
