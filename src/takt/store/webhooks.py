"""Webhook subscriptions, their deliveries (the outbox the sender drains, and its log), and the
order colours last announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, delete, insert, select, update
from sqlalchemy.orm import Session

from takt.domain.errors import NotFound
from takt.domain.events import Delivery, DeliveryStatus, Subscription
from takt.store.tables import order_colours, webhook_deliveries, webhook_subscriptions


def _subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        row.url,
        tuple(row.events),
        row.secret,
        created_at=row.created_at,
        active=row.active,
        id=row.id,
    )


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        uid=row.uid,
        subscription_id=row.subscription_id,
        url=row.url,
        event=row.event,
        body=row.body,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_attempt_at=row.last_attempt_at,
        response_code=row.response_code,
        error=row.error,
        id=row.id,
    )


class SqlWebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ------------------------------------------------------------ subscriptions

    def add_subscription(self, subscription: Subscription, at: datetime) -> Subscription:
        subscription.id = self.session.execute(
            insert(webhook_subscriptions)
            .values(
                url=subscription.url,
                events=list(subscription.events),
                secret=subscription.secret,
                active=True,
                created_at=at,
            )
            .returning(webhook_subscriptions.c.id)
        ).scalar_one()
        subscription.created_at = at
        subscription.active = True
        return subscription

    def subscriptions(self) -> list[Subscription]:
        """The active subscriptions, oldest first."""
        query = (
            select(webhook_subscriptions)
            .where(webhook_subscriptions.c.active)
            .order_by(webhook_subscriptions.c.id)
        )
        return [_subscription(r) for r in self.session.execute(query)]

    def subscription(self, subscription_id: int) -> Subscription:
        row = self.session.execute(
            select(webhook_subscriptions).where(
                webhook_subscriptions.c.id == subscription_id, webhook_subscriptions.c.active
            )
        ).first()
        if row is None:
            raise NotFound(f"no webhook {subscription_id}", field="id")
        return _subscription(row)

    def remove_subscription(self, subscription_id: int, at: datetime) -> int:
        """Deactivates the subscription and cancels its pending deliveries (how many)."""
        self.subscription(subscription_id)
        self.session.execute(
            update(webhook_subscriptions)
            .where(webhook_subscriptions.c.id == subscription_id)
            .values(active=False, removed_at=at)
        )
        cancelled = self.session.execute(
            update(webhook_deliveries)
            .where(
                webhook_deliveries.c.subscription_id == subscription_id,
                webhook_deliveries.c.status == DeliveryStatus.PENDING.value,
            )
            .values(status=DeliveryStatus.CANCELLED.value, next_attempt_at=None)
            .returning(webhook_deliveries.c.id)
        ).all()
        return len(cancelled)

    # ------------------------------------------------------------ deliveries

    def _deliveries(self) -> Select[Any]:
        return select(webhook_deliveries, webhook_subscriptions.c.url).join(
            webhook_subscriptions,
            webhook_subscriptions.c.id == webhook_deliveries.c.subscription_id,
        )

    def add_delivery(self, delivery: Delivery) -> Delivery:
        delivery.id = self.session.execute(
            insert(webhook_deliveries)
            .values(
                uid=delivery.uid,
                subscription_id=delivery.subscription_id,
                event=delivery.event,
                body=delivery.body,
                status=delivery.status.value,
                attempts=delivery.attempts,
                created_at=delivery.created_at,
                next_attempt_at=delivery.next_attempt_at,
                error=delivery.error,
            )
            .returning(webhook_deliveries.c.id)
        ).scalar_one()
        return delivery

    def claim_due(self, now: datetime, until: datetime, limit: int) -> list[tuple[Delivery, str]]:
        """Pending deliveries due at ``now`` with their subscription's secret, oldest first;
        marked not due again before ``until`` so that no other sender takes them meanwhile.

        PostgreSQL skips rows another sender has locked; on SQLite the writer lock serialises
        senders.
        """
        query = (
            self._deliveries()
            .add_columns(webhook_subscriptions.c.secret)
            .where(
                webhook_deliveries.c.status == DeliveryStatus.PENDING.value,
                webhook_deliveries.c.next_attempt_at <= now,
            )
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
            .limit(limit)
            .with_for_update(of=webhook_deliveries, skip_locked=True)
        )
        claimed: list[tuple[Delivery, str]] = []
        for row in self.session.execute(query):
            delivery = _delivery(row)
            delivery.next_attempt_at = until
            claimed.append((delivery, row.secret))
        if claimed:
            self.session.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id.in_([d.id for d, _ in claimed]))
                .values(next_attempt_at=until)
            )
        return claimed

    def save_delivery(self, delivery: Delivery) -> None:
        self.session.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery.id)
            .values(
                status=delivery.status.value,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_attempt_at=delivery.last_attempt_at,
                response_code=delivery.response_code,
                error=delivery.error,
            )
        )

    def deliveries(
        self,
        subscription_id: int | None = None,
        status: DeliveryStatus | None = None,
        event: str | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """The delivery log, newest first."""
        query = self._deliveries().order_by(webhook_deliveries.c.id.desc()).limit(limit)
        if subscription_id is not None:
            query = query.where(webhook_deliveries.c.subscription_id == subscription_id)
        if status is not None:
            query = query.where(webhook_deliveries.c.status == status.value)
        if event is not None:
            query = query.where(webhook_deliveries.c.event == event)
        return [_delivery(r) for r in self.session.execute(query)]

    # ------------------------------------------------------------ colours seen

    def colours(self) -> dict[str, str]:
        """The colour last announced for each open order."""
        rows = self.session.execute(select(order_colours.c.order_number, order_colours.c.status))
        return {r.order_number: r.status for r in rows}

    def save_colours(self, changed: dict[str, str], gone: list[str], at: datetime) -> None:
        if gone:
            self.session.execute(
                delete(order_colours).where(order_colours.c.order_number.in_(gone))
            )
        if not changed:
            return
        known = set(
            self.session.execute(
                select(order_colours.c.order_number).where(
                    order_colours.c.order_number.in_(list(changed))
                )
            ).scalars()
        )
        for number, status in changed.items():
            if number in known:
                self.session.execute(
                    update(order_colours)
                    .where(order_colours.c.order_number == number)
                    .values(status=status, changed_at=at)
                )
        fresh = [
            {"order_number": n, "status": s, "changed_at": at}
            for n, s in changed.items()
            if n not in known
        ]
        if fresh:
            self.session.execute(insert(order_colours), fresh)
