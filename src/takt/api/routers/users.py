"""Users and personal API tokens (admins), and who am I (everyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from takt.api.auditing import audited
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
from takt.app.ports import UnitOfWork

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
    new = body.to_domain()
    trail = audited(
        uows,
        caller.username,
        "create",
        "user",
        new.username,
        after=lambda uow: UserRead.of(uow.users.get(new.username)),
    )
    user, password = users.add_user(new, trail(), body.password)
    return UserCreated(user=UserRead.of(user), password=password)


@router.post(
    "/users/{username}/password",
    name="reset_password",
    responses=BODY_PROBLEMS,
    summary="Set or generate a new password (shown once)",
)
def reset_password(
    username: UserPath, caller: Access, uows: Uows, body: PasswordReset | None = None
) -> PasswordRead:
    trail = audited(uows, caller.username, "reset_password", "user", username)
    return PasswordRead(
        password=users.reset_password(username, trail(), body.password if body else None)
    )


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

    def issued(uow: UnitOfWork) -> dict[str, int]:
        return {"token_id": max(t.id for t in uow.users.tokens(username))}

    trail = audited(uows, caller.username, "issue_token", "user", username, after=issued)
    token = users.issue_token(username, name, trail())
    newest = max(api_queries.user_tokens(uows, username), key=lambda t: t.id)
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
    users.revoke_token(
        token_id, audited(uows, caller.username, "revoke_token", "token", str(token_id))()
    )
