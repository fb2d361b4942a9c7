"""``takt import``, ``takt export`` and ``takt template`` as a planner types them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from takt.cli import stock, transfer
from tests.cli.conftest import Takt

cli = typer.Typer(pretty_exceptions_enable=False)
cli.add_typer(stock.app)
cli.add_typer(transfer.app)


class TransferCli(Takt):
    """Runs the transfer commands (with the stock listings) against one database."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Any:
        return self.runner.invoke(
            cli,
            list(args),
            env={"TAKT_DATABASE_URL": self.url, "TAKT_USER": "ines", "COLUMNS": "200"},
        )


@pytest.fixture
def planner(plant_cli: Takt) -> TransferCli:
    return TransferCli(plant_cli.url)


def test_the_commands_are_wired_into_takt() -> None:
    from takt.cli import app

    names = {c.name for g in app.registered_groups for c in g.typer_instance.registered_commands}
    assert {"import", "export", "template"} <= names


def test_import_reports_every_bad_row_and_exits_1(planner: TransferCli, tmp_path: Path) -> None:
    path = tmp_path / "boms.csv"
    path.write_text(
        "parent_sku,component_sku,quantity,unit\nLEG,OAK,0.8,m\nLEG,NAIL,1,\nTOP,PLY,lots,m2\n"
    )

    result = planner("import", "boms", str(path))

    assert result.exit_code == 1
    assert "2 error(s): nothing was imported" in result.stdout
    assert "NAIL" in result.stdout
    assert "quantity is not a number: 'lots'" in result.stdout
    as_json = planner("import", "boms", str(path), "--json")
    assert as_json.exit_code == 1
    errors = json.loads(as_json.stdout)["errors"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "component_sku", "NAIL"),
        (4, "quantity", "lots"),
    ]


def test_dry_run_then_import(planner: TransferCli, tmp_path: Path) -> None:
    path = tmp_path / "count.csv"
    path.write_text("sku,location,batch,counted,unit_cost\nOAK,MAIN,,12,4.5\n")

    dry = planner("import", "stock", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "stock: would import 1 row(s)" in dry.stdout
    assert planner.json("stock") == []

    done = planner("import", "stock", str(path))
    assert done.exit_code == 0, done.output
    assert "stocktake -> CNT-0001" in done.stdout
    assert [(r["sku"], r["quantity"]) for r in planner.json("stock")] == [("OAK", "12")]


def test_export_to_stdout_and_to_an_xlsx_file_then_import_it(
    planner: TransferCli, tmp_path: Path
) -> None:
    csv_out = planner("export", "routings")
    assert csv_out.exit_code == 0, csv_out.output
    assert csv_out.stdout.splitlines()[:2] == [
        "\ufeffitem_sku,sequence,name,workstation,setup_minutes,run_minutes,cost_per_hour",
        "LEG,10,Cut legs,SAW,15,3,",
    ]
    target = tmp_path / "items.xlsx"
    assert planner("export", "items", "--output", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).worksheets[0]
    assert sheet["A1"].value == "sku"
    again = planner("import", "items", str(target), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"] == {"items updated": 7}


def test_template_and_refusals(planner: TransferCli, tmp_path: Path) -> None:
    header = planner("template", "sales")
    assert header.stdout.strip("\ufeff\r\n") == (
        "order_ref,customer,delivery_date,sku,quantity,unit_price,status,shipped"
    )
    book = tmp_path / "master.xlsx"
    assert planner("template", "workbook", "-o", str(book)).exit_code == 0
    assert openpyxl.load_workbook(book).sheetnames == ["items", "boms", "routings", "help"]

    binary = planner("export", "items", "--format", "xlsx")
    assert binary.exit_code == 1
    assert "give --output FILE.xlsx" in binary.output
    unknown = planner("export", "widgets")
    assert unknown.exit_code == 1
    assert "unknown kind 'widgets'" in unknown.output
    ledger = planner("import", "ledger", str(book))
    assert ledger.exit_code == 1
    assert "ledger cannot be imported" in ledger.output
