"""Shop-floor tasks: start, pause, resume, finish, block; the time booked is the running time.

The story: Ines cuts table legs on the panel saw (30 an hour) on Monday morning.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takt.domain.tasks import Task, TaskError, TaskEventKind, TaskStatus
from takt.domain.units import QuantityError

D = Decimal
EIGHT = datetime(2026, 11, 30, 8, 0)


def at(minutes: float) -> datetime:
    """``minutes`` after 8:00 on Monday."""
    return EIGHT + timedelta(minutes=minutes)


def cut_legs() -> Task:
    """Task 10: cut legs on the saw, planned 45 minutes at 30 an hour."""
    return Task(10, "Cut legs", "SAW", D("45"), D("30"))


def kinds(task: Task) -> list[str]:
    return [e.kind.value for e in task.events]


# ---------------------------------------------------------------- the happy path


def test_a_pause_over_lunch_is_not_booked() -> None:
    task = cut_legs()
    task.start(at(0), "ines", operator="INES")
    assert (task.status, task.operator) == (TaskStatus.IN_PROGRESS, "INES")
    task.pause(at(30), "ines")
    assert task.status is TaskStatus.PAUSED
    task.resume(at(90), "ines")
    task.finish(at(120), "ines", quantity_done=D("10"), scrap=D("1"))
    assert task.status is TaskStatus.DONE
    assert (task.quantity_done, task.scrap) == (D("10"), D("1"))
    assert task.booked_minutes() == D("60")
    assert task.labour_cost() == D("30")  # 60 min at 30/h
    assert task.planned_cost == D("22.5")  # 45 min at 30/h
    assert kinds(task) == ["start", "pause", "resume", "finish"]
    assert {e.user for e in task.events} == {"ines"}


def test_a_paused_task_can_be_finished_without_resuming() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    task.pause(at(25), "ines")
    task.finish(at(70), "ines", quantity_done=D("4"))
    assert task.booked_minutes() == D("25")


def test_a_running_task_books_time_up_to_now() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    assert task.booked_minutes() == 0  # no "now": only closed intervals count
    assert task.booked_minutes(now=at(45)) == D("45")
    assert task.labour_cost(now=at(45)) == D("22.5")
    task.pause(at(50), "ines")
    assert task.booked_minutes(now=at(500)) == D("50")  # paused: the clock has stopped
    assert task.booked_minutes(now=at(-10)) == D("50")


def test_seconds_count_as_fractions_of_a_minute() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    task.finish(EIGHT + timedelta(minutes=12, seconds=20), "ines")
    assert task.booked_minutes() == D("12.333333")


def test_two_events_at_the_same_moment_are_in_order() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    task.pause(at(0), "ines")
    assert task.booked_minutes() == 0


# ---------------------------------------------------------------- refusals


K = TaskEventKind


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (TaskStatus.NOT_STARTED, {K.START, K.BLOCK}),
        (TaskStatus.IN_PROGRESS, {K.PAUSE, K.FINISH, K.BLOCK}),
        (TaskStatus.PAUSED, {K.RESUME, K.FINISH, K.BLOCK}),
        (TaskStatus.BLOCKED, {K.UNBLOCK}),
        (TaskStatus.DONE, set()),
    ],
)
def test_each_state_allows_only_the_actions_that_make_sense(
    status: TaskStatus, allowed: set[TaskEventKind]
) -> None:
    task = cut_legs()
    task.status = status
    for kind in TaskEventKind:
        expected = None if kind in allowed else f"task 10 Cut legs is {status}: it cannot {kind}"
        assert task.can(kind) == expected, kind


def test_a_task_is_started_once() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    with pytest.raises(TaskError, match="is in progress: it cannot start") as info:
        task.start(at(5), "ines")
    assert info.value.field == "status"
    assert kinds(task) == ["start"]


def test_a_finished_task_cannot_be_resumed_or_finished_again() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    task.finish(at(30), "ines", quantity_done=D("10"))
    with pytest.raises(TaskError, match="is done: it cannot finish"):
        task.finish(at(40), "ines", quantity_done=D("1"))
    with pytest.raises(TaskError, match="is done: it cannot resume"):
        task.resume(at(40), "ines")
    assert task.quantity_done == D("10")
    assert task.booked_minutes(now=at(60)) == D("30")


def test_an_event_before_the_last_one_is_refused_and_changes_nothing() -> None:
    task = cut_legs()
    task.start(at(30), "ines")
    with pytest.raises(TaskError, match="pause at 2026-11-30 08:20 is before its last event") as e:
        task.pause(at(20), "ines")
    assert e.value.field == "at"
    assert (task.status, kinds(task)) == (TaskStatus.IN_PROGRESS, ["start"])
    with pytest.raises(TaskError, match="before its last event"):
        task.finish(at(10), "ines", quantity_done=D("3"))
    assert (task.status, task.quantity_done) == (TaskStatus.IN_PROGRESS, 0)


def test_an_operator_set_at_start_stays_when_a_late_start_is_refused() -> None:
    task = cut_legs()
    task.block(at(30), "lead", "saw blade missing")
    task.unblock(at(40), "lead")
    with pytest.raises(TaskError, match="before its last event"):
        task.start(at(35), "ines", operator="INES")
    assert (task.status, task.operator) == (TaskStatus.NOT_STARTED, None)


@pytest.mark.parametrize(
    ("quantity_done", "scrap", "field"),
    [(D("-1"), D("0"), "quantity_done"), (D("1"), D("-1"), "scrap")],
)
def test_finishing_with_a_negative_quantity_is_refused(
    quantity_done: Decimal, scrap: Decimal, field: str
) -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    with pytest.raises(QuantityError) as info:
        task.finish(at(30), "ines", quantity_done=quantity_done, scrap=scrap)
    assert info.value.field == field
    assert (task.status, kinds(task)) == (TaskStatus.IN_PROGRESS, ["start"])


# ---------------------------------------------------------------- blocking


def test_a_blocked_task_stops_the_clock_and_comes_back_paused() -> None:
    task = cut_legs()
    task.start(at(0), "ines")
    task.block(at(20), "ines", "blade broken")
    assert (task.status, task.blocked_reason) == (TaskStatus.BLOCKED, "blade broken")
    assert task.events[-1].note == "blade broken"
    assert task.booked_minutes(now=at(60)) == D("20")
    task.unblock(at(60), "lead")
    assert (task.status, task.blocked_reason) == (TaskStatus.PAUSED, "")
    task.resume(at(70), "ines")
    task.finish(at(100), "ines")
    assert task.booked_minutes() == D("50")  # 20 before the block, 30 after the resume


def test_a_task_blocked_before_it_started_comes_back_not_started() -> None:
    task = cut_legs()
    task.block(at(0), "lead", "no oak delivered")
    task.unblock(at(120), "lead")
    assert task.status is TaskStatus.NOT_STARTED
    task.start(at(130), "ines")
    assert task.status is TaskStatus.IN_PROGRESS


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_block_needs_a_reason(reason: str) -> None:
    task = cut_legs()
    with pytest.raises(TaskError, match="needs a reason") as info:
        task.block(at(0), "ines", reason)
    assert (info.value.field, task.status, task.events) == ("reason", TaskStatus.NOT_STARTED, [])


def test_only_a_blocked_task_is_unblocked() -> None:
    task = cut_legs()
    with pytest.raises(TaskError, match="is not started: it cannot unblock"):
        task.unblock(at(0), "lead")


# ---------------------------------------------------------------- property


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["start", "pause", "resume", "finish", "block", "unblock"]),
        st.integers(min_value=0, max_value=90),
    ),
    max_size=20,
)


@given(actions=ACTIONS)
def test_booked_time_is_the_sum_of_the_running_intervals(actions: list[tuple[str, int]]) -> None:
    """Whatever an operator presses, booked time = the time spent in progress."""
    task = cut_legs()
    clock = 0
    running_since: int | None = None
    booked = 0
    for action, wait in actions:
        clock += wait
        before = task.status
        try:
            match action:
                case "start":
                    task.start(at(clock), "ines")
                case "pause":
                    task.pause(at(clock), "ines")
                case "resume":
                    task.resume(at(clock), "ines")
                case "finish":
                    task.finish(at(clock), "ines")
                case "block":
                    task.block(at(clock), "ines", "jammed")
                case _:
                    task.unblock(at(clock), "ines")
        except TaskError:
            assert task.status is before
            continue
        if task.status is TaskStatus.IN_PROGRESS:
            running_since = clock if running_since is None else running_since
        elif running_since is not None:
            booked += clock - running_since
            running_since = None
    assert task.booked_minutes() == booked
    now_booked = booked + (clock + 7 - running_since if running_since is not None else 0)
    assert task.booked_minutes(now=at(clock + 7)) == now_booked
    assert [e.at for e in task.events] == sorted(e.at for e in task.events)
