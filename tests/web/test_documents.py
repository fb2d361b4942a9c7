"""The printed documents: the MO traveller and pick list (roles, batches, QR code) and the QR
encoder against reference matrices (derived with an independent encoder, segno 1.6.6, whose
pad-bit quirk was set to ISO 18004 7.4.10: no extra zero byte when the data ends on a codeword)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import manufacturing, stock
from takt.web import documents, qr
from tests.web.conftest import Site

# "MO-00001", byte mode, level M: version 1, mask 7
MO_V1_M = [
    "#######..##...#######",
    "#.....#...###.#.....#",
    "#.###.#...##..#.###.#",
    "#.###.#..#.#..#.###.#",
    "#.###.#...###.#.###.#",
    "#.....#.#.#...#.....#",
    "#######.#.#.#.#######",
    ".........#...........",
    "#..#.##.#..###.#.....",
    "####.....###.#..#.##.",
    ".#.#..#.##.#..#..#..#",
    "...###..##..####....#",
    "#.###.#.#..#..#.#..#.",
    "........#.#..##...#..",
    "#######..#.##.#.#.##.",
    "#.....#.##....##.#.#.",
    "#.###.#..#..###..#.#.",
    "#.###.#.###..##.#..##",
    "#.###.#....#.##.#.#.#",
    "#.....#..####..###...",
    "#######.##...#..#..#.",
]
# a 60-byte address, level M: version 4 (two interleaved blocks), mask 4
URL_V4_M = [
    "#######.###.#.####..##.#..#######",
    "#.....#....#....#..##.#.#.#.....#",
    "#.###.#..#.#.#...#...#.##.#.###.#",
    "#.###.#.##.#..#.#.#...#...#.###.#",
    "#.###.#.##.#..#...#..###..#.###.#",
    "#.....#.####.#..#.#####...#.....#",
    "#######.#.#.#.#.#.#.#.#.#.#######",
    "........#.#...##.#..##..#........",
    "#...#.######....###..#########..#",
    "...#.#.....#.###..#.##.#...#.####",
    "...##.##..#.#..#.##..#.#.#...#.#.",
    "##...#.#..##..#.###..#..#......#.",
    "#...#.###....##..#.###########...",
    "###.##.###.###.###....##.....#...",
    "..##..#....#.###..#.#.##.#.##.##.",
    "####.....##...#..##.##.....###...",
    ".#.#####..##..#.##.#.##.#.#.#..#.",
    "#....#...#.#..###...#..###...####",
    "#.#...#.####.#.#.....#.#.....#.#.",
    "#..##...###...#.##...####.#....#.",
    "#.###.##.###.#.#.##.###..#####...",
    "#...##.#..#.#..##.#...##.#...#.#.",
    "...#.##..#.#..##.##..###...##..#.",
    "..##.#...###...###.###..##.###...",
    "####.#######.....#.#.##.######...",
    "........##....#####.#..##...#.#..",
    "#######.###.#..#.##...#.#.#.##...",
    "#.....#..#.###..####.##.#...##.##",
    "#.###.#.#######..#...##.######...",
    "#.###.#..#..#..##....#.#..#.#.#..",
    "#.###.#...##.#####..##.##.####...",
    "#.....#....##.#####..#####.#.#...",
    "#######.###.....##.#.#.###..##..#",
]
LONG_URL = "http://takt.local:8000/tasks?mo=MO-00042&from=traveller-page"


@pytest.fixture(autouse=True)
def _documents_routes(request: pytest.FixtureRequest) -> None:
    """Until app.py includes ``documents.router``: add it to the site's app."""
    if "site" not in request.fixturenames:
        return
    site: Site = request.getfixturevalue("site")
    if not any(getattr(r, "name", "") == "mo_traveller" for r in site.app.routes):
        site.app.include_router(documents.router)


def _rows(m: list[list[bool]]) -> list[str]:
    return ["".join("#" if v else "." for v in row) for row in m]


def test_reed_solomon_matches_the_published_hello_world_1_m_vector() -> None:
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    assert qr.rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


def test_format_bits_match_the_standard_table() -> None:
    assert qr.format_bits("M", 0) == 0b101010000010010
    assert qr.format_bits("L", 4) == 0b110011000101111
    assert qr.format_bits("M", 7) == 0b100101010100000


