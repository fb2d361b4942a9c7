"""The audit trail from the API: who changed what, when, with the record before and after.

Use cases commit their own unit of work, so the entry is written right after a successful use
case in a unit of work of its own (see the API notes for moving it into the use case's
transaction). The trail is append-only: the API has no route that edits or deletes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from takt.app.ports import UnitOfWorkFactory


def snapshot(value: Any) -> Any:
    """A JSON-ready copy of a record for the trail (models dumped as JSON, costs included)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    return value


def record(
    uows: UnitOfWorkFactory,
    user: str,
    action: str,
    entity: str,
    key: str,
    before: Any = None,
    after: Any = None,
) -> None:
    with uows() as uow:
        uow.audit.record(
            datetime.now(UTC), user, action, entity, key[:64], snapshot(before), snapshot(after)
        )
        uow.commit()
