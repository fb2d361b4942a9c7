"""Users, API tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from takt.api.schemas.common import USERNAME_PATTERN, Code, Input, Label, Output
from takt.app.ports import AuditEntry
from takt.domain.users import ApiToken, Role, User

Username = Annotated[str, Field(pattern=USERNAME_PATTERN, max_length=32)]
Password = Annotated[str, Field(min_length=10, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


class UserCreate(Input):
    """A new user; without ``password`` one is generated and returned once."""

    username: Username
    role: Role
    operator: Code | None = Field(default=None, description="Required for role operator.")
    password: Password | None = None

    def to_domain(self) -> User:
        return User(self.username, self.role, self.operator)


class UserRead(Output):
    username: str
    role: Role
    operator: str | None
    active: bool
    created_at: datetime | None

    @classmethod
    def of(cls, u: User) -> UserRead:
        return cls(
            username=u.username,
            role=u.role,
            operator=u.operator,
            active=u.active,
            created_at=u.created_at,
        )


class UserCreated(Output):
    user: UserRead
    password: str = Field(description="Shown once; only its hash is stored.")


class PasswordReset(Input):
    password: Password | None = None


class PasswordRead(Output):
    password: str = Field(description="Shown once.")


class TokenCreate(Input):
    name: Label = "api"


class TokenRead(Output):
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, t: ApiToken) -> TokenRead:
        return cls(
            id=t.id,
            name=t.name,
            created_at=t.created_at,
            revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )


class TokenIssued(Output):
    id: int
    name: str
    token: str = Field(description="Shown once; send it as 'Authorization: Bearer <token>'.")


class AuditRead(Output):
    id: int
    at: datetime
    user: str
    action: str
    entity: str
    key: str
    before: Any
    after: Any

    @classmethod
    def of(cls, e: AuditEntry) -> AuditRead:
        return cls(
            id=e.id,
            at=e.at,
            user=e.user,
            action=e.action,
            entity=e.entity,
            key=e.key,
            before=e.before,
            after=e.after,
        )
