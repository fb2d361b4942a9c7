"""Stock levels, the ledger, and postings outside orders."""

from __future__ import annotations

from takt.api.schemas.common import (
    Batch,
    Code,
    Cost,
    Dec,
    Input,
    LedgerEntryRead,
    MoneyIn,
    Note,
    Output,
    PostedRead,
    QuantityIn,
    Reason,
    Sku,
)
from takt.app.ports import BalanceRow
from takt.app.stock import Posted
from takt.domain.ledger import LedgerEntry


class ReceiveCreate(Input):
    """Stock arriving outside a purchase order (an opening balance, a return)."""

    sku: Sku
    quantity: QuantityIn
    unit_cost: MoneyIn | None = None
    location: Code = "MAIN"
    batch: Batch = ""
    note: Note = ""


class AdjustCreate(Input):
    """A correction by a signed ``delta``, with the reason written down."""

    sku: Sku
    delta: QuantityIn
    reason: Reason
    location: Code = "MAIN"
    batch: Batch = ""
    unit_cost: MoneyIn | None = None


class TransferCreate(Input):
    sku: Sku
    quantity: QuantityIn
    source: Code
    destination: Code
    batch: Batch = ""
    note: Note = ""


class CountCreate(Input):
    """A stocktake: ``counted`` is what is physically there; the difference is posted."""

    sku: Sku
    counted: QuantityIn
    location: Code = "MAIN"
    batch: Batch = ""


class ScrapCreate(Input):
    sku: Sku
    quantity: QuantityIn
    reason: Reason
    location: Code = "MAIN"
    batch: Batch = ""


class BalanceRead(Output):
    sku: str
    name: str
    location: str
    batch: str
    quantity: Dec
    unit: str
    average_cost: Cost

    @classmethod
    def of(cls, r: BalanceRow) -> BalanceRead:
        return cls(
            sku=r.sku,
            name=r.name,
            location=r.location,
            batch=r.batch,
            quantity=r.quantity,
            unit=r.unit,
            average_cost=r.average_cost,
        )


def entry_read(e: LedgerEntry) -> LedgerEntryRead:
    return LedgerEntryRead(
        sku=e.key.item,
        location=e.key.location,
        batch=e.key.batch,
        quantity=e.quantity,
        unit_cost=e.unit_cost,
        reason=e.reason.value,
        document=e.document,
        note=e.note,
        user=e.user,
        at=e.at,
    )


def posted_read(posted: Posted | None) -> PostedRead:
    if posted is None:
        return PostedRead(document=None, entries=[])
    return PostedRead(document=posted.document, entries=[entry_read(e) for e in posted.entries])
