"""The BOM and routing editors on an item's page: a planner changes, adds and removes lines and
operations, and the tree, the cost roll-up and the production time follow; refusals (a cycle, an
unknown SKU, a bad unit, a non-numeric quantity, negative minutes) come back in the editor naming
the line and the field, nothing saved; only planners and admins see the editors or may post; one
audit entry per save."""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.app import api_queries, catalog, stock
from takt.app.ports import AuditEntry
from takt.domain.bom import Bom, BomLine
from takt.domain.items import Item, ItemKind
from takt.domain.workstations import Workstation
from tests.web.conftest import Site
from tests.web.test_items import _node

D = Decimal


def _entries(site: Site, entity: str, key: str) -> list[AuditEntry]:
    return api_queries.audit_entries(site.takt.uows, entity, key)


def _bom(site: Site, sku: str) -> Bom:
    found = api_queries.bom(site.takt.uows, sku)
    assert found is not None
    return found


def _table_bom(**changes: str) -> dict[str, str]:
    """The TABLE's BOM as its editor posts it (TOP, LEG, an empty row), with ``changes``."""
    form = {
        "lines": "3",
        "component-1": "TOP",
        "quantity-1": "1",
        "unit-1": "pcs",
        "component-2": "LEG",
        "quantity-2": "4",
        "unit-2": "pcs",
        "wastage-2": "5",
    }
    form.update(changes)
    return form


def _leg_routing(**changes: str) -> dict[str, str]:
    form = {
        "lines": "2",
        "sequence-1": "10",
        "name-1": "Cut legs",
        "workstation-1": "SAW",
        "setup-1": "15",
        "run-1": "3",
        "sequence-2": "20",
    }
    form.update(changes)
    return form


def test_a_planner_sees_the_editors_filled_with_the_stored_bom_and_routing(site: Site) -> None:
    html = site.browser("planner").get("/items/TABLE").text
    editor = html.split('id="bom-editor"')[1].split("</form>")[0]
    assert 'name="csrf"' in editor
    assert 'name="component-1" list="bom-skus" maxlength="64" value="TOP"' in editor
    assert 'id="wastage-2" name="wastage-2" inputmode="decimal" maxlength="40" value="5"' in editor
    assert 'name="component-3" list="bom-skus" maxlength="64" value=""' in editor  # to add
    assert '<option value="OAK">Oak board (m)</option>' in editor
    routing = html.split('id="routing-editor"')[1].split("</form>")[0]
    assert 'value="Assemble"' in routing
    assert '<option value="ASSY" selected>' in routing
    assert 'name="sequence-2" inputmode="numeric" maxlength="8" size="4" value="20"' in routing
    oak = site.browser("planner").get("/items/OAK").text
    assert 'id="bom-editor"' not in oak  # bought: no BOM, no routing
    assert 'id="routing-editor"' not in oak


def test_a_planner_edits_the_bom_and_the_tree_and_costs_follow(site: Site) -> None:
    stock.adjust(stock.Adjust("OAK", D(10), "count", unit_cost=D("10")), site.takt.uows())
    planner = site.browser("planner")
    # TOP removed, LEG 4 -> 3, SCREW added (its unit left empty: its stock unit)
    form = _table_bom(**{"remove-1": "1", "quantity-2": "3", "component-3": "SCREW"})
    form["quantity-3"] = "8"
    saved = planner.post("/items/TABLE/bom", form)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/items/TABLE?saved=bom#bom-head"
    html = planner.get(saved.headers["location"]).text
    assert "✓ BOM saved." in html
    assert 'id="bom-1-TOP"' not in html
    assert '<span class="bom-qty">3.15 <span class="unit">pcs</span>' in _node(html, "LEG")
    assert '<span class="bom-qty">8 <span class="unit">pcs</span>' in _node(html, "SCREW")
    # OAK: 3.15 x 0.8 m x 10 = 25.20; SCREW has no cost
    assert '<dd id="cost-materials">25.20</dd>' in html
    assert "No cost known for: SCREW" in html
    stored = api_queries.bom(site.takt.uows, "TABLE")
    assert stored == Bom(
        "TABLE", (BomLine("LEG", D(3), "pcs", D(5)), BomLine("SCREW", D(8), "pcs"))
    )
    [entry] = _entries(site, "bom", "TABLE")
    assert (entry.user, entry.action) == ("planner", "update")
    assert [line["component"] for line in entry.before] == ["TOP", "LEG"]
    assert entry.after == [
        {"component": "LEG", "quantity": "3", "unit": "pcs", "wastage_pct": "5"},
        {"component": "SCREW", "quantity": "8", "unit": "pcs", "wastage_pct": "0"},
    ]


