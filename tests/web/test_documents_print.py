"""The purchase order and delivery note print pages, and the PDF downloads of every document:
the same content as the pages, the roles of the pages they belong to, names printed as text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.app import catalog, sales
from takt.domain.items import Item, ItemKind
from takt.web import pdf
from tests.web.conftest import Site

D = Decimal
NASTY = "<img src=x onerror=alert(1)>"


def test_the_purchase_order_prints_with_its_lines_and_prices_by_the_costs_rule(site: Site) -> None:
    po = site.orders["po"]
    page = site.browser("planner").get(f"/buy/{po}/print")
    assert page.status_code == 200
    assert f"<title>Purchase order {po} · Takt</title>" in page.text
    assert "Timber &amp; Co (TIMBER)" in page.text
    line = page.text.split('id="po-line-1"')[1].split("</tr>")[0]
    assert "OAK" in line
    assert "10 m" in line
    assert "85.00" in line
    assert f'href="/buy/{po}/print.pdf"' in page.text
    assert "85.00" not in site.browser("viewer").get(f"/buy/{po}/print").text
    assert site.browser("operator").get(f"/buy/{po}/print").status_code == 403
    assert site.browser("planner").get("/buy/PO-9999/print").status_code == 404


def test_the_delivery_note_lists_ordered_shipped_and_still_to_come(site: Site) -> None:
    so = site.orders["so"]
    page = site.browser("viewer").get(f"/sell/{so}/delivery-note")
    assert page.status_code == 200
    assert "Acme Dining (ACME)" in page.text
    line = page.text.split('id="note-line-1"')[1].split("</tr>")[0]
    assert "TABLE" in line
    assert "Received in good order by" in page.text
    assert site.browser("operator").get(f"/sell/{so}/delivery-note").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/make/{legs}/traveller.pdf",
        "/make/{legs}/pick-list.pdf",
        "/buy/{po}/print.pdf",
        "/sell/{so}/delivery-note.pdf",
    ],
)
def test_every_document_downloads_as_a_pdf(site: Site, path: str) -> None:
    url = path.format(**site.orders)
    response = site.browser("planner").get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")


def test_pdfs_follow_the_roles_of_their_pages(site: Site) -> None:
    operator = site.browser("operator")
    assert operator.get(f"/buy/{site.orders['po']}/print.pdf").status_code == 403
    assert operator.get(f"/sell/{site.orders['so']}/delivery-note.pdf").status_code == 403
    # OP1 runs the saw: the legs' traveller is theirs, the table's (assembly) is not
    assert operator.get(f"/make/{site.orders['legs']}/traveller.pdf").status_code == 200
    assert operator.get(f"/make/{site.orders['table']}/traveller.pdf").status_code == 403


def test_a_name_with_markup_prints_as_text_in_the_page_and_the_pdf(site: Site) -> None:
    uows = site.takt.uows
    catalog.add_item(Item("NASTY", NASTY, ItemKind.PRODUCT, sales_price=D(1)), uows())
    sales.add_sales_line(site.orders["so"], sales.SalesLineInput("NASTY", D(1)), uows())
    planner = site.browser("planner")
    page = planner.get(f"/sell/{site.orders['so']}/delivery-note")
    assert NASTY not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert planner.get(f"/sell/{site.orders['so']}/delivery-note.pdf").status_code == 200


def test_without_a_unicode_font_the_pdf_falls_back_to_latin_1(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    response = site.browser("planner").get(f"/sell/{site.orders['so']}/delivery-note.pdf")
    assert response.status_code == 200
    assert b"/Helvetica" in response.content
