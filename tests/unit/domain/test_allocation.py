"""Allocation: who gets the stock and the open supply, and each line's red / amber / green status.

The workshop's week: Friday 27 November 2026 a PO may arrive, Monday 30 November an MO starts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from takt.domain.allocation import (
    AllocationError,
    Demand,
    DemandKind,
    LineAllocation,
    Peg,
    Status,
    Supply,
    SupplyKind,
    allocate,
    order_status,
    worst,
)

D = Decimal
FRIDAY = date(2026, 11, 27)
MONDAY = date(2026, 11, 30)


def po(ref: str, item: str, quantity: int | str, arrives: date) -> Supply:
    return Supply(ref, item, D(quantity), arrives, SupplyKind.PURCHASE)


def mo_output(ref: str, item: str, quantity: int | str, finishes: date) -> Supply:
    return Supply(ref, item, D(quantity), finishes, SupplyKind.PRODUCTION)


def ingredient(mo: str, item: str, quantity: int | str, starts: date, rank: int) -> Demand:
    return Demand(f"{mo}/{item}", mo, item, D(quantity), starts, DemandKind.INGREDIENT, rank)


def sales_line(
    so: str, line: int, item: str, quantity: int | str, delivery: date, rank: int
) -> Demand:
    return Demand(f"{so}/{line}", so, item, D(quantity), delivery, DemandKind.SALES, rank)


def statuses(result: dict[str, LineAllocation]) -> dict[str, Status]:
    return {ref: line.status for ref, line in result.items()}


# --- the stories -------------------------------------------------------------------------------


def test_a_table_mo_is_amber_until_it_is_ranked_behind_a_bigger_one() -> None:
    """A table needs 4 legs; 3 are in stock; a PO of 10 arrives Friday; the MO starts Monday."""
    legs_po = po("PO-0012", "LEG", 10, FRIDAY)
    table_mo = ingredient("MO-0001", "LEG", 4, MONDAY, rank=1)

    line = allocate({"LEG": D(3)}, [legs_po], [table_mo])["MO-0001/LEG"]

    assert line.status is Status.AMBER
    assert line.from_stock == 3
    assert line.pegs == (Peg("PO-0012", D(1), FRIDAY, on_time=True),)
    assert line.expected_date == FRIDAY
    assert line.reason == "3 in stock; expected: 1 from PO-0012 on 2026-11-27 (needed 2026-11-30)"

    # The planner drags a bench MO needing 12 legs above it: the bench takes 3 + 9, the table 1.
    bench_mo = ingredient("MO-0002", "LEG", 12, MONDAY, rank=1)
    reranked = allocate(
        {"LEG": D(3)}, [legs_po], [bench_mo, ingredient("MO-0001", "LEG", 4, MONDAY, rank=2)]
    )

    assert reranked["MO-0002/LEG"].status is Status.AMBER
    table = reranked["MO-0001/LEG"]
    assert table.status is Status.RED
    assert (table.from_stock, table.pegged, table.short) == (D(0), D(1), D(3))
    assert table.reason == "short 3 of 4 after PO-0012 on 2026-11-27"


def test_a_line_covered_by_stock_is_green_and_in_stock() -> None:
    line = allocate({"SCREW": D(500)}, [], [ingredient("MO-0001", "SCREW", 16, MONDAY, 1)])[
        "MO-0001/SCREW"
    ]

    assert line.status is Status.GREEN
    assert line.status.label == "In stock"
    assert (line.from_stock, line.short) == (D(16), D(0))
    assert line.pegs == ()
    assert line.expected_date is None
    assert line.reason == "in stock"


def test_the_better_ranked_mo_gets_the_stock() -> None:
    """5 oak boards, two MOs needing 5 each on the same day: rank decides, not the order number."""
    first = ingredient("MO-0007", "OAK", 5, MONDAY, rank=1)
    second = ingredient("MO-0003", "OAK", 5, MONDAY, rank=2)

    result = allocate({"OAK": D(5)}, [], [second, first])

    assert statuses(result) == {"MO-0007/OAK": Status.GREEN, "MO-0003/OAK": Status.RED}
    assert result["MO-0003/OAK"].reason == "short 5 of 5: no supply"


def test_sales_lines_and_ingredients_are_merged_by_need_date() -> None:
    """A sales line due Tuesday beats an MO starting the Monday after, and the other way round."""
    tuesday, next_monday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=7)
    chairs = sales_line("SO-0001", 1, "CHAIR", 5, tuesday, rank=1)
    set_mo = ingredient("MO-0001", "CHAIR", 5, next_monday, rank=1)

    assert statuses(allocate({"CHAIR": D(5)}, [], [set_mo, chairs])) == {
        "SO-0001/1": Status.GREEN,
        "MO-0001/CHAIR": Status.RED,
    }

    early_mo = ingredient("MO-0001", "CHAIR", 5, MONDAY, rank=1)
    assert statuses(allocate({"CHAIR": D(5)}, [], [chairs, early_mo])) == {
        "MO-0001/CHAIR": Status.GREEN,
        "SO-0001/1": Status.RED,
    }


def test_on_the_same_day_the_ingredient_goes_before_the_sales_line() -> None:
    chairs = sales_line("SO-0001", 1, "CHAIR", 5, MONDAY, rank=1)
    set_mo = ingredient("MO-0001", "CHAIR", 5, MONDAY, rank=9)

    result = allocate({"CHAIR": D(5)}, [], [chairs, set_mo])

    assert statuses(result) == {"MO-0001/CHAIR": Status.GREEN, "SO-0001/1": Status.RED}
    assert list(result) == ["MO-0001/CHAIR", "SO-0001/1"]


def test_within_a_list_the_rank_wins_even_over_an_earlier_date() -> None:
    """SO-0002 is due first, but the planner ranked SO-0001 above it: SO-0002 waits behind it."""
    urgent_mo = ingredient("MO-0001", "CHAIR", 4, MONDAY + timedelta(days=5), rank=1)
    ranked_first = sales_line("SO-0001", 1, "CHAIR", 4, MONDAY + timedelta(days=10), rank=1)
    due_first = sales_line("SO-0002", 1, "CHAIR", 4, MONDAY + timedelta(days=1), rank=2)

    result = allocate({"CHAIR": D(8)}, [], [due_first, ranked_first, urgent_mo])

    # SO-0001 (day 10) heads the sales list, so the MO (day 5) goes first; SO-0002 comes last.
    assert list(result) == ["MO-0001/CHAIR", "SO-0001/1", "SO-0002/1"]
    assert statuses(result) == {
        "MO-0001/CHAIR": Status.GREEN,
        "SO-0001/1": Status.GREEN,
        "SO-0002/1": Status.RED,
    }


def test_a_partial_shortfall_is_red() -> None:
    glue = ingredient("MO-0001", "GLUE", "2.5", MONDAY, 1)

    line = allocate({"GLUE": D("2.000")}, [], [glue])["MO-0001/GLUE"]

    assert line.status is Status.RED
    assert (line.from_stock, line.short) == (D(2), D("0.5"))
    assert line.reason == "short 0.5 of 2.5 after 2 in stock"


def test_supply_arriving_after_the_need_date_is_red_and_says_so() -> None:
    order = sales_line("SO-0001", 1, "TABLE", 10, date(2026, 11, 28), rank=1)
    late = mo_output("MO-0012", "TABLE", 10, date(2026, 12, 3))

    line = allocate({}, [late], [order])["SO-0001/1"]

    assert line.status is Status.RED
    assert line.status.label == "Not available"
    assert line.pegs == (Peg("MO-0012", D(10), date(2026, 12, 3), on_time=False),)
    assert line.reason == "expected too late: MO-0012 on 2026-12-03, needed 2026-11-28"


def test_supply_arriving_in_time_is_amber_and_says_when() -> None:
    order = sales_line("SO-0001", 1, "TABLE", 10, date(2026, 12, 5), rank=1)

    line = allocate({}, [po("PO-0012", "TABLE", 10, date(2026, 12, 3))], [order])["SO-0001/1"]

    assert line.status is Status.AMBER
    assert line.reason == "expected: PO-0012 on 2026-12-03 (needed 2026-12-05)"


def test_supply_arriving_on_the_need_date_is_in_time() -> None:
    line = allocate(
        {}, [po("PO-0012", "LEG", 4, MONDAY)], [ingredient("MO-0001", "LEG", 4, MONDAY, 1)]
    )["MO-0001/LEG"]

    assert line.status is Status.AMBER


def test_late_supply_is_still_consumed_by_the_better_ranked_line() -> None:
    """Priority wins: MO-0001 cannot use the PO in time, but MO-0002 still does not get it."""
    po_wednesday = po("PO-0012", "LEG", 4, date(2026, 12, 2))
    early = ingredient("MO-0001", "LEG", 4, MONDAY, rank=1)
    later = ingredient("MO-0002", "LEG", 4, MONDAY + timedelta(days=7), rank=2)

    result = allocate({}, [po_wednesday], [early, later])

    assert result["MO-0001/LEG"].reason == (
        "expected too late: PO-0012 on 2026-12-02, needed 2026-11-30"
    )
    assert result["MO-0002/LEG"].reason == "short 4 of 4: no supply"


def test_a_line_is_pegged_to_several_supplies_in_date_order() -> None:
    """10 legs on 1 December: 4 from a PO, 3 from an MO, 3 of 5 from a later PO; 2 stay for next."""
    supplies = [
        po("PO-0002", "LEG", 5, date(2026, 11, 26)),
        po("PO-0001", "LEG", 4, date(2026, 11, 24)),
        mo_output("MO-0003", "LEG", 3, date(2026, 11, 25)),
    ]
    big = ingredient("MO-0010", "LEG", 10, date(2026, 12, 1), rank=1)
    small = ingredient("MO-0011", "LEG", 2, date(2026, 12, 1), rank=2)

    result = allocate({}, supplies, [small, big])

    assert result["MO-0010/LEG"].pegs == (
        Peg("PO-0001", D(4), date(2026, 11, 24), True),
        Peg("MO-0003", D(3), date(2026, 11, 25), True),
        Peg("PO-0002", D(3), date(2026, 11, 26), True),
    )
    assert result["MO-0010/LEG"].expected_date == date(2026, 11, 26)
    assert result["MO-0010/LEG"].reason == (
        "expected: 4 from PO-0001 on 2026-11-24, 3 from MO-0003 on 2026-11-25, "
        "3 from PO-0002 on 2026-11-26 (needed 2026-12-01)"
    )
    assert result["MO-0011/LEG"].pegs == (Peg("PO-0002", D(2), date(2026, 11, 26), True),)


def test_supplies_on_the_same_day_are_taken_by_reference() -> None:
    supplies = [po("PO-0020", "LEG", 4, FRIDAY), po("PO-0019", "LEG", 4, FRIDAY)]

    line = allocate({}, supplies, [ingredient("MO-0001", "LEG", 4, MONDAY, 1)])["MO-0001/LEG"]

    assert [peg.supply for peg in line.pegs] == ["PO-0019"]


def test_the_reason_names_stock_on_time_and_late_parts() -> None:
    supplies = [
        po("PO-0001", "OAK", 3, date(2026, 12, 1)),
        po("PO-0002", "OAK", 5, date(2026, 12, 10)),
    ]
    needed = date(2026, 12, 5)

    line = allocate({"OAK": D(2)}, supplies, [ingredient("MO-0001", "OAK", 10, needed, 1)])[
        "MO-0001/OAK"
    ]

    assert line.status is Status.RED
    assert line.reason == (
        "2 in stock; expected: 3 from PO-0001 on 2026-12-01; "
        "expected too late: 5 from PO-0002 on 2026-12-10, needed 2026-12-05"
    )


def test_a_short_line_says_which_supply_came_too_late() -> None:
    supplies = [
        po("PO-0001", "OAK", 3, date(2026, 12, 1)),
        po("PO-0002", "OAK", 5, date(2026, 12, 10)),
    ]

    line = allocate(
        {"OAK": D(1)}, supplies, [ingredient("MO-0001", "OAK", 10, date(2026, 12, 5), 1)]
    )["MO-0001/OAK"]

    assert line.reason == (
        "short 1 of 10 after 1 in stock, 3 from PO-0001 on 2026-12-01, "
        "5 from PO-0002 on 2026-12-10 (too late), needed 2026-12-05"
    )


def test_negative_stock_counts_as_none() -> None:
    """Glue may go negative; -4 ml on the books is no glue to give, and no debt for the line."""
    line = allocate(
        {"GLUE": D(-4)},
        [po("PO-0001", "GLUE", 10, FRIDAY)],
        [ingredient("MO-0001", "GLUE", 10, MONDAY, 1)],
    )["MO-0001/GLUE"]

    assert line.status is Status.AMBER
    assert (line.from_stock, line.pegged, line.short) == (D(0), D(10), D(0))
    assert line.reason == "expected: PO-0001 on 2026-11-27 (needed 2026-11-30)"


def test_items_do_not_share_stock_or_supply() -> None:
    result = allocate(
        {"OAK": D(10)},
        [po("PO-0001", "OAK", 10, FRIDAY)],
        [ingredient("MO-0001", "GLUE", 5, MONDAY, 1), ingredient("MO-0001", "OAK", 5, MONDAY, 1)],
    )

    assert statuses(result) == {"MO-0001/GLUE": Status.RED, "MO-0001/OAK": Status.GREEN}


def test_an_order_is_as_bad_as_its_worst_line() -> None:
    result = allocate(
        {"OAK": D(10), "GLUE": D(1)},
        [po("PO-0001", "GLUE", 1, FRIDAY)],
        [
            ingredient("MO-0001", "OAK", 5, MONDAY, 1),
            ingredient("MO-0001", "GLUE", 2, MONDAY, 1),
            ingredient("MO-0002", "OAK", 5, MONDAY, 2),
            ingredient("MO-0002", "GLUE", 1, MONDAY, 2),
        ],
    )

    def lines(mo: str) -> list[LineAllocation]:
        return [line for ref, line in result.items() if ref.startswith(mo)]

    assert order_status(lines("MO-0001")) is Status.AMBER
    assert order_status(lines("MO-0002")) is Status.RED
    assert order_status([]) is Status.GREEN


def test_worst_orders_red_over_amber_over_green() -> None:
    assert worst([]) is Status.GREEN
    assert worst([Status.GREEN, Status.AMBER, Status.GREEN]) is Status.AMBER
    assert worst(iter([Status.AMBER, Status.RED, Status.GREEN])) is Status.RED
    assert sorted(Status, key=lambda s: s.severity) == [Status.GREEN, Status.AMBER, Status.RED]


def test_two_demand_lines_with_one_reference_are_refused() -> None:
    twice = [ingredient("MO-0001", "OAK", 1, MONDAY, 1), ingredient("MO-0001", "OAK", 2, MONDAY, 1)]

    with pytest.raises(AllocationError, match="MO-0001/OAK") as refused:
        allocate({}, [], twice)
    assert refused.value.field == "ref"


@pytest.mark.parametrize("quantity", [D(0), D(-1), D("NaN"), 1.5])
def test_a_quantity_must_be_a_positive_decimal(quantity: object) -> None:
    with pytest.raises(AllocationError) as refused:
        Demand("SO-0001/1", "SO-0001", "TABLE", quantity, MONDAY, DemandKind.SALES, 1)  # type: ignore[arg-type]
    assert refused.value.field == "quantity"
    with pytest.raises(AllocationError):
        Supply("PO-0001", "TABLE", quantity, MONDAY, SupplyKind.PURCHASE)  # type: ignore[arg-type]


def test_a_hundred_thousand_lines_are_allocated() -> None:
    """The size the app allocates at once: 100,000 ingredient lines, 5,000 sales lines."""
    rng = random.Random(7)
    items = [f"MAT-{i:04d}" for i in range(2000)]
    on_hand = {item: D(rng.randint(-5, 400)) for item in items}
    supplies = [
        po(
            f"PO-{i:05d}",
            rng.choice(items),
            rng.randint(1, 200),
            FRIDAY + timedelta(rng.randint(0, 60)),
        )
        for i in range(6000)
    ]
    demands = [
        ingredient(
            f"MO-{i:06d}",
            rng.choice(items),
            rng.randint(1, 20),
            MONDAY + timedelta(rng.randint(0, 90)),
            i,
        )
        for i in range(100_000)
    ] + [
        sales_line(
            f"SO-{i:05d}",
            1,
            rng.choice(items),
            rng.randint(1, 20),
            MONDAY + timedelta(rng.randint(0, 90)),
            i,
        )
        for i in range(5_000)
    ]

    result = allocate(on_hand, supplies, demands)

    assert len(result) == 105_000
    assert {line.status for line in result.values()} == set(Status)


# --- properties --------------------------------------------------------------------------------

ITEMS = ("OAK", "GLUE", "SCREW")
START = date(2026, 11, 2)


def _quantities(low: int = 1) -> st.SearchStrategy[Decimal]:
    return st.integers(low, 60).map(lambda n: D(n) / 2)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Decimal], list[Supply], list[Demand]]:
    on_hand = draw(st.dictionaries(st.sampled_from(ITEMS), st.integers(-10, 40).map(D)))
    supply_rows = draw(
        st.lists(st.tuples(st.sampled_from(ITEMS), _quantities(), st.integers(0, 30)), max_size=8)
    )
    supplies = [
        Supply(f"PO-{i:04d}", item, quantity, START + timedelta(days), SupplyKind.PURCHASE)
        for i, (item, quantity, days) in enumerate(supply_rows)
    ]
    demand_rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ITEMS),
                _quantities(),
                st.integers(0, 30),
                st.sampled_from(DemandKind),
                st.integers(0, 6),
            ),
            min_size=1,
            max_size=14,
        )
    )
    demands = [
        Demand(f"D-{i:03d}", f"O-{i:03d}", item, quantity, START + timedelta(days), kind, rank)
        for i, (item, quantity, days, kind, rank) in enumerate(demand_rows)
    ]
    return on_hand, supplies, demands


Scenario = tuple[dict[str, Decimal], list[Supply], list[Demand]]


def _by_item(lines: Iterable[LineAllocation]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.item] += line.from_stock
    return totals


@given(scenarios())
def test_stock_allocated_per_item_never_exceeds_what_is_on_hand(scenario: Scenario) -> None:
    on_hand, supplies, demands = scenario
    result = allocate(on_hand, supplies, demands)
    for item, allocated in _by_item(result.values()).items():
        assert allocated <= max(on_hand.get(item, D(0)), D(0))


@given(scenarios())
def test_no_supply_is_pegged_beyond_its_quantity(scenario: Scenario) -> None:
    on_hand, supplies, demands = scenario
    pegged: dict[str, Decimal] = defaultdict(Decimal)
    for line in allocate(on_hand, supplies, demands).values():
        for peg in line.pegs:
            pegged[peg.supply] += peg.quantity
            assert peg.quantity > 0
    quantity = {supply.ref: supply.quantity for supply in supplies}
    for ref, total in pegged.items():
        assert total <= quantity[ref]


@given(scenarios())
def test_every_line_adds_up_and_its_status_matches_its_figures(scenario: Scenario) -> None:
    on_hand, supplies, demands = scenario
    result = allocate(on_hand, supplies, demands)
    assert set(result) == {demand.ref for demand in demands}
    for line in result.values():
        assert line.from_stock >= 0
        assert line.short >= 0
        assert line.from_stock + line.pegged + line.short == line.quantity
        assert (line.status is Status.GREEN) == (line.from_stock == line.quantity)
        late = any(not peg.on_time for peg in line.pegs)
        assert (line.status is Status.RED) == (line.short > 0 or late)
        assert line.reason  # every line can say why


@given(scenarios(), st.data())
def test_a_better_rank_never_makes_a_line_worse(scenario: Scenario, data: st.DataObject) -> None:
    on_hand, supplies, demands = scenario
    index = data.draw(st.integers(0, len(demands) - 1))
    target = demands[index]
    better_rank = target.rank - data.draw(st.integers(1, 8))
    promoted = replace(target, rank=better_rank)
    before = allocate(on_hand, supplies, demands)[target.ref]
    after = allocate(on_hand, supplies, [*demands[:index], promoted, *demands[index + 1 :]])[
        target.ref
    ]
    assert after.status.severity <= before.status.severity
    assert after.from_stock >= before.from_stock
    assert after.short <= before.short


@settings(max_examples=50)
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_the_inputs_does_not_matter(scenario: Scenario, rng: random.Random) -> None:
    on_hand, supplies, demands = scenario
    shuffled_supplies: Sequence[Supply] = rng.sample(supplies, len(supplies))
    shuffled_demands: Sequence[Demand] = rng.sample(demands, len(demands))
    first = allocate(on_hand, supplies, demands)
    again = allocate(dict(reversed(on_hand.items())), shuffled_supplies, shuffled_demands)
    assert list(again.items()) == list(first.items())


def test_a_line_needs_a_reference_and_an_item() -> None:
    with pytest.raises(AllocationError) as refused:
        Demand("", "SO-0001", "TABLE", D(1), MONDAY, DemandKind.SALES, 1)
    assert refused.value.field == "ref"
    with pytest.raises(AllocationError) as refused:
        Supply("PO-0001", "", D(1), MONDAY, SupplyKind.PURCHASE)
    assert refused.value.field == "item"
