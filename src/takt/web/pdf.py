"""PDF downloads of the printed documents (fpdf2), drawn from the same read models as their
HTML pages (``takt.app.documents``): the MO traveller (with its QR code) and pick list, the
purchase order and the delivery note.

Text goes in as text, never as markup, so a name such as ``<img src=x>`` prints as itself. A
Unicode TrueType font (DejaVu Sans, Debian's fonts-dejavu) is used when the system has it; else
the PDF core font, with what Latin-1 cannot hold replaced by "?".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from takt.app.documents import DeliveryNote, MoDocument, PurchaseDocument
from takt.web import qr
from takt.web.render import minutes, quantity

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
LINE = 6.0  # mm per table row
GREY = (235, 235, 235)


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class Sheet(FPDF):
    """An A4 page with Takt's document header and footer, and a simple table writer."""

    def __init__(self, title: str, number: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title, self.doc_number = title, number
        self.next_number = ""
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(f"{title} {number}")
        self.set_creator("Takt")
        files = _font_files()
        self.unicode = files is not None
        if files is not None:
            self.add_font("Body", "", str(files[0]))
            self.add_font("Body", "B", str(files[1]))
            self.face = "Body"
        else:
            self.face = "Helvetica"
        self.add_page()

    def text_of(self, value: object) -> str:
        text = "" if value is None else str(value)
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def start(self, number: str) -> None:
        """A new page for document ``number`` (several documents in one file): the footer of
        the page before still names its own document."""
        self.next_number = number
        self.add_page()

    def header(self) -> None:
        if self.next_number:
            self.doc_number, self.next_number = self.next_number, ""
        self.set_font(self.face, "B", 16)
        self.cell(
            0,
            9,
            self.text_of(f"{self.doc_title} {self.doc_number}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.face, "", 8)
        self.cell(
            0,
            5,
            self.text_of(f"{self.doc_title} {self.doc_number} · page {self.page_no()}"),
            align="R",
        )

    def facts(self, pairs: Sequence[tuple[str, str]], width: float = 0) -> None:
        """Label: value pairs, two columns."""
        usable = (width or self.epw) / 2
        for i, (label, value) in enumerate(pairs):
            x = self.l_margin + (usable if i % 2 else 0)
            if i % 2 == 0 and i:
                self.ln(LINE)
            self.set_x(x)
            self.set_font(self.face, "B", 9.5)
            self.cell(30, LINE, self.text_of(label))
            self.set_font(self.face, "", 9.5)
            self.cell(usable - 30, LINE, self.text_of(value)[:60])
        self.ln(LINE + 3)

    def grid(
        self,
        caption: str,
        heads: Sequence[str],
        widths: Sequence[float],
        rows: Sequence[Sequence[str]],
        right: Sequence[int] = (),
    ) -> None:
        self.set_font(self.face, "B", 11)
        self.cell(0, 7, self.text_of(caption), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        scale = self.epw / sum(widths)
        cols = [w * scale for w in widths]

        def head() -> None:
            self.set_font(self.face, "B", 9)
            self.set_fill_color(*GREY)
            for text, w, i in zip(heads, cols, range(len(cols)), strict=True):
                self.cell(
                    w,
                    LINE,
                    self.text_of(text),
                    border=1,
                    fill=True,
                    align="R" if i in right else "L",
                )
            self.ln(LINE)

        head()
        self.set_font(self.face, "", 9)
        if not rows:
            self.cell(sum(cols), LINE, "None.", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for row in rows:
            texts = [self.text_of(t) for t in row]
            lines = max(len(self._lines(t, w)) for t, w in zip(texts, cols, strict=True))
            height = lines * (LINE - 1) + 1
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                head()
                self.set_font(self.face, "", 9)
            top, left = self.get_y(), self.l_margin
            for i, (text, w) in enumerate(zip(texts, cols, strict=True)):
                self.set_xy(left, top)
                self.rect(left, top, w, height)
                self.multi_cell(w, LINE - 1, text, align="R" if i in right else "L")
                left += w
            self.set_xy(self.l_margin, top + height)
        self.ln(3)

    def _lines(self, text: str, width: float) -> list[str]:
        found = self.multi_cell(width, LINE - 1, text, dry_run=True, output="LINES")
        return found if isinstance(found, list) and found else [""]


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "not planned"
    return value.astimezone(zone).strftime("%a %d %b %Y %H:%M")


def _day(value: date | None) -> str:
    return value.strftime("%a %d %b %Y") if value else ""


def _qty(value: Decimal, unit: str = "") -> str:
    return f"{quantity(value)} {unit}".strip()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _mo_head(sheet: Sheet, doc: MoDocument, width: float = 0) -> None:
    mo, zone = doc.mo, ZoneInfo(doc.zone or "UTC")
    made_for = (
        f"{doc.customer or ''} · {mo.sales_order} line {mo.sales_line}"
        if mo.sales_order
        else "stock"
    )
    sheet.facts(
        [
            ("Item", f"{mo.sku} · {doc.item.name}"),
            (
                "Quantity",
                _qty(mo.quantity, doc.item.unit)
                + (f" ({quantity(mo.completed)} done)" if mo.completed else ""),
            ),
            ("Due", _day(mo.due_date)),
            ("Planned start", _when(mo.planned_start, zone)),
            ("Planned finish", _when(mo.planned_finish, zone)),
            ("Location", mo.location),
            ("For", made_for),
            ("Status", mo.status.value.capitalize()),
        ],
        width,
    )


def _picks(sheet: Sheet, doc: MoDocument) -> None:
    rows = []
    for ln in doc.lines:
        if ln.batch_tracked:
            where = "; ".join(f"{b.batch}: {_qty(b.quantity, ln.unit)}" for b in ln.batches) or (
                f"No batch in stock at {doc.mo.location}"
            )
        else:
            where = doc.mo.location
        rows.append(
            [
                f"{ln.sku}\n{ln.name}",
                _qty(ln.planned, ln.unit),
                _qty(ln.remaining, ln.unit),
                where,
                "",
            ]
        )
    sheet.grid(
        "Ingredients",
        [
            "Item",
            "Planned",
            "To pick",
            f"Pick from (batch: on hand at {doc.mo.location})",
            "Picked",
        ],
        [40, 20, 20, 55, 25],
        rows,
        right=(1, 2),
    )


def _qr(sheet: Sheet, text: str, x: float, y: float, size: float) -> None:
    try:
        mods = qr.matrix(text, "M")
    except qr.QRError:
        return
    n = len(mods) + 2 * qr.QUIET
    cell = size / n
    sheet.set_fill_color(0, 0, 0)
    for r, row in enumerate(mods):
        for c, dark in enumerate(row):
            if dark:
                sheet.rect(
                    x + (c + qr.QUIET) * cell, y + (r + qr.QUIET) * cell, cell, cell, style="F"
                )


def traveller(doc: MoDocument, tasks_url: str) -> bytes:
    return travellers([(doc, tasks_url)])


def travellers(pages: Sequence[tuple[MoDocument, str]]) -> bytes:
    """Travellers of several MOs in one PDF, each starting on a page of its own."""
    sheet = Sheet("Traveller", pages[0][0].mo.number)
    for i, (doc, tasks_url) in enumerate(pages):
        if i:
            sheet.start(doc.mo.number)
        _traveller_page(sheet, doc, tasks_url)
    return bytes(sheet.output())


def _traveller_page(sheet: Sheet, doc: MoDocument, tasks_url: str) -> None:
    top = sheet.get_y()
    size = 38.0
    _mo_head(sheet, doc, sheet.epw - size - 4)
    _qr(sheet, tasks_url, sheet.w - sheet.r_margin - size, top - 2, size)
    sheet.set_font(sheet.face, "", 7)
    sheet.set_xy(sheet.w - sheet.r_margin - size, top + size - 2)
    sheet.multi_cell(size, 3, sheet.text_of(tasks_url), align="C")
    sheet.set_y(max(sheet.get_y(), top + size + 6))
    _picks(sheet, doc)
    sheet.grid(
        "Operations",
        ["Op", "Operation", "Workstation", "Planned", "Done by / date"],
        [10, 50, 45, 25, 40],
        [
            [
                str(t.sequence),
                t.name,
                f"{t.workstation}\n{doc.stations.get(t.workstation, '')}",
                minutes(t.planned_minutes),
                "",
            ]
            for t in doc.mo.tasks
        ],
        right=(0, 3),
    )


def pick_list(doc: MoDocument) -> bytes:
    sheet = Sheet("Pick list", doc.mo.number)
    _mo_head(sheet, doc)
    _picks(sheet, doc)
    sheet.ln(8)
    sheet.set_font(sheet.face, "", 10)
    sheet.cell(0, LINE, "Picked by ____________________   Date ____________")
    return bytes(sheet.output())


def purchase_order(doc: PurchaseDocument, costs: bool) -> bytes:
    sheet = Sheet("Purchase order", doc.number)
    sheet.facts(
        [
            ("Supplier", f"{doc.supplier_name} ({doc.supplier})"),
            ("Ordered", _day(doc.ordered_on)),
            ("Expected", _day(doc.expected_date)),
            ("Deliver to", f"{doc.location_name} ({doc.location})"),
            ("Status", doc.status.capitalize()),
        ]
    )
    heads = ["Line", "Item", "Quantity", "Received"]
    widths: list[float] = [12, 70, 28, 28]
    if costs:
        heads += ["Unit price", "Value"]
        widths += [25, 25]
    rows = []
    for ln in doc.lines:
        row = [
            str(ln.line_no),
            f"{ln.sku}\n{ln.name}",
            _qty(ln.quantity, ln.unit),
            _qty(ln.received, ln.unit),
        ]
        if costs:
            row += [_money(ln.unit_price), _money(ln.value)]
        rows.append(row)
    sheet.grid("Lines", heads, widths, rows, right=(0, 2, 3, 4, 5))
    if costs:
        sheet.set_font(sheet.face, "B", 10)
        sheet.cell(0, LINE, sheet.text_of(f"Total {_money(doc.total)}"), align="R")
    return bytes(sheet.output())


def delivery(doc: DeliveryNote) -> bytes:
    sheet = Sheet("Delivery note", doc.number)
    sheet.facts(
        [
            ("Customer", f"{doc.customer_name} ({doc.customer})"),
            ("Ordered", _day(doc.ordered_on)),
            ("Delivery date", _day(doc.delivery_date)),
            ("Status", doc.status.capitalize()),
        ]
    )
    sheet.grid(
        "Goods",
        ["Line", "Item", "Ordered", "Shipped", "Still to come", "Received (sign)"],
        [12, 64, 24, 24, 26, 30],
        [
            [
                str(ln.line_no),
                f"{ln.sku}\n{ln.name}",
                _qty(ln.ordered, ln.unit),
                _qty(ln.shipped, ln.unit),
                _qty(ln.remaining, ln.unit),
                "",
            ]
            for ln in doc.lines
        ],
        right=(0, 2, 3, 4),
    )
    sheet.ln(8)
    sheet.set_font(sheet.face, "", 10)
    sheet.cell(0, LINE, "Received in good order by ____________________   Date ____________")
    return bytes(sheet.output())
