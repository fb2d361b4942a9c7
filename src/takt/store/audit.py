"""The audit trail (append-only) and the record of idempotent requests.

An idempotency key is claimed before its request runs: a row with status 0 (``PENDING``) that
the unique (user, key) constraint keeps to one request; it gets the answer when the request
succeeds and is released (deleted) when it fails.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from takt.app.ports import AuditEntry
from takt.store.tables import audit_log, idempotency_keys

PENDING = 0
"""The status of a claimed key whose request has not answered yet."""


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

    def claim_key(self, user: str, key: str, method: str, path: str, at: datetime) -> bool:
        """Claims ``key`` for a request (a pending row); False when it is claimed already.

        "Insert, ignore if present" under the unique (user, key) constraint: of two requests
        racing with one key, exactly one claims it (on PostgreSQL the second waits for the
        first's commit, then inserts nothing).
        """
        dialect = self.session.get_bind().dialect.name
        claim = (
            (postgresql.insert if dialect == "postgresql" else sqlite.insert)(idempotency_keys)
            .values(
                user_name=user,
                key=key,
                method=method,
                path=path,
                status_code=PENDING,
                body="",
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["user_name", "key"])
            .returning(idempotency_keys.c.id)
        )
        return self.session.execute(claim).first() is not None

    def finish_key(self, user: str, key: str, status: int, body: str) -> None:
        """Stores the answer of the request that claimed ``key``."""
        self.session.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.user_name == user, idempotency_keys.c.key == key)
            .values(status_code=status, body=body)
        )

    def release_key(self, user: str, key: str) -> None:
        """Gives a pending ``key`` up (its request failed): a corrected retry may claim it."""
        self.session.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.user_name == user,
                idempotency_keys.c.key == key,
                idempotency_keys.c.status_code == PENDING,
            )
        )
