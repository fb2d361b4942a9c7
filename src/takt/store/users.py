"""The user repository: users, their password hashes, and API tokens (hashed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, insert, select, update
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict, NotFound
from takt.domain.users import ApiToken, Role, User
from takt.store.lookups import Lookups
from takt.store.tables import api_tokens, operators, users


class SqlUserRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def _select(self) -> Select[Any]:
        return select(users, operators.c.code.label("operator_code")).outerjoin(
            operators, operators.c.id == users.c.operator_id
        )

    def _user(self, row: Row[Any]) -> User:
        return User(
            row.username, Role(row.role), row.operator_code, row.active, row.created_at, id=row.id
        )

    def find(self, username: str) -> User | None:
        row = self.session.execute(self._select().where(users.c.username == username)).first()
        return None if row is None else self._user(row)

    def get(self, username: str) -> User:
        user = self.find(username)
        if user is None:
            raise NotFound(f"unknown user {username!r}", field="username")
        return user

    def all_users(self) -> list[User]:
        return [
            self._user(r) for r in self.session.execute(self._select().order_by(users.c.username))
        ]

    def count(self) -> int:
        return len(self.session.execute(select(users.c.id)).all())

    def add(self, user: User, password_hash: str | None, at: datetime) -> User:
        if self.find(user.username) is not None:
            raise Conflict(f"user {user.username!r} already exists", field="username")
        operator_id = (
            self.lookups.id_of(operators, user.operator, "operator", "operator")
            if user.operator
            else None
        )
        user.id = self.session.execute(
            insert(users)
            .values(
                username=user.username,
                password_hash=password_hash,
                role=user.role.value,
                operator_id=operator_id,
                active=user.active,
                created_at=at,
            )
            .returning(users.c.id)
        ).scalar_one()
        user.created_at = at
        return user

    def password_hash(self, username: str) -> str | None:
        value = self.session.execute(
            select(users.c.password_hash).where(users.c.username == username, users.c.active)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self.get(username)
        self.session.execute(
            update(users).where(users.c.username == username).values(password_hash=password_hash)
        )

    def set_active(self, username: str, active: bool) -> None:
        self.get(username)
        self.session.execute(
            update(users).where(users.c.username == username).values(active=active)
        )

    def add_token(self, username: str, name: str, token_hash: str, at: datetime) -> int:
        user = self.get(username)
        return int(
            self.session.execute(
                insert(api_tokens)
                .values(user_id=user.id, name=name, token_hash=token_hash, created_at=at)
                .returning(api_tokens.c.id)
            ).scalar_one()
        )

    def user_for_token(self, token_hash: str, at: datetime) -> User | None:
        """The active user owning a live token with this hash; stamps its last use."""
        row = self.session.execute(
            self._select()
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .add_columns(api_tokens.c.id.label("token_id"))
            .where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.revoked_at.is_(None),
                users.c.active,
            )
        ).first()
        if row is None:
            return None
        self.session.execute(
            update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=at)
        )
        return self._user(row)

    def tokens(self, username: str) -> list[ApiToken]:
        user = self.get(username)
        return [
            ApiToken(r.id, username, r.name, r.created_at, r.revoked_at, r.last_used_at)
            for r in self.session.execute(
                select(api_tokens).where(api_tokens.c.user_id == user.id).order_by(api_tokens.c.id)
            )
        ]

    def revoke_token(self, token_id: int, at: datetime) -> None:
        found = self.session.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        if found.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(f"no live API token {token_id}", field="token")
