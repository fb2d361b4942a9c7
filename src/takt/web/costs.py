"""The Costs page: every MO's planned against actual cost (materials, labour, overhead, total,
variance) as a horizontal bar chart drawn on the server (SVG with classes, no inline styles: the
site's CSP forbids them) beside the figures, and every sales order's margin.

Only roles that see costs may open it (admins, planners; viewers when ``costs.viewers_see`` is
"true"); anyone else gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fastapi import APIRouter, Request
from starlette.responses import Response

from takt.app import page_queries
from takt.app.orders_queries import CostView
from takt.domain.manufacturing import CostSheet
from takt.web.auth import CurrentViewer, Refused, Viewer
from takt.web.render import render
from takt.web.stock import sees_costs, uows_of

router = APIRouter()

# Chart geometry (SVG user units): a label column, then the bars; two bars per MO.
LABEL_W = 130
BAR_W = 440
VALUE_W = 90
BAR_H = 14
GAP = 4
GROUP_GAP = 14
TOP = 6
PARTS = ("materials", "labour", "overhead")


@dataclass(frozen=True, slots=True)
class Segment:
    part: str
    x: float
    width: float
    value: Decimal


@dataclass(frozen=True, slots=True)
class Bar:
    kind: str  # "planned" or "actual"
    y: float
    total: Decimal
    segments: tuple[Segment, ...]
    end: float


@dataclass(frozen=True, slots=True)
class Group:
    view: CostView
    y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    groups: tuple[Group, ...]
    label_w: int
    bar_w: int
    bar_h: int


def require_costs(request: Request, viewer: Viewer) -> None:
    """Refuses (403) a role that may not read cost figures."""
    if not sees_costs(request, viewer):
        raise Refused(f"a user with role {viewer.role.value} may not see the costs page")


def _bar(kind: str, sheet: CostSheet, y: float, scale: float) -> Bar:
    x = float(LABEL_W)
    segments: list[Segment] = []
    for part in PARTS:
        value: Decimal = getattr(sheet, part)
        width = max(float(value), 0.0) * scale
        segments.append(Segment(part, round(x, 2), round(width, 2), value))
        x += width
    return Bar(kind, y, sheet.total, tuple(segments), round(x, 2))


def chart(views: list[CostView]) -> Chart:
    """Bars scaled to the largest total; a zero-cost MO gets empty bars."""
    biggest = max((max(v.planned.total, v.actual.total) for v in views), default=Decimal(0))
    scale = BAR_W / float(biggest) if biggest > 0 else 0.0
    groups: list[Group] = []
    y = float(TOP)
    for view in views:
        planned = _bar("planned", view.planned, y, scale)
        actual = _bar("actual", view.actual, y + BAR_H + GAP, scale)
        groups.append(Group(view, y, (planned, actual)))
        y += 2 * BAR_H + GAP + GROUP_GAP
    height = int(y - GROUP_GAP + TOP) if views else 0
    return Chart(LABEL_W + BAR_W + VALUE_W, height, tuple(groups), LABEL_W, BAR_W, BAR_H)


@router.get("/costs", name="costs_page")
def costs_page(request: Request, viewer: CurrentViewer) -> Response:
    require_costs(request, viewer)
    report = page_queries.cost_report(uows_of(request))
    context = {"report": report, "chart": chart(report.mos), "parts": PARTS}
    return render(request, "costs_page.html", context)
