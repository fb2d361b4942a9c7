"""Every error the API returns, in one format: RFC 9457 problem details (application/problem+json).

``{type, title, status, detail, field, errors[]}``: ``field`` names the input to fix (None when
the problem is not about one field); ``errors`` lists each invalid field of a request body, query
or path. A ``DomainError`` is 422, ``NotFound`` 404, a duplicate 409; validation 422; missing or
bad token 401; a role that may not 403; unknown route 404; wrong method 405; body too large 413;
wrong content type 415; a record still in use (not deleted) 409 ``in-use``; an idempotency key
held by a running request 409; too many requests 429 (``takt.api.ratelimit``). Anything
unexpected is a 500 without internals in the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from takt.app.catalog import InUse
from takt.domain.errors import Conflict, DomainError, NotFound

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("takt.api")

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}
SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid",
    429: "rate-limited",
    500: "internal",
}


class FieldError(BaseModel):
    """One invalid input: where (``field``, dotted), what is wrong, and the error's kind."""

    field: str
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI naming the kind of problem (urn:takt:problem:...).")
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


def problem_type(status: int, slug: str | None = None) -> str:
    return f"urn:takt:problem:{slug or SLUGS.get(status, str(status))}"


def problem_response(
    status: int,
    detail: str,
    *,
    field: str | None = None,
    errors: Sequence[FieldError] = (),
    slug: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=problem_type(status, slug),
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        field=field,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


class ApiProblem(Exception):
    """Raised by the API layer itself (auth, roles, idempotency) to answer with a problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        field: str | None = None,
        slug: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.slug = slug
        self.headers = headers


def is_conflict(exc: DomainError) -> bool:
    """A duplicate (an SKU, a code, a username that already exists)."""
    return isinstance(exc, Conflict)


def domain_status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if is_conflict(exc):
        return 409
    return 422


def _loc(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = domain_status(exc)
    slug = ("in-use" if isinstance(exc, InUse) else "duplicate") if status == 409 else None
    errors = [FieldError(field=exc.field, message=exc.message, type="domain")] if exc.field else []
    return problem_response(status, exc.message, field=exc.field, errors=errors, slug=slug)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_loc(e.get("loc", ())), message=_message(e), type=str(e.get("type", "")))
        for e in exc.errors()
    ]
    first = errors[0] if errors else None
    detail = f"{first.field}: {first.message}" if first else "invalid request"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(422, detail, field=first.field if first else None, errors=errors)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such resource: {request.url.path}"
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem_response(exc.status_code, detail, headers=dict(exc.headers or {}) or None)


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    errors = [FieldError(field=exc.field, message=exc.detail, type="request")] if exc.field else []
    return problem_response(
        exc.status, exc.detail, field=exc.field, errors=errors, slug=exc.slug, headers=exc.headers
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "an unexpected error occurred; it has been logged")


def install(app: FastAPI) -> None:
    """Registers the handlers that turn every error into a problem."""
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(Exception, _unexpected)


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _doc(status: int, description: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "description": description,
        "model": Problem,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 429:
        doc["headers"] = RETRY_AFTER
    return doc


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problems a route may answer with."""
    descriptions = {
        400: "The request body could not be read",
        401: "Missing, unknown or revoked token",
        403: "Your role may not do this",
        404: "A referenced record does not exist",
        409: "A record with this key already exists, the record is in use, or a request with "
        "this idempotency key is still in progress",
        413: "Request body larger than the limit",
        415: "Request body is not application/json",
        422: "Invalid input or a business rule refused the request",
        429: "Too many requests from this token (or address): wait for Retry-After seconds",
        500: "Unexpected error",
    }
    return {s: _doc(s, descriptions[s]) for s in statuses}
