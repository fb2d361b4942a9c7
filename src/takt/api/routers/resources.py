"""Workstations (with their calendars), operators and locations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Response

from takt.api.auditing import AuditedUnitOfWork, audited
from takt.api.deps import BODY_PROBLEMS, IN_USE_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page
from takt.api.schemas.resources import (
    LocationCreate,
    LocationRead,
    LocationUpdate,
    OperatorCreate,
    OperatorRead,
    OperatorUpdate,
    WorkstationCreate,
    WorkstationRead,
    WorkstationUpdate,
)
from takt.app import api_queries, catalog

router = guarded_router("resources")

CodePath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32)]


@router.get("/workstations", name="list_workstations", summary="Workstations and calendars")
def list_workstations(caller: Access, uows: Uows, paging: PageParams) -> Page[WorkstationRead]:
    rows = [WorkstationRead.of(w) for w in api_queries.workstations(uows)]
    return caller.shape(paging.page(rows))


@router.get("/workstations/{code}", name="get_workstation", summary="One workstation")
def get_workstation(code: CodePath, caller: Access, uows: Uows) -> WorkstationRead:
    return caller.shape(WorkstationRead.of(api_queries.workstation(uows, code)))


@router.post(
    "/workstations",
    name="create_workstation",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a workstation",
)
def create_workstation(body: WorkstationCreate, caller: Access, uows: Uows) -> WorkstationRead:
    new = body.to_domain()
    trail = audited(
        uows, caller.username, "create", "workstation", new.code, after=WorkstationRead.of(new)
    )
    return WorkstationRead.of(catalog.add_workstation(new, trail()))


def _workstation(code: str) -> Callable[[AuditedUnitOfWork], WorkstationRead]:
    return lambda uow: WorkstationRead.of(catalog.locked_workstation(uow, code))


@router.patch(
    "/workstations/{code}",
    name="update_workstation",
    responses=BODY_PROBLEMS,
    summary="Change a workstation (only the fields sent)",
)
def update_workstation(
    code: CodePath, body: WorkstationUpdate, caller: Access, uows: Uows
) -> WorkstationRead:
    read = _workstation(code)
    trail = audited(uows, caller.username, "update", "workstation", code, before=read, after=read)
    changed = catalog.update_workstation(code, body.changes(), trail())
    return caller.shape(WorkstationRead.of(changed))


@router.delete(
    "/workstations/{code}",
    name="delete_workstation",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete a workstation no routing or task refers to",
)
def delete_workstation(code: CodePath, caller: Access, uows: Uows) -> None:
    trail = audited(uows, caller.username, "delete", "workstation", code, before=_workstation(code))
    catalog.delete_workstation(code, trail())


@router.get("/operators", name="list_operators", summary="Shop-floor operators")
def list_operators(caller: Access, uows: Uows, paging: PageParams) -> Page[OperatorRead]:
    return paging.page([OperatorRead.of(o) for o in api_queries.operators(uows)])


@router.post(
    "/operators",
    name="create_operator",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add an operator",
)
def create_operator(body: OperatorCreate, caller: Access, uows: Uows) -> OperatorRead:
    new = body.to_domain()
    trail = audited(
        uows, caller.username, "create", "operator", new.code, after=OperatorRead.of(new)
    )
    return OperatorRead.of(catalog.add_operator(new, trail()))


def _operator(code: str) -> Callable[[AuditedUnitOfWork], OperatorRead]:
    return lambda uow: OperatorRead.of(catalog.locked_operator(uow, code))


@router.patch(
    "/operators/{code}",
    name="update_operator",
    responses=BODY_PROBLEMS,
    summary="Change an operator (only the fields sent)",
)
def update_operator(
    code: CodePath, body: OperatorUpdate, caller: Access, uows: Uows
) -> OperatorRead:
    read = _operator(code)
    trail = audited(uows, caller.username, "update", "operator", code, before=read, after=read)
    return OperatorRead.of(catalog.update_operator(code, body.changes(), trail()))


@router.delete(
    "/operators/{code}",
    name="delete_operator",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete an operator no task or user refers to",
)
def delete_operator(code: CodePath, caller: Access, uows: Uows) -> None:
    trail = audited(uows, caller.username, "delete", "operator", code, before=_operator(code))
    catalog.delete_operator(code, trail())


@router.get("/locations", name="list_locations", summary="Stock locations")
def list_locations(caller: Access, uows: Uows, paging: PageParams) -> Page[LocationRead]:
    return paging.page([LocationRead.of(loc) for loc in api_queries.locations(uows)])


@router.post(
    "/locations",
    name="create_location",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a location",
)
def create_location(body: LocationCreate, caller: Access, uows: Uows) -> LocationRead:
    new = body.to_domain()
    trail = audited(
        uows, caller.username, "create", "location", new.code, after=LocationRead.of(new)
    )
    return LocationRead.of(catalog.add_location(new, trail()))


def _location(code: str) -> Callable[[AuditedUnitOfWork], LocationRead]:
    return lambda uow: LocationRead.of(catalog.locked_location(uow, code))


@router.patch(
    "/locations/{code}",
    name="update_location",
    responses=BODY_PROBLEMS,
    summary="Rename a location",
)
def update_location(
    code: CodePath, body: LocationUpdate, caller: Access, uows: Uows
) -> LocationRead:
    read = _location(code)
    trail = audited(uows, caller.username, "update", "location", code, before=read, after=read)
    return LocationRead.of(catalog.update_location(code, body.sent(), trail()))


@router.delete(
    "/locations/{code}",
    name="delete_location",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete a location no stock, ledger entry or order refers to",
)
def delete_location(code: CodePath, caller: Access, uows: Uows) -> None:
    trail = audited(uows, caller.username, "delete", "location", code, before=_location(code))
    catalog.delete_location(code, trail())
