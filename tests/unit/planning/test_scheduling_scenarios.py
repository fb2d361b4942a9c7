"""Golden scenarios: a small plant in, the expected plan out (dispatch, optimiser, reasons).

The plant: a saw working a day shift 06:00-14:00 every day and a welding cell that works round
the clock but is down for maintenance 10:00-11:40 on day one.
"""

from __future__ import annotations

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.dispatch import dispatch
from takt.planning.scheduling.explain import explain
from takt.planning.scheduling.plan import Objective, measure
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Pin,
    Problem,
    Resource,
    Window,
)
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.validate import assert_valid

HORIZON = 3 * 1440
SAW = Resource("SAW", calendar=Calendar.weekly(HORIZON, [(360, 840)], workdays=range(7)))
WELD = Resource("WELD", downtime=(Window(600, 700, "maintenance"),))


def mo(
    name: str,
    cut: int,
    weld: int,
    *,
    due: int,
    weight: int = 1,
    rank: int = 0,
    release: int = 0,
    pausable: bool = True,
) -> Job:
    return Job(
        name,
        (
            Operation("cut", (Mode("SAW", cut),), pausable=pausable),
            Operation("weld", (Mode("WELD", weld),)),
        ),
        release=release,
        due=due,
        weight=weight,
        rank=rank,
    )


def plant(*jobs: Job) -> Problem:
    return Problem((SAW, WELD), jobs, HORIZON)


def spans(problem: Problem, plan_rows: object) -> list[tuple[str, str, int, int]]:
    out = []
    for row in plan_rows:  # type: ignore[attr-defined]
        for a in row:
            job = problem.jobs[a.job]
            out.append((job.id, problem.resources[a.resource].id, a.start, a.end))
    return out


def test_rank_order_dispatch_runs_the_table_first_and_pauses_the_chair_over_night() -> None:
    problem = plant(mo("TABLE", 300, 60, due=900), mo("CHAIR", 240, 30, due=1000, rank=1))
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert spans(problem, plan.assignments) == [
        ("TABLE", "SAW", 360, 660),
        ("TABLE", "WELD", 700, 760),  # waits out the maintenance 600-700
        ("CHAIR", "SAW", 660, 1860),  # 180 min today, 60 min tomorrow from 06:00
        ("CHAIR", "WELD", 1860, 1890),
    ]
    assert measure(problem, plan).weighted_tardiness == 890


def test_the_chair_is_late_because_it_waited_for_the_saw_behind_the_table() -> None:
    problem = plant(mo("TABLE", 300, 60, due=900), mo("CHAIR", 240, 30, due=1000, rank=1))
    (late,) = explain(problem, dispatch(problem))
    assert (late.job, late.lateness) == ("CHAIR", 890)
    (reason,) = late.reasons
    assert (reason.kind, reason.resource, reason.blocking_jobs) == ("resource", "SAW", ("TABLE",))
    assert reason.text(problem, 1) == "cut waited 660 min for SAW behind TABLE"


def test_a_material_release_date_holds_the_order() -> None:
    problem = plant(mo("SHELF", 60, 10, due=500, release=900))
    (late,) = explain(problem, dispatch(problem))
    kinds = [r.kind for r in late.reasons]
    assert kinds == ["material", "calendar"]  # materials at 900, after the saw closed at 840


def test_the_optimiser_puts_the_heavier_chair_first() -> None:
    problem = plant(mo("TABLE", 300, 60, due=900), mo("CHAIR", 240, 30, due=1000, weight=3, rank=1))
    assert measure(problem, dispatch(problem)).weighted_tardiness == 3 * 890  # rank: table first
    result = optimise(problem, time_limit=10, workers=1, seed=1)
    assert result.status is SolveStatus.OPTIMAL
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.objective == 1020
    table, chair = result.plan.assignments
    assert (chair[0].start, chair[0].end) == (360, 600)
    assert (table[0].start, table[0].end) == (600, 1860)
    assert chair[1].start >= 700  # not during the maintenance
    assert (table[1].start, table[1].end) == (1860, 1920)


