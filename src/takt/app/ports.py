"""What the use cases need from storage: a unit of work and its repositories.

These are structural types (``Protocol``): ``takt.store`` implements them without importing this
module, and tests may hand in fakes. Only ``UnitOfWork.commit`` makes changes durable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from takt.domain.bom import Bom
from takt.domain.items import Item, ItemKind
from takt.domain.ledger import LedgerEntry, PostingResult, Reason, StockKey
from takt.domain.locations import Location
from takt.domain.manufacturing import ManufacturingOrder
from takt.domain.partners import Customer, Supplier
from takt.domain.purchasing import PurchaseOrder
from takt.domain.routing import Routing
from takt.domain.sales import SalesOrder
from takt.domain.valuation import CostLayer
from takt.domain.workstations import Operator, Workstation


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One stock balance as screens show it."""

    sku: str
    name: str
    location: str
    batch: str
    quantity: Decimal
    unit: str
    average_cost: Decimal


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """Which ledger entries to read; every field is optional and combined with AND."""

    sku: str | None = None
    location: str | None = None
    batch: str | None = None
    reason: Reason | None = None
    document: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class OpenSalesLine:
    """A sales line still to ship, as the allocation engine needs it."""

    order: str
    line_no: int
    sku: str
    remaining: Decimal
    delivery_date: date
    rank: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OpenPurchaseLine:
    """Stock still to arrive on a purchase line, in stock units."""

    order: str
    line_no: int
    sku: str
    remaining: Decimal
    expected_date: date


@dataclass(frozen=True, slots=True)
class OpenIngredient:
    """An ingredient still to consume, as the allocation engine needs it."""

    order: str
    sku: str
    remaining: Decimal
    need: date
    rank: int


@dataclass(frozen=True, slots=True)
class OpenOutput:
    """Output still expected from an open MO."""

    order: str
    sku: str
    remaining: Decimal
    due: date


@dataclass(frozen=True, slots=True)
class MadeToOrderLink:
    """An open MO making ``remaining`` of a sales line, finishing on ``finish``."""

    mo: str
    sku: str
    order: str
    line_no: int
    remaining: Decimal
    finish: date


class ItemRepository(Protocol):
    def get(self, sku: str) -> Item: ...
    def find(self, sku: str) -> Item | None: ...
    def add(self, item: Item) -> Item: ...
    def update(self, item: Item) -> None: ...
    def set_last_purchase_price(self, sku: str, price: Decimal) -> None: ...
    def list(self, kind: ItemKind | None = None) -> list[Item]: ...
    def by_sku(self) -> dict[str, Item]: ...
    def many(self, skus: Sequence[str]) -> dict[str, Item]: ...


class RecipeRepository(Protocol):
    def bom(self, sku: str) -> Bom | None: ...
    def boms(self) -> dict[str, Bom]: ...
    def set_bom(self, bom: Bom) -> None: ...
    def routing(self, sku: str) -> Routing | None: ...
    def routings(self) -> dict[str, Routing]: ...
    def set_routing(self, routing: Routing) -> None: ...


class ResourceRepository(Protocol):
    def workstations(self) -> dict[str, Workstation]: ...
    def add_workstation(self, workstation: Workstation) -> Workstation: ...
    def operators(self) -> dict[str, Operator]: ...
    def add_operator(self, operator: Operator) -> Operator: ...


class LocationRepository(Protocol):
    def get(self, code: str) -> Location: ...
    def list(self) -> list[Location]: ...
    def add(self, location: Location) -> Location: ...
    def suppliers(self) -> dict[str, Supplier]: ...
    def add_supplier(self, supplier: Supplier) -> Supplier: ...


