"""Settings and the bootstrap that wires Takt's engine, migrations and units of work.

Nothing is built at import time: the CLI, the server and the tests call ``bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine

from takt.app.ports import UnitOfWorkFactory
from takt.store.database import make_engine
from takt.store.migrate import upgrade
from takt.store.uow import SqlUnitOfWorkFactory


class Settings(BaseSettings):
    """Read from the environment (``TAKT_DATABASE_URL``...)."""

    model_config = SettingsConfigDict(env_prefix="TAKT_", extra="ignore")

    database_url: str = "sqlite:///takt.db"
    migrate_on_start: bool = True


@dataclass(slots=True)
class Takt:
    """A running Takt: its settings, engine, and the factory of units of work."""

    settings: Settings
    engine: Engine
    uows: UnitOfWorkFactory

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, migrate: bool | None = None) -> Takt:
    """Builds the engine for the configured database and, by default, migrates it to the newest schema."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    if settings.migrate_on_start if migrate is None else migrate:
        upgrade(engine)
    uows: UnitOfWorkFactory = SqlUnitOfWorkFactory(engine)
    return Takt(settings, engine, uows)
