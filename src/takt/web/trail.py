"""The audit trail for writes made from pages, as the API writes one for its own.

A page hands its use case ``audited_uow(uows, ...)`` instead of ``uows()``: that unit of work
writes the entry in its own ``commit``, in the same transaction as the change
(``takt.app.audit.audited``), so a refused write leaves no entry and a done one exactly one.
``action``, ``key``, ``before`` and ``after`` may be values or functions of the unit of work
(``first_issued`` for the number of a new order); values must be JSON-ready.
"""

from __future__ import annotations

from typing import Any

from takt.app import audit as trail
from takt.app.audit import AuditedUnitOfWork, Derived, first_issued
from takt.app.ports import UnitOfWork, UnitOfWorkFactory

__all__ = ["AuditedUnitOfWork", "audited_uow", "audited_uows", "first_issued"]


def audited_uows(
    uows: UnitOfWorkFactory,
    user: str,
    action: str | Derived,
    entity: str,
    key: str | Derived,
    before: Any = None,
    after: Any = None,
) -> UnitOfWorkFactory:
    """``uows`` whose units of work each write the entry when they commit (for a use case that
    takes the factory)."""
    return trail.audited(uows, user, action, entity, key, before=before, after=after)


def audited_uow(
    uows: UnitOfWorkFactory,
    user: str,
    action: str | Derived,
    entity: str,
    key: str | Derived,
    before: Any = None,
    after: Any = None,
) -> UnitOfWork:
    """A unit of work of ``uows`` that writes the entry in the same transaction as the write."""
    return audited_uows(uows, user, action, entity, key, before, after)()
