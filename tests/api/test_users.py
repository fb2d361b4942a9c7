"""Users and tokens over the API, and the ``takt user`` / ``takt serve`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from takt.app import users
from takt.cli import server
from takt.cli import users as user_cli
from tests.api.conftest import Api


def test_an_admin_adds_a_user_who_then_works_with_a_token(api: Api) -> None:
    created = api.ok("POST", "/users", json={"username": "ines", "role": "planner"})
    assert created["user"]["role"] == "planner"
    assert len(created["password"]) >= 20
    assert users.authenticate_password("ines", created["password"], api.takt.uows())
    issued = api.ok("POST", "/users/ines/tokens", json={"name": "laptop"})
    headers = {"Authorization": f"Bearer {issued['token']}"}
    me = api.client.get("/api/v1/users/me", headers=headers).json()
    assert me["username"] == "ines"
    [token] = api.get("/users/ines/tokens").json()
    assert token["id"] == issued["id"]
    assert token["last_used_at"] is not None
    assert "token" not in token
    reset = api.ok("POST", "/users/ines/password", json={"password": "another long password"})
    assert reset["password"] == "another long password"
    assert api.post("/users", json={"username": "ines", "role": "viewer"}).status_code == 409
    operator = api.post("/users", json={"username": "cleo", "role": "operator"})
    assert operator.status_code == 422
    assert operator.json()["field"] == "operator"
    assert (
        api.post("/users", "planner", json={"username": "x1", "role": "admin"}).status_code == 403
    )
    trail = api.get("/audit", params={"user": "admin", "entity": "user"}).json()["items"]
    assert [e["action"] for e in trail] == ["reset_password", "issue_token", "create"]
    assert all("password" not in json.dumps(e["after"]) for e in trail)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    root = typer.Typer()
    root.add_typer(user_cli.app, name="user")
    root.add_typer(server.app)
    root.command("noop", hidden=True)(lambda: None)  # a group, so "serve" is a sub-command
    monkeypatch.setenv("TAKT_DATABASE_URL", f"sqlite:///{tmp_path / 'takt.db'}")
    runner = CliRunner()
    return lambda *args: runner.invoke(root, list(args))


def test_serve_refuses_without_an_admin_then_starts(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = cli("serve")
    assert refused.exit_code == 1
    assert "takt user add admin --role admin" in refused.output
    added = cli("user", "add", "admin", "--role", "admin")
    assert added.exit_code == 0, added.output
    assert "Password (shown once):" in added.output
    started: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.update(app=app, **kw))
    result = cli("serve", "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("0.0.0.0", 8123)
    # One server: the API under /api/v1, the pages everywhere else.
    from starlette.testclient import TestClient

    with TestClient(started["app"]) as client:
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/", follow_redirects=False).headers["location"].endswith("/login")


def test_user_commands(cli: Any) -> None:
    assert cli("user", "add", "ana", "--role", "operator", "--operator", "GHOST").exit_code == 1
    assert cli("user", "add", "ines", "--role", "planner").exit_code == 0
    listed = cli("user", "list", "--json")
    assert json.loads(listed.stdout)[0]["role"] == "planner"
    token = cli("user", "token", "ines", "--name", "laptop")
    assert token.exit_code == 0
    assert "takt_" in token.output
    assert "shown once" in cli("user", "reset-password", "ines").output
    assert cli("user", "revoke", "1").exit_code == 0
    assert cli("user", "revoke", "1").exit_code == 1
    assert cli("user", "add", "x", "--role", "boss").exit_code == 2
