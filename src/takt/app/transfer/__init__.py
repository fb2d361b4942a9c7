"""Import and export: CSV and XLSX files of items, BOMs, routings, stock counts and open orders.

- ``validate`` / ``import_file`` (``importing``): every row checked, every error reported by row,
  column, value and why; a file imports in one transaction only when all of it is valid.
- ``template`` (``templates``): the blank file to fill in for a kind.
- ``export`` (``exporting``): every list as CSV or XLSX; importable kinds re-import as they are.
- ``formats``: reading cells as text, writing with CSV-injection escaping.
"""

from __future__ import annotations

from takt.app.transfer.exporting import export
from takt.app.transfer.formats import Format, guess_format, parse_format
from takt.app.transfer.importing import Report, import_file, validate
from takt.app.transfer.rows import RowError
from takt.app.transfer.templates import IMPORTABLE, Kind, parse_kind, template

__all__ = [
    "IMPORTABLE",
    "Format",
    "Kind",
    "Report",
    "RowError",
    "export",
    "guess_format",
    "import_file",
    "parse_format",
    "parse_kind",
    "template",
    "validate",
]
