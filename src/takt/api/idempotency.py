"""``Idempotency-Key``: a retried write applies once and answers the same.

A write (POST, PUT, PATCH, DELETE) with an ``Idempotency-Key`` header (1-128 visible ASCII
characters) is looked up for its user first. Found for the same method and path: the stored
status and body are returned again (header ``Idempotent-Replayed: true``) and nothing is applied.
Found for another method or path: 422. Not found: the request runs, and a successful answer
(2xx) is remembered. Errors are not remembered, so a corrected retry with the same key runs.

Two identical requests racing each other can both run (the key is stored after the use case
commits; see the API notes for the change that closes this gap).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from takt.api.problems import ApiProblem
from takt.api.security import authenticate, uows_of

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger("takt.api")


def _lookup(request: Request, user: str, key: str) -> tuple[str, str, int, str] | None:
    with uows_of(request)(read_only=True) as uow:
        return uow.audit.idempotent_response(user, key)


def _remember(request: Request, user: str, key: str, status: int, body: str) -> None:
    try:
        with uows_of(request)() as uow:
            uow.audit.remember_response(
                user, key, request.method, _target(request), status, body, datetime.now(UTC)
            )
            uow.commit()
    except Exception:  # a concurrent twin stored it first: the answer stands
        log.warning("idempotency key %r of %s not remembered", key, user, exc_info=True)


def _target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


class IdempotentRoute(APIRoute):
    """An API route that replays the stored answer of a write retried with the same key."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if key is None or request.method not in WRITES:
                return await handler(request)
            if not KEY.fullmatch(key):
                raise ApiProblem(
                    422, "Idempotency-Key must be 1-128 visible ASCII characters", field=HEADER
                )
            user = (await run_in_threadpool(authenticate, request)).username
            stored = await run_in_threadpool(_lookup, request, user, key)
            if stored is not None:
                method, target, status, body = stored
                if (method, target) != (request.method, _target(request)):
                    raise ApiProblem(
                        422,
                        f"Idempotency-Key {key!r} was already used for {method} {target}",
                        field=HEADER,
                        slug="idempotency-key-reused",
                    )
                return Response(
                    body,
                    status_code=status,
                    media_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
            response = await handler(request)
            if 200 <= response.status_code < 300:
                body = bytes(response.body).decode()
                await run_in_threadpool(_remember, request, user, key, response.status_code, body)
            return response

        return route
