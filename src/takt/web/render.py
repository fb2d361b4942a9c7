"""Templates and the small formatting filters the pages share.

Jinja2 escapes every value (autoescape on for .html), so a name such as ``<script>`` shows as text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from takt.domain.allocation import Status

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR_FILES = ("htmx.min.js", "Sortable.min.js")

# Colour AND an icon and words: a colour-blind planner reads the words.
MATERIAL = {
    None: ("none", "–", "No materials open"),
    Status.GREEN.value: ("green", "✓", Status.GREEN.label),
    Status.AMBER.value: ("amber", "◷", Status.AMBER.label),
    Status.RED.value: ("red", "✕", Status.RED.label),
}


def quantity(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value.normalize():f}" if value else "0"


def money(value: Decimal | int | None, places: int = 2) -> str:
    """An amount to ``places`` decimals, rounded half-even on the exact value (never through a
    float, which would show 15.975 as 15.97)."""
    if value is None:
        return ""
    exact = Decimal(value)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN):f}"


def minutes(value: Decimal | int | None) -> str:
    """Minutes as people read them: "45 min", "2 h 05 min"."""
    if value is None:
        return ""
    whole = int(Decimal(value).to_integral_value())
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(value: datetime | None, zone: ZoneInfo | None = None) -> str:
    """A planned moment in the plant's time zone: "04 Mar 14:30"."""
    if value is None:
        return "not planned"
    local = value.astimezone(zone) if zone and value.tzinfo else value
    return local.strftime("%d %b %H:%M" if local.year == date.today().year else "%d %b %Y %H:%M")


def day(value: date | None) -> str:
    """A date as people read it: "Fri 04 Dec", with the year when it is not this year's."""
    if value is None:
        return ""
    return value.strftime("%a %d %b" if value.year == date.today().year else "%a %d %b %Y")


def material(status: str | None) -> dict[str, str]:
    css, icon, label = MATERIAL.get(status, MATERIAL[None])
    return {"css": css, "icon": icon, "label": label}


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.autoescape = True  # every template, whatever its extension
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(quantity=quantity, money=money, minutes=minutes, day=day, when=when)
    env.globals.update(
        material=material,
        vendor={name: (STATIC / "vendor" / name).is_file() for name in VENDOR_FILES},
    )
    return templates


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """``name`` rendered with the viewer (when logged in) and the request."""
    templates: Jinja2Templates = request.app.state.templates
    ctx: dict[str, Any] = {"viewer": getattr(request.state, "viewer", None)}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status, headers=headers)
