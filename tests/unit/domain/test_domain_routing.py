"""Routings, workstations and their calendars, operators, locations and suppliers."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction

import pytest

from takt.domain.errors import DomainError
from takt.domain.locations import Location
from takt.domain.partners import Supplier
from takt.domain.routing import Operation, Routing, RoutingError
from takt.domain.workstations import (
    Operator,
    ResourceError,
    Shift,
    WorkCalendar,
    Workstation,
    standard_week,
)

D = Decimal
MONDAY = date(2025, 3, 3)


def table_routing() -> Routing:
    # listed out of order on purpose: the routing runs by sequence number
    return Routing(
        "TABLE",
        (
            Operation(20, "Assemble", "ASSEMBLY", setup_minutes=D(30), run_minutes=D(12)),
            Operation(10, "Sand legs", "SANDER", setup_minutes=D(5), run_minutes=D("3.5")),
            Operation(30, "Inspect", "QC", run_minutes=D("0.5")),
        ),
    )


# --- routings -------------------------------------------------------------------------------------


def test_operations_run_in_sequence_order() -> None:
    assert [op.name for op in table_routing().operations] == ["Sand legs", "Assemble", "Inspect"]


def test_production_time_is_setup_plus_run_times_quantity() -> None:
    routing = table_routing()

    # sanding 5 + 3.5 x 10, assembly 30 + 12 x 10, inspection 0.5 x 10
    assert routing.operations[0].minutes_for(D(10)) == D(40)
    assert routing.minutes_for(D(10)) == D(195)
    assert routing.minutes_for(D(1)) == D(51)


def test_an_empty_routing_takes_no_time() -> None:
    assert Routing("SCREW", ()).minutes_for(D(100)) == D(0)


def test_labour_cost_is_minutes_over_sixty_times_the_rate() -> None:
    assemble = Operation(20, "Assemble", "ASSEMBLY", setup_minutes=D(30), run_minutes=D(12))

    # 150 minutes at 48 an hour
    assert assemble.cost_for(Fraction(10), D(48)) == Fraction(120)
    # 42 minutes at 50 an hour = 35 exactly; 1 minute at 10 an hour = 1/6, kept exact
    assert assemble.cost_for(Fraction(1), D(50)) == Fraction(35)
    assert Operation(1, "Tick", "QC", run_minutes=D(1)).cost_for(Fraction(1), D(10)) == Fraction(
        1, 6
    )


def test_an_operation_rate_overrides_the_workstation_rate() -> None:
    french_polish = Operation(40, "French polish", "BENCH", run_minutes=D(60), cost_per_hour=D(90))

    assert french_polish.cost_for(Fraction(2), D(30)) == Fraction(180)


def test_repeated_sequence_numbers_are_refused() -> None:
    with pytest.raises(RoutingError, match="TABLE") as refused:
        Routing("TABLE", (Operation(10, "Cut", "SAW"), Operation(10, "Sand", "SANDER")))

    assert refused.value.field == "sequence"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"setup_minutes": D(-1)}, "setup_minutes"),
        ({"run_minutes": D("-0.5")}, "run_minutes"),
        ({"cost_per_hour": D(-1)}, "cost_per_hour"),
    ],
)
def test_an_operation_that_breaks_a_rule_is_refused(fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"sequence": 10, "name": "Cut", "workstation": "SAW"} | fields

    with pytest.raises(RoutingError) as refused:
        Operation(**values)  # type: ignore[arg-type]

    assert refused.value.field == field


# --- shifts and calendars -----------------------------------------------------------------------


def test_a_standard_week_skips_a_holiday() -> None:
    calendar = WorkCalendar(standard_week(), holidays=frozenset({date(2025, 3, 5)}))

    intervals = list(calendar.intervals(MONDAY, MONDAY.replace(day=10)))

    assert intervals == [
        (datetime(2025, 3, d, 7, 0), datetime(2025, 3, d, 15, 30)) for d in (3, 4, 6, 7)
    ]


def test_the_end_day_is_not_included() -> None:
    calendar = WorkCalendar(standard_week())

    assert list(calendar.intervals(MONDAY, MONDAY)) == []
    assert len(list(calendar.intervals(MONDAY, MONDAY.replace(day=4)))) == 1


def test_a_night_shift_crosses_midnight_and_belongs_to_the_day_it_starts() -> None:
    calendar = WorkCalendar(
        (Shift(0, time(6), time(14)), Shift(0, time(22), time(6)), Shift(1, time(6), time(14)))
    )

    assert list(calendar.intervals(MONDAY, MONDAY.replace(day=5))) == [
        (datetime(2025, 3, 3, 6), datetime(2025, 3, 3, 14)),
        (datetime(2025, 3, 3, 22), datetime(2025, 3, 4, 6)),
        (datetime(2025, 3, 4, 6), datetime(2025, 3, 4, 14)),
    ]
    assert calendar.weekly_minutes() == 3 * 480


def test_a_holiday_drops_the_night_shift_that_starts_on_it() -> None:
    calendar = WorkCalendar((Shift(0, time(22), time(6)),), holidays=frozenset({MONDAY}))

    assert list(calendar.intervals(MONDAY, MONDAY.replace(day=11))) == [
        (datetime(2025, 3, 10, 22), datetime(2025, 3, 11, 6))
    ]


def test_the_standard_week_is_forty_two_and_a_half_hours() -> None:
    assert WorkCalendar(standard_week()).weekly_minutes() == 5 * 510


def test_overlapping_shifts_are_refused_naming_both() -> None:
    with pytest.raises(ResourceError) as refused:
        WorkCalendar((Shift(0, time(8), time(12)), Shift(0, time(11), time(16))))

    assert "mon 08:00-12:00" in str(refused.value)
    assert "mon 11:00-16:00" in str(refused.value)
    assert refused.value.field == "shifts"


def test_a_night_shift_may_not_run_into_the_next_mornings_shift() -> None:
    with pytest.raises(ResourceError, match="mon 22:00-06:00"):
        WorkCalendar((Shift(0, time(22), time(6)), Shift(1, time(5), time(13))))


def test_shifts_that_touch_do_not_overlap() -> None:
    calendar = WorkCalendar((Shift(2, time(6), time(14)), Shift(2, time(14), time(22))))

    assert calendar.weekly_minutes() == 960


def test_two_shifts_starting_together_are_refused_as_overlapping() -> None:
    with pytest.raises(ResourceError):
        WorkCalendar((Shift(0, time(8), time(12)), Shift(0, time(8), time(16))))


def test_a_sunday_night_shift_may_not_run_into_monday_morning() -> None:
    with pytest.raises(ResourceError):
        WorkCalendar((Shift(6, time(22), time(6)), Shift(0, time(5), time(13))))


def test_a_shift_needs_a_weekday_and_a_length() -> None:
    with pytest.raises(ResourceError) as refused:
        Shift(7, time(8), time(16))
    assert refused.value.field == "weekday"
    with pytest.raises(ResourceError) as refused:
        Shift(0, time(8), time(8))
    assert refused.value.field == "end"


# --- workstations, operators, locations, suppliers ----------------------------------------------


def test_a_workstation_works_a_standard_week_unless_told_otherwise() -> None:
    saw = Workstation("SAW-1", "Panel saw", cost_per_hour=D(36))

    assert saw.parallel_units == 1
    assert saw.calendar.weekly_minutes() == 2550


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "SAW 1"}, "code"),
        ({"code": ""}, "code"),
        ({"name": " "}, "name"),
        ({"parallel_units": 0}, "parallel_units"),
        ({"cost_per_hour": D(-1)}, "cost_per_hour"),
    ],
)
def test_a_workstation_that_breaks_a_rule_is_refused(fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"code": "SAW-1", "name": "Panel saw"} | fields

    with pytest.raises(ResourceError) as refused:
        Workstation(**values)  # type: ignore[arg-type]

    assert refused.value.field == field


def test_an_operator_runs_only_the_workstations_they_are_trained_on() -> None:
    ana = Operator("ANA", "Ana Costa", frozenset({"SAW-1", "LATHE"}))

    assert ana.may_run("LATHE")
    assert not ana.may_run("PAINT-BOOTH")
    with pytest.raises(ResourceError):
        Operator("ANA COSTA", "Ana Costa")


def test_locations_and_suppliers_need_a_code_and_a_name() -> None:
    assert Location("MAIN", "Main warehouse").code == "MAIN"
    with pytest.raises(ResourceError):
        Location("MAIN STORE", "Main warehouse")
    with pytest.raises(DomainError) as refused:
        Location("SHOP", " ")
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        Supplier("TIMBERCO", "Timber & Co", lead_time_days=-2)
    assert refused.value.field == "lead_time_days"
