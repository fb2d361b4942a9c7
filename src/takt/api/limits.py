"""Request bodies: at most ``max_bytes`` (413) and JSON only (415), before any route runs."""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from takt.api.problems import PROBLEM_JSON, TITLES, problem_type

MAX_BODY_BYTES = 1_000_000
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _problem(send: Send, status: int, detail: str) -> None:
    body = json.dumps(
        {
            "type": problem_type(status),
            "title": TITLES[status],
            "status": status,
            "detail": detail,
            "field": None,
            "errors": [],
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimits:
    """Refuses a body over ``max_bytes`` (413) and a non-JSON body on POST/PUT/PATCH (415)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw_length = headers.get("content-length")
        length = int(raw_length) if raw_length and raw_length.isdigit() else None
        if length is not None and length > self.max_bytes:
            await _problem(send, 413, f"the request body is larger than {self.max_bytes} bytes")
            return
        has_body = bool(length) or "transfer-encoding" in headers
        if has_body and scope["method"] in BODY_METHODS:
            content_type = headers.get("content-type", "")
            if not _is_json(content_type):
                shown = content_type or "none"
                await _problem(send, 415, f"send application/json, not {shown[:80]}")
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _problem(send, 413, f"the request body is larger than {self.max_bytes} bytes")
