"""Webhooks: subscriptions, publishing events into an outbox, and delivering them.

A failing endpoint never blocks a posting. ``publish`` only writes one pending delivery per
matching subscription, inside the caller's unit of work: the delivery exists if and only if the
posting commits. ``deliver_pending`` sends what is due later (a CLI command, a worker), each
delivery in its own short transaction; an answer other than 2xx, a network error or a timeout is
written to the delivery's log and retried after a backoff (see ``takt.domain.events``), never
raised to the caller. Delivery is at least once: a receiver deduplicates on ``X-Takt-Delivery``.

The HTTP sender is injected (``Send``), so the use cases do no I/O of their own; the CLI passes
one built on httpx.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from takt.app.availability import Allocation, allocation
from takt.app.ports import UnitOfWork, UnitOfWorkFactory
from takt.domain.events import (
    AvailabilityChanged,
    Delivery,
    DeliveryStatus,
    Event,
    EventName,
    Subscription,
    body_of,
    event_name,
    is_success,
)

Clock = Callable[[], datetime]
"""As in ``takt.app.stock``; not imported from there, so that stock postings may publish."""


def utc_now() -> datetime:
    return datetime.now(UTC)


Send = Callable[[str, bytes, dict[str, str]], int]
"""POSTs ``body`` with ``headers`` to ``url`` and returns the status code; raises on a network
error or a timeout."""

SEND_TIMEOUT_SECONDS = 5.0
CLAIM = timedelta(minutes=2)
"""How long a claimed delivery is left to its sender before another may try it (a crash)."""


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """An endpoint for ``events`` (names, or ``*`` for all); a secret is generated if none."""

    url: str
    events: tuple[str, ...]
    secret: str | None = None


def subscribe(cmd: NewSubscription, uow: UnitOfWork, clock: Clock = utc_now) -> Subscription:
    """Adds a subscription; the returned one carries its secret, the only time it is shown.

    Raises ``WebhookError`` naming ``url``, ``event`` or ``secret`` when one is not valid.
    """
    subscription = Subscription(cmd.url, cmd.events, cmd.secret or "")
    with uow:
        uow.webhooks.add_subscription(subscription, clock())
        uow.commit()
    return subscription


def unsubscribe(subscription_id: int, uow: UnitOfWork, clock: Clock = utc_now) -> int:
    """Removes a subscription; its pending deliveries are cancelled (returns how many)."""
    with uow:
        cancelled = uow.webhooks.remove_subscription(subscription_id, clock())
        uow.commit()
    return cancelled


def subscriptions(uow: UnitOfWork) -> list[Subscription]:
    """The active subscriptions (with their secrets: an edge must not show them)."""
    with uow:
        return uow.webhooks.subscriptions()


def publish(
    uow: UnitOfWork,
    event: EventName | str,
    payload: Mapping[str, Any],
    clock: Clock = utc_now,
) -> list[Delivery]:
    """Queues ``event`` for every subscription that wants it, inside ``uow`` (already open).

    Nothing is sent and nothing committed here: the caller's commit makes the deliveries due,
    its rollback discards them. Raises ``WebhookError`` when the payload's keys are not the
    event's fields (a programming error, caught before anything is written).
    """
    name = event if isinstance(event, EventName) else event_name(event)
    wanting = [s for s in uow.webhooks.subscriptions() if s.wants(name)]
    now = clock()
    queued: list[Delivery] = []
    for subscription in wanting:
        assert subscription.id is not None
        uid = str(uuid.uuid4())
        delivery = Delivery(
            uid=uid,
            subscription_id=subscription.id,
            url=subscription.url,
            event=name.value,
            body=body_of(uid, name, payload, now),
            created_at=now,
            next_attempt_at=now,
        )
        queued.append(uow.webhooks.add_delivery(delivery))
    return queued


def publish_event(uow: UnitOfWork, event: Event, clock: Clock = utc_now) -> list[Delivery]:
    """``publish`` for one of the domain's event objects (``SalesOrderCreated.of(order)``...)."""
    return publish(uow, event.name, event.payload(), clock)


def wanted(uow: UnitOfWork, event: EventName) -> bool:
    """Whether any subscription wants ``event``: skip costly payloads nobody would receive."""
    return any(s.wants(event) for s in uow.webhooks.subscriptions())


def publish_availability_changes(
    uows: UnitOfWorkFactory, clock: Clock = utc_now
) -> list[AvailabilityChanged]:
    """Publishes ``availability.changed`` for each open order whose colour differs from the one
    last seen, and remembers the new colours: a derived-state job, run before each delivery.

    Colours are recomputed from everything stored (one allocation, a fixed number of queries), so
    every cause counts alike: a posting, a new or re-ranked order, a replan. A closed order is
    forgotten without an event. Does nothing when no subscription wants the event (the colours
    seen are then not kept up to date either).
    """
    with uows() as uow:
        if not wanted(uow, EventName.AVAILABILITY_CHANGED):
            return []
        colours = order_colours(allocation(uow))
        seen = uow.webhooks.colours()
        changes = [
            AvailabilityChanged(order, seen.get(order), colour)
            for order, colour in sorted(colours.items())
            if seen.get(order) != colour
        ]
        gone = sorted(set(seen) - set(colours))
        if changes or gone:
            uow.webhooks.save_colours({c.order: c.after for c in changes}, gone, clock())
            for change in changes:
                publish_event(uow, change, clock)
            uow.commit()
        return changes


def order_colours(allocated: Allocation) -> dict[str, str]:
    """Each open order's colour: the worst of its lines (sales lines, or an MO's ingredients)."""
    return {order: status.value for order, status in allocated.order_statuses().items()}


def deliver_pending(
    uows: UnitOfWorkFactory,
    send: Send,
    clock: Clock = utc_now,
    limit: int = 100,
) -> list[Delivery]:
    """Sends up to ``limit`` due deliveries and returns them as they stand after the attempt.

    One short transaction claims the due deliveries; each is then sent outside any transaction
    and its outcome written in a transaction of its own. Never raises for an endpoint's failure.
    """
    now = clock()
    with uows() as uow:
        claimed = uow.webhooks.claim_due(now, now + CLAIM, limit)
        uow.commit()
    results: list[Delivery] = []
    for delivery, secret in claimed:
        _attempt(delivery, secret, send, clock)
        with uows() as uow:
            uow.webhooks.save_delivery(delivery)
            uow.commit()
        results.append(delivery)
    return results


def _attempt(delivery: Delivery, secret: str, send: Send, clock: Clock) -> None:
    body = delivery.body.encode()
    try:
        code = send(delivery.url, body, delivery.headers(secret))
    except Exception as exc:  # any failure of the endpoint or the network is only logged
        delivery.failed_attempt(clock(), None, _describe(exc))
        return
    if is_success(code):
        delivery.succeeded(clock(), code)
    else:
        delivery.failed_attempt(clock(), code, f"HTTP {code}")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def delivery_log(
    uow: UnitOfWork,
    subscription_id: int | None = None,
    status: DeliveryStatus | None = None,
    event: str | None = None,
    limit: int = 100,
) -> list[Delivery]:
    """The delivery log, newest first."""
    with uow:
        return uow.webhooks.deliveries(subscription_id, status, event, limit)
