"""Webhooks on both databases: the outbox follows the posting's transaction, deliveries are signed,
retried with backoff, logged, and a dead endpoint never stops a posting."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from takt.app import manufacturing, stock, webhooks
from takt.app.webhooks import (
    CLAIM,
    NewSubscription,
    deliver_pending,
    publish,
    publish_availability_changes,
    publish_event,
)
from takt.cli import webhooks as webhook_cli
from takt.config import Takt
from takt.domain.errors import DomainError, NotFound
from takt.domain.events import (
    DeliveryStatus,
    EventName,
    StockBelowReorderPoint,
    TaskBlocked,
    verify,
)
from takt.domain.ledger import Move, Reason, StockKey

SECRET = "a-long-shared-secret"
BLOCKED = {
    "mo": "MO-00001",
    "sequence": 10,
    "task": "Cut legs",
    "workstation": "SAW",
    "reason": "saw blade broken",
    "user": "ines",
    "blocked_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Endpoint:
    """A fake receiver: records each request and answers ``codes`` in turn (or raises)."""

    codes: list[int | Exception] = field(default_factory=lambda: [200])
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.received.append((url, body, headers))
        answer = self.codes.pop(0) if len(self.codes) > 1 else self.codes[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _hook(takt: Takt, clock: Clock, *events: str, url: str = "https://erp.example.com/takt") -> int:
    made = webhooks.subscribe(NewSubscription(url, events, SECRET), takt.uows(), clock)
    assert made.id is not None
    return made.id


def _publish_blocked(takt: Takt, clock: Clock, *, commit: bool = True) -> None:
    with takt.uows() as uow:
        publish(uow, EventName.TASK_BLOCKED, BLOCKED, clock)
        if commit:
            uow.commit()


def _pending(takt: Takt) -> list[str]:
    log = webhooks.delivery_log(takt.uows(), status=DeliveryStatus.PENDING)
    return [d.event for d in log]


def test_publishing_writes_deliveries_only_when_the_transaction_commits(
    takt: Takt, clock: Clock
) -> None:
    _hook(takt, clock, "task.blocked")
    _publish_blocked(takt, clock, commit=False)
    assert _pending(takt) == []

    def posting_that_fails_after_publishing() -> None:
        with takt.uows() as uow:
            publish(uow, "task.blocked", BLOCKED, clock)
            raise RuntimeError("the ledger refused the posting")

    with pytest.raises(RuntimeError):
        posting_that_fails_after_publishing()
    assert _pending(takt) == []
    _publish_blocked(takt, clock)
    assert _pending(takt) == ["task.blocked"]


def test_a_due_delivery_is_sent_signed_and_logged(takt: Takt, clock: Clock) -> None:
    hook = _hook(takt, clock, "task.blocked")
    _publish_blocked(takt, clock)
    endpoint = Endpoint([200])
    [sent] = deliver_pending(takt.uows, endpoint, clock)
    [(url, body, headers)] = endpoint.received
    assert url == "https://erp.example.com/takt"
    assert verify(SECRET, body, headers["X-Takt-Signature"])
    assert headers["X-Takt-Event"] == "task.blocked"
    assert headers["X-Takt-Delivery"] == sent.uid
    envelope = json.loads(body)
    assert envelope["id"] == sent.uid
    assert envelope["data"]["reason"] == "saw blade broken"
    assert envelope["data"]["blocked_at"] == "2026-03-02T09:00:00+00:00"
    [logged] = webhooks.delivery_log(takt.uows(), subscription_id=hook)
    assert (logged.status, logged.response_code, logged.attempts, logged.error) == (
        DeliveryStatus.DELIVERED,
        200,
        1,
        "",
    )
    assert logged.last_attempt_at == clock.now
    assert logged.body == body.decode()
    assert deliver_pending(takt.uows, endpoint, clock) == []  # sent once only


def test_a_failing_endpoint_is_retried_with_backoff_then_marked_failed(
    takt: Takt, clock: Clock
) -> None:
    _hook(takt, clock, "task.blocked")
    _publish_blocked(takt, clock)
    endpoint = Endpoint([500, TimeoutError("timed out"), 503, 502, 500, 500])
    [first] = deliver_pending(takt.uows, endpoint, clock)
    assert (first.status, first.attempts, first.response_code, first.error) == (
        DeliveryStatus.PENDING,
        1,
        500,
        "HTTP 500",
    )
    assert first.next_attempt_at == clock.now + timedelta(minutes=1)
    clock.advance(timedelta(seconds=59))
    assert deliver_pending(takt.uows, endpoint, clock) == []  # not due yet
    clock.advance(timedelta(seconds=1))
    [second] = deliver_pending(takt.uows, endpoint, clock)
    assert (second.attempts, second.response_code, second.error) == (
        2,
        None,
        "TimeoutError: timed out",
    )
    for wait in (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)):
        assert second.next_attempt_at == clock.now + wait
        clock.advance(wait)
        [second] = deliver_pending(takt.uows, endpoint, clock)
    assert second.next_attempt_at == clock.now + timedelta(hours=12)
    clock.advance(timedelta(hours=12))
    [last] = deliver_pending(takt.uows, endpoint, clock)
    assert (last.status, last.attempts, last.next_attempt_at) == (DeliveryStatus.FAILED, 6, None)
    assert len(endpoint.received) == 6
    clock.advance(timedelta(days=7))
    assert deliver_pending(takt.uows, endpoint, clock) == []
    [logged] = webhooks.delivery_log(takt.uows(), status=DeliveryStatus.FAILED)
    assert (logged.attempts, logged.response_code, logged.error) == (6, 500, "HTTP 500")


def test_a_posting_succeeds_while_the_endpoint_is_down(plant: Takt, clock: Clock) -> None:
    port = _closed_port()
    _hook(plant, clock, "stock.below_reorder_point", url=f"http://127.0.0.1:{port}/hook")
    with plant.uows() as uow:
        posted = stock.post_moves(
            uow,
            [_oak(12)],
            "RCV-1",
            "ines",
            "",
            clock,
        )
        event = StockBelowReorderPoint("OAK", Decimal("12"), Decimal("20"), "m", posted.document)
        publish_event(uow, event, clock)
        uow.commit()
    [sent] = deliver_pending(plant.uows, webhook_cli.http_send, clock)
    assert sent.status is DeliveryStatus.PENDING
    assert sent.error.startswith("ConnectError")
    assert sent.next_attempt_at == clock.now + timedelta(minutes=1)
    assert ("OAK", Decimal("12")) in _balances(plant)  # the posting stands


def _balances(takt: Takt) -> list[tuple[str, Decimal]]:
    with takt.uows() as uow:
        return [(b.sku, b.quantity) for b in uow.stock.balances()]


def test_an_order_whose_colour_changes_is_announced_once(plant: Takt, clock: Clock) -> None:
    mo = manufacturing.create_mo(
        manufacturing.NewMO("LEG", Decimal("4"), date(2026, 3, 20)), plant.uows(), clock
    )
    assert publish_availability_changes(plant.uows, clock) == []  # nobody listens
    hook = _hook(plant, clock, "availability.changed")
    [first] = publish_availability_changes(plant.uows, clock)
    assert (first.order, first.before, first.after) == (mo.number, None, "red")
    assert publish_availability_changes(plant.uows, clock) == []  # nothing new
    stock.receive(stock.Receive("OAK", Decimal("10"), Decimal("8")), plant.uows(), clock)
    [change] = publish_availability_changes(plant.uows, clock)
    assert (change.before, change.after) == ("red", "green")
    stock.receive(stock.Receive("OAK", Decimal("5"), Decimal("8")), plant.uows(), clock)
    assert publish_availability_changes(plant.uows, clock) == []  # still green
    logged = webhooks.delivery_log(plant.uows(), subscription_id=hook)
    assert [json.loads(d.body)["data"] for d in reversed(logged)] == [
        {"order": mo.number, "before": None, "after": "red"},
        {"order": mo.number, "before": "red", "after": "green"},
    ]
    manufacturing.cancel_mo(mo.number, plant.uows())
    assert publish_availability_changes(plant.uows, clock) == []  # closed: forgotten
    with plant.uows() as uow:
        assert uow.webhooks.colours() == {}


def _oak(metres: int) -> Move:
    return Move(StockKey("OAK", "MAIN"), Decimal(metres), Reason.RECEIPT, Decimal("8"))


def test_each_subscription_receives_only_the_events_it_names(takt: Takt, clock: Clock) -> None:
    sales = _hook(takt, clock, "sales_order.created", "sales_order.delivered")
    everything = _hook(takt, clock, "*")
    shop = _hook(takt, clock, "task.blocked", "mo.done")
    _publish_blocked(takt, clock)
    with takt.uows() as uow:
        publish(
            uow,
            "availability.changed",
            {"order": "SO-00001", "before": "green", "after": "red"},
            clock,
        )
        uow.commit()
    by_hook = {
        hook: [d.event for d in webhooks.delivery_log(takt.uows(), subscription_id=hook)]
        for hook in (sales, everything, shop)
    }
    assert by_hook == {
        sales: [],
        everything: ["availability.changed", "task.blocked"],
        shop: ["task.blocked"],
    }
    assert [d.event for d in webhooks.delivery_log(takt.uows(), event="task.blocked")] == [
        "task.blocked",
        "task.blocked",
    ]


def test_a_bad_payload_or_event_is_refused_before_anything_is_written(
    takt: Takt, clock: Clock
) -> None:
    _hook(takt, clock, "*")
    with takt.uows() as uow:
        with pytest.raises(DomainError, match="unknown event"):
            publish(uow, "mo.finished", {}, clock)
        with pytest.raises(DomainError, match="missing") as info:
            publish(uow, EventName.TASK_BLOCKED, {"mo": "MO-00001"}, clock)
        assert info.value.field == "payload"
    assert _pending(takt) == []


def test_subscriptions_are_validated_listed_and_removed(takt: Takt, clock: Clock) -> None:
    with pytest.raises(DomainError) as info:
        webhooks.subscribe(NewSubscription("ftp://erp/", ("mo.done",)), takt.uows(), clock)
    assert info.value.field == "url"
    made = webhooks.subscribe(
        NewSubscription("https://erp.example.com/", ("mo.done",)), takt.uows(), clock
    )
    assert made.secret.startswith("whsec_")  # generated, shown once
    other = _hook(takt, clock, "task.blocked")
    [first, second] = webhooks.subscriptions(takt.uows())
    assert (first.id, first.url, first.events, first.created_at) == (
        made.id,
        "https://erp.example.com/",
        ("mo.done",),
        clock.now,
    )
    assert first.secret == made.secret  # stored as given: it signs every delivery
    assert second.id == other
    _publish_blocked(takt, clock)
    assert webhooks.unsubscribe(other, takt.uows(), clock) == 1
    assert [s.id for s in webhooks.subscriptions(takt.uows())] == [made.id]
    [cancelled] = webhooks.delivery_log(takt.uows(), subscription_id=other)
    assert cancelled.status is DeliveryStatus.CANCELLED
    assert deliver_pending(takt.uows, Endpoint(), clock) == []
    with pytest.raises(NotFound) as missing:
        webhooks.unsubscribe(other, takt.uows(), clock)
    assert missing.value.field == "id"


def test_a_claimed_delivery_is_left_to_its_sender_until_the_claim_lapses(
    takt: Takt, clock: Clock
) -> None:
    _hook(takt, clock, "task.blocked")
    _publish_blocked(takt, clock)
    with takt.uows() as uow:  # a sender that claims, then dies before recording the outcome
        [(claimed, secret)] = uow.webhooks.claim_due(clock.now, clock.now + CLAIM, 10)
        uow.commit()
    assert secret == SECRET
    endpoint = Endpoint()
    assert deliver_pending(takt.uows, endpoint, clock) == []
    clock.advance(CLAIM)
    [sent] = deliver_pending(takt.uows, endpoint, clock)
    assert (sent.uid, sent.status) == (claimed.uid, DeliveryStatus.DELIVERED)


# ---------------------------------------------------------------- a real HTTP receiver


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """An HTTP server on 127.0.0.1 that answers 204 and keeps what it received."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/takt", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_real_endpoint_receives_a_verifiable_signature(
    takt: Takt, clock: Clock, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = receiver
    _hook(takt, clock, "task.blocked", url=url)
    with takt.uows() as uow:
        publish_event(uow, TaskBlocked(**BLOCKED), clock)  # type: ignore[arg-type]
        uow.commit()
    [sent] = deliver_pending(takt.uows, webhook_cli.http_send, clock)
    assert (sent.status, sent.response_code) == (DeliveryStatus.DELIVERED, 204)
    [(headers, body)] = received
    assert verify(SECRET, body, headers["X-Takt-Signature"])
    assert headers["X-Takt-Event"] == "task.blocked"
    assert headers["X-Takt-Delivery"] == sent.uid
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["data"]["workstation"] == "SAW"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ---------------------------------------------------------------- the CLI


def test_the_webhook_commands(takt: Takt, clock: Clock) -> None:
    runner = CliRunner()
    env = {"TAKT_DATABASE_URL": takt.settings.database_url, "COLUMNS": "200"}

    def run(*args: str) -> str:
        result = runner.invoke(webhook_cli.app, ["webhook", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    bad = runner.invoke(
        webhook_cli.app, ["webhook", "add", "erp.example.com", "--event", "mo.done"], env=env
    )
    assert bad.exit_code == 1
    assert "url:" in bad.output
    bad = runner.invoke(
        webhook_cli.app, ["webhook", "add", "https://erp.example.com/", "-e", "nope"], env=env
    )
    assert (bad.exit_code, "event:" in bad.output) == (1, True)
    port = _closed_port()
    made = json.loads(
        run(
            "add", f"http://127.0.0.1:{port}/", "--event", "task.blocked", "-e", "mo.done", "--json"
        )
    )
    assert made["events"] == ["task.blocked", "mo.done"]
    assert made["secret"].startswith("whsec_")
    [listed] = json.loads(run("list", "--json"))
    assert "secret" not in listed
    assert listed["id"] == made["id"]
    assert run("deliver") == "nothing due\n"
    _publish_blocked(takt, Clock())  # published at noon 2026: due now
    [attempt] = json.loads(run("deliver", "--json"))
    assert attempt["status"] == "pending"
    assert attempt["error"].startswith("ConnectError")
    assert "task.blocked" in run("log")
    [logged] = json.loads(run("log", "--status", "pending", "--json"))
    assert logged["attempts"] == 1
    assert "1 pending deliveries cancelled" in run("remove", str(made["id"]))
    assert json.loads(run("list", "--json")) == []
    gone = runner.invoke(webhook_cli.app, ["webhook", "remove", str(made["id"])], env=env)
    assert (gone.exit_code, "id:" in gone.output) == (1, True)
