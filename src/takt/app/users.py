"""User use cases: add users, passwords, personal API tokens, and authentication.

Passwords are hashed with argon2; API tokens are random (256 bits), shown once, and stored as
their SHA-256 (a token is as strong as a key, so a slow hash would only slow every request).
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, utc_now
from takt.domain.errors import NotFound
from takt.domain.users import ApiToken, Role, User, check_password

TOKEN_PREFIX = "takt_"
_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so both cases take as long.
_DUMMY = _hasher.hash("not a real password, never matches")


def random_password() -> str:
    """A password to hand over once (20 URL-safe characters)."""
    return secrets.token_urlsafe(15)


def add_user(
    user: User, uow: UnitOfWork, password: str | None = None, clock: Clock = utc_now
) -> tuple[User, str]:
    """Creates ``user``; returns it with its password (a generated one when none is given)."""
    chosen = check_password(password) if password is not None else random_password()
    with uow:
        if user.operator is not None:
            known = uow.resources.operators()
            if user.operator not in known:
                raise NotFound(f"unknown operator {user.operator!r}", field="operator")
        uow.users.add(user, _hasher.hash(chosen), clock())
        uow.audit.record(
            clock(),
            "system",
            "create",
            "user",
            user.username,
            None,
            {"role": user.role.value, "operator": user.operator},
        )
        uow.commit()
    return user, chosen


def reset_password(username: str, uow: UnitOfWork, password: str | None = None) -> str:
    chosen = check_password(password) if password is not None else random_password()
    with uow:
        uow.users.set_password_hash(username, _hasher.hash(chosen))
        uow.commit()
    return chosen


def authenticate_password(username: str, password: str, uow: UnitOfWork) -> User | None:
    """The user when ``password`` is right and the user active; None otherwise (same timing)."""
    with uow:
        stored = uow.users.password_hash(username)
        user = uow.users.find(username) if stored is not None else None
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if stored is not None else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(username: str, name: str, uow: UnitOfWork, clock: Clock = utc_now) -> str:
    """A new personal API token for ``username``; the only time it is ever shown."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        uow.users.add_token(username, name or "api", _token_hash(token), clock())
        uow.commit()
    return token


def authenticate_token(token: str, uow: UnitOfWork, clock: Clock = utc_now) -> User | None:
    """The user of a live token (and stamps its last use), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with uow:
        user = uow.users.user_for_token(_token_hash(token), clock())
        uow.commit()
    return user


def revoke_token(token_id: int, uow: UnitOfWork, clock: Clock = utc_now) -> None:
    with uow:
        uow.users.revoke_token(token_id, clock())
        uow.commit()


def tokens(username: str, uow: UnitOfWork) -> list[ApiToken]:
    with uow:
        return uow.users.tokens(username)


def users(uow: UnitOfWork) -> list[User]:
    with uow:
        return uow.users.all_users()


__all__ = ["Role", "add_user", "authenticate_password", "authenticate_token", "issue_token"]
