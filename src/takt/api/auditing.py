"""The audit trail from the API: who changed what, when, with the record before and after.

Writing goes through ``takt.app.audit.record``; here records are turned into JSON (Pydantic
models dumped with their cost fields). The API has no route that edits or deletes the trail.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from takt.app import audit as trail
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
    trail.record(uows, user, action, entity, key, snapshot(before), snapshot(after))
