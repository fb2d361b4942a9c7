"""The audit trail (append-only) and the record of idempotent requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from takt.app.ports import AuditEntry
from takt.store.tables import audit_log, idempotency_keys


class SqlAuditRepository:
    """Writes only appends; there is no update or delete here by design."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, at: datetime, user: str, action: str, entity: str, key: str, before: Any, after: Any
    ) -> None:
        self.session.execute(
            insert(audit_log).values(
                at=at,
                user_name=user,
                action=action,
                entity=entity,
                entity_key=key,
                before=before,
                after=after,
            )
        )

    def entries(
        self,
        entity: str | None = None,
        key: str | None = None,
        user: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if entity is not None:
            query = query.where(audit_log.c.entity == entity)
        if key is not None:
            query = query.where(audit_log.c.entity_key == key)
        if user is not None:
            query = query.where(audit_log.c.user_name == user)
        return [
            AuditEntry(r.id, r.at, r.user_name, r.action, r.entity, r.entity_key, r.before, r.after)
            for r in self.session.execute(query)
        ]

    def idempotent_response(self, user: str, key: str) -> tuple[str, str, int, str] | None:
        """(method, path, status, body) recorded for ``key``, or None."""
        row = self.session.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.user_name == user, idempotency_keys.c.key == key
            )
        ).first()
        return None if row is None else (row.method, row.path, row.status_code, row.body)

    def remember_response(
        self, user: str, key: str, method: str, path: str, status: int, body: str, at: datetime
    ) -> None:
        self.session.execute(
            insert(idempotency_keys).values(
                user_name=user,
                key=key,
                method=method,
                path=path,
                status_code=status,
                body=body,
                created_at=at,
            )
        )
