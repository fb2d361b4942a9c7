"""Annotated dependencies for the routers: ``Uows``, ``CurrentUser``, ``Access`` and the guard.

The guard is attached to every router (``guarded_router``) and reads the one rule table in
``takt.api.access`` by the route's name, so no route can forget its check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.requests import Request

from takt.api.access import COST_ROUTES, RULES, allowed
from takt.api.idempotency import IdempotentRoute
from takt.api.problems import ApiProblem, problem_responses
from takt.api.schemas.common import hide_costs
from takt.api.security import authenticate, uows_of
from takt.app import api_queries
from takt.app.ports import UnitOfWorkFactory
from takt.domain.users import Role, User

M = TypeVar("M", bound=BaseModel)
_bearer = HTTPBearer(auto_error=False, description="A personal API token (takt_...).")


def _uows(request: Request) -> UnitOfWorkFactory:
    return uows_of(request)


def _current_user(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    return authenticate(request)


Uows = Annotated[UnitOfWorkFactory, Depends(_uows)]
CurrentUser = Annotated[User, Depends(_current_user)]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls and what they may see: ``sees_costs`` per role and company setting."""

    user: User
    sees_costs: bool

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def operator(self) -> str | None:
        """The shop-floor operator code when the caller is an operator (they act as themselves)."""
        return self.user.operator if self.user.role is Role.OPERATOR else None

    def shape(self, model: M) -> M:
        """``model`` with its cost fields hidden (null) when the caller may not see costs."""
        return model if self.sees_costs else hide_costs(model)

    def shape_all(self, models: list[M]) -> list[M]:
        return [self.shape(m) for m in models]


def _viewers_see_costs(user: User, uows: UnitOfWorkFactory) -> bool:
    return user.role is Role.VIEWER and api_queries.viewers_see_costs(uows)


def _guard(request: Request, user: CurrentUser, uows: Uows) -> Caller:
    """Lets the call through when the rule table allows the caller's role on this route."""
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    if name not in RULES:  # every route has a rule; a missing one refuses everybody
        raise ApiProblem(403, f"route {name!r} has no access rule")
    costs = _viewers_see_costs(user, uows) if user.role is Role.VIEWER else False
    if not allowed(name, user.role, costs):
        what = "cost figures" if name in COST_ROUTES else "this"
        raise ApiProblem(403, f"a user with role {user.role.value} may not do {what}")
    sees = user.role.sees_costs(costs)
    caller = Caller(user, sees)
    request.state.caller = caller
    return caller


def _caller(request: Request, _guarded: Annotated[Caller, Depends(_guard)]) -> Caller:
    return _guarded


Access = Annotated[Caller, Depends(_caller)]
"""The caller, after the guard let them through."""

READ_PROBLEMS = problem_responses(401, 403, 404, 422, 429, 500)
"""What any route may answer besides its success (every route has a token, a role, inputs, and
a rate limit)."""
BODY_PROBLEMS = problem_responses(400, 409, 413, 415)
"""What a route taking a body may answer in addition."""
IN_USE_PROBLEMS = problem_responses(409)
"""What a DELETE may answer in addition: the record is in use."""


def guarded_router(tag: str) -> APIRouter:
    """A router whose every route passes the guard and honours ``Idempotency-Key``."""
    return APIRouter(
        tags=[tag],
        dependencies=[Depends(_guard)],
        route_class=IdempotentRoute,
        responses=READ_PROBLEMS,
    )
