"""What Takt announces to other systems (events), and the rules for delivering them (webhooks).

An event is a name and a payload of plain JSON values. Each event has a frozen dataclass here whose
fields are exactly its payload's keys, so the shape a subscriber receives is written down once::

    event = SalesOrderCreated.of(order)
    event.name        # EventName.SALES_ORDER_CREATED ("sales_order.created")
    event.payload()   # {"order": "SO-00001", "customer": "ACME", ...} (Decimals as strings)

A subscription (an http(s) URL, the events it wants, a secret) receives each matching event as one
delivery: a JSON body signed with HMAC-SHA256 of the secret. A delivery that fails is tried again
after ``RETRY_DELAYS`` (1 min, 5 min, 30 min, 2 h, 12 h) and is marked failed after the last one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, ClassVar
from urllib.parse import urlsplit

from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.manufacturing import ManufacturingOrder
from takt.domain.sales import SalesOrder
from takt.domain.tasks import Task
from takt.domain.units import normalize


class WebhookError(DomainError):
    """A subscription or event that breaks a rule (bad URL, unknown event, short secret)."""


class EventName(StrEnum):
    SALES_ORDER_CREATED = "sales_order.created"
    SALES_ORDER_DELIVERED = "sales_order.delivered"
    MO_DONE = "mo.done"
    AVAILABILITY_CHANGED = "availability.changed"
    STOCK_BELOW_REORDER_POINT = "stock.below_reorder_point"
    PLAN_CHANGED = "plan.changed"
    TASK_BLOCKED = "task.blocked"


ALL_EVENTS = "*"
"""Subscribing to ``*`` means every event, including ones added later."""


def _json(value: Any) -> Any:
    """``value`` as plain JSON: Decimals become exact strings, dates ISO 8601 strings."""
    if isinstance(value, Decimal):
        return str(normalize(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} is not allowed in an event payload")


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event: ``name`` is the class's, the dataclass fields are the payload."""

    name: ClassVar[EventName]

    def payload(self) -> dict[str, Any]:
        return {f.name: _json(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class SalesLinePayload:
    line_no: int
    sku: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class SalesOrderCreated(Event):
    """A sales order (or quote) was entered."""

    name: ClassVar[EventName] = EventName.SALES_ORDER_CREATED
    order: str
    customer: str
    delivery_date: date
    status: str
    lines: tuple[SalesLinePayload, ...]

    @classmethod
    def of(cls, order: SalesOrder) -> SalesOrderCreated:
        lines = tuple(
            SalesLinePayload(ln.line_no, ln.sku, ln.quantity, ln.unit_price) for ln in order.lines
        )
        return cls(order.number, order.customer, order.delivery_date, order.status.value, lines)


@dataclass(frozen=True, slots=True)
class SalesOrderDelivered(Event):
    """The last open quantity of a sales order was shipped: the order is delivered."""

    name: ClassVar[EventName] = EventName.SALES_ORDER_DELIVERED
    order: str
    customer: str
    delivery_date: date
    delivered_at: datetime

    @classmethod
    def of(cls, order: SalesOrder, at: datetime) -> SalesOrderDelivered:
        return cls(order.number, order.customer, order.delivery_date, at)


@dataclass(frozen=True, slots=True)
class MODone(Event):
    """A manufacturing order reached its quantity: done."""

    name: ClassVar[EventName] = EventName.MO_DONE
    mo: str
    sku: str
    quantity: Decimal
    completed: Decimal
    location: str
    sales_order: str | None
    sales_line: int | None
    done_at: datetime

    @classmethod
    def of(cls, mo: ManufacturingOrder, at: datetime) -> MODone:
        return cls(
            mo.number,
            mo.sku,
            mo.quantity,
            mo.completed,
            mo.location,
            mo.sales_order,
            mo.sales_line,
            at,
        )


@dataclass(frozen=True, slots=True)
class AvailabilityChanged(Event):
    """An open order's material status (green / amber / red) changed; ``before`` is None the
    first time the order is seen. ``order`` is a sales order's or an MO's number."""

    name: ClassVar[EventName] = EventName.AVAILABILITY_CHANGED
    order: str
    before: str | None
    after: str


@dataclass(frozen=True, slots=True)
class StockBelowReorderPoint(Event):
    """A posting took an item's on-hand stock (all locations) from at or above its reorder point
    to below it."""

    name: ClassVar[EventName] = EventName.STOCK_BELOW_REORDER_POINT
    sku: str
    on_hand: Decimal
    reorder_point: Decimal
    unit: str
    document: str

    @classmethod
    def crossed(
        cls, item: Item, before: Decimal, after: Decimal, document: str
    ) -> StockBelowReorderPoint | None:
        """The event when a posting took ``item`` from at or above its reorder point to below it;
        None otherwise (no reorder point, already below, or still above)."""
        point = item.reorder_point
        if point <= 0 or not (after < point <= before):
            return None
        return cls(item.sku, after, point, item.unit, document)


@dataclass(frozen=True, slots=True)
class PlanChanged(Event):
    """A new plan version was stored."""

    name: ClassVar[EventName] = EventName.PLAN_CHANGED
    version: int
    fingerprint: str
    engine: str
    status: str
    orders: int
    late_orders: tuple[str, ...]
    tardiness_minutes: int


@dataclass(frozen=True, slots=True)
class TaskBlocked(Event):
    """A shop-floor task was blocked (a machine down, material missing...)."""

    name: ClassVar[EventName] = EventName.TASK_BLOCKED
    mo: str
    sequence: int
    task: str
    workstation: str
    reason: str
    user: str
    blocked_at: datetime

    @classmethod
    def of(
        cls, mo: ManufacturingOrder, task: Task, reason: str, user: str, at: datetime
    ) -> TaskBlocked:
        return cls(mo.number, task.sequence, task.name, task.workstation, reason, user, at)


EVENT_TYPES: dict[EventName, type[Event]] = {
    cls.name: cls
    for cls in (
        SalesOrderCreated,
        SalesOrderDelivered,
        MODone,
        AvailabilityChanged,
        StockBelowReorderPoint,
        PlanChanged,
        TaskBlocked,
    )
}

PAYLOAD_FIELDS: dict[EventName, tuple[str, ...]] = {
    name: tuple(f.name for f in fields(cls)) for name, cls in EVENT_TYPES.items()
}
"""The keys of each event's payload, in order."""


def event_name(raw: str, field: str = "event") -> EventName:
    """The event called ``raw``, refused naming ``field`` when there is none."""
    try:
        return EventName(raw.strip())
    except ValueError:
        known = ", ".join(e.value for e in EventName)
        raise WebhookError(f"unknown event {raw!r}: use one of {known} or *", field=field) from None


def check_payload(event: EventName, payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` as plain JSON, refused unless its keys are exactly the event's fields."""
    expected = PAYLOAD_FIELDS[event]
    if set(payload) != set(expected):
        missing = sorted(set(expected) - set(payload))
        extra = sorted(set(payload) - set(expected))
        raise WebhookError(
            f"{event.value} payload: missing {missing}, unexpected {extra}", field="payload"
        )
    return {key: _json(payload[key]) for key in expected}


# ---------------------------------------------------------------- subscriptions

URL_MAX = 2000
SECRET_MIN = 16
SECRET_MAX = 128
SECRET_PREFIX = "whsec_"


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host; anything else is refused naming ``url``."""
    url = url.strip()
    if not url:
        raise WebhookError("a webhook needs a URL", field="url")
    if len(url) > URL_MAX:
        raise WebhookError(f"a URL may have at most {URL_MAX} characters", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number
    except ValueError as exc:
        raise WebhookError(f"{url!r} is not a valid URL: {exc}", field="url") from None
    if parts.scheme not in ("http", "https"):
        raise WebhookError(f"{url!r} must start with http:// or https://", field="url")
    if not parts.hostname:
        raise WebhookError(f"{url!r} names no host", field="url")
    if port == 0:
        raise WebhookError(f"{url!r} names port 0", field="url")
    if any(c.isspace() for c in url):
        raise WebhookError(f"{url!r} contains white space", field="url")
    return url


def check_events(raw: Iterable[str]) -> tuple[str, ...]:
    """Distinct known event names (or ``*``), in the order given; at least one."""
    chosen: list[str] = []
    for name in raw:
        value = ALL_EVENTS if name.strip() == ALL_EVENTS else event_name(name).value
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise WebhookError("a webhook needs at least one event (or * for all)", field="event")
    return tuple(chosen)


def new_secret() -> str:
    """A random signing secret (256 bits), shown once when the subscription is made."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def check_secret(secret: str) -> str:
    if len(secret) < SECRET_MIN:
        raise WebhookError(f"a secret needs at least {SECRET_MIN} characters", field="secret")
    if len(secret) > SECRET_MAX:
        raise WebhookError(f"a secret may have at most {SECRET_MAX} characters", field="secret")
    if any(c.isspace() for c in secret):
        raise WebhookError("a secret may not contain white space", field="secret")
    return secret


@dataclass(slots=True)
class Subscription:
    """An endpoint that receives the events it names; ``*`` for all of them.

    The secret is kept as given: it is needed to sign each delivery. It is shown once, when the
    subscription is made, and never listed.
    """

    url: str
    events: tuple[str, ...]
    secret: str = ""
    created_at: datetime | None = None
    active: bool = True
    id: int | None = None

    def __post_init__(self) -> None:
        self.url = check_url(self.url)
        self.events = check_events(self.events)
        self.secret = check_secret(self.secret) if self.secret else new_secret()

    def wants(self, event: EventName | str) -> bool:
        return self.active and (ALL_EVENTS in self.events or str(event) in self.events)


# ---------------------------------------------------------------- deliveries

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
"""How long to wait after the 1st, 2nd... failed attempt; after one more failure, give up."""

MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ERROR_MAX = 500
SIGNATURE_HEADER = "X-Takt-Signature"
EVENT_HEADER = "X-Takt-Event"
DELIVERY_HEADER = "X-Takt-Delivery"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is ``body``'s (constant time): what a receiver checks."""
    return hmac.compare_digest(sign(secret, body), signature)


def body_of(delivery_id: str, event: EventName, payload: Mapping[str, Any], at: datetime) -> str:
    """The JSON a subscriber receives; fixed when the event is published, the same on retries."""
    envelope = {
        "id": delivery_id,
        "event": event.value,
        "created_at": at.isoformat(),
        "data": check_payload(event, payload),
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(slots=True)
class Delivery:
    """One event on its way to one subscription, and what happened on each attempt.

    Pending until an attempt gets a 2xx answer (delivered) or the last retry fails (failed).
    """

    uid: str
    subscription_id: int
    url: str
    event: str
    body: str
    created_at: datetime
    next_attempt_at: datetime | None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_attempt_at: datetime | None = None
    response_code: int | None = None
    error: str = ""
    id: int | None = None

    def headers(self, secret: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": "Takt-Webhooks/1",
            EVENT_HEADER: self.event,
            DELIVERY_HEADER: self.uid,
            SIGNATURE_HEADER: sign(secret, self.body.encode()),
        }

    def can_attempt(self, now: datetime) -> str | None:
        """Why the delivery may not be attempted ``now``, or None."""
        if self.status is not DeliveryStatus.PENDING:
            return f"delivery {self.uid} is {self.status.value}"
        if self.next_attempt_at is not None and self.next_attempt_at > now:
            return f"delivery {self.uid} is due at {self.next_attempt_at.isoformat()}"
        return None

    def succeeded(self, at: datetime, code: int) -> None:
        self.attempts += 1
        self.last_attempt_at = at
        self.response_code = code
        self.error = ""
        self.status = DeliveryStatus.DELIVERED
        self.next_attempt_at = None

    def failed_attempt(self, at: datetime, code: int | None, error: str) -> None:
        """Records a failed attempt: retried after the next backoff delay, or failed for good."""
        self.attempts += 1
        self.last_attempt_at = at
        self.response_code = code
        self.error = error[:ERROR_MAX]
        if self.attempts >= MAX_ATTEMPTS:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
        else:
            self.next_attempt_at = at + RETRY_DELAYS[self.attempts - 1]


def is_success(code: int) -> bool:
    return 200 <= code < 300
