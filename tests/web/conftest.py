"""The pages on the ``takt`` fixture (SQLite and PostgreSQL): the small table maker with two MOs,
a user of each role (the operator user is OP1, who runs the saw), and a browser-like client."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from takt.app import catalog, users
from takt.config import Takt
from takt.domain.users import Role, User
from takt.domain.workstations import Operator
from tests.api.orders import some_orders
from tests.integration.conftest import small_plant

if importlib.util.find_spec("jinja2") is None:  # the pages need it: a dependency of takt
    collect_ignore_glob = ["test_*.py"]

    def pytest_report_header() -> str:
        return "tests/web: NOT RUN, jinja2 is not installed"


PASSWORD = "a long enough password"
SECRET = "a test secret that is long enough for the signer"
ROLES = ("admin", "planner", "operator", "viewer")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_users(takt: Takt) -> None:
    """A user of each role; the operator user is OP1 (Ana, the saw). OP2 (Ben) runs assembly."""
    catalog.add_operator(Operator("OP1", "Ana", frozenset({"SAW"})), takt.uows())
    catalog.add_operator(Operator("OP2", "Ben", frozenset({"ASSY"})), takt.uows())
    for role in ROLES:
        operator = "OP1" if role == "operator" else None
        users.add_user(User(role, Role(role), operator), takt.uows(), PASSWORD)


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: these tests are about the pages, not password strength."""
    monkeypatch.setattr(
        users, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@dataclass
class Browser:
    """A client with its own cookie jar, as one browser tab would be."""

    client: TestClient
    csrf: str = ""

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        page = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        if response.status_code == 303:
            self.csrf = csrf_of(self.client.get(response.headers["location"]).text)
        return response

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.client.get(path, **kwargs)  # type: ignore[arg-type]

    def post(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        htmx: bool = False,
        csrf: bool = True,
    ) -> httpx.Response:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(path, data=form, headers=headers, follow_redirects=False)


@dataclass
class Site:
    """The pages on the table maker: orders ``legs`` (MO, saw) and ``table`` (MO, assembly)."""

    takt: Takt
    app: FastAPI
    orders: dict[str, str]
    _clients: list[TestClient] = field(default_factory=list)

    def browser(self, as_: str | None = None) -> Browser:
        client = TestClient(self.app)
        client.__enter__()
        self._clients.append(client)
        browser = Browser(client)
        if as_ is not None:
            assert browser.login(as_).status_code == 303
        return browser

    def close(self) -> None:
        for client in self._clients:
            client.__exit__(None, None, None)


@pytest.fixture
def site(takt: Takt) -> Iterator[Site]:
    from takt.web import create_web

    small_plant(takt.uows)
    add_users(takt)
    orders = some_orders(takt)
    found = Site(takt, create_web(takt, secret=SECRET), orders)
    try:
        yield found
    finally:
        found.close()
