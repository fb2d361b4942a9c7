"""Users and their roles: who may do what in Takt.

- admin: everything, including users;
- planner: master data, orders, stock, the schedule;
- operator: only their own shop-floor tasks and the postings tied to them; never costs;
- viewer: reads only; cost figures hidden unless the company allows viewers to see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from takt.domain.errors import DomainError

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    OPERATOR = "operator"
    VIEWER = "viewer"

    def sees_costs(self, viewers_see_costs: bool = False) -> bool:
        """Whether this role may read cost and margin figures."""
        if self in (Role.ADMIN, Role.PLANNER):
            return True
        return self is Role.VIEWER and viewers_see_costs

    @property
    def writes(self) -> bool:
        """Whether the role may change anything at all (operators only their tasks)."""
        return self is not Role.VIEWER


class UserError(DomainError):
    """A user that breaks a rule."""


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise UserError(
            f"username {username!r} is not valid: 2-32 lower-case letters, digits and . _ -",
            field="username",
        )
    return username


def check_password(password: str) -> str:
    """Refuses passwords a shop-floor tablet guesser would find: shorter than 10 characters."""
    if len(password) < 10:
        raise UserError("a password needs at least 10 characters", field="password")
    if len(password) > 200:
        raise UserError("a password may have at most 200 characters", field="password")
    return password


@dataclass(slots=True)
class User:
    """A person who logs in. An operator user is linked to the shop-floor operator they are."""

    username: str
    role: Role
    operator: str | None = None
    active: bool = True
    created_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        check_username(self.username)
        try:
            self.role = Role(self.role)
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise UserError(f"unknown role {self.role!r} (one of {roles})", field="role") from None
        if self.role is Role.OPERATOR and not self.operator:
            raise UserError(
                f"user {self.username}: an operator user needs the operator code they are",
                field="operator",
            )


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A personal API token; only its hash is stored. ``revoked_at`` set means it no longer works."""

    id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
