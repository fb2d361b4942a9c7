"""Drag and drop on the Make page: the dropped row's neighbours decide its new rank; the table
comes back re-ranked; roles, CSRF and a stale neighbour are refused."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from takt.app import api_queries, manufacturing
from tests.web.conftest import Site


def _order_on_page(html: str) -> list[str]:
    return re.findall(r'<tr id="row-(MO-\d+)"', html)


def _third(site: Site) -> str:
    soon = date.today() + timedelta(days=20)
    return manufacturing.create_mo(
        manufacturing.NewMO("LEG", Decimal(8), soon), site.takt.uows()
    ).number


def test_a_row_dropped_at_the_top_or_between_two_rows_takes_that_place(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    third = _third(site)
    planner = site.browser("planner")
    page = planner.get("/make")
    assert 'data-sortable="make-drop"' in page.text
    assert 'class="drag-handle"' in page.text
    top = planner.post("/make/drop", {"number": third, "before": legs}, htmx=True)
    assert top.status_code == 200
    assert top.text.lstrip().startswith('<section id="make-table"')
    assert _order_on_page(top.text) == [third, legs, table]
    between = planner.post("/make/drop", {"number": table, "after": third}, htmx=True)
    assert _order_on_page(between.text) == [third, table, legs]
    last = planner.post("/make/drop", {"number": third, "after": legs})
    assert last.status_code == 303
    ranked = [m.number for m in api_queries.manufacturing_orders(site.takt.uows)]
    assert ranked == [table, legs, third]


def test_a_drop_onto_a_stale_neighbour_or_by_a_viewer_is_refused(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    stale = planner.post("/make/drop", {"number": table, "after": "MO-9999"}, htmx=True)
    assert stale.status_code == 422
    assert "MO-9999 is no longer an open order" in stale.text
    assert (
        site.browser("viewer").post("/make/drop", {"number": table, "before": legs}).status_code
        == 403
    )
    assert (
        planner.post("/make/drop", {"number": table, "before": legs}, csrf=False).status_code == 403
    )
    assert "data-sortable" not in site.browser("viewer").get("/make").text
