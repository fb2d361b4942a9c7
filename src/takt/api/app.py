"""The HTTP API application: ``create_app(takt)`` serves /api/v1 with its OpenAPI document at
/api/v1/openapi.json (interactive docs at /api/v1/docs).

Every route is named; the name is its OpenAPI operationId and its key in the one access table
(``takt.api.access.RULES``). ``create_app`` refuses to build an app with a route that has no rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from takt.api import problems
from takt.api.access import RULES
from takt.api.idempotency import HEADER, WRITES
from takt.api.limits import MAX_BODY_BYTES, BodyLimits
from takt.api.problems import PROBLEM_JSON
from takt.api.ratelimit import RateLimits, RateLimitSettings
from takt.api.routers import (
    audit,
    items,
    manufacturing,
    planning,
    purchasing,
    recipes,
    resources,
    sales,
    settings,
    stock,
    tasks,
    users,
)
from takt.config import Takt

PREFIX = "/api/v1"
ROUTERS = (
    items.router,
    recipes.router,
    resources.router,
    stock.router,
    sales.router,
    purchasing.router,
    manufacturing.router,
    tasks.router,
    planning.router,
    audit.router,
    users.router,
    settings.router,
)
DESCRIPTION = """Takt's HTTP API.

- Authenticate with `Authorization: Bearer <token>` (a personal API token: `takt user token`).
- Decimals (quantities, prices, costs) are JSON strings such as `"12.5"`; whole numbers may be
  sent as JSON integers; JSON floats are refused (they are not exact). Dates are ISO 8601.
- Errors are RFC 9457 problem details (`application/problem+json`):
  `{type, title, status, detail, field, errors[]}`.
- Writes accept an `Idempotency-Key` header: a retry with the same key answers the same and
  applies once; while the first request with the key still runs, a retry gets 409.
- Each token (or address, without one) may send `TAKT_API_RATE_LIMIT` requests a minute
  (default 6000), writes `TAKT_API_WRITE_RATE_LIMIT` (default 3000); past that: 429 with
  `Retry-After`.
- Cost fields are null for operators, and for viewers unless `costs.viewers_see` is "true".
"""


def _route_name(route: APIRoute) -> str:
    return route.name


@dataclass(frozen=True, slots=True)
class RouteInfo:
    method: str
    path: str
    name: str


def api_routes(app: FastAPI) -> list[RouteInfo]:
    """Every operation the app serves under /api/v1 (from its OpenAPI document)."""
    found: list[RouteInfo] = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            found.append(RouteInfo(method.upper(), path, operation["operationId"]))
    return found


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    key_header = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": "Retrying with the same key answers the same and applies once.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[!-~]+$"},
    }
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() in WRITES:
                operation.setdefault("parameters", []).append(key_header)
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and PROBLEM_JSON in content:
                    content.pop("application/json", None)
                if status == "204":
                    response.pop("content", None)
    app.openapi_schema = schema
    return schema


def create_app(
    takt: Takt,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    rate_limits: RateLimitSettings | None = None,
) -> FastAPI:
    """The API on ``takt`` (its units of work); refuses a route without an access rule.

    ``rate_limits`` default to the environment's (``TAKT_API_RATE_LIMIT``...; see ``ratelimit``).
    """
    app = FastAPI(
        title="Takt API",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        generate_unique_id_function=_route_name,
    )
    app.state.takt = takt
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    app.add_middleware(BodyLimits, max_bytes=max_body_bytes)
    # Added last, so it runs first: a caller past its limit costs no body read, no query.
    app.add_middleware(RateLimits, settings=rate_limits or RateLimitSettings.from_env())
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    names = {r.name for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)}
    missing = sorted(names - set(RULES))
    if missing:
        raise RuntimeError(f"routes without an access rule in takt.api.access: {missing}")
    return app
