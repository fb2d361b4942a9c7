"""CLI tests run the ``takt`` command through Typer's runner on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from takt.cli import app
from takt.config import Settings, bootstrap


class Takt:
    """Runs ``takt ARGS`` against one database and returns the result."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Any:
        return self.runner.invoke(
            app,
            list(args),
            env={"TAKT_DATABASE_URL": self.url, "TAKT_USER": "ines", "COLUMNS": "200"},
        )

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def takt_cli(tmp_path: Path) -> Takt:
    url = f"sqlite:///{tmp_path / 'takt.db'}"
    return Takt(url)


@pytest.fixture
def plant_cli(takt_cli: Takt) -> Takt:
    from tests.integration.conftest import small_plant

    app_ = bootstrap(Settings(database_url=takt_cli.url))
    try:
        small_plant(app_.uows)
    finally:
        app_.close()
    return takt_cli
