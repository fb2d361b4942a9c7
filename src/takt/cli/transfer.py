"""Import and export commands: ``takt import``, ``takt export``, ``takt template``.

``takt import KIND FILE`` checks every row and prints every error as a table row (row, column,
value, why), exiting with status 1 when there is any; nothing is written then. Otherwise the whole
file is imported in one transaction. ``--dry-run`` checks and reports without writing.
``takt export KIND`` writes a list as CSV (to standard output by default) or XLSX (``--output``).
KIND is items, boms, routings, stock, sales, purchases (importable), ledger, mos (export only) or
workbook (XLSX: items, boms and routings sheets together).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from takt.app.transfer import (
    Format,
    Kind,
    Report,
    export,
    guess_format,
    import_file,
    parse_format,
    parse_kind,
    template,
)
from takt.cli.output import (
    JsonOpt,
    UserOpt,
    current_user,
    err,
    handles_errors,
    open_takt,
    print_json,
    say,
    table,
)
from takt.domain.errors import DomainError

app = typer.Typer()
"""The import and export commands, merged into the top level of ``takt``."""

KindArg = Annotated[
    str,
    typer.Argument(
        help="items, boms, routings, stock, sales, purchases, ledger, mos or workbook.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="csv or xlsx (default: from the file name, else csv)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (CSV: default standard output)."),
]


def _format(raw: str | None, path: Path | None) -> Format:
    if raw is not None:
        return parse_format(raw)
    if path is not None and path.suffix.lower() in (".csv", ".xlsx"):
        return guess_format(path.name)
    return Format.CSV


def _deliver(data: bytes, fmt: Format, output: Path | None) -> None:
    if output is None:
        if fmt is Format.XLSX:
            raise DomainError("XLSX is binary: give --output FILE.xlsx", field="output")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise DomainError(f"cannot write {output}: {exc.strerror}", field="output") from None
    err.print(f"wrote {output}", highlight=False, markup=False)


@app.command("import")
@handles_errors
def import_cmd(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(help="The CSV or XLSX file.", show_default=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    fmt: FormatOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a file: every row is checked, and all of it is imported in one go, or nothing."""
    chosen = parse_kind(kind, importable=True)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DomainError(f"cannot read {file}: {exc.strerror}", field="file") from None
    file_format = parse_format(fmt) if fmt is not None else guess_format(file.name, data)
    takt = open_takt()
    try:
        report = import_file(
            chosen, data, file_format, takt.uows, dry_run=dry_run, user=current_user(user)
        )
    finally:
        takt.close()
    _show(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


def _show(report: Report, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "kind": report.kind,
                "dry_run": report.dry_run,
                "ok": report.ok,
                "rows": report.rows,
                "imported": report.imported,
                "summary": report.summary,
                "documents": report.documents,
                "errors": report.errors,
            }
        )
        return
    if report.errors:
        sheets = any(e.sheet for e in report.errors)
        columns = ["Sheet"] if sheets else []
        table(
            f"{len(report.errors)} error(s): nothing was imported",
            [*columns, "Row", "Column", "Value", "Why"],
            [
                (*((e.sheet,) if sheets else ()), e.row, e.column, e.value, e.why)
                for e in report.errors
            ],
        )
        return
    verb = "would import" if report.dry_run else "imported"
    done = ", ".join(f"{n} {what}" for what, n in report.summary.items()) or "nothing to change"
    say(f"{report.kind}: {verb} {report.imported} row(s): {done}.")
    for ref, number in report.documents.items():
        say(f"  {ref} -> {number}")
    if report.dry_run:
        say("Dry run: nothing was written.")


@app.command("export")
@handles_errors
def export_cmd(kind: KindArg, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """Export a list as CSV or XLSX; files of importable kinds import back as they are."""
    chosen = parse_kind(kind)
    file_format = _format(fmt, output)
    takt = open_takt()
    try:
        data = export(chosen, file_format, takt.uows)
    finally:
        takt.close()
    _deliver(data, file_format, output)


@app.command("template")
@handles_errors
def template_cmd(kind: KindArg, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """A blank file to fill in: the header row (XLSX: plus a "help" sheet with an example)."""
    chosen = parse_kind(kind, importable=True)
    file_format = _format(fmt, output)
    _deliver(template(chosen, file_format), file_format, output)


__all__ = ["Kind", "app"]
