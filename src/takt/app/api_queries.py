"""Read functions the HTTP API needs beyond the screens' queries (``queries``, ``orders_queries``).

Each opens one read-only unit of work and returns domain objects or small read models; nothing
here writes. Listings read in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from takt.app.availability import LineStatus, allocation
from takt.app.ports import AuditEntry, UnitOfWorkFactory
from takt.domain.bom import Bom
from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item
from takt.domain.locations import Location
from takt.domain.manufacturing import ManufacturingOrder, MOStatus
from takt.domain.partners import Customer, Supplier
from takt.domain.purchasing import PurchaseOrder
from takt.domain.routing import Routing
from takt.domain.sales import SalesOrder
from takt.domain.users import ApiToken, User
from takt.domain.workstations import Operator, Workstation

VIEWERS_SEE_COSTS = "costs.viewers_see"


def setting(uows: UnitOfWorkFactory, key: str, default: str = "") -> str:
    with uows(read_only=True) as uow:
        return uow.settings.get(key, default)


def viewers_see_costs(uows: UnitOfWorkFactory) -> bool:
    """Whether the company lets viewers read cost figures (setting ``costs.viewers_see``)."""
    return setting(uows, VIEWERS_SEE_COSTS, "false").strip().lower() == "true"


def has_users(uows: UnitOfWorkFactory) -> bool:
    with uows(read_only=True) as uow:
        return uow.users.count() > 0


def has_admin(uows: UnitOfWorkFactory) -> bool:
    """Whether an active admin exists (the server refuses to start without one)."""
    with uows(read_only=True) as uow:
        return any(u.active and u.role.value == "admin" for u in uow.users.all_users())


def user(uows: UnitOfWorkFactory, username: str) -> User:
    with uows(read_only=True) as uow:
        return uow.users.get(username)


def user_tokens(uows: UnitOfWorkFactory, username: str) -> list[ApiToken]:
    with uows(read_only=True) as uow:
        return uow.users.tokens(username)


# ---------------------------------------------------------------- master data


def item(uows: UnitOfWorkFactory, sku: str) -> Item:
    with uows(read_only=True) as uow:
        return uow.items.get(sku)


def bom(uows: UnitOfWorkFactory, sku: str) -> Bom | None:
    """The BOM stored for ``sku`` (None when it has none); raises ``NotFound`` for an unknown SKU."""
    with uows(read_only=True) as uow:
        uow.items.get(sku)
        return uow.recipes.bom(sku)


def routing(uows: UnitOfWorkFactory, sku: str) -> Routing | None:
    with uows(read_only=True) as uow:
        uow.items.get(sku)
        return uow.recipes.routing(sku)


def workstations(uows: UnitOfWorkFactory) -> list[Workstation]:
    with uows(read_only=True) as uow:
        return sorted(uow.resources.workstations().values(), key=lambda w: w.code)


def workstation(uows: UnitOfWorkFactory, code: str) -> Workstation:
    found = {w.code: w for w in workstations(uows)}.get(code)
    if found is None:
        raise NotFound(f"unknown workstation {code!r}", field="code")
    return found


def operators(uows: UnitOfWorkFactory) -> list[Operator]:
    with uows(read_only=True) as uow:
        return sorted(uow.resources.operators().values(), key=lambda o: o.code)


def locations(uows: UnitOfWorkFactory) -> list[Location]:
    with uows(read_only=True) as uow:
        return sorted(uow.locations.list(), key=lambda loc: loc.code)


def customers(uows: UnitOfWorkFactory) -> list[Customer]:
    with uows(read_only=True) as uow:
        return sorted(uow.partners.customers().values(), key=lambda c: c.code)


def suppliers(uows: UnitOfWorkFactory) -> list[Supplier]:
    with uows(read_only=True) as uow:
        return sorted(uow.locations.suppliers().values(), key=lambda s: s.code)


# ---------------------------------------------------------------- orders


def sales_order(uows: UnitOfWorkFactory, number: str) -> SalesOrder:
    with uows(read_only=True) as uow:
        return uow.sales.get(number)


def purchase_order(uows: UnitOfWorkFactory, number: str) -> PurchaseOrder:
    with uows(read_only=True) as uow:
        return uow.purchasing.get(number)


def manufacturing_order(uows: UnitOfWorkFactory, number: str) -> ManufacturingOrder:
    with uows(read_only=True) as uow:
        return uow.manufacturing.get(number)


def manufacturing_orders(
    uows: UnitOfWorkFactory, statuses: list[MOStatus] | None = None
) -> list[ManufacturingOrder]:
    """MOs (all, or those in ``statuses``) in Make-list order, with their plan fields."""
    with uows(read_only=True) as uow:
        return uow.manufacturing.orders([s.value for s in statuses] if statuses else None)


def order_allocation(uows: UnitOfWorkFactory, number: str) -> list[LineStatus]:
    """The allocation of every open line of order ``number`` with its pegs (which supply covers
    it, when). Only the order's items are allocated. Raises ``NotFound`` for an unknown order."""
    prefix = number.partition("-")[0].upper()
    with uows(read_only=True) as uow:
        if prefix == "SO":
            skus = sorted({ln.sku for ln in uow.sales.get(number).lines})
        elif prefix == "MO":
            skus = sorted({i.sku for i in uow.manufacturing.get(number).ingredients})
        elif prefix == "PO":
            uow.purchasing.get(number)
            return []  # a purchase order is supply, not demand: see its pegging in order_status
        else:
            raise DomainError(
                f"{number!r} is not an order number (SO-..., MO-... or PO-...)", field="order"
            )
        if not skus:
            return []
        return allocation(uow, skus).order_lines(number)


@dataclass(frozen=True, slots=True)
class PlanInfo:
    """The newest stored plan version, if any."""

    version: int
    fingerprint: str
    created_at: datetime


def latest_plan(uows: UnitOfWorkFactory) -> PlanInfo | None:
    with uows(read_only=True) as uow:
        found = uow.manufacturing.latest_plan()
    return None if found is None else PlanInfo(*found)


def audit_entries(
    uows: UnitOfWorkFactory,
    entity: str | None = None,
    key: str | None = None,
    user: str | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest audit entries first, filtered by entity, record key and user."""
    with uows(read_only=True) as uow:
        return uow.audit.entries(entity, key, user, limit)
