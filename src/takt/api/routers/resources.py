"""Workstations (with their calendars), operators and locations."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from takt.api.auditing import record
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page
from takt.api.schemas.resources import (
    LocationCreate,
    LocationRead,
    OperatorCreate,
    OperatorRead,
    WorkstationCreate,
    WorkstationRead,
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
    created = WorkstationRead.of(catalog.add_workstation(body.to_domain(), uows()))
    record(uows, caller.username, "create", "workstation", created.code, None, created)
    return created


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
    created = OperatorRead.of(catalog.add_operator(body.to_domain(), uows()))
    record(uows, caller.username, "create", "operator", created.code, None, created)
    return created


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
    created = LocationRead.of(catalog.add_location(body.to_domain(), uows()))
    record(uows, caller.username, "create", "location", created.code, None, created)
    return created
