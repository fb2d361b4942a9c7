"""The use cases publish their events (proposed wiring; see the webhooks report)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from takt.app import manufacturing as mfg
from takt.app import sales, stock, webhooks
from takt.app.scheduling import replan
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.config import Takt
from takt.domain.partners import Customer

D = Decimal


def clock() -> datetime:
    return datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def events(takt: Takt) -> list[tuple[str, dict[str, object]]]:
    log = reversed(webhooks.delivery_log(takt.uows()))
    return [(d.event, json.loads(d.body)["data"]) for d in log]


def test_the_use_cases_publish_their_events(plant: Takt) -> None:
    webhooks.subscribe(webhooks.NewSubscription("https://erp.example.com/", ("*",)), plant.uows())
    with plant.uows() as uow:
        oak = uow.items.get("OAK")
        uow.items.update(replace(oak, reorder_point=D("30")))
        uow.commit()
    sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    stock.receive(stock.Receive("OAK", D("40"), D("4")), plant.uows(), clock)
    stock.receive(stock.Receive("LEG", D("4"), D("10")), plant.uows(), clock)
    order = sales.create_sales_order(
        sales.NewSalesOrder(
            "HOTEL", date(2026, 12, 4), (sales.SalesLineInput("LEG", D("4"), D("25")),)
        ),
        plant.uows(),
        clock,
    )
    sales.ship(sales.Ship(order.number, 1, D("4")), plant.uows(), clock)
    mo = mfg.create_mo(mfg.NewMO("LEG", D("20"), date(2026, 12, 4)), plant.uows(), clock)
    act_on_task(
        TaskCommand(mo.number, 10, TaskAction.BLOCK, "ines", reason="saw blade broken"),
        plant.uows(),
        clock,
    )
    act_on_task(TaskCommand(mo.number, 10, TaskAction.UNBLOCK, "ines"), plant.uows(), clock)
    replan(plant.uows(), clock)
    mfg.complete(mfg.Complete(mo.number, D("20")), plant.uows(), clock)
    names = [name for name, _ in events(plant)]
    got = dict(events(plant))
    assert got["sales_order.created"]["order"] == order.number
    assert got["sales_order.delivered"]["order"] == order.number
    assert got["task.blocked"]["reason"] == "saw blade broken"
    assert got["plan.changed"]["orders"] == 1
    assert got["mo.done"]["completed"] == "20"
    assert got["stock.below_reorder_point"] == {
        "sku": "OAK",
        "on_hand": "24",
        "reorder_point": "30",
        "unit": "m",
        "document": mo.number,
    }
    assert names == [
        "sales_order.created",
        "sales_order.delivered",
        "task.blocked",
        "plan.changed",
        "stock.below_reorder_point",
        "mo.done",
    ]
