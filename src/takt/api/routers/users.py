"""Users and personal API tokens (admins), and who am I (everyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from takt.api.auditing import record
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.schemas.common import USERNAME_PATTERN
from takt.api.schemas.users import (
    PasswordRead,
    PasswordReset,
    TokenCreate,
    TokenIssued,
    TokenRead,
    UserCreate,
    UserCreated,
    UserRead,
)
from takt.app import api_queries, users

router = guarded_router("users")

UserPath = Annotated[str, Path(pattern=USERNAME_PATTERN, max_length=32)]


@router.get("/users/me", name="whoami", summary="The user of this token")
def whoami(caller: Access) -> UserRead:
    return UserRead.of(caller.user)


@router.get("/users", name="list_users", summary="All users")
def list_users(caller: Access, uows: Uows) -> list[UserRead]:
    return [UserRead.of(u) for u in users.users(uows())]


@router.post(
    "/users",
    name="create_user",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a user (the password is shown once)",
)
def create_user(body: UserCreate, caller: Access, uows: Uows) -> UserCreated:
    user, password = users.add_user(body.to_domain(), uows(), body.password)
    created = UserRead.of(user)
    record(uows, caller.username, "create", "user", user.username, None, created)
    return UserCreated(user=created, password=password)


@router.post(
    "/users/{username}/password",
    name="reset_password",
    responses=BODY_PROBLEMS,
    summary="Set or generate a new password (shown once)",
)
def reset_password(
    username: UserPath, caller: Access, uows: Uows, body: PasswordReset | None = None
) -> PasswordRead:
    password = users.reset_password(username, uows(), body.password if body else None)
    record(uows, caller.username, "reset_password", "user", username)
    return PasswordRead(password=password)


@router.get("/users/{username}/tokens", name="list_tokens", summary="A user's API tokens")
def list_tokens(username: UserPath, caller: Access, uows: Uows) -> list[TokenRead]:
    return [TokenRead.of(t) for t in api_queries.user_tokens(uows, username)]


@router.post(
    "/users/{username}/tokens",
    name="issue_token",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Issue a personal API token (shown once)",
)
def issue_token(
    username: UserPath, caller: Access, uows: Uows, body: TokenCreate | None = None
) -> TokenIssued:
    name = body.name if body else "api"
    token = users.issue_token(username, name, uows())
    newest = max(api_queries.user_tokens(uows, username), key=lambda t: t.id)
    record(uows, caller.username, "issue_token", "user", username, None, {"token_id": newest.id})
    return TokenIssued(id=newest.id, name=newest.name, token=token)


@router.delete(
    "/tokens/{token_id}",
    name="revoke_token",
    status_code=204,
    response_class=Response,
    summary="Revoke an API token",
)
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], caller: Access, uows: Uows
) -> None:
    users.revoke_token(token_id, uows())
    record(uows, caller.username, "revoke_token", "token", str(token_id))
