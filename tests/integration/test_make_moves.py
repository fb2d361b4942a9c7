"""Moving orders on the Make list in SQL alone lands each one exactly where asked, like
renumbering the whole list would, with repeated ranks too; statuses follow."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from takt.app import manufacturing as mfg
from takt.app.availability import allocation
from takt.config import Takt

D = Decimal
DUE = date(2026, 12, 7)


def order(plant: Takt) -> list[str]:
    with plant.uows(read_only=True) as uow:
        return [number for number, _ in uow.manufacturing.open_ranks()]


def test_random_moves_land_where_asked(plant: Takt) -> None:
    numbers = [
        mfg.create_mo(mfg.NewMO(("LEG", "TOP")[n % 2], D(1), DUE), plant.uows()).number
        for n in range(8)
    ]
    expected = list(numbers)
    rng = random.Random(7)
    for step in range(30):
        number = rng.choice(expected)
        position = rng.randint(1, len(expected) + 2)  # past the end means last
        if step == 12:
            # Ranks that repeat (as an import or an old version may leave them): the move still
            # lands exactly, by renumbering.
            with plant.uows() as uow:
                uow.manufacturing.set_ranks(dict.fromkeys(expected[2:6], 3), reordered=expected)
                uow.commit()
            expected = order(plant)
            with plant.uows() as uow:  # the store declines, the use case renumbers
                assert uow.manufacturing.move(expected[4], 2) is None
        moved = mfg.move_mo(number, position, plant.uows())
        before = list(expected)
        expected.remove(number)
        expected.insert(min(position, len(expected) + 1) - 1, number)
        assert order(plant) == expected, (step, number, position)
        assert moved == (expected != before)


def test_a_move_changes_who_gets_the_stock(plant: Takt) -> None:
    """Two MOs of legs need oak; the first on the list gets it."""
    from takt.app import stock

    stock.receive(stock.Receive("OAK", D("4"), D("8")), plant.uows())
    first = mfg.create_mo(mfg.NewMO("LEG", D(5), DUE), plant.uows()).number
    second = mfg.create_mo(mfg.NewMO("LEG", D(5), DUE), plant.uows()).number

    def colours() -> tuple[str, str]:
        with plant.uows(read_only=True) as uow:
            result = allocation(uow)
        return result.order_status(first).value, result.order_status(second).value

    assert colours() == ("green", "red")
    assert mfg.move_mo(second, 1, plant.uows())
    assert colours() == ("red", "green")
    assert not mfg.move_mo(second, 1, plant.uows())
