"""Alembic environment: runs migrations on the engine Takt hands over (see takt.store.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from takt.store.database import make_engine
from takt.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///takt.db")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Takt runs migrations online only: use `takt db upgrade`")
run_migrations_online()
