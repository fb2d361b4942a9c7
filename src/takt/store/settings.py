"""Company-wide settings kept in the database (overhead rules, receiving tolerances...)."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from takt.store.tables import settings


class SqlSettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str, default: str = "") -> str:
        value = self.session.execute(
            select(settings.c.value).where(settings.c.key == key)
        ).scalar_one_or_none()
        return default if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        if self.session.execute(select(settings.c.key).where(settings.c.key == key)).first():
            self.session.execute(update(settings).where(settings.c.key == key).values(value=value))
        else:
            self.session.execute(insert(settings).values(key=key, value=value))
