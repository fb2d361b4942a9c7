"""The Items page: the list with kind, unit, stock, cost, BOM and supplier, its search and kind
filter; an item's BOM tree (levels, quantities for the chosen quantity, wastage, made/bought,
rolled-up costs), its routing, the costs rule for every role, and escaping."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from takt.app import api_queries, catalog, stock
from takt.domain.items import Item, ItemKind
from tests.web.conftest import Site

D = Decimal


def with_items(site: Site) -> Site:
    """The Items router on the site's app (until ``create_web`` includes it)."""
    from takt.web import items

    if "items_page" not in {getattr(r, "name", "") for r in site.app.router.routes}:
        site.app.include_router(items.router)
    return site


@pytest.fixture
def pages(site: Site) -> Site:
    return with_items(site)


def _row(html: str, sku: str) -> str:
    return html.split(f'id="item-{sku}"')[1].split("</tr>")[0]


def _node(html: str, sku: str) -> str:
    """The line of the first tree node for ``sku`` (without its children)."""
    found = re.search(rf'<li class="bom-node level-(\d)" data-level="\d" id="bom-\d+-{sku}">', html)
    assert found, f"no tree node for {sku}"
    return found.group(1) + "|" + html[found.end() :].split("</div>")[0]


def test_the_item_list_shows_kind_unit_stock_cost_bom_and_supplier(pages: Site) -> None:
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8.25")), pages.takt.uows())
    page = pages.browser("planner").get("/items")
    assert page.status_code == 200
    assert "<title>Items · Takt</title>" in page.text
    assert '<link rel="stylesheet" href="/static/items.css">' in page.text
    oak = _row(page.text, "OAK")
    assert "Material" in oak
    assert "<td>m</td>" in oak
    assert '<td class="num">2</td>' in oak
    assert "8.2500" in oak
    assert "TIMBER" in oak
    assert "no" in oak  # no BOM
    table = _row(page.text, "TABLE")
    assert "Product" in table
    assert "yes" in table
    assert 'href="/items/TABLE"' in table
    assert "7 of 7 items" in page.text


def test_the_search_and_kind_filter_narrow_the_list(pages: Site) -> None:
    planner = pages.browser("planner")
    found = planner.get("/items/table?q=timber")
    assert found.text.lstrip().startswith('<section id="items-table"')
    assert 'id="item-OAK"' in found.text
    assert 'id="item-PLY"' not in found.text
    subs = planner.get("/items?kind=subassembly").text
    assert 'id="item-LEG"' in subs
    assert 'id="item-TOP"' in subs
    assert 'id="item-TABLE"' not in subs
    assert 'id="item-OAK"' not in subs
    assert '<option value="subassembly" selected>' in subs
    assert "No item matches these filters." in planner.get("/items?q=zzz").text
    # an unknown kind is ignored, not an error
    assert 'id="item-TABLE"' in planner.get("/items?kind=nonsense").text


def test_the_item_page_shows_the_bom_as_a_tree_with_quantities(pages: Site) -> None:
    page = pages.browser("planner").get("/items/TABLE")
    assert page.status_code == 200
    html = page.text
    assert "<title>TABLE · Takt</title>" in html
    assert "for 1 pcs, 2 levels" in html
    # levels: TOP and LEG at 1, their components at 2
    assert _node(html, "TOP").startswith("1|")
    assert _node(html, "LEG").startswith("1|")
    for sku in ("PLY", "GLUE", "OAK"):
        assert _node(html, sku).startswith("2|")
    leg = _node(html, "LEG")
    assert "4 pcs per unit + 5 % wastage" in leg
    assert '<span class="bom-qty">4.2 <span class="unit">pcs</span>' in leg
    assert "tag-made" in leg
    oak = _node(html, "OAK")
    assert "80 cm per unit" in oak
    assert '<span class="bom-qty">3.36 <span class="unit">m</span>' in oak
    assert "tag-bought" in oak
    assert '<span class="bom-qty">0.05 <span class="unit">l</span>' in _node(html, "GLUE")
    # nested lists: the LEG's list holds the OAK
    assert html.index('id="bom-2-LEG"') < html.index('id="bom-1-OAK"')
    assert html.count('<ul class="bom-level">') == 3


