"""The audit trail: who changed what, when, with the record before and after.

Every write from the API and the pages records an entry, in the same transaction as the write:
``audited(uows, user, action, entity, key, before=..., after=...)`` wraps a factory of units of
work, and each unit of work it makes appends the entry inside ``commit``, just before the real
commit. So there is never a write without its entry, nor an entry without its write, and the use
cases need not know about the trail. The trail is append-only: nothing in Takt edits or deletes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from takt.app.ports import NumberRepository, UnitOfWork, UnitOfWorkFactory
from takt.app.stock import Clock, utc_now

KEY_LENGTH = 64


def record(
    uows: UnitOfWorkFactory,
    user: str,
    action: str,
    entity: str,
    key: str,
    before: Any = None,
    after: Any = None,
    clock: Clock = utc_now,
) -> None:
    """Appends one entry in a unit of work of its own; ``before`` and ``after`` must be JSON-ready.

    Only for what has no use case of its own to ride on: a write should use ``audited`` instead,
    so that its entry commits (or not) with it.
    """
    with uows() as uow:
        uow.audit.record(clock(), user, action, entity, key[:KEY_LENGTH], before, after)
        uow.commit()


class _RecordingNumbers:
    """The unit of work's document numbers, remembering those issued (the new record's key)."""

    def __init__(self, inner: NumberRepository, issued: list[str]) -> None:
        self._inner = inner
        self._issued = issued

    def next(self, prefix: str) -> str:
        number = self._inner.next(prefix)
        self._issued.append(number)
        return number


Derived = Callable[["AuditedUnitOfWork"], Any]
"""A value read inside the audited transaction (a key, the record before or after)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What to append: ``action``, ``key``, ``before`` and ``after`` are values, or functions of
    the unit of work (``before`` is read when the transaction begins, the others at its commit).
    Values must be JSON-ready (dicts, lists, text, numbers, None)."""

    user: str
    action: str | Derived
    entity: str
    key: str | Derived
    before: Any = None
    after: Any = None
    clock: Clock = utc_now


def _value(given: Any, uow: AuditedUnitOfWork) -> Any:
    return given(uow) if callable(given) else given


class AuditedUnitOfWork:
    """A unit of work whose first ``commit`` appends the audit entry in the same transaction.

    Everything else is the wrapped unit of work's. ``issued`` lists the document numbers given out
    in this transaction (SO-0007, RCV-0012...), for a key not known before the use case runs.
    A unit of work left without a commit (an error, a no-op) writes no entry.
    """

    def __init__(self, inner: UnitOfWork, entry: Entry) -> None:
        self._inner = inner
        self._entry = entry
        self._before: Any = None
        self._written = False
        self.issued: list[str] = []
        self._numbers: _RecordingNumbers | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def before(self) -> Any:
        """The record before the change, as read when the transaction began."""
        return self._before

    @property
    def numbers(self) -> NumberRepository:
        assert self._numbers is not None, "use the unit of work inside 'with'"
        return self._numbers

    def __enter__(self) -> Self:
        self._inner.__enter__()
        self.issued = []
        self._written = False
        self._numbers = _RecordingNumbers(self._inner.numbers, self.issued)
        try:
            self._before = _value(self._entry.before, self)
        except BaseException as exc:
            self._inner.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._numbers = None
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        if not self._written:
            e = self._entry
            action = str(_value(e.action, self))
            key = str(_value(e.key, self))[:KEY_LENGTH]
            after = _value(e.after, self)
            self._inner.audit.record(e.clock(), e.user, action, e.entity, key, self._before, after)
            self._written = True
        self._inner.commit()

    def rollback(self) -> None:
        self._written = False  # the entry, if written, is rolled back with the rest
        self._inner.rollback()


class Audited:
    """A factory of units of work that each append ``entry`` when they commit. Read-only units
    of work are the plain ones (reading leaves no trail)."""

    def __init__(self, uows: UnitOfWorkFactory, entry: Entry) -> None:
        self._uows = uows
        self.entry = entry

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        if read_only:
            return self._uows(read_only=True)
        return AuditedUnitOfWork(self._uows(), self.entry)


def audited(
    uows: UnitOfWorkFactory,
    user: str,
    action: str | Derived,
    entity: str,
    key: str | Derived,
    *,
    before: Any = None,
    after: Any = None,
    clock: Clock = utc_now,
) -> Audited:
    """``uows``, with the entry (``user`` did ``action`` to ``entity`` ``key``) written by each
    unit of work in its own transaction; see ``Entry`` for ``key``, ``before`` and ``after``."""
    return Audited(uows, Entry(user, action, entity, key, before, after, clock))


def first_issued(uow: AuditedUnitOfWork, default: str = "-") -> str:
    """The first document number given out in this transaction (the new order's, the posting's)."""
    return uow.issued[0] if uow.issued else default


# ---------------------------------------------------------------- idempotency keys

PENDING = 0
"""The status stored for a claimed key whose request has not answered yet."""


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """The request that holds a key: its method and path, and its answer once it has one."""

    method: str
    path: str
    status: int
    body: str

    @property
    def pending(self) -> bool:
        return self.status == PENDING


def claim_key(
    uows: UnitOfWorkFactory, user: str, key: str, method: str, path: str, clock: Clock = utc_now
) -> StoredRequest | None:
    """Claims ``key`` of ``user`` for this request (committed at once); None when claimed, else
    the request that holds it: still pending, or with its answer to replay."""
    for _ in range(3):
        with uows() as uow:
            keys = uow.audit
            if keys.claim_key(user, key, method, path, clock()):
                uow.commit()
                return None
            stored = keys.idempotent_response(user, key)
            if stored is not None:
                return StoredRequest(*stored)
        # Released between the two statements (that request failed): claim it again.
    return StoredRequest(method, path, PENDING, "")


def finish_key(uows: UnitOfWorkFactory, user: str, key: str, status: int, body: str) -> None:
    """Stores the answer of the request that claimed ``key``, for its retries."""
    with uows() as uow:
        uow.audit.finish_key(user, key, status, body)
        uow.commit()


def release_key(uows: UnitOfWorkFactory, user: str, key: str) -> None:
    """Frees ``key`` after its request failed, so that a corrected retry runs."""
    with uows() as uow:
        uow.audit.release_key(user, key)
        uow.commit()
