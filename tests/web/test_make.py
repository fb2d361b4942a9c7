"""The Make page: rows in rank order, re-ranking, roles, escaping, filters and the pegging."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, orders_queries
from takt.web import render
from tests.web.conftest import Site


def _order_on_page(html: str) -> list[str]:
    return re.findall(r'<tr id="row-(MO-\d+)"', html)


def test_the_make_list_shows_open_orders_in_rank_order_with_words_beside_colours(
    site: Site,
) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    page = site.browser("planner").get("/make")
    assert page.status_code == 200
    assert "<title>Make · Takt</title>" in page.text
    assert _order_on_page(page.text) == [legs, table]
    # the legs need oak, none in stock, a PO is open: expected (amber) with its icon and words
    row = page.text.split(f'id="row-{legs}"')[1].split("</tr>")[0]
    assert 'class="mat mat-amber"' in row
    assert '<span class="mat-icon" aria-hidden="true">◷</span> Expected' in row
    assert f'aria-label="Materials of {legs}: Expected. Show the pegging."' in row
    assert "min</td>" in row  # the production time


def test_a_planner_moves_an_order_down_and_the_table_comes_back_in_the_new_order(
    site: Site,
) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    response = planner.post(f"/make/{legs}/move", {"direction": "down"}, htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="make-table"')
    assert _order_on_page(response.text) == [table, legs]
    ranked = [m.number for m in api_queries.manufacturing_orders(site.takt.uows)]
    assert ranked == [table, legs]
    # without htmx: the form posts and the browser is sent back to the list
    plain = planner.post(f"/make/{legs}/move", {"direction": "up"})
    assert plain.status_code == 303
    assert plain.headers["location"].startswith("/make")
    assert _order_on_page(planner.get("/make").text) == [legs, table]
    entries = api_queries.audit_entries(site.takt.uows, "manufacturing_order", legs)
    assert [e.action for e in entries][:2] == ["rank", "rank"]


def test_moving_the_first_order_up_changes_nothing(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    response = site.browser("planner").post(f"/make/{legs}/move", {"direction": "up"}, htmx=True)
    assert _order_on_page(response.text) == [legs, table]


def test_moving_skips_orders_hidden_by_the_search(site: Site) -> None:
    uows = site.takt.uows
    due = date.today() + timedelta(days=40)
    third = manufacturing.create_mo(manufacturing.NewMO("LEG", Decimal(8), due), uows()).number
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    response = planner.post(f"/make/{third}/move", {"direction": "up", "q": "LEG"}, htmx=True)
    assert _order_on_page(response.text) == [third, legs]  # the visible ones, filtered
    assert _order_on_page(planner.get("/make").text) == [third, legs, table]


def test_only_planners_and_admins_see_and_may_use_the_move_buttons(site: Site) -> None:
    legs = site.orders["legs"]
    for role in ("planner", "admin"):
        assert f'id="down-{legs}"' in site.browser(role).get("/make").text
    for role in ("viewer", "operator"):
        browser = site.browser(role)
        page = browser.get("/make")
        assert page.status_code == 200
        assert f'id="down-{legs}"' not in page.text
        assert 'data-move="' not in page.text
        refused = browser.post(f"/make/{legs}/move", {"direction": "down"}, htmx=True)
        assert refused.status_code == 403
        assert "may not" in refused.text
    assert _order_on_page(site.browser("planner").get("/make").text)[0] == legs


def test_a_move_without_the_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    assert planner.post(f"/make/{legs}/move", {"direction": "down"}, csrf=False).status_code == 403
    wrong = planner.post(f"/make/{legs}/move", {"direction": "down", "csrf": "forged"}, htmx=True)
    assert wrong.status_code == 403
    assert wrong.headers["HX-Retarget"] == "#alerts"
    assert _order_on_page(planner.get("/make").text) == [legs, table]
    # the htmx header carries the token as well as the hidden field
    header = planner.client.post(
        f"/make/{legs}/move",
        data={"direction": "down"},
        headers={"X-CSRF-Token": planner.csrf, "HX-Request": "true"},
    )
    assert header.status_code == 200
    assert _order_on_page(header.text) == [table, legs]


def test_text_from_the_database_is_shown_as_text_never_as_markup(site: Site) -> None:
    legs = site.orders["legs"]
    manufacturing.block_mo(legs, "<script>alert('x')</script>", site.takt.uows())
    page = site.browser("planner").get("/make")
    assert "<script>alert(" not in page.text
    assert "&lt;script&gt;alert(" in page.text


def test_filters_narrow_the_list(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    assert _order_on_page(planner.get("/make?q=table").text) == [table]
    assert _order_on_page(planner.get("/make/table?q=leg").text) == [legs]
    assert _order_on_page(planner.get("/make?late=1").text) == []
    manufacturing.block_mo(table, "saw blade broken", site.takt.uows())
    assert _order_on_page(planner.get("/make?status=blocked").text) == [table]
    assert _order_on_page(planner.get("/make?status=nonsense").text) == [legs, table]


def test_the_list_filters_by_workstation_and_by_material_status(site: Site) -> None:
    """The legs are cut on the saw, the table is assembled on the bench."""
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    page = planner.get("/make")
    assert '<option value="SAW">SAW</option>' in page.text
    assert _order_on_page(planner.get("/make?ws=SAW").text) == [legs]
    assert _order_on_page(planner.get("/make/table?ws=ASSY").text) == [table]
    assert _order_on_page(planner.get("/make?ws=SAW&q=table").text) == []
    colours = {row.number: row.material_status for row in orders_queries.make_list(site.takt.uows)}
    for colour in ("green", "amber", "red"):
        shown = _order_on_page(planner.get(f"/make?material={colour}").text)
        assert shown == [n for n in (legs, table) if colours[n] == colour]
    assert _order_on_page(planner.get("/make?material=purple").text) == [legs, table]


def test_the_travellers_of_the_selected_orders_print_together(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    planner = site.browser("planner")
    page = planner.get("/make")
    assert f'<input type="checkbox" name="mo" value="{legs}" form="make-print"' in page.text
    both = planner.get(f"/make/travellers?mo={legs}&mo={table}&mo={legs}")
    assert both.status_code == 200
    assert both.text.count('<article class="doc-page">') == 2
    assert both.text.index(legs) < both.text.index(table)
    pdf = planner.get(f"/make/travellers.pdf?mo={legs}&mo={table}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    pages = pdf.content.count(b"/Type /Page") - pdf.content.count(b"/Type /Pages")
    assert pages == 2
    assert planner.get("/make/travellers").status_code == 422
    # an operator prints only orders with a task of theirs (OP1 runs the saw, not assembly)
    operator = site.browser("operator")
    assert operator.get(f"/make/travellers?mo={legs}").status_code == 200
    assert operator.get(f"/make/travellers?mo={legs}&mo={table}").status_code == 403


def test_an_order_past_its_due_date_is_flagged_late(site: Site) -> None:
    uows = site.takt.uows
    past = date.today() - timedelta(days=2)
    late = manufacturing.create_mo(manufacturing.NewMO("LEG", Decimal(2), past), uows()).number
    planner = site.browser("planner")
    assert _order_on_page(planner.get("/make?late=1").text) == [late]
    row = planner.get("/make").text.split(f'id="row-{late}"')[1].split("</tr>")[0]
    assert "⚠ Late" in row
    assert "has passed" in row


def test_the_pegging_of_an_order_says_what_covers_each_ingredient(site: Site) -> None:
    legs = site.orders["legs"]
    po = site.orders["po"]
    viewer = site.browser("viewer")
    fragment = viewer.get(f"/make/{legs}/materials", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "OAK" in fragment.text
    assert f"from {po} on" in fragment.text  # the open PO for oak covers the legs
    full = viewer.get(f"/make/{legs}/materials")
    assert f"<title>Materials of {legs} · Takt</title>" in full.text
    assert viewer.get("/make/MO-9999/materials").status_code == 404
    assert viewer.get("/make/SO-0001/materials").status_code == 404


def test_pages_render_without_the_vendor_files(site: Site, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(render, "VENDOR_FILES", ("not-there.js",))
    templates = render.build_templates()
    site.app.state.templates = templates
    page = site.browser("planner").get("/make")
    assert page.status_code == 200
    assert "htmx.min.js" not in page.text
    assert f'action="/make/{site.orders["legs"]}/move"' in page.text  # plain forms still work


def test_a_long_make_list_comes_in_pages(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from takt.web import make

    monkeypatch.setattr(make, "PAGE_SIZE", 1)
    planner = site.browser("planner")
    first = planner.get("/make")
    assert _order_on_page(first.text) == [site.orders["legs"]]
    assert "Page 1 of 2" in first.text
    second = planner.get("/make?page=2")
    assert _order_on_page(second.text) == [site.orders["table"]]
    assert 'rel="prev"' in second.text
    assert planner.get("/make?page=banana").status_code == 200  # a bad page is the first page
