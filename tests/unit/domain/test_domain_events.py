"""Events and webhook rules: payload shapes, subscriptions, signatures and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from takt.domain.events import (
    MAX_ATTEMPTS,
    PAYLOAD_FIELDS,
    RETRY_DELAYS,
    Delivery,
    DeliveryStatus,
    EventName,
    MODone,
    PlanChanged,
    SalesOrderCreated,
    StockBelowReorderPoint,
    Subscription,
    WebhookError,
    body_of,
    check_payload,
    sign,
    verify,
)
from takt.domain.items import Item, ItemKind
from takt.domain.manufacturing import ManufacturingOrder
from takt.domain.sales import SalesOrder

D = Decimal
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_every_event_has_a_payload_shape() -> None:
    assert set(PAYLOAD_FIELDS) == set(EventName)
    assert PAYLOAD_FIELDS[EventName.STOCK_BELOW_REORDER_POINT] == (
        "sku",
        "on_hand",
        "reorder_point",
        "unit",
        "document",
    )


def test_a_sales_order_becomes_a_json_payload_with_exact_decimals() -> None:
    order = SalesOrder("SO-00001", "ACME", date(2026, 3, 20), NOON)
    order.add_line(Item("TABLE", "Dining table", ItemKind.PRODUCT), D("2"), D("450.50"))
    event = SalesOrderCreated.of(order)
    assert event.name is EventName.SALES_ORDER_CREATED
    assert event.payload() == {
        "order": "SO-00001",
        "customer": "ACME",
        "delivery_date": "2026-03-20",
        "status": "open",
        "lines": [{"line_no": 1, "sku": "TABLE", "quantity": "2", "unit_price": "450.5"}],
    }
    assert list(event.payload()) == list(PAYLOAD_FIELDS[EventName.SALES_ORDER_CREATED])


def test_an_mo_done_payload_names_its_sales_line() -> None:
    mo = ManufacturingOrder("MO-00007", "TABLE", D("4"), "MAIN", date(2026, 3, 9), NOON)
    mo.sales_order, mo.sales_line, mo.completed = "SO-00001", 1, D("4")
    payload = MODone.of(mo, NOON).payload()
    assert payload["sales_order"] == "SO-00001"
    assert payload["completed"] == "4"
    assert payload["done_at"] == "2026-03-02T12:00:00+00:00"


def test_stock_falls_below_the_reorder_point_only_when_it_crosses_it() -> None:
    oak = Item("OAK", "Oak board", ItemKind.MATERIAL, unit="m", reorder_point=D("20"))
    event = StockBelowReorderPoint.crossed(oak, D("25"), D("19.5"), "SCR-00001")
    assert event == StockBelowReorderPoint("OAK", D("19.5"), D("20"), "m", "SCR-00001")
    assert StockBelowReorderPoint.crossed(oak, D("20"), D("19"), "X") is not None
    assert StockBelowReorderPoint.crossed(oak, D("25"), D("20"), "X") is None  # still at it
    assert StockBelowReorderPoint.crossed(oak, D("19"), D("12"), "X") is None  # already below
    assert StockBelowReorderPoint.crossed(oak, D("12"), D("30"), "X") is None  # a receipt
    plain = Item("PLY", "Plywood", ItemKind.MATERIAL, unit="m2")
    assert StockBelowReorderPoint.crossed(plain, D("5"), D("-1"), "X") is None  # no point set


def test_a_payload_must_have_exactly_the_events_fields() -> None:
    good = StockBelowReorderPoint("OAK", D("3.5"), D("10"), "m", "SCR-00001").payload()
    assert check_payload(EventName.STOCK_BELOW_REORDER_POINT, good) == good
    with pytest.raises(WebhookError, match=r"missing \['document'\]") as info:
        check_payload(
            EventName.STOCK_BELOW_REORDER_POINT, {k: v for k, v in good.items() if k != "document"}
        )
    assert info.value.field == "payload"
    with pytest.raises(TypeError):
        check_payload(EventName.AVAILABILITY_CHANGED, {"order": object(), "before": 1, "after": 2})


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "needs a URL"),
        ("ftp://erp.example.com/hook", "http:// or https://"),
        ("erp.example.com/hook", "http:// or https://"),
        ("https:///hook", "names no host"),
        ("https://erp.example.com:http/hook", "not a valid URL"),
        ("https://erp.example.com/a hook", "white space"),
        ("https://erp.example.com/" + "x" * 2000, "at most 2000"),
    ],
)
def test_a_subscription_refuses_a_url_that_is_not_http(url: str, why: str) -> None:
    with pytest.raises(WebhookError, match=why) as info:
        Subscription(url, ("mo.done",))
    assert info.value.field == "url"


def test_a_subscription_names_known_events_and_gets_a_secret() -> None:
    hook = Subscription(" https://erp.example.com/takt ", ("mo.done", "task.blocked", "mo.done"))
    assert hook.url == "https://erp.example.com/takt"
    assert hook.events == ("mo.done", "task.blocked")
    assert hook.secret.startswith("whsec_")
    assert len(hook.secret) > 40
    assert hook.wants(EventName.MO_DONE)
    assert not hook.wants(EventName.PLAN_CHANGED)
    assert Subscription("http://127.0.0.1:8080/", ("*",)).wants(EventName.PLAN_CHANGED)
    with pytest.raises(WebhookError, match=r"unknown event 'mo\.finished'") as info:
        Subscription("https://erp.example.com/", ("mo.finished",))
    assert info.value.field == "event"
    with pytest.raises(WebhookError, match="at least one event"):
        Subscription("https://erp.example.com/", ())
    with pytest.raises(WebhookError, match="at least 16") as info:
        Subscription("https://erp.example.com/", ("*",), secret="short")
    assert info.value.field == "secret"


def test_the_signature_is_the_hmac_sha256_of_the_body() -> None:
    body = b'{"event":"mo.done"}'
    expected = hmac.new(b"a-long-shared-secret", body, hashlib.sha256).hexdigest()
    assert sign("a-long-shared-secret", body) == f"sha256={expected}"
    assert verify("a-long-shared-secret", body, f"sha256={expected}")
    assert not verify("another-long-secret!", body, f"sha256={expected}")


def _delivery() -> Delivery:
    event = PlanChanged(3, "ab12", "dispatch", "feasible", 5, ("MO-00002",), 90)
    body = body_of("d-1", event.name, event.payload(), NOON)
    return Delivery("d-1", 1, "https://erp.example.com/", event.name.value, body, NOON, NOON)


def test_the_body_is_an_envelope_fixed_at_publication() -> None:
    delivery = _delivery()
    envelope = json.loads(delivery.body)
    assert envelope["id"] == "d-1"
    assert envelope["event"] == "plan.changed"
    assert envelope["created_at"] == "2026-03-02T12:00:00+00:00"
    assert envelope["data"]["late_orders"] == ["MO-00002"]
    headers = delivery.headers("a-long-shared-secret")
    assert headers["X-Takt-Event"] == "plan.changed"
    assert headers["X-Takt-Delivery"] == "d-1"
    assert verify("a-long-shared-secret", delivery.body.encode(), headers["X-Takt-Signature"])


def test_a_failing_endpoint_is_retried_after_1m_5m_30m_2h_12h_then_given_up() -> None:
    delivery = _delivery()
    at = NOON
    waits: list[timedelta] = []
    while delivery.status is DeliveryStatus.PENDING:
        assert delivery.can_attempt(at) is None
        delivery.failed_attempt(at, 503, "HTTP 503")
        if delivery.next_attempt_at is not None:
            assert delivery.can_attempt(at) is not None  # not due yet
            waits.append(delivery.next_attempt_at - at)
            at = delivery.next_attempt_at
    assert waits == list(RETRY_DELAYS)
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == 6
    assert delivery.can_attempt(at + timedelta(days=1)) == "delivery d-1 is failed"


def test_a_success_after_a_failure_is_delivered() -> None:
    delivery = _delivery()
    delivery.failed_attempt(NOON, None, "ConnectError: refused " + "x" * 600)
    assert len(delivery.error) == 500
    assert delivery.response_code is None
    delivery.succeeded(NOON + timedelta(minutes=1), 204)
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.error) == (
        DeliveryStatus.DELIVERED,
        2,
        204,
        "",
    )
    assert delivery.next_attempt_at is None
