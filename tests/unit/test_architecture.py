"""The layers of Takt import only downwards (see ARCHITECTURE.md).

domain: standard library only. planning: standard library and domain; OR-Tools only inside the
CP-SAT package. store: domain (and app's port types). app: domain and planning, never store or a
framework. api/web: never store directly. A new module that breaks the rule fails this test.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "takt"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# Which top-level modules each layer may import (besides the standard library and itself).
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "planning": {"takt.domain"},
    "store": {"takt.domain", "takt.app.ports", "sqlalchemy", "alembic", "psycopg"},
    # Libraries for one job each, no framework: argon2 hashes passwords, openpyxl reads and
    # writes the XLSX files of import and export.
    "app": {"takt.domain", "takt.planning", "argon2", "openpyxl"},
    "api": {"takt.app", "takt.domain", "takt.config", "fastapi", "pydantic", "starlette"},
    # markupsafe is Jinja2's own escaping (marks SVG built by the page code as safe).
    "web": {
        "takt.app",
        "takt.domain",
        "takt.config",
        "fastapi",
        "jinja2",
        "markupsafe",
        "starlette",
    },
}
# OR-Tools is confined to the CP-SAT optimiser.
EXTRA = {("planning", "cpsat"): {"ortools"}, ("web", "pdf.py"): {"fpdf"}}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _layer_files() -> list[tuple[str, Path]]:
    return [
        (layer, path)
        for layer in ALLOWED
        for path in sorted((SRC / layer).rglob("*.py"))
        if "migrations" not in path.parts or layer == "store"
    ]


def _allowed(layer: str, path: Path, module: str) -> bool:
    root = module.split(".")[0]
    if root in STDLIB and root != "takt":
        return True
    if module == f"takt.{layer}" or module.startswith(f"takt.{layer}."):
        return True
    allowed = set(ALLOWED[layer])
    for (extra_layer, folder), mods in EXTRA.items():
        if extra_layer == layer and folder in path.relative_to(SRC).parts:
            allowed |= mods
    return any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize(("layer", "path"), _layer_files(), ids=lambda v: str(v))
def test_layer_imports_only_downwards(layer: str, path: Path) -> None:
    bad = [m for m in _imports(path) if not _allowed(layer, path, m)]
    assert not bad, f"{path.relative_to(SRC)} ({layer}) imports {bad}"


def test_the_rule_catches_a_framework_in_the_domain(tmp_path: Path) -> None:
    """The check itself works: a domain module importing SQLAlchemy is flagged."""
    fake = SRC / "domain" / "x.py"
    assert not _allowed("domain", fake, "sqlalchemy.orm")
    assert not _allowed("domain", fake, "takt.store.tables")
    assert not _allowed("app", SRC / "app" / "x.py", "takt.store.uow")
    assert not _allowed("planning", SRC / "planning" / "dispatch.py", "ortools.sat.python")
    assert _allowed("planning", SRC / "planning" / "scheduling" / "cpsat" / "model.py", "ortools")
    assert _allowed("domain", fake, "decimal")