def test_an_uninterrupted_cut_waits_for_a_whole_shift() -> None:
    problem = plant(mo("TABLE", 300, 60, due=2000, release=600, pausable=False))
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert (plan.assignments[0][0].start, plan.assignments[0][0].end) == (1800, 2100)
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert result.plan.assignments[0][0].start == 1800


def test_a_started_operation_stays_where_it_is_and_others_avoid_it() -> None:
    started = Job(
        "FRAME",
        (
            Operation("cut", (Mode("SAW", 200),), pin=Pin("SAW", 0, 400, 600)),
            Operation("weld", (Mode("WELD", 20),)),
        ),
        due=5000,
    )
    problem = plant(started, mo("TABLE", 100, 10, due=2000))
    for plan in (dispatch(problem), optimise(problem, time_limit=5, workers=1).plan):
        assert plan is not None
        assert_valid(problem, plan)
        frame, table = plan.assignments
        assert (frame[0].start, frame[0].end) == (400, 600)
        assert table[0].end <= 400 or table[0].start >= 600


def test_parallel_units_run_side_by_side() -> None:
    cells = Resource("CELL", units=2)
    jobs = tuple(Job(f"MO-{i}", (Operation("weld", (Mode("CELL", 50),)),)) for i in range(3))
    problem = Problem((cells,), jobs, 1000)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert sorted((a.unit, a.start) for a in plan.all()) == [(0, 0), (0, 50), (1, 0)]
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=5, workers=1)
    assert result.objective == 100
    assert result.plan is not None
    assert_valid(problem, result.plan)


def test_alternatives_pick_the_resource_that_finishes_first() -> None:
    fast, slow = Resource("CNC-NEW"), Resource("CNC-OLD")
    mill = Operation("mill", (Mode("CNC-OLD", 40), Mode("CNC-NEW", 25)))
    problem = Problem((fast, slow), (Job("A", (mill,)), Job("B", (mill,))), 1000)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert [(problem.resources[a.resource].id, a.end) for a in plan.all()] == [
        ("CNC-NEW", 25),
        ("CNC-OLD", 40),
    ]


def test_sub_assemblies_finish_before_their_parent_starts() -> None:
    leg = Job("LEG", (Operation("turn", (Mode("WELD", 30),)),))
    table = Job("TABLE", (Operation("assemble", (Mode("WELD", 20),)),), after=("LEG",), rank=-1)
    problem = plant(table, leg)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert plan.assignments[0][0].start >= plan.assignments[1][0].end


def test_an_infeasible_model_returns_a_status_with_the_reason() -> None:
    pinned = Operation("cut", (Mode("WELD", 10),), pin=Pin("WELD", 0, 0, 50))
    clash = Operation("cut", (Mode("WELD", 10),), pin=Pin("WELD", 0, 20, 60))
    problem = plant(Job("A", (pinned,)), Job("B", (clash,)))
    result = optimise(problem, time_limit=2, workers=1)
    assert result.status is SolveStatus.INFEASIBLE
    assert "overlap on 'WELD'" in result.reason


def test_work_that_cannot_finish_before_the_horizon_is_infeasible() -> None:
    problem = plant(mo("HUGE", 3000, 10, due=100))
    result = optimise(problem, time_limit=2, workers=1)
    assert result.status is SolveStatus.INFEASIBLE
    assert "HUGE" in result.reason


def test_a_weld_waiting_out_maintenance_says_so() -> None:
    problem = plant(mo("TABLE", 300, 60, due=700))
    (late,) = explain(problem, dispatch(problem))
    reason = late.reasons[-1]
    assert (reason.kind, reason.resource, reason.detail) == ("downtime", "WELD", "maintenance")
    assert (reason.since, reason.until) == (660, 700)
