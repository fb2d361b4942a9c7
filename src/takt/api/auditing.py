"""The audit trail from the API: who changed what, when, with the record before and after.

A route hands its use case ``audited(uows, ...)()`` instead of ``uows()``: the entry is written
by that unit of work's commit, in the same transaction as the change (``takt.app.audit``). Here
records are turned into JSON (Pydantic models dumped with their cost fields). The API has no
route that edits or deletes the trail.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from takt.app import audit as trail
from takt.app.audit import Audited, AuditedUnitOfWork, Derived, first_issued
from takt.app.ports import UnitOfWorkFactory

__all__ = ["AuditedUnitOfWork", "audited", "first_issued", "snapshot"]


def snapshot(value: Any) -> Any:
    """A JSON-ready copy of a record for the trail (models dumped as JSON, costs included)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    return value


def _json(given: Any) -> Any:
    if callable(given):
        derive: Derived = given
        return lambda uow: snapshot(derive(uow))
    return snapshot(given)


def audited(
    uows: UnitOfWorkFactory,
    user: str,
    action: str | Derived,
    entity: str,
    key: str | Derived,
    *,
    before: Any = None,
    after: Any = None,
) -> Audited:
    """``uows`` whose units of work append this entry when they commit (see ``takt.app.audit``);
    ``before`` and ``after`` may be models, values or functions of the unit of work."""
    return trail.audited(uows, user, action, entity, key, before=_json(before), after=_json(after))