def test_add_a_line_shows_one_more_row_and_saves_nothing(site: Site) -> None:
    planner = site.browser("planner")
    more = planner.post("/items/TABLE/bom", {**_table_bom(**{"quantity-2": "9"}), "action": "add"})
    assert more.status_code == 200
    editor = more.text.split('id="bom-editor"')[1].split("</form>")[0]
    assert 'name="lines" value="4"' in editor
    assert 'id="component-4"' in editor
    assert _bom(site, "TABLE").lines[1].quantity == D(4)
    assert _entries(site, "bom", "TABLE") == []


def test_a_cycle_is_refused_naming_the_path_and_nothing_changes(site: Site) -> None:
    planner = site.browser("planner")
    before = api_queries.bom(site.takt.uows, "LEG")
    form = {
        "lines": "2",
        "component-1": "OAK",
        "quantity-1": "80",
        "unit-1": "cm",
        "component-2": "TABLE",
        "quantity-2": "1",
    }
    refused = planner.post("/items/LEG/bom", form)
    assert refused.status_code == 422
    assert "Line 2 component: BOM cycle: LEG -&gt; TABLE -&gt; LEG" in refused.text
    assert (
        'id="component-2" name="component-2" list="bom-skus" maxlength="64" value="TABLE" autocomplete="off" aria-invalid="true"'
        in refused.text
    )
    assert "Traceback" not in refused.text
    assert api_queries.bom(site.takt.uows, "LEG") == before
    assert _entries(site, "bom", "LEG") == []
    # the tree still shows what is stored
    assert "80 cm per unit" in _node(refused.text, "OAK")


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"quantity-2": "abc"}, "Line 2 quantity: &#39;abc&#39; is not a number", "quantity-2"),
        ({"quantity-2": "-1"}, "Line 2 quantity: must not be negative", "quantity-2"),
        ({"component-2": "NOPE"}, "Line 2 component: unknown SKU &#39;NOPE&#39;", "component-2"),
        ({"unit-2": "kg"}, "Line 2 unit: no conversion from kg", "unit-2"),
        ({"unit-2": "furlong"}, "Line 2 unit: unknown unit &#39;furlong&#39;", "unit-2"),
        ({"wastage-2": "1000"}, "Line 2 wastage %: BOM line LEG: wastage must be", "wastage-2"),
        ({"component-2": "TOP"}, "Line 2 component: BOM of TABLE lists TOP twice", "component-2"),
        ({"remove-1": "1", "remove-2": "1"}, "Lines: keep at least one line", "component-1"),
    ],
)
def test_bad_bom_input_names_the_line_and_field(
    site: Site, changes: dict[str, str], message: str, field: str
) -> None:
    refused = site.browser("admin").post("/items/TABLE/bom", _table_bom(**changes))
    assert refused.status_code == 422
    assert message in refused.text
    assert f'name="{field}"' in refused.text.split('aria-invalid="true"')[0].rsplit("<input", 1)[1]
    assert _bom(site, "TABLE").lines[1] == BomLine("LEG", D(4), "pcs", D(5))
    assert _entries(site, "bom", "TABLE") == []