def test_the_quantity_form_multiplies_the_tree(pages: Site) -> None:
    planner = pages.browser("planner")
    html = planner.get("/items/TABLE?quantity=2").text
    assert 'name="quantity" value="2"' in html
    assert '<span class="bom-qty">8.4 <span class="unit">pcs</span>' in _node(html, "LEG")
    assert '<span class="bom-qty">6.72 <span class="unit">m</span>' in _node(html, "OAK")
    assert '<span class="bom-qty">2.4 <span class="unit">m2</span>' in _node(html, "PLY")
    bad = planner.get("/items/TABLE?quantity=abc")
    assert bad.status_code == 422
    assert "Quantity" in bad.text
    assert planner.get("/items/TABLE?quantity=0").status_code == 422
    assert planner.get("/items/NOPE").status_code == 404


def test_each_level_shows_its_rolled_up_cost(pages: Site) -> None:
    stock.adjust(stock.Adjust("OAK", D(10), "count", unit_cost=D("10")), pages.takt.uows())
    html = pages.browser("planner").get("/items/TABLE").text
    # OAK: 3.36 m × 10 = 33.60; LEG (4.2): 33.60 + labour (15 + 3 × 4.2 min) × 30/h = 13.80
    assert '<span class="bom-cost">33.60' in _node(html, "OAK")
    assert '<span class="bom-cost">47.40' in _node(html, "LEG")
    # PLY: 1.2 × 12.50 standard cost (an estimate); GLUE has no cost at all
    assert '<span class="bom-cost">15.00 <abbr' in _node(html, "PLY")
    assert "no cost" in _node(html, "GLUE")
    # the whole: 33.60 + 15.00 materials; 13.80 + (10 + 45) min × 24/h = 22.00 labour
    assert '<dd id="cost-materials">48.60</dd>' in html
    assert '<dd id="cost-labour">35.80</dd>' in html
    assert '<dd id="cost-total">84.40</dd>' in html
    assert "No cost known for: GLUE" in html


def test_the_routing_shows_operations_and_rates(pages: Site) -> None:
    planner = pages.browser("planner")
    leg = planner.get("/items/LEG?quantity=4").text
    row = leg.split('id="op-10"')[1].split("</tr>")[0]
    assert "Cut legs" in row
    assert "SAW" in row
    assert "Panel saw" in row
    assert "15 min" in row
    assert "3 min" in row
    assert "27 min" in row  # 15 + 3 × 4
    assert "30.00" in row  # cost per hour
    assert "13.50" in row  # 27 min at 30/h
    oak = planner.get("/items/OAK").text
    assert "OAK is bought: it has no BOM." in oak
    assert "No routing." in oak
    assert 'name="quantity"' not in oak


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_operators_and_viewers_see_items_without_costs(pages: Site, role: str) -> None:
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8.25")), pages.takt.uows())
    browser = pages.browser(role)
    listing = browser.get("/items")
    assert listing.status_code == 200
    assert "Avg cost" not in listing.text
    assert "8.2500" not in listing.text
    item = browser.get("/items/TABLE")
    assert item.status_code == 200
    assert 'id="bom-tree"' in item.text
    assert 'id="routing"' in item.text
    assert "bom-cost" not in item.text
    assert "cost-total" not in item.text
    assert "Cost / hour" not in item.text
    assert "24.00" not in item.text


def test_viewers_see_costs_when_the_company_allows_it_operators_never(pages: Site) -> None:
    stock.adjust(stock.Adjust("OAK", D(2), "count", unit_cost=D("8.25")), pages.takt.uows())
    with pages.takt.uows() as uow:
        uow.settings.set(api_queries.VIEWERS_SEE_COSTS, "true")
        uow.commit()
    assert "8.2500" in pages.browser("viewer").get("/items").text
    assert "bom-cost" in pages.browser("viewer").get("/items/TABLE").text
    assert "8.2500" not in pages.browser("operator").get("/items").text
    assert "bom-cost" not in pages.browser("operator").get("/items/TABLE").text


def test_the_pages_need_a_login(pages: Site) -> None:
    anonymous = pages.browser()
    response = anonymous.get("/items/TABLE", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/items/TABLE"


def test_item_names_are_shown_as_text(pages: Site) -> None:
    uows = pages.takt.uows
    catalog.add_item(Item("EVIL", "<script>alert(1)</script>", ItemKind.MATERIAL), uows())
    planner = pages.browser("planner")
    for path in ("/items", "/items/EVIL", "/items?q=<script>"):
        page = planner.get(path)
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text
        assert "<script>" not in page.text.split("</head>")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in planner.get("/items").text
