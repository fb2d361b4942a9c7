"""``Idempotency-Key``: a retried write applies once and answers the same.

A write (POST, PUT, PATCH, DELETE) with an ``Idempotency-Key`` header (1-128 visible ASCII
characters) first claims the key for its user (a pending row under a unique constraint,
committed before the write runs), so of two requests racing with one key only one runs:

- claimed: the request runs; a successful answer (2xx) is stored with the key, an error
  releases the key (errors are not remembered, so a corrected retry with the same key runs);
- held by a finished request with the same method and path: its stored status and body are
  returned again (header ``Idempotent-Replayed: true``) and nothing is applied;
- held by a request still running: 409, retry later (``Retry-After``);
- held for another method or path: 422.

A request cut off between its commit and storing its answer (a crash) leaves its key pending:
a retry answers 409 rather than risk applying twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from takt.api.problems import ApiProblem
from takt.api.security import authenticate, uows_of
from takt.app import audit

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_PENDING_SECONDS = 1
log = logging.getLogger("takt.api")


def _target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _claim(request: Request, user: str, key: str) -> audit.StoredRequest | None:
    return audit.claim_key(uows_of(request), user, key, request.method, _target(request))


def _finish(request: Request, user: str, key: str, status: int, body: str) -> None:
    try:
        audit.finish_key(uows_of(request), user, key, status, body)
    except Exception:  # the write stands; a retry answers 409 instead of the stored answer
        log.warning("answer for idempotency key %r of %s not stored", key, user, exc_info=True)


def _release(request: Request, user: str, key: str) -> None:
    try:
        audit.release_key(uows_of(request), user, key)
    except Exception:  # the key stays pending: a retry answers 409
        log.warning("idempotency key %r of %s not released", key, user, exc_info=True)


def _answer(request: Request, key: str, held: audit.StoredRequest) -> Response:
    """What a request finds when ``key`` is held by another one."""
    if (held.method, held.path) != (request.method, _target(request)):
        raise ApiProblem(
            422,
            f"Idempotency-Key {key!r} was already used for {held.method} {held.path}",
            field=HEADER,
            slug="idempotency-key-reused",
        )
    if held.pending:
        raise ApiProblem(
            409,
            f"a request with Idempotency-Key {key!r} is still in progress; retry later for "
            "its answer",
            field=HEADER,
            slug="idempotency-key-in-progress",
            headers={"Retry-After": str(RETRY_PENDING_SECONDS)},
        )
    return Response(
        held.body,
        status_code=held.status,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


class IdempotentRoute(APIRoute):
    """An API route that claims a write's key first and replays the stored answer of a retry."""

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
            held = await run_in_threadpool(_claim, request, user, key)
            if held is not None:
                return _answer(request, key, held)
            try:
                response = await handler(request)
            except BaseException:
                await run_in_threadpool(_release, request, user, key)
                raise
            if 200 <= response.status_code < 300:
                body = bytes(response.body).decode()
                await run_in_threadpool(_finish, request, user, key, response.status_code, body)
            else:
                await run_in_threadpool(_release, request, user, key)
            return response

        return route
