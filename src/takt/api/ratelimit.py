"""A per-caller rate limit on the API: token buckets kept in the process, answering 429.

Each caller has a bucket per kind of request: every request takes a token from the caller's
"all" bucket, a write (POST, PUT, PATCH, DELETE) one from the "writes" bucket as well. A bucket
holds a minute's allowance and refills continuously (``per_minute / 60`` tokens a second), so a
burst of up to a minute's worth passes and a steady stream is held to the rate. The caller is
the bearer token (by its hash, never kept in clear), or the client's address without one. An
empty bucket answers 429 problem details with ``Retry-After`` (seconds), before any route runs.

The buckets live in the process: with several app processes each has its own, so the limit a
caller meets is per process. ``TAKT_API_RATE_LIMIT`` and ``TAKT_API_WRITE_RATE_LIMIT`` (requests
per minute, 0 for no limit) set them; the defaults leave room for ``bench.api --scale full``
(2,000 reads then 2,000 writes from one token) and stop a runaway script.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from takt.api.problems import PROBLEM_JSON, TITLES, problem_type

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_CALLERS = 10_000
"""Buckets kept before idle (full) ones are dropped."""


ENV = {"rate_limit": "TAKT_API_RATE_LIMIT", "write_rate_limit": "TAKT_API_WRITE_RATE_LIMIT"}


class RateLimitSettings(BaseModel):
    """Requests per minute per caller (0: no limit)."""

    rate_limit: int = Field(default=6000, ge=0)
    write_rate_limit: int = Field(default=3000, ge=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RateLimitSettings:
        """From ``TAKT_API_RATE_LIMIT`` and ``TAKT_API_WRITE_RATE_LIMIT`` where set; a value
        that is not a whole number of 0 or more stops the start with the variable's name."""
        env = os.environ if environ is None else environ
        return cls.model_validate({f: env[name] for f, name in ENV.items() if name in env})


@dataclass(slots=True)
class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` tokens a second; starts full."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    @classmethod
    def per_minute(cls, limit: int, now: float) -> TokenBucket:
        return cls(float(limit), limit / 60.0, float(limit), now)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def take(self, now: float) -> float:
        """Takes a token: 0 when there was one, else the seconds until there is."""
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate

    def idle(self, now: float) -> bool:
        """Full again: forgetting it changes nothing."""
        self._refill(now)
        return self.tokens >= self.capacity


class RateLimiter:
    """The buckets of every caller for one limit (thread-safe)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, caller: str) -> float:
        """0 when ``caller`` may go on, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(caller)
            if bucket is None:
                if len(self._buckets) >= MAX_CALLERS:
                    self._forget_idle(now)
                bucket = self._buckets[caller] = TokenBucket.per_minute(self.per_minute, now)
            return bucket.take(now)

    def _forget_idle(self, now: float) -> None:
        for caller in [c for c, b in self._buckets.items() if b.idle(now)]:
            del self._buckets[caller]
        if len(self._buckets) >= MAX_CALLERS:  # all busy: drop the least recently used half
            by_age = sorted(self._buckets, key=lambda c: self._buckets[c].updated)
            for caller in by_age[: len(by_age) // 2]:
                del self._buckets[caller]


def caller_of(scope: Scope) -> tuple[str, bool]:
    """The caller's key (a hash of the bearer token, or the client address) and whether it is
    a token."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return "token:" + hashlib.sha256(token.strip()).hexdigest()[:32], True
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown"), False


async def _too_many(send: Send, detail: str, field: str | None, wait: float) -> None:
    body = json.dumps(
        {
            "type": problem_type(429),
            "title": TITLES[429],
            "status": 429,
            "detail": detail,
            "field": field,
            "errors": [{"field": field, "message": detail, "type": "rate_limit"}] if field else [],
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(max(1, math.ceil(wait))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RateLimits:
    """ASGI middleware: 429 for a caller past its limit on ``prefix``; other paths pass."""

    def __init__(
        self,
        app: ASGIApp,
        settings: RateLimitSettings | None = None,
        prefix: str = "/api/",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        limits = settings or RateLimitSettings.from_env()
        self.prefix = prefix
        self.all = RateLimiter(limits.rate_limit, clock) if limits.rate_limit else None
        self.writes = (
            RateLimiter(limits.write_rate_limit, clock) if limits.write_rate_limit else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        caller, by_token = caller_of(scope)
        who = "this token" if by_token else "this address"
        field = "Authorization" if by_token else None
        for limiter, what in ((self.all, "requests"), (self.writes, "writes")):
            if limiter is None or (what == "writes" and scope["method"] not in WRITE_METHODS):
                continue
            wait = limiter.take(caller)
            if wait > 0:
                detail = (
                    f"more than {limiter.per_minute} {what} a minute from {who}; "
                    f"retry in {max(1, math.ceil(wait))} s"
                )
                await _too_many(send, detail, field, wait)
                return
        await self.app(scope, receive, send)