def test_a_routing_edit_changes_the_production_time_shown(site: Site) -> None:
    planner = site.browser("planner")
    before = planner.get("/items/LEG?quantity=4").text
    assert '<td class="num" id="routing-total">27 min</td>' in before  # 15 + 3 x 4
    form = _leg_routing(**{"run-1": "5", "name-2": "Sand", "workstation-2": "ASSY", "run-2": "2"})
    saved = planner.post("/items/LEG/routing", form)
    assert saved.status_code == 303
    after = planner.get("/items/LEG?quantity=4").text
    assert '<td class="num" id="routing-total">43 min</td>' in after  # 15 + 5 x 4 + 2 x 4
    assert "Sand" in after.split('id="op-20"')[1].split("</tr>")[0]
    [entry] = _entries(site, "routing", "LEG")
    assert (entry.user, entry.action) == ("planner", "update")
    assert entry.after[1] == {
        "sequence": 20,
        "name": "Sand",
        "workstation": "ASSY",
        "setup_minutes": "0",
        "run_minutes": "2",
        "cost_per_hour": None,
    }
    # removing the first operation leaves the second
    planner.post("/items/LEG/routing", {**form, "remove-1": "1"})
    routing = api_queries.routing(site.takt.uows, "LEG")
    assert routing is not None
    assert [op.name for op in routing.operations] == ["Sand"]
    assert len(_entries(site, "routing", "LEG")) == 2


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"setup-1": "-5"}, "Line 1 setup minutes: must not be negative", "setup-1"),
        ({"run-1": "fast"}, "Line 1 run minutes: &#39;fast&#39; is not a number", "run-1"),
        ({"sequence-1": "x"}, "Line 1 sequence: &#39;x&#39; is not a whole number", "sequence-1"),
        ({"workstation-1": "LATHE"}, "Line 1 workstation: unknown workstation", "workstation-1"),
        ({"name-1": ""}, "Line 1 operation: operation 10 needs a name", "name-1"),
        (
            {"name-2": "Again", "workstation-2": "SAW", "sequence-2": "10"},
            "Line 2 sequence: routing of LEG: sequence numbers repeat",
            "sequence-2",
        ),
    ],
)
def test_bad_routing_input_names_the_line_and_field(
    site: Site, changes: dict[str, str], message: str, field: str
) -> None:
    refused = site.browser("planner").post("/items/LEG/routing", _leg_routing(**changes))
    assert refused.status_code == 422
    assert message in refused.text
    tag = refused.text.split('aria-invalid="true"')[0].rsplit("<", 1)[1]
    assert f'name="{field}"' in tag
    routing = api_queries.routing(site.takt.uows, "LEG")
    assert routing is not None
    assert routing.operations[0].run_minutes == D(3)
    assert _entries(site, "routing", "LEG") == []


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_viewers_and_operators_see_no_editor_and_may_not_post(site: Site, role: str) -> None:
    browser = site.browser(role)
    html = browser.get("/items/TABLE").text
    assert 'id="bom-editor"' not in html
    assert 'id="routing-editor"' not in html
    assert 'id="bom-tree"' in html
    assert browser.post("/items/TABLE/bom", _table_bom(**{"quantity-2": "9"})).status_code == 403
    assert browser.post("/items/LEG/routing", _leg_routing(**{"run-1": "9"})).status_code == 403
    assert _bom(site, "TABLE").lines[1].quantity == D(4)
    assert _entries(site, "bom", "TABLE") == []


def test_a_save_without_the_csrf_token_is_refused(site: Site) -> None:
    planner = site.browser("planner")
    refused = planner.post("/items/TABLE/bom", _table_bom(**{"quantity-2": "9"}), csrf=False)
    assert refused.status_code == 403
    assert _bom(site, "TABLE").lines[1].quantity == D(4)


def test_bought_items_and_unknown_skus_have_no_bom_to_save(site: Site) -> None:
    planner = site.browser("planner")
    bought = planner.post(
        "/items/OAK/bom", {"lines": "1", "component-1": "GLUE", "quantity-1": "1"}
    )
    assert bought.status_code == 422
    assert "OAK is a material (bought)" in bought.text
    assert planner.post("/items/NOPE/routing", _leg_routing()).status_code == 404


def test_names_are_escaped_in_the_editors(site: Site) -> None:
    uows = site.takt.uows
    catalog.add_item(Item("EVIL", "<script>alert(1)</script>", ItemKind.MATERIAL), uows())
    catalog.add_workstation(Workstation("BAD", "<script>alert(2)</script>"), uows())
    planner = site.browser("planner")
    html = planner.get("/items/TABLE").text
    body = html.split("</head>")[1]
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the SKU list
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body  # the workstation choice
    typed = planner.post("/items/TABLE/bom", _table_bom(**{"component-2": "<script>x</script>"}))
    assert typed.status_code == 422
    assert "<script>" not in typed.text.split("</head>")[1]
