"""Bearer-token authentication: ``Authorization: Bearer takt_...`` (personal API tokens).

Tokens come from ``takt user token USERNAME`` or ``POST /api/v1/users/{username}/tokens``; only
their hash is stored. A missing, unknown or revoked token, or a deactivated user, is a 401 with
``WWW-Authenticate: Bearer``. The user is looked up once per request and kept on the request.
"""

from __future__ import annotations

from starlette.requests import Request

from takt.api.problems import ApiProblem
from takt.app.ports import UnitOfWorkFactory
from takt.app.users import authenticate_token
from takt.domain.users import User

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="takt"'}


def uows_of(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401, "use 'Authorization: Bearer <token>'", slug="unauthenticated", headers=CHALLENGE
        )
    return token.strip()


def authenticate(request: Request) -> User:
    """The user of the request's token (cached on the request); raises a 401 problem."""
    cached = getattr(request.state, "user", None)
    if isinstance(cached, User):
        return cached
    token = bearer_token(request)
    if token is None:
        raise ApiProblem(401, "an API token is required", headers=CHALLENGE)
    user = authenticate_token(token, uows_of(request)())
    if user is None:
        raise ApiProblem(401, "the API token is unknown or revoked", headers=CHALLENGE)
    request.state.user = user
    return user
