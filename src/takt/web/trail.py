"""The audit trail for writes made from pages, as the API writes one for its own."""

from __future__ import annotations

from typing import Any

from takt.app import audit as trail
from takt.app.ports import UnitOfWorkFactory


def audit(
    uows: UnitOfWorkFactory, user: str, action: str, entity: str, key: str, after: Any = None
) -> None:
    trail.record(uows, user, action, entity, key, None, after)
