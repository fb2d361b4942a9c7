"""The audit trail: who changed what, when, with the record before and after.

Every write from the API and the pages records an entry. The use cases commit their own unit of
work, so the entry is written right after a successful use case in a unit of work of its own.
The trail is append-only: nothing in Takt edits or deletes it.
"""

from __future__ import annotations

from typing import Any

from takt.app.ports import UnitOfWorkFactory
from takt.app.stock import Clock, utc_now


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
    """Appends one entry; ``before`` and ``after`` must be JSON-ready (dicts, lists, text)."""
    with uows() as uow:
        uow.audit.record(clock(), user, action, entity, key[:64], before, after)
        uow.commit()
