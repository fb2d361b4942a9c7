"""The audit trail for writes made from pages, as the API writes one for its own (who, what, when).

The use cases commit their own unit of work, so the entry follows in a unit of work of its own,
as in ``takt.api.auditing`` (the natural home of both is a use-case helper in ``takt.app``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from takt.app.ports import UnitOfWorkFactory


def audit(
    uows: UnitOfWorkFactory, user: str, action: str, entity: str, key: str, after: Any = None
) -> None:
    with uows() as uow:
        uow.audit.record(datetime.now(UTC), user, action, entity, key[:64], None, after)
        uow.commit()
