"""The SQL unit of work: one session, one transaction, all repositories; only it commits."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from takt.store.audit import SqlAuditRepository
from takt.store.items import SqlItemRepository
from takt.store.locations import SqlLocationRepository
from takt.store.lookups import Lookups
from takt.store.manufacturing import SqlManufacturingRepository
from takt.store.marks import SqlAllocationMarks
from takt.store.numbers import SqlNumberRepository
from takt.store.partners import SqlPartnerRepository
from takt.store.purchasing import SqlPurchaseRepository
from takt.store.recipes import SqlRecipeRepository
from takt.store.resources import SqlResourceRepository
from takt.store.sales import SqlSalesRepository
from takt.store.settings import SqlSettingsRepository
from takt.store.stock import SqlStockRepository
from takt.store.users import SqlUserRepository
from takt.store.webhooks import SqlWebhookRepository


class SqlUnitOfWork:
    """Opens a session on enter; leaving without ``commit`` rolls back whatever was done."""

    items: SqlItemRepository
    recipes: SqlRecipeRepository
    resources: SqlResourceRepository
    locations: SqlLocationRepository
    stock: SqlStockRepository
    numbers: SqlNumberRepository
    partners: SqlPartnerRepository
    sales: SqlSalesRepository
    purchasing: SqlPurchaseRepository
    manufacturing: SqlManufacturingRepository
    settings: SqlSettingsRepository
    users: SqlUserRepository
    audit: SqlAuditRepository
    webhooks: SqlWebhookRepository

    marks: SqlAllocationMarks

    def __init__(
        self,
        sessions: sessionmaker[Session],
        read_only: bool = False,
        memo: dict[str, Any] | None = None,
    ) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self.session: Session | None = None
        # Derived figures kept between units of work on this database (see app.availability).
        self.memo: dict[str, Any] = {} if memo is None else memo

    @property
    def read_only(self) -> bool:
        return self._read_only

    def __enter__(self) -> Self:
        session = self._sessions()
        if self._read_only:
            # SQLite: a deferred BEGIN lets readers run beside a writer (WAL).
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        lookups = Lookups(session)
        self.session = session
        self.marks = marks = SqlAllocationMarks(session, lookups)
        self.items = SqlItemRepository(session, lookups, marks)
        self.recipes = SqlRecipeRepository(session, lookups)
        self.resources = SqlResourceRepository(session, lookups)
        self.locations = SqlLocationRepository(session, lookups)
        self.stock = SqlStockRepository(session, lookups, marks)
        self.numbers = SqlNumberRepository(session)
        self.partners = SqlPartnerRepository(session, lookups)
        self.sales = SqlSalesRepository(session, lookups, marks)
        self.purchasing = SqlPurchaseRepository(session, lookups, marks)
        self.manufacturing = SqlManufacturingRepository(session, lookups, marks)
        self.settings = SqlSettingsRepository(session)
        self.users = SqlUserRepository(session, lookups)
        self.audit = SqlAuditRepository(session)
        self.webhooks = SqlWebhookRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        assert self.session is not None
        self.marks.flush()
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self.marks.discard()
        self.session.rollback()


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self.memo: dict[str, Any] = {}

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, read_only=read_only, memo=self.memo)