def test_qr_matrices_match_the_reference() -> None:
    assert _rows(qr.matrix("MO-00001", "M")) == MO_V1_M
    assert _rows(qr.matrix(LONG_URL, "M")) == URL_V4_M


def test_qr_refuses_text_too_long_for_version_4() -> None:
    assert len(qr.matrix("x" * 78, "L")) == 33
    with pytest.raises(qr.QRError):
        qr.matrix("x" * 79, "L")
    with pytest.raises(qr.QRError):
        qr.matrix("x" * 63, "M")


def test_the_svg_has_classed_rects_and_no_inline_style() -> None:
    svg = qr.svg("MO-00001")
    assert svg.startswith('<svg class="qr"')
    assert 'viewBox="0 0 29 29"' in svg
    assert 'class="qr-m"' in svg
    assert "style" not in svg
    dark = sum(int(w) for w in re.findall(r'width="(\d+)" height="1"', svg))
    assert dark == sum(map(sum, qr.matrix("MO-00001")))


def test_a_planner_prints_the_traveller_of_an_mo(site: Site) -> None:
    legs = site.orders["legs"]
    page = site.browser("planner").get(f"/make/{legs}/traveller")
    assert page.status_code == 200
    assert f"<title>Traveller {legs} · Takt</title>" in page.text
    assert 'href="/static/print.css"' in page.text
    assert "LEG · Table leg" in page.text
    assert 'id="pick-OAK"' in page.text
    assert "3.2 m" in page.text
    op = page.text.split('id="op-10"')[1].split("</tr>")[0]
    assert "Cut legs" in op
    assert "SAW" in op
    assert "Panel saw" in op
    assert "27 min" in op
    assert "Done by / date" in page.text
    assert f"http://testserver/tasks?mo={legs}" in page.text
    assert '<svg class="qr"' in page.text
    assert 'class="qr-m"' in page.text
    assert 'style="' not in page.text


def test_the_pick_list_shows_batches_at_the_location_in_consumption_order(site: Site) -> None:
    uows = site.takt.uows
    for batch, qty in (("B2", "0.3"), ("B1", "0.2")):
        stock.receive(stock.Receive("GLUE", Decimal(qty), Decimal(4), batch=batch), uows())
    stock.receive(stock.Receive("GLUE", Decimal(9), Decimal(4), "SHOP", batch="B0"), uows())
    due = date.today() + timedelta(days=20)
    top = manufacturing.create_mo(manufacturing.NewMO("TOP", Decimal(2), due), uows()).number
    page = site.browser("planner").get(f"/make/{top}/pick-list")
    assert page.status_code == 200
    assert f"<title>Pick list {top} · Takt</title>" in page.text
    glue = page.text.split('id="pick-GLUE"')[1].split("</tr>")[0]
    assert re.findall(r'<li class="batch">([^<]+)</li>', glue) == ["B1: 0.2 l", "B2: 0.3 l"]
    assert "B0" not in glue  # another location
    ply = page.text.split('id="pick-PLY"')[1].split("</tr>")[0]
    assert "2.4 m2" in ply
    assert "batch" not in ply


def test_an_operator_prints_only_an_mo_with_a_task_of_theirs(site: Site) -> None:
    legs, table = site.orders["legs"], site.orders["table"]
    operator = site.browser("operator")  # OP1 runs the saw: the legs, not the table
    assert operator.get(f"/make/{legs}/traveller").status_code == 200
    assert operator.get(f"/make/{legs}/pick-list").status_code == 200
    refused = operator.get(f"/make/{table}/traveller")
    assert refused.status_code == 403
    assert "no task of yours" in refused.text
    assert operator.get(f"/make/{table}/pick-list").status_code == 403


def test_unknown_orders_and_anonymous_visitors(site: Site) -> None:
    viewer = site.browser("viewer")
    assert viewer.get("/make/MO-99999/traveller").status_code == 404
    assert viewer.get("/make/SO-00001/pick-list").status_code == 404
    anonymous = site.browser().get(f"/make/{site.orders['legs']}/traveller", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")
