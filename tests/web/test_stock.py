"""The Stock page: item figures (in stock, committed, expected, available, missing), search,
the per-item ledger with its filters, the costs rule for every role, and escaping."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from takt.app import api_queries, catalog, stock
from takt.domain.items import Item, ItemKind
from tests.web.conftest import Site
from tests.web.test_sell import with_pages

D = Decimal


@pytest.fixture
def pages(site: Site) -> Site:
    return with_pages(site)


def _row(html: str, sku: str) -> str:
    return html.split(f'id="item-{sku}"')[1].split("</tr>")[0]


def _nums(row: str) -> list[str]:
    return re.findall(r'<td class="num[^"]*">([^<]*)', row)


def test_the_stock_list_shows_each_items_figures(pages: Site) -> None:
    uows = pages.takt.uows
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8")), uows())
    page = pages.browser("planner").get("/stock")
    assert page.status_code == 200
    assert "<title>Stock · Takt</title>" in page.text
    oak = _row(page.text, "OAK")
    # legs need 4 × 0.8 m = 3.2 m of oak; 2 m in stock; the PO brings 10 m
    assert [n.strip() for n in _nums(oak)][:4] == ["2", "3.2", "10", "-1.2"]
    assert "none" in oak  # nothing missing once the PO arrives
    assert "MAIN: 2" in oak
    table = _row(page.text, "TABLE")
    # 2 tables to ship, one being made: one missing
    assert "1 missing" in table
    assert '<tr id="item-TABLE" class="is-short">' in page.text
    assert '<tr id="item-OAK">' in page.text


def test_the_search_and_the_missing_filter_narrow_the_list(pages: Site) -> None:
    planner = pages.browser("planner")
    found = planner.get("/stock/table?q=oak")
    assert 'id="item-OAK"' in found.text
    assert 'id="item-TABLE"' not in found.text
    short = planner.get("/stock/table?short=1")
    assert 'id="item-TABLE"' in short.text
    assert 'id="item-PLY"' not in short.text
    assert "No item matches these filters." in planner.get("/stock?q=zzz").text


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_operators_and_viewers_see_stock_without_costs(pages: Site, role: str) -> None:
    uows = pages.takt.uows
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8.25")), uows())
    browser = pages.browser(role)
    page = browser.get("/stock")
    assert page.status_code == 200
    assert "Avg cost" not in page.text
    assert "8.2500" not in page.text
    ledger = browser.get("/stock/OAK")
    assert ledger.status_code == 200
    assert "Unit cost" not in ledger.text
    assert "8.2500" not in ledger.text
    assert "8.2500" in pages.browser("planner").get("/stock").text


def test_an_operator_never_sees_costs_even_when_viewers_may(pages: Site) -> None:
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8.25")), pages.takt.uows())
    with pages.takt.uows() as uow:
        uow.settings.set(api_queries.VIEWERS_SEE_COSTS, "true")
        uow.commit()
    assert "8.2500" in pages.browser("viewer").get("/stock").text
    assert "8.2500" not in pages.browser("operator").get("/stock").text


def test_the_item_ledger_filters_by_location_and_reason(pages: Site) -> None:
    uows = pages.takt.uows
    stock.adjust(stock.Adjust("OAK", D(5), "count", unit_cost=D("8")), uows())
    stock.adjust(stock.Adjust("OAK", D(1), "found", location="SHOP", unit_cost=D("8")), uows())
    stock.scrap(stock.Scrap("OAK", D(2), "split board"), uows())
    planner = pages.browser("planner")
    page = planner.get("/stock/OAK")
    assert page.status_code == 200
    assert page.text.count("<tr>") == 4  # the header and three entries
    assert "4 m in stock" in page.text  # 5 + 1 - 2
    assert "MAIN 3, SHOP 1" in page.text
    shop = planner.get("/stock/OAK?location=SHOP")
    assert shop.text.count("<tr>") == 2
    assert "found" in shop.text
    scrapped = planner.get("/stock/OAK?reason=scrap", headers={"HX-Request": "true"})
    assert scrapped.text.lstrip().startswith('<section id="ledger"')
    assert "split board" in scrapped.text
    assert "found" not in scrapped.text
    unknown = planner.get("/stock/OAK?location=NOWHERE")
    assert unknown.status_code == 422
    assert "location: unknown location" in unknown.text
    assert planner.get("/stock/NOPE").status_code == 404


def test_item_names_are_shown_as_text(pages: Site) -> None:
    catalog.add_item(
        Item("EVIL", "<script>alert(1)</script>", ItemKind.MATERIAL), pages.takt.uows()
    )
    planner = pages.browser("planner")
    for path in ("/stock", "/stock/EVIL"):
        page = planner.get(path)
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
