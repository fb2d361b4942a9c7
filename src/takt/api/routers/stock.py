"""Stock levels, the ledger (filtered), and postings: receive, adjust, transfer, count, scrap."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query

from takt.api.auditing import audited, first_issued, snapshot
from takt.api.deps import BODY_PROBLEMS, Access, Caller, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import (
    CODE_PATTERN,
    NO_CONTROL,
    SKU_PATTERN,
    LedgerEntryRead,
    Page,
    PostedRead,
)
from takt.api.schemas.stock import (
    AdjustCreate,
    BalanceRead,
    CountCreate,
    ReceiveCreate,
    ScrapCreate,
    TransferCreate,
    entry_read,
    posted_read,
)
from takt.app import audit as trail
from takt.app import queries, stock
from takt.app.ports import LedgerFilter, UnitOfWork, UnitOfWorkFactory
from takt.app.stock import Posted
from takt.domain.ledger import Reason

router = guarded_router("stock")

SkuQuery = Annotated[str | None, Query(pattern=SKU_PATTERN, max_length=64)]
CodeQuery = Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=32)]


@router.get("/stock", name="list_stock_levels", summary="Stock per item, location and batch")
def list_stock_levels(
    caller: Access, uows: Uows, paging: PageParams, sku: SkuQuery = None, location: CodeQuery = None
) -> Page[BalanceRead]:
    rows = [BalanceRead.of(r) for r in queries.stock_levels(uows, sku, location)]
    return caller.shape(paging.page(rows))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get("/stock/ledger", name="list_ledger", summary="Ledger entries, newest first")
def list_ledger(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    sku: SkuQuery = None,
    location: CodeQuery = None,
    batch: Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)] = None,
    reason: Reason | None = None,
    document: CodeQuery = None,
    since: Annotated[datetime | None, Query(description="From this moment (UTC if naive).")] = None,
    until: Annotated[datetime | None, Query(description="Before this moment.")] = None,
) -> Page[LedgerEntryRead]:
    where = LedgerFilter(
        sku=sku,
        location=location,
        batch=batch,
        reason=reason,
        document=document,
        since=_aware(since),
        until=_aware(until),
        limit=paging.offset + paging.limit,
    )
    entries = queries.ledger(uows, where)[paging.offset :]
    page = Page[LedgerEntryRead](
        items=[entry_read(e) for e in entries],
        total=None,
        limit=paging.limit,
        offset=paging.offset,
    )
    return caller.shape(page)


def _trail(uows: UnitOfWorkFactory, caller: Caller, action: str, body: object) -> UnitOfWork:
    """A unit of work that records ``action`` on the posting's document with ``body``."""
    return audited(uows, caller.username, action, "stock", first_issued, after=body)()


def _posted(caller: Caller, posted: Posted | None) -> PostedRead:
    return caller.shape(posted_read(posted))


@router.post(
    "/stock/receipts",
    name="receive_stock",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Receive stock outside a purchase order",
)
def receive_stock(body: ReceiveCreate, caller: Access, uows: Uows) -> PostedRead:
    cmd = stock.Receive(
        body.sku,
        body.quantity,
        body.unit_cost,
        body.location,
        body.batch,
        body.note,
        caller.username,
    )
    return _posted(caller, stock.receive(cmd, _trail(uows, caller, "receive", body)))


@router.post(
    "/stock/adjustments",
    name="adjust_stock",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Correct stock by a signed quantity",
)
def adjust_stock(body: AdjustCreate, caller: Access, uows: Uows) -> PostedRead:
    cmd = stock.Adjust(
        body.sku,
        body.delta,
        body.reason,
        body.location,
        body.batch,
        body.unit_cost,
        caller.username,
    )
    return _posted(caller, stock.adjust(cmd, _trail(uows, caller, "adjust", body)))


@router.post(
    "/stock/transfers",
    name="transfer_stock",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Move stock between locations",
)
def transfer_stock(body: TransferCreate, caller: Access, uows: Uows) -> PostedRead:
    cmd = stock.Transfer(
        body.sku,
        body.quantity,
        body.source,
        body.destination,
        body.batch,
        body.note,
        caller.username,
    )
    return _posted(caller, stock.transfer(cmd, _trail(uows, caller, "transfer", body)))


@router.post(
    "/stock/counts",
    name="count_stock",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Stocktake: post the difference (document null when the count matches)",
)
def count_stock(body: CountCreate, caller: Access, uows: Uows) -> PostedRead:
    cmd = stock.Count(body.sku, body.counted, body.location, body.batch, caller.username)
    posted = stock.count(cmd, _trail(uows, caller, "count", body))
    if posted is None:  # nothing was posted, yet someone counted: that stays on the trail
        trail.record(uows, caller.username, "count", "stock", "-", None, snapshot(body))
    return _posted(caller, posted)


@router.post(
    "/stock/scrap",
    name="scrap_stock",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Write off damaged or lost stock",
)
def scrap_stock(body: ScrapCreate, caller: Access, uows: Uows) -> PostedRead:
    cmd = stock.Scrap(
        body.sku, body.quantity, body.reason, body.location, body.batch, caller.username
    )
    return _posted(caller, stock.scrap(cmd, _trail(uows, caller, "scrap", body)))
