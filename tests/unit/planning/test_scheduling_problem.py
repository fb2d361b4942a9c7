"""Bad input is refused with a typed error naming the job, operation, resource or line."""

from __future__ import annotations

import pytest

from takt.planning.scheduling.instances import InstanceError, parse_fjsp, parse_jssp
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Pin,
    Problem,
    ProblemError,
    Resource,
    Window,
)

SAW = Resource("SAW")


def op(name: str = "cut", resource: str = "SAW", duration: int = 10, **kw: object) -> Operation:
    return Operation(name, (Mode(resource, duration),), **kw)  # type: ignore[arg-type]


def test_an_operation_with_no_eligible_resource_names_the_job_and_operation() -> None:
    with pytest.raises(ProblemError, match=r"job 'MO-7', operation 1 \('paint'\): no eligible"):
        Job("MO-7", (op(), Operation("paint", ())))


def test_a_negative_duration_names_the_resource() -> None:
    with pytest.raises(ProblemError, match=r"MO-1.*negative duration -5 on 'SAW'"):
        Job("MO-1", (op(duration=-5),))


def test_an_unknown_resource_is_refused() -> None:
    with pytest.raises(ProblemError, match=r"unknown resource 'LATHE'"):
        Problem((SAW,), (Job("MO-1", (op(resource="LATHE"),)),), horizon=100)


def test_a_calendar_with_no_working_time_before_the_horizon_names_the_resource() -> None:
    late_shift = Resource("PRESS", calendar=Calendar(((500, 600),)))
    with pytest.raises(ProblemError, match=r"'PRESS': no working time before the horizon 400"):
        Problem((late_shift,), (Job("MO-1", (op(resource="PRESS"),)),), horizon=400)


def test_downtime_covering_the_whole_calendar_leaves_no_working_time() -> None:
    broken = Resource("SAW", downtime=(Window(0, 1000, "breakdown"),))
    with pytest.raises(ProblemError, match="no working time"):
        Problem((broken,), (Job("MO-1", (op(),)),), horizon=1000)


def test_a_cycle_of_precedence_between_jobs_is_named() -> None:
    jobs = (
        Job("FRAME", (op(),), after=("TABLE",)),
        Job("LEG", (op(),)),
        Job("TABLE", (op(),), after=("LEG", "FRAME")),
    )
    with pytest.raises(ProblemError, match=r"cycle of precedence between jobs: .*FRAME.*TABLE"):
        Problem((SAW,), jobs, horizon=100)


def test_a_pin_after_an_unpinned_operation_is_refused() -> None:
    pin = Pin("SAW", 0, 0, 10)
    with pytest.raises(ProblemError, match="pinned after an unpinned"):
        Job("MO-1", (op(), op("drill", pin=pin)))


def test_a_pin_on_a_missing_unit_is_refused() -> None:
    job = Job("MO-1", (op(pin=Pin("SAW", 3, 0, 10)),))
    with pytest.raises(ProblemError, match=r"pinned unit 3 outside 0..0"):
        Problem((SAW,), (job,), horizon=100)


def test_zero_length_operations_are_valid() -> None:
    problem = Problem((SAW,), (Job("MO-1", (op(duration=0),)),), horizon=10)
    assert problem.operation_count == 1


def test_weekly_calendar_skips_weekends_and_holidays() -> None:
    calendar = Calendar.weekly(7 * 1440, shifts=[(360, 840)], holidays=[2])
    assert calendar.intervals == ((360, 840), (1800, 2280), (4680, 5160), (6120, 6600))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("2 2\n0 5 1 3\n", "header announces 2 jobs, file has 1"),
        ("1 2\n0 5 1\n", "line 2: expected 2 pairs"),
        ("1 2\n0 5 7 3\n", "line 2: machine 7 outside 0..1"),
        ("1 2\n0 5 1 -3\n", "line 2: negative duration -3"),
        ("1 x\n", "line 1: expected whole numbers"),
    ],
)
def test_malformed_jssp_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        parse_jssp(text, "bad")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2 1\n2 1 1 5\n", "line 2: job line ends early"),
        ("1 2 1\n1 1 3 5\n", "line 2: machine 3 outside 1..2"),
        ("1 2 1\n1 0\n", "line 2: operation 0 has no eligible machine"),
        ("1 2 1\n1 1 1 5 9\n", "line 2: 1 numbers left over"),
    ],
)
def test_malformed_fjsp_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InstanceError, match=message):
        parse_fjsp(text, "bad")


def test_fjsp_machines_become_zero_based() -> None:
    problem = parse_fjsp("1 3 1.5\n2 1 3 4 2 1 2 2 7\n")
    first, second = problem.jobs[0].operations
    assert first.modes == (Mode("m2", 4),)
    assert second.modes == (Mode("m0", 2), Mode("m1", 7))
