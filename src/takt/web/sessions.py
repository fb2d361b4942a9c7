"""Browser sessions: a signed cookie, its CSRF token, the signing secret, and the login throttle.

The session lives in the cookie itself (no server-side store, so app processes keep no state):
``base64url(json) "." base64url(HMAC-SHA256(secret, json))``. It carries the username (None
before login), a random CSRF token and the time it was issued; a cookie whose signature does not
match, or that is older than ``max_age``, is refused. The user is looked up on every request, so
a deactivated user or a changed role takes effect at once.

Choices:
- HMAC from the standard library, not a new dependency (``itsdangerous`` is not installed).
- The secret is ``TAKT_SECRET_KEY`` when set (at least 32 characters), else a random one that the
  first start stores in the settings table (``web.secret_key``), so every app process behind a
  load balancer and every restart signs alike.
- Logging out deletes the cookie; a copied cookie stays valid until it expires (``max_age``,
  12 hours: one shift and a half), like any stateless session.
- The login throttle is per process and in memory: 5 failures per username and address within
  5 minutes lock that pair out until the oldest failure is 5 minutes old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from takt.app.ports import UnitOfWorkFactory

COOKIE = "takt_session"
MAX_AGE_SECONDS = 12 * 3600
SECRET_SETTING = "web.secret_key"
SECRET_ENV = "TAKT_SECRET_KEY"
MIN_SECRET_CHARS = 32
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Session:
    """What the cookie says: who (None before login), the CSRF token, and when it was issued."""

    username: str | None
    csrf: str
    issued: int

    @classmethod
    def anonymous(cls, now: float) -> Session:
        return cls(None, secrets.token_urlsafe(24), int(now))

    def logged_in(self, username: str, now: float) -> Session:
        """A fresh session for ``username`` (new CSRF token: no fixation across a login)."""
        return replace(self, username=username, csrf=secrets.token_urlsafe(24), issued=int(now))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs sessions into cookie values and reads them back (None when forged or expired)."""

    def __init__(self, secret: str, max_age: int = MAX_AGE_SECONDS, clock: Clock = time.time):
        if len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the session secret needs at least {MIN_SECRET_CHARS} characters")
        self._key = hashlib.sha256(b"takt.web.session:" + secret.encode()).digest()
        self.max_age = max_age
        self.clock = clock

    def _mac(self, body: bytes) -> str:
        return _b64(hmac.new(self._key, body, hashlib.sha256).digest())

    def dump(self, session: Session) -> str:
        body = json.dumps(
            {"u": session.username, "c": session.csrf, "i": session.issued},
            separators=(",", ":"),
        ).encode()
        return f"{_b64(body)}.{self._mac(body)}"

    def load(self, value: str | None) -> Session | None:
        if not value or len(value) > 4096 or "." not in value:
            return None
        body_text, _, mac = value.partition(".")
        try:
            body = _unb64(body_text)
        except ValueError:
            return None
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data: Any = json.loads(body)
            username, csrf, issued = data["u"], data["c"], int(data["i"])
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(csrf, str) or not (username is None or isinstance(username, str)):
            return None
        age = self.clock() - issued
        if age < -60 or age > self.max_age:  # a minute of clock skew between processes
            return None
        return Session(username, csrf, issued)


def csrf_matches(session: Session | None, token: str | None) -> bool:
    """Whether ``token`` (form field or header) is the session's CSRF token."""
    if session is None or not token:
        return False
    return hmac.compare_digest(session.csrf.encode(), token.encode())


def configured_secret(settings: object) -> str | None:
    """``TAKT_SECRET_KEY`` from the settings (when they carry it) or the environment."""
    value = getattr(settings, "secret_key", None)
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    if isinstance(value, str) and value:
        return value
    return os.environ.get(SECRET_ENV) or None


def stored_secret(uows: UnitOfWorkFactory) -> str:
    """The secret kept in the settings table, generated and stored on first use.

    Two processes starting at once may both generate one; the one committed last wins and is
    read back, so at worst the loser's first sessions need a new login.
    """
    with uows() as uow:
        found = uow.settings.get(SECRET_SETTING, "")
        if len(found) >= MIN_SECRET_CHARS:
            return found
        uow.settings.set(SECRET_SETTING, secrets.token_urlsafe(48))
        uow.commit()
    with uows(read_only=True) as uow:
        return uow.settings.get(SECRET_SETTING, "")


@dataclass(slots=True)
class LoginThrottle:
    """Counts failed logins per (username, address); ``retry_after`` > 0 while locked out."""

    max_failures: int = 5
    window_seconds: float = 300.0
    clock: Clock = time.monotonic
    max_keys: int = 10_000
    _failures: dict[tuple[str, str], deque[float]] | None = None

    def _table(self) -> dict[tuple[str, str], deque[float]]:
        if self._failures is None:
            self._failures = {}
        return self._failures

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        found = self._table().get(key, deque())
        while found and now - found[0] >= self.window_seconds:
            found.popleft()
        return found

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until this pair may try again (0: now)."""
        recent = self._recent((username.lower(), address))
        if len(recent) < self.max_failures:
            return 0
        return max(1, int(self.window_seconds - (self.clock() - recent[0])) + 1)

    def failed(self, username: str, address: str) -> None:
        table = self._table()
        if len(table) >= self.max_keys:  # forget idle pairs rather than grow without bound
            for key in [k for k in table if not self._recent(k)]:
                del table[key]
        key = (username.lower(), address)
        recent = self._recent(key)
        recent.append(self.clock())
        table[key] = recent

    def succeeded(self, username: str, address: str) -> None:
        self._table().pop((username.lower(), address), None)
