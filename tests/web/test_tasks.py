"""The Tasks page: big buttons by status, an operator's own work only, roles, finishing."""

from __future__ import annotations

import re

import pytest

from takt.app import api_queries, catalog
from takt.domain.workstations import Operator
from tests.web.conftest import Site


def _tasks_on_page(html: str) -> list[str]:
    return re.findall(r'<li class="card task [^"]*" id="task-(MO-\d+-\d+)"', html)


def _status(site: Site, number: str, sequence: int = 10) -> str:
    return api_queries.manufacturing_order(site.takt.uows, number).task(sequence).status.value


def test_a_planner_sees_every_open_task_grouped_by_workstation(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    page = site.browser("planner").get("/tasks")
    assert page.status_code == 200
    assert "<title>Tasks · Takt</title>" in page.text
    assert _tasks_on_page(page.text) == [f"{legs}-10", f"{table}-10"]
    assert 'id="ws-SAW"' in page.text
    assert 'id="ws-ASSY"' in page.text
    assert f'id="start-{legs}-10"' in page.text
    only_saw = site.browser("planner").get("/tasks?workstation=SAW")
    assert _tasks_on_page(only_saw.text) == [f"{legs}-10"]


def test_an_operator_sees_only_their_own_work(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    operator = site.browser("operator")  # OP1 runs the saw
    page = operator.get("/tasks")
    assert _tasks_on_page(page.text) == [f"{legs}-10"]
    assert "<title>Tasks of OP1 · Takt</title>" in page.text
    assert 'id="task-op"' not in page.text  # no choosing another operator
    # asking for someone else's list in the address changes nothing
    assert _tasks_on_page(operator.get("/tasks?operator=OP2").text) == [f"{legs}-10"]
    assert _tasks_on_page(operator.get("/tasks/table?operator=OP2").text) == [f"{legs}-10"]
    refused = operator.post(f"/tasks/{table}/10/start", htmx=True)
    assert refused.status_code == 403
    assert "not yours" in refused.text
    assert _status(site, table) == "not started"


def test_an_operator_starts_pauses_resumes_and_finishes_their_task(site: Site) -> None:
    legs = site.orders["legs"]
    operator = site.browser("operator")
    started = operator.post(f"/tasks/{legs}/10/start", htmx=True)
    assert started.status_code == 200
    assert started.text.lstrip().startswith('<section id="tasks-table"')
    assert f'id="pause-{legs}-10"' in started.text
    assert _status(site, legs) == "in progress"
    mo = api_queries.manufacturing_order(site.takt.uows, legs)
    assert mo.task(10).operator == "OP1"
    assert operator.post(f"/tasks/{legs}/10/pause").status_code == 303
    assert _status(site, legs) == "paused"
    resumed = operator.post(f"/tasks/{legs}/10/resume", htmx=True)
    assert f'id="done-{legs}-10"' in resumed.text  # the finish form with the good quantity
    finished = operator.post(
        f"/tasks/{legs}/10/finish", {"quantity_done": "4", "scrap": "0.5"}, htmx=True
    )
    assert finished.status_code == 200
    task = api_queries.manufacturing_order(site.takt.uows, legs).task(10)
    assert task.status.value == "done"
    assert (str(task.quantity_done), str(task.scrap)) == ("4", "0.5")
    assert _tasks_on_page(finished.text) == []
    actions = [e.action for e in api_queries.audit_entries(site.takt.uows, "task")]
    assert actions[:4] == ["finish", "resume", "pause", "start"]


def test_a_refused_action_says_why_in_the_alert_area(site: Site) -> None:
    legs = site.orders["legs"]
    planner = site.browser("planner")
    response = planner.post(f"/tasks/{legs}/10/pause", htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#alerts"
    assert "cannot pause" in response.text
    bad = planner.post(f"/tasks/{legs}/10/start", htmx=True)
    assert bad.status_code == 200
    nonsense = planner.post(f"/tasks/{legs}/10/finish", {"quantity_done": "lots"}, htmx=True)
    assert nonsense.status_code == 422
    assert "must be a number" in nonsense.text
    assert planner.post(f"/tasks/{legs}/10/explode", htmx=True).status_code == 404
    assert planner.post("/tasks/MO-9999/10/start", htmx=True).status_code == 404


@pytest.mark.parametrize("role", ["viewer"])
def test_a_viewer_sees_tasks_without_buttons_and_may_not_act(site: Site, role: str) -> None:
    legs = site.orders["legs"]
    viewer = site.browser(role)
    page = viewer.get("/tasks")
    assert _tasks_on_page(page.text) == [f"{legs}-10", f"{site.orders['table']}-10"]
    assert 'class="btn btn-big' not in page.text
    assert viewer.post(f"/tasks/{legs}/10/start", htmx=True).status_code == 403
    assert _status(site, legs) == "not started"


def test_a_task_action_without_the_csrf_token_is_refused(site: Site) -> None:
    legs = site.orders["legs"]
    operator = site.browser("operator")
    assert operator.post(f"/tasks/{legs}/10/start", csrf=False).status_code == 403
    assert _status(site, legs) == "not started"


def test_operator_names_are_shown_as_text(site: Site) -> None:
    catalog.add_operator(
        Operator("OP3", "<script>alert(1)</script>", frozenset({"SAW"})), site.takt.uows()
    )
    page = site.browser("planner").get("/tasks")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_an_unknown_workstation_in_the_address_is_said_not_raised(site: Site) -> None:
    page = site.browser("planner").get("/tasks?workstation=NOPE")
    assert page.status_code == 200
    assert "unknown workstation" in page.text


def test_the_travellers_qr_code_opens_only_that_orders_tasks(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    page = site.browser("planner").get(f"/tasks?mo={legs}").text
    assert legs in page
    assert table not in page
