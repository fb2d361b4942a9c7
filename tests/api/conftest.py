"""The API on the ``takt`` fixture (SQLite and PostgreSQL): the small table maker, a user of each
role with a token, and a client that calls as one of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from takt.api import create_app
from takt.app import catalog, users
from takt.config import Takt
from takt.domain.users import Role, User
from takt.domain.workstations import Operator
from tests.integration.conftest import small_plant

V1 = "/api/v1"
ROLES = ("admin", "planner", "operator", "viewer")


@dataclass
class Api:
    """Calls the API as ``as_`` (a role name: each role has a user and a token)."""

    client: TestClient
    takt: Takt
    app: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, as_: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}
        return headers | (extra or {})

    def call(
        self,
        method: str,
        path: str,
        as_: str | None = "admin",
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        url = path if path.startswith("/api") else V1 + path
        return self.client.request(
            method, url, json=json, headers=self.headers(as_, headers), **kwargs
        )

    def get(self, path: str, as_: str | None = "admin", **kwargs: Any) -> httpx.Response:
        return self.call("GET", path, as_, **kwargs)

    def post(self, path: str, as_: str | None = "admin", **kwargs: Any) -> httpx.Response:
        return self.call("POST", path, as_, **kwargs)

    def put(self, path: str, as_: str | None = "admin", **kwargs: Any) -> httpx.Response:
        return self.call("PUT", path, as_, **kwargs)

    def ok(self, method: str, path: str, as_: str = "admin", **kwargs: Any) -> Any:
        """The JSON of a call that must succeed."""
        response = self.call(method, path, as_, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None


def add_users(takt: Takt) -> dict[str, str]:
    """A user of each role (the operator user is operator OP1, who runs the saw) and tokens."""
    catalog.add_operator(Operator("OP1", "Ana", frozenset({"SAW"})), takt.uows())
    catalog.add_operator(Operator("OP2", "Ben", frozenset({"ASSY"})), takt.uows())
    tokens: dict[str, str] = {}
    for role in ROLES:
        operator = "OP1" if role == "operator" else None
        users.add_user(User(role, Role(role), operator), takt.uows(), "a long enough password")
        tokens[role] = users.issue_token(role, "tests", takt.uows())
    return tokens


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: these tests are about the API, not password strength."""
    monkeypatch.setattr(
        users, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


@pytest.fixture
def api(takt: Takt) -> Iterator[Api]:
    """The API on the small table maker, with a user and token per role."""
    small_plant(takt.uows)
    tokens = add_users(takt)
    app = create_app(takt)
    with TestClient(app) as client:
        yield Api(client, takt, app, tokens)


@pytest.fixture
def bare_api(takt: Takt) -> Iterator[Api]:
    """The API on an empty database with only an admin."""
    users.add_user(User("admin", Role.ADMIN), takt.uows(), "a long enough password")
    token = users.issue_token("admin", "tests", takt.uows())
    app = create_app(takt)
    with TestClient(app) as client:
        yield Api(client, takt, app, {"admin": token})
