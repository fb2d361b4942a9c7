"""The Buy page: purchase orders with expected dates, status and lines, receiving partial
quantities through the form (batches, CSRF, roles, errors naming the field) and escaping."""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.app import api_queries, purchasing, queries
from takt.app.ports import LedgerFilter
from takt.domain.ledger import Reason
from tests.web.conftest import Site
from tests.web.test_sell import with_pages

D = Decimal


@pytest.fixture
def pages(site: Site) -> Site:
    return with_pages(site)


def _glue_po(site: Site) -> str:
    """A PO for oak and batch-tracked glue (2 l)."""
    lines = (
        purchasing.PurchaseLineInput("OAK", D(4), D("8")),
        purchasing.PurchaseLineInput("GLUE", D(2), D("6")),
    )
    cmd = purchasing.NewPurchaseOrder("TIMBER", lines)
    return purchasing.create_purchase_order(cmd, site.takt.uows()).number


def test_the_buy_list_shows_orders_with_expected_date_status_and_lines(pages: Site) -> None:
    po = pages.orders["po"]
    page = pages.browser("planner").get("/buy")
    assert page.status_code == 200
    assert "<title>Buy · Takt</title>" in page.text
    row = page.text.split(f'id="po-{po}"')[1].split("</tr>")[0]
    assert "Timber &amp; Co" in row
    assert "OAK: 0 of 10 m received" in row
    assert "Open" in row
    assert "85.00" in row  # 10 × 8.50 for a planner
    assert "85.00" not in pages.browser("viewer").get("/buy").text


def test_the_order_page_says_who_waits_and_offers_the_receive_form(pages: Site) -> None:
    po = pages.orders["po"]
    page = pages.browser("planner").get(f"/buy/{po}")
    assert page.status_code == 200
    line = page.text.split('id="line-1"')[1].split("</tr>")[0]
    assert "takes 3.2" in line  # the legs' MO waits for 3.2 m of oak
    assert 'name="receive-1"' in line
    assert 'id="receive-button"' in page.text


def test_a_planner_receives_part_of_a_line_and_a_batch_through_the_form(pages: Site) -> None:
    po = _glue_po(pages)
    planner = pages.browser("planner")
    page = planner.get(f"/buy/{po}")
    assert 'name="batch-2"' in page.text
    assert 'name="batch-1"' not in page.text  # oak is not batch-tracked
    response = planner.post(
        f"/buy/{po}/receive", {"receive-1": "1.5", "receive-2": "2", "batch-2": "G-77"}
    )
    assert response.status_code == 303
    after = planner.get(response.headers["location"])
    assert "Received: line 1 × 1.5, line 2 × 2" in after.text
    assert "Partly received" in after.text
    order = api_queries.purchase_order(pages.takt.uows, po)
    assert [ln.received for ln in order.lines] == [D("1.5"), D(2)]
    glue = queries.ledger(pages.takt.uows, LedgerFilter(sku="GLUE", reason=Reason.RECEIPT))
    assert [(e.key.batch, e.quantity) for e in glue] == [("G-77", D(2))]
    # the rest with htmx: the order comes back as a fragment, received in full
    rest = planner.post(f"/buy/{po}/receive", {"receive-1": "2.5"}, htmx=True)
    assert rest.status_code == 200
    assert rest.text.lstrip().startswith('<section id="order-detail"')
    assert "Received" in rest.text
    assert 'id="receive-button"' not in rest.text
    assert [e.action for e in api_queries.audit_entries(pages.takt.uows, "purchase_order", po)][
        :2
    ] == ["receive", "receive"]


def test_a_missing_batch_or_a_bad_quantity_is_named_and_nothing_is_received(pages: Site) -> None:
    po = _glue_po(pages)
    planner = pages.browser("planner")
    no_batch = planner.post(f"/buy/{po}/receive", {"receive-1": "1", "receive-2": "1"}, htmx=True)
    assert no_batch.status_code == 422
    assert no_batch.headers["HX-Retarget"] == "#alerts"
    assert "Line 2 batch: GLUE is batch-tracked" in no_batch.text
    bad = planner.post(f"/buy/{po}/receive", {"receive-1": "-1"}, htmx=True)
    assert "Line 1 quantity: must not be negative" in bad.text
    plain = planner.post(f"/buy/{po}/receive", {"receive-1": "x"})
    assert plain.status_code == 422
    assert "Line 1 quantity" in plain.text
    assert 'role="alert"' in plain.text
    order = api_queries.purchase_order(pages.takt.uows, po)
    assert [ln.received for ln in order.lines] == [0, 0]


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_roles_that_may_not_receive_see_no_form_and_are_refused(pages: Site, role: str) -> None:
    po = pages.orders["po"]
    browser = pages.browser(role)
    if role == "viewer":
        page = browser.get(f"/buy/{po}")
        assert page.status_code == 200
        assert 'name="receive-1"' not in page.text
        assert 'id="receive-button"' not in page.text
    else:
        for path in ("/buy", "/buy/table", f"/buy/{po}"):
            assert browser.get(path).status_code == 403
    assert browser.post(f"/buy/{po}/receive", {"receive-1": "1"}).status_code == 403
    assert api_queries.purchase_order(pages.takt.uows, po).lines[0].received == 0


def test_receiving_without_the_csrf_token_is_refused(pages: Site) -> None:
    po = pages.orders["po"]
    planner = pages.browser("planner")
    assert planner.post(f"/buy/{po}/receive", {"receive-1": "1"}, csrf=False).status_code == 403
    assert api_queries.purchase_order(pages.takt.uows, po).lines[0].received == 0


def test_the_status_filter_and_search_narrow_the_list(pages: Site) -> None:
    po = pages.orders["po"]
    planner = pages.browser("planner")
    assert f'id="po-{po}"' in planner.get("/buy/table?q=oak").text
    assert f'id="po-{po}"' not in planner.get("/buy/table?q=glue").text
    assert f'id="po-{po}"' not in planner.get("/buy/table?status=received").text
    assert f'id="po-{po}"' in planner.get("/buy/table?status=all").text
    assert planner.get("/buy/SO-0001").status_code == 404
