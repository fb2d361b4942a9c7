"""Working-time arithmetic agrees with counting minutes one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from takt.planning.scheduling.calendar import Availability
from takt.planning.scheduling.problem import Calendar, Resource, Window

HORIZON = 300


@st.composite
def availabilities(draw: st.DrawFn) -> Availability:
    cuts = sorted(draw(st.sets(st.integers(0, HORIZON), min_size=2, max_size=12)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    if not spans:
        spans = [(0, HORIZON)]
    windows = tuple(
        Window(s, s + d)
        for s, d in draw(
            st.lists(st.tuples(st.integers(0, HORIZON), st.integers(0, 30)), max_size=3)
        )
    )
    return Availability.of(
        Resource("R", calendar=Calendar(tuple(spans)), downtime=windows), HORIZON
    )


def working(avail: Availability, t: int) -> bool:
    return any(a <= t < b for a, b in avail.intervals)


def brute_finish(avail: Availability, start: int, work: int) -> int | None:
    t, left = start, work
    while left > 0:
        if t >= HORIZON:
            return None
        if working(avail, t):
            left -= 1
        t += 1
    return t


def test_a_ten_hour_operation_runs_over_the_night() -> None:
    day_shift = Calendar.weekly(3 * 1440, shifts=[(360, 840)], workdays=range(7))
    avail = Availability.of(Resource("SAW", calendar=day_shift), 3 * 1440)
    assert avail.earliest(0, 600, pausable=True) == (360, 1440 + 480)
    assert avail.earliest(0, 600, pausable=False) is None
    assert avail.earliest(600, 300, pausable=False) == (1800, 2100)


def test_downtime_is_cut_out_of_the_calendar() -> None:
    resource = Resource("WELD", downtime=(Window(50, 80, "maintenance"), Window(70, 90)))
    assert Availability.of(resource, 200).intervals == [(0, 50), (90, 200)]


@settings(max_examples=150, deadline=None)
@given(avail=availabilities(), start=st.integers(0, HORIZON - 1), work=st.integers(0, 60))
def test_finish_matches_minute_counting(avail: Availability, start: int, work: int) -> None:
    begin = avail.next_working(start)
    if begin is None:
        return
    assert working(avail, begin)
    assert avail.finish(begin, work) == brute_finish(avail, begin, work)


@settings(max_examples=150, deadline=None)
@given(avail=availabilities(), work=st.integers(1, 60))
def test_pieces_cover_every_working_start_with_its_elapsed_time(
    avail: Availability, work: int
) -> None:
    expected = {
        s: end - s
        for s in range(HORIZON)
        if working(avail, s) and (end := brute_finish(avail, s, work)) is not None
    }
    got: dict[int, int] = {}
    for piece in avail.pieces(work, 0, HORIZON):
        for s in range(piece.lo, piece.hi + 1):
            assert s not in got
            got[s] = piece.elapsed
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(avail=availabilities(), ready=st.integers(0, HORIZON), work=st.integers(1, 40))
def test_uninterrupted_placement_is_the_earliest_whole_stretch(
    avail: Availability, ready: int, work: int
) -> None:
    fits = [
        s
        for s in range(ready, HORIZON - work + 1)
        if all(working(avail, t) for t in range(s, s + work))
    ]
    placed = avail.earliest(ready, work, pausable=False)
    assert placed == ((fits[0], fits[0] + work) if fits else None)
