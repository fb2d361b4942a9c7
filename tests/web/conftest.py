"""The pages on the ``takt`` fixture (SQLite and PostgreSQL): the small table maker with two MOs,
a user of each role (the operator user is OP1, who runs the saw), and a browser-like client."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
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
from takt.web.site import Site as WholeSite
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
# Debian's Chromium for the browser tests (test_browser*.py); never a downloaded browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


# ---------------------------------------------------------------- a real browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(takt: Takt) -> Iterator[tuple[str, dict[str, str]]]:
    """The whole site (API and pages) on a free port of 127.0.0.1, with the table maker."""
    import uvicorn

    small_plant(takt.uows)
    add_users(takt)
    orders = some_orders(takt)
    from takt.web import create_web

    site = WholeSite(create_app(takt), create_web(takt, secret=SECRET))
    port = _free_port()
    config = uvicorn.Config(
        site, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}", orders
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def contexts(chromium: Any, served: tuple[str, dict[str, str]]) -> Iterator[list[Any]]:
    """Browser contexts of one test, closed before the server stops (their streams end)."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()