class StockRepository(Protocol):
    def lock_items(self, skus: Sequence[str]) -> dict[str, Item]: ...
    def on_hand(self, skus: Sequence[str]) -> dict[str, Decimal]: ...
    def lock_balances(self, keys: Sequence[StockKey]) -> dict[StockKey, Decimal]: ...
    def lock_layers(self, skus: Sequence[str]) -> dict[str, list[CostLayer]]: ...
    def apply(self, result: PostingResult) -> None: ...
    def balances(self, sku: str | None = None, location: str | None = None) -> list[BalanceRow]: ...
    def ledger(self, where: LedgerFilter) -> list[LedgerEntry]: ...
    def ledger_sums(self) -> dict[StockKey, Decimal]: ...
    def stored_balances(self) -> dict[StockKey, Decimal]: ...


class PartnerRepository(Protocol):
    def customer(self, code: str) -> Customer: ...
    def customers(self) -> dict[str, Customer]: ...
    def add_customer(self, customer: Customer) -> Customer: ...


class SalesRepository(Protocol):
    def add(self, order: SalesOrder) -> SalesOrder: ...
    def get(self, number: str, *, lock: bool = False) -> SalesOrder: ...
    def orders(self, statuses: Sequence[str] | None = None) -> list[SalesOrder]: ...
    def save(self, order: SalesOrder) -> None: ...
    def open_lines(self, skus: Sequence[str] | None = None) -> list[OpenSalesLine]: ...


class PurchaseRepository(Protocol):
    def add(self, order: PurchaseOrder) -> PurchaseOrder: ...
    def get(self, number: str, *, lock: bool = False) -> PurchaseOrder: ...
    def orders(self, statuses: Sequence[str] | None = None) -> list[PurchaseOrder]: ...
    def save(self, order: PurchaseOrder) -> None: ...
    def open_lines(self, skus: Sequence[str] | None = None) -> list[OpenPurchaseLine]: ...


class ManufacturingRepository(Protocol):
    def next_rank(self) -> int: ...
    def add(self, mo: ManufacturingOrder) -> ManufacturingOrder: ...
    def get(self, number: str, *, lock: bool = False) -> ManufacturingOrder: ...
    def orders(self, statuses: Sequence[str] | None = None) -> list[ManufacturingOrder]: ...
    def for_sales_line(self, number: str, line_no: int) -> list[ManufacturingOrder]: ...
    def save(self, mo: ManufacturingOrder) -> None: ...
    def open_ingredients(self, skus: Sequence[str] | None = None) -> list[OpenIngredient]: ...
    def open_outputs(self, skus: Sequence[str] | None = None) -> list[OpenOutput]: ...
    def make_to_order_links(self, skus: Sequence[str] | None = None) -> list[MadeToOrderLink]: ...
    def set_ranks(self, ranks: dict[str, int]) -> None: ...
    def open_ranks(self) -> list[tuple[str, int]]: ...
    def store_plan(
        self,
        mo_times: dict[str, tuple[datetime | None, datetime | None, str]],
        task_times: dict[tuple[str, int], tuple[datetime, datetime]],
    ) -> None: ...
    def record_plan(
        self,
        *,
        created_at: datetime,
        fingerprint: str,
        engine: str,
        status: str,
        tardiness: int,
        late_orders: int,
    ) -> int: ...
    def latest_plan(self) -> tuple[int, str, datetime] | None: ...


class SettingsRepository(Protocol):
    def get(self, key: str, default: str = "") -> str: ...
    def set(self, key: str, value: str) -> None: ...


class NumberRepository(Protocol):
    def next(self, prefix: str) -> str: ...


class UnitOfWork(Protocol):
    """One transaction: repositories share it; leaving without ``commit`` rolls everything back."""

    # Read-only properties, so that an implementation's more specific repositories still match.
    @property
    def items(self) -> ItemRepository: ...
    @property
    def recipes(self) -> RecipeRepository: ...
    @property
    def resources(self) -> ResourceRepository: ...
    @property
    def locations(self) -> LocationRepository: ...
    @property
    def stock(self) -> StockRepository: ...
    @property
    def numbers(self) -> NumberRepository: ...
    @property
    def partners(self) -> PartnerRepository: ...
    @property
    def sales(self) -> SalesRepository: ...
    @property
    def purchasing(self) -> PurchaseRepository: ...
    @property
    def manufacturing(self) -> ManufacturingRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
