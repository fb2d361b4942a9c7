"""The audit trail: read-only (there is no write route, by design)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from takt.api.deps import Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import NO_CONTROL, Page
from takt.api.schemas.users import AuditRead
from takt.app import api_queries

router = guarded_router("audit")

Entity = Annotated[str, Path(pattern=r"^[a-z_]{1,32}$", max_length=32)]
Filter = Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)]


def _page(
    uows: Uows, paging: PageParams, entity: str | None, key: str | None, user: str | None
) -> Page[AuditRead]:
    rows = api_queries.audit_entries(uows, entity, key, user, paging.offset + paging.limit)
    return Page[AuditRead](
        items=[AuditRead.of(e) for e in rows[paging.offset :]],
        total=None,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/audit", name="list_audit", summary="Who changed what, newest first")
def list_audit(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    entity: Filter = None,
    key: Filter = None,
    user: Filter = None,
) -> Page[AuditRead]:
    return _page(uows, paging, entity, key, user)


@router.get(
    "/audit/{entity}/{key:path}",
    name="get_audit_of_record",
    summary="The history of one record (an item, an order...)",
)
def get_audit_of_record(
    entity: Entity,
    key: Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")],
    caller: Access,
    uows: Uows,
    paging: PageParams,
) -> Page[AuditRead]:
    return _page(uows, paging, entity, key, None)
