"""The webhook commands: ``takt webhook add | list | remove | deliver | log``.

``deliver`` announces orders whose colour changed, sends what is due now and prints each outcome;
run it from cron (every minute) or a worker. A failing endpoint is logged and retried later, so
``deliver`` itself succeeds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import httpx
import typer

from takt.app import webhooks
from takt.app.webhooks import SEND_TIMEOUT_SECONDS, NewSubscription
from takt.cli.output import (
    JsonOpt,
    handles_errors,
    opened,
    parse_choice,
    parse_int,
    print_json,
    say,
    table,
)
from takt.domain.events import ALL_EVENTS, Delivery, DeliveryStatus, EventName, Subscription

app = typer.Typer()
"""The webhook commands, merged into the top level of ``takt``."""
webhook_app = typer.Typer(
    help="Webhooks: tell other systems when orders, stock or the plan change.",
    no_args_is_help=True,
)
app.add_typer(webhook_app, name="webhook")

EVENT_HELP = "An event to send (repeat for several): " + ", ".join(e.value for e in EventName)
EVENT_HELP += f", or {ALL_EVENTS} for all."


def http_send(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POSTs ``body`` with httpx; redirects are not followed (a 3xx counts as a failure)."""
    response = httpx.post(
        url, content=body, headers=headers, timeout=SEND_TIMEOUT_SECONDS, follow_redirects=False
    )
    return response.status_code


def _stamp(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else ""


def _subscription_row(s: Subscription) -> dict[str, object]:
    return {"id": s.id, "url": s.url, "events": list(s.events), "created_at": s.created_at}


def _delivery_row(d: Delivery) -> dict[str, object]:
    return {
        "delivery": d.uid,
        "subscription": d.subscription_id,
        "url": d.url,
        "event": d.event,
        "status": d.status.value,
        "attempts": d.attempts,
        "response_code": d.response_code,
        "error": d.error,
        "created_at": d.created_at,
        "last_attempt_at": d.last_attempt_at,
        "next_attempt_at": d.next_attempt_at,
    }


def _show_deliveries(title: str, rows: list[Delivery], as_json: bool) -> None:
    if as_json:
        print_json([_delivery_row(d) for d in rows])
        return
    table(
        title,
        ["Delivery", "Hook", "Event", "Status", "Attempts", "Code", "Error", "Last try", "Next"],
        [
            (
                d.uid[:8],
                d.subscription_id,
                d.event,
                d.status.value,
                d.attempts,
                d.response_code,
                d.error,
                _stamp(d.last_attempt_at),
                _stamp(d.next_attempt_at) if d.status is DeliveryStatus.PENDING else "",
            )
            for d in rows
        ],
    )


@webhook_app.command("add")
@handles_errors
def add(
    url: str,
    event: Annotated[list[str] | None, typer.Option("--event", "-e", help=EVENT_HELP)] = None,
    secret: Annotated[
        str | None,
        typer.Option("--secret", help="Signing secret (default: a random one, shown once)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Send EVENTs to URL, each signed with the secret (X-Takt-Signature: sha256=...)."""
    with opened() as takt:
        made = webhooks.subscribe(NewSubscription(url, tuple(event or ()), secret), takt.uows())
    if as_json:
        print_json({**_subscription_row(made), "secret": made.secret})
        return
    say(f"webhook {made.id}: {made.url} for {', '.join(made.events)}")
    say(f"secret (shown only now): {made.secret}")


@webhook_app.command("list")
@handles_errors
def list_(as_json: JsonOpt = False) -> None:
    """The webhooks (their secrets are never shown again)."""
    with opened() as takt:
        rows = webhooks.subscriptions(takt.uows(read_only=True))
    if as_json:
        print_json([_subscription_row(s) for s in rows])
        return
    table(
        "Webhooks",
        ["ID", "URL", "Events", "Since"],
        [(s.id, s.url, ", ".join(s.events), _stamp(s.created_at)) for s in rows],
    )


@webhook_app.command("remove")
@handles_errors
def remove(webhook_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Stop sending to webhook ID; its pending deliveries are cancelled."""
    number = parse_int(webhook_id, "id")
    with opened() as takt:
        cancelled = webhooks.unsubscribe(number, takt.uows())
    say(f"webhook {number} removed; {cancelled} pending deliveries cancelled")


@webhook_app.command("deliver")
@handles_errors
def deliver(
    limit: Annotated[str, typer.Option("--limit", help="At most this many deliveries.")] = "100",
    as_json: JsonOpt = False,
) -> None:
    """Announce changed order colours, then send the deliveries that are due now.

    A failing endpoint is retried later with backoff (1 min, 5 min, 30 min, 2 h, 12 h).
    """
    most = parse_int(limit, "limit")
    with opened() as takt:
        webhooks.publish_availability_changes(takt.uows)
        sent = webhooks.deliver_pending(takt.uows, http_send, limit=most)
    if as_json:
        print_json([_delivery_row(d) for d in sent])
        return
    if not sent:
        say("nothing due")
        return
    _show_deliveries("Sent", sent, as_json)


@webhook_app.command("log")
@handles_errors
def log(
    webhook_id: Annotated[str | None, typer.Option("--webhook", help="Only this webhook.")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="pending, delivered, failed or cancelled."),
    ] = None,
    limit: Annotated[str, typer.Option("--limit", help="At most this many rows.")] = "100",
    as_json: JsonOpt = False,
) -> None:
    """The delivery log, newest first: status code, error, attempts and times."""
    number = parse_int(webhook_id, "webhook") if webhook_id is not None else None
    chosen = parse_choice(status, (s.value for s in DeliveryStatus), "status")
    most = parse_int(limit, "limit")
    with opened() as takt:
        rows = webhooks.delivery_log(
            takt.uows(read_only=True),
            number,
            DeliveryStatus(chosen) if chosen else None,
            limit=most,
        )
    _show_deliveries("Webhook deliveries", rows, as_json)
