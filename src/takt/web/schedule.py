"""The Schedule page: a Gantt chart of the stored plan, one row per workstation.

Bars are the open tasks where the plan placed them; each row shades its workstation's working
time (light) over its time off (grey). A late order's bars have a red outline and say "late".
Zoom: a day or a week (``?zoom=day|week&start=YYYY-MM-DD``; by default the week from today, plant
time). A bar is a link: click or Enter opens the task (MO, item, operation, planned start and
finish, status, late reason) in the side panel, or as a page without JavaScript.

The chart is server-side SVG; each bar is an HTML link inside a ``foreignObject`` (positioned by
attributes: the pages' CSP forbids inline styles), so keyboard, focus and htmx behave as on any
link. The same tasks are also listed in a table below the chart.

Admins and planners get "Re-plan" (the instant dispatcher, stored at once) and "Optimise (10 s)"
(CP-SAT): the optimised plan is a proposal (``takt.web.proposals``), compared with the stored plan
(late orders, weighted tardiness, makespan) until the planner accepts it (stored as a new
version) or discards it. The server refuses anyone else (403). The page listens to /events and
re-fetches the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from takt.app import scheduling
from takt.app.ports import UnitOfWorkFactory
from takt.app.schedule_queries import OPEN, PlanFigures, PlannedTask, ScheduleData, schedule
from takt.app.schedule_queries import plan_figures as stored_figures
from takt.domain.errors import DomainError, NotFound
from takt.domain.workstations import Workstation
from takt.web import proposals
from takt.web.auth import PLANNERS, CsrfChecked, CurrentViewer, Refused, Viewer
from takt.web.render import is_htmx, render
from takt.web.trail import AuditedUnitOfWork, audited_uow, audited_uows

router = APIRouter()

ZOOMS = {"day": 1, "week": 7}
OPTIMISE_SECONDS = 10.0
MAX_DAYS_AWAY = 3 * 366  # how far from today the address may move the window

# Geometry of the chart (SVG user units = CSS pixels).
LABEL_WIDTH = 190
CHART_WIDTH = {"day": 1200, "week": 1176}
AXIS_HEIGHT = 44
LANE = 30
BAR = 24
ROW_PAD = 6
MIN_BAR = 6


def may_plan(viewer: Viewer) -> bool:
    """Re-plan and optimise: admins and planners (the API's planning writes alike)."""
    return viewer.role in PLANNERS


@dataclass(frozen=True, slots=True)
class Window:
    """The shown time span: ``days`` days from ``start`` 00:00 plant time."""

    zoom: str
    start: date
    begin: datetime
    end: datetime

    @classmethod
    def of(cls, zoom: str | None, start: str | None, zone: ZoneInfo) -> Window:
        chosen = zoom if zoom in ZOOMS else "week"
        today = datetime.now(zone).date()
        try:
            first = date.fromisoformat((start or "").strip()) if start else today
        except ValueError:
            first = today
        if abs((first - today).days) > MAX_DAYS_AWAY:
            first = today
        last = first + timedelta(days=ZOOMS[chosen])
        return cls(
            chosen,
            first,
            datetime.combine(first, time(0), zone),
            datetime.combine(last, time(0), zone),
        )

    @property
    def days(self) -> int:
        return ZOOMS[self.zoom]

    @property
    def minutes(self) -> float:
        return (self.end - self.begin).total_seconds() / 60

    def query(self, zoom: str | None = None, shift: int = 0, today: bool = False) -> str:
        z = zoom or self.zoom
        first = datetime.now(self.begin.tzinfo).date() if today else self.start
        first += timedelta(days=shift * ZOOMS[z])
        return urlencode({"zoom": z, "start": first.isoformat()})

    @property
    def here(self) -> str:
        return self.query()

    @property
    def earlier(self) -> str:
        return self.query(shift=-1)

    @property
    def later(self) -> str:
        return self.query(shift=1)

    @property
    def title(self) -> str:
        last = self.start + timedelta(days=self.days - 1)
        if self.days == 1:
            return self.start.strftime("%A %d %B %Y")
        return f"{self.start:%a %d %b} – {last:%a %d %b %Y}"


@dataclass(frozen=True, slots=True)
class Band:
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    major: bool
    label_x: float = 0.0


@dataclass(frozen=True, slots=True)
class Bar:
    task: PlannedTask
    x: float
    y: float
    width: float
    height: float
    cut_left: bool
    cut_right: bool
    label: str

    @property
    def css(self) -> str:
        classes = ["bar", f"bar-{self.task.status.replace(' ', '-')}"]
        if self.task.late:
            classes.append("bar-late")
        if self.cut_left:
            classes.append("cut-left")
        if self.cut_right:
            classes.append("cut-right")
        if self.width < 40:
            classes.append("bar-narrow")
        return " ".join(classes)


@dataclass(slots=True)
class Row:
    code: str
    name: str
    units: int
    y: float
    height: float
    bands: list[Band] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    no_hours: bool = False

    @property
    def mid(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class ScheduleView:
    window: Window
    zone: ZoneInfo
    figures: PlanFigures
    rows: list[Row]
    ticks: list[Tick]
    width: float
    height: float
    chart_width: float
    now_x: float | None
    shown: list[PlannedTask]  # the tasks in the window, by workstation and start
    unplanned: int
    before: int
    after: int

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH


def _x(window: Window, width: float, moment: datetime) -> float:
    minutes = (moment - window.begin).total_seconds() / 60
    share = min(max(minutes / window.minutes, 0.0), 1.0)
    return round(LABEL_WIDTH + share * width, 1)


def _ticks(window: Window, width: float) -> list[Tick]:
    ticks: list[Tick] = []
    zone = window.begin.tzinfo
    if window.zoom == "week":
        for d in range(window.days):
            day = window.start + timedelta(days=d)
            x = _x(window, width, datetime.combine(day, time(0), zone))
            nxt = _x(window, width, datetime.combine(day + timedelta(days=1), time(0), zone))
            ticks.append(Tick(x, day.strftime("%a %d %b"), True, round((x + nxt) / 2, 1)))
            for hour in (6, 12, 18):
                ticks.append(
                    Tick(_x(window, width, datetime.combine(day, time(hour), zone)), "", False)
                )
    else:
        for hour in range(24):
            x = _x(window, width, datetime.combine(window.start, time(hour), zone))
            ticks.append(Tick(x, f"{hour:02d}:00", hour % 6 == 0, round(x + 2, 1)))
    return ticks


Span = tuple[datetime, datetime, PlannedTask]
Drawn = tuple[float, float, Span]  # left and right edge in pixels


def _lanes(drawn: list[Drawn]) -> list[tuple[int, Drawn]]:
    """Each bar on the first lane free where it is drawn (parallel units, short tasks drawn
    wider than their time, side by side rather than on top of each other)."""
    ends: list[float] = []
    placed: list[tuple[int, Drawn]] = []
    for bar in sorted(drawn, key=lambda d: (d[0], d[1], d[2][2].mo, d[2][2].sequence)):
        left, right, _ = bar
        for lane, busy_until in enumerate(ends):
            if busy_until <= left:
                ends[lane] = right
                placed.append((lane, bar))
                break
        else:
            ends.append(right)
            placed.append((len(ends) - 1, bar))
    return placed


def _aria(task: PlannedTask, zone: ZoneInfo) -> str:
    def at(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%a %d %b %H:%M") if moment else "not planned"

    words = (
        f"{task.mo}, {task.item}: task {task.sequence} {task.name} on {task.workstation}, "
        f"{at(task.planned_start)} to {at(task.planned_finish)}, {task.status}"
    )
    if task.late:
        words += f", late: {task.late_reason}"
    return words + ". Show the task."


def schedule_view(data: ScheduleData, window: Window) -> ScheduleView:
    """The chart's geometry: rows, shading, bars (clipped to the window) and the time axis."""
    zone = data.zone
    width = CHART_WIDTH[window.zoom]
    in_window: dict[str, list[Span]] = {}
    unplanned = before = after = 0
    for task in data.tasks:
        begin, end = task.planned_start, task.planned_finish
        if begin is None or end is None:
            unplanned += 1
        elif end <= window.begin:
            before += 1
        elif begin >= window.end:
            after += 1
        else:
            in_window.setdefault(task.workstation, []).append((begin, max(end, begin), task))
    stations: list[tuple[str, str, int, Workstation | None]] = [
        (w.code, w.name, w.parallel_units, w) for w in data.workstations
    ]
    known = {w.code for w in data.workstations}
    stations += [(code, code, 1, None) for code in sorted(set(in_window) - known)]
    rows: list[Row] = []
    shown: list[PlannedTask] = []
    y = float(AXIS_HEIGHT)
    for code, name, units, ws in stations:
        drawn: list[Drawn] = []
        for span in in_window.get(code, []):
            x0, x1 = _x(window, width, span[0]), _x(window, width, span[1])
            bar_width = max(x1 - x0, MIN_BAR)
            x0 = min(x0, LABEL_WIDTH + width - bar_width)
            drawn.append((x0, x0 + bar_width, span))
        placed = _lanes(drawn)
        lanes = max([lane + 1 for lane, _ in placed], default=1)
        row = Row(code, name, units, y, lanes * LANE + 2 * ROW_PAD)
        if ws is None or not ws.calendar.shifts:
            row.no_hours = True
        else:
            first = window.start - timedelta(days=1)
            for b, e in ws.calendar.intervals(first, window.start + timedelta(days=window.days)):
                x0 = _x(window, width, b.replace(tzinfo=zone))
                x1 = _x(window, width, e.replace(tzinfo=zone))
                if x1 > x0:
                    row.bands.append(Band(x0, round(x1 - x0, 1)))
        for lane, (left, right, (begin, end, task)) in placed:
            row.bars.append(
                Bar(
                    task,
                    round(left, 1),
                    y + ROW_PAD + lane * LANE + (LANE - BAR) / 2,
                    round(right - left, 1),
                    BAR,
                    begin < window.begin,
                    end > window.end,
                    _aria(task, zone),
                )
            )
            shown.append(task)
        rows.append(row)
        y += row.height
    now = datetime.now(zone)
    now_x = _x(window, width, now) if window.begin <= now < window.end else None
    return ScheduleView(
        window=window,
        zone=zone,
        figures=data.figures,
        rows=rows,
        ticks=_ticks(window, width),
        width=LABEL_WIDTH + width + 1,
        height=y + 1,
        chart_width=width,
        now_x=now_x,
        shown=shown,
        unplanned=unplanned,
        before=before,
        after=after,
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """A re-plan's result: the plan before (as the page showed it) and the new one."""

    before: PlanFigures
    after: PlanFigures
    engine: str
    status: str
    seconds: float

    @property
    def late_change(self) -> int:
        return len(self.after.late_orders) - len(self.before.late_orders)

    @property
    def tardiness_change(self) -> int:
        return self.after.tardiness_minutes - self.before.tardiness_minutes

    @property
    def newly_late(self) -> list[str]:
        return [n for n in self.after.late_orders if n not in self.before.late_orders]

    @property
    def no_longer_late(self) -> list[str]:
        return [n for n in self.before.late_orders if n not in self.after.late_orders]


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def _context(
    request: Request, viewer: Viewer, zoom: str | None, start: str | None
) -> dict[str, Any]:
    data = schedule(_uows(request))
    window = Window.of(zoom, start, data.zone)
    return {"view": schedule_view(data, window), "may_plan": may_plan(viewer)}


ParamText = Annotated[str | None, Query(max_length=16)]


@router.get("/schedule", name="schedule_page")
def schedule_page(
    request: Request, viewer: CurrentViewer, zoom: ParamText = None, start: ParamText = None
) -> Response:
    return render(request, "schedule.html", _context(request, viewer, zoom, start))


@router.get("/schedule/chart", name="schedule_chart")
def schedule_chart(
    request: Request, viewer: CurrentViewer, zoom: ParamText = None, start: ParamText = None
) -> Response:
    return render(request, "_gantt.html", _context(request, viewer, zoom, start))


def _task(data: ScheduleData, number: str, sequence: int) -> PlannedTask:
    for task in data.tasks:
        if task.mo == number and task.sequence == sequence:
            return task
    raise NotFound(f"{number} has no open task {sequence}", field="task")


@router.get("/schedule/task/{number}/{sequence}", name="schedule_task")
def schedule_task(
    request: Request,
    number: str,
    sequence: int,
    viewer: CurrentViewer,
    zoom: ParamText = None,
    start: ParamText = None,
) -> Response:
    """One task of the plan: into the side panel (htmx), or the page with the panel open."""
    if is_htmx(request):
        data = schedule(_uows(request))
        context = {"part": "task", "detail": _task(data, number, sequence), "zone": data.zone}
        return render(request, "_gantt.html", context)
    context = _context(request, viewer, zoom, start)
    view = context["view"]
    assert isinstance(view, ScheduleView)
    found = [t for t in view.shown if t.mo == number and t.sequence == sequence]
    if not found:
        found = [_task(schedule(_uows(request)), number, sequence)]
    context.update(detail=found[0], zone=view.zone)
    return render(request, "schedule.html", context)


def _plan_version(uow: AuditedUnitOfWork) -> str:
    """The plan version this transaction recorded (the newest it sees)."""
    latest = uow.manufacturing.latest_plan()
    return str(latest[0]) if latest else "-"


def _late_orders(uow: AuditedUnitOfWork) -> int:
    """How many open MOs the plan this transaction stored finishes late: the scheduler gives
    each of them, and only them, the reason it is late."""
    return sum(1 for mo in uow.manufacturing.orders(OPEN) if mo.late_reason)


def _replan(uows: UnitOfWorkFactory, user: str, optimise: bool) -> Comparison:
    before = stored_figures(uows)
    engine = "cp-sat" if optimise else "dispatch"  # as ``scheduling.replan`` names them
    uow = audited_uow(
        uows,
        user,
        "replan",
        "schedule",
        _plan_version,
        after=lambda uow: {"engine": engine, "late_orders": _late_orders(uow)},
    )
    summary = scheduling.replan(uow, optimise_seconds=OPTIMISE_SECONDS if optimise else None)
    late = tuple(order.number for order in summary.late)
    after = PlanFigures(summary.version, None, late, summary.tardiness_minutes)
    return Comparison(before, after, summary.engine, summary.status, summary.seconds)


FormText = Annotated[str | None, Form(max_length=16)]


@router.post("/schedule/replan", name="schedule_replan")
async def schedule_replan(
    request: Request,
    viewer: CsrfChecked,
    engine: Annotated[str, Form(pattern="^(instant|optimise)$")] = "instant",
    zoom: FormText = None,
    start: FormText = None,
) -> Response:
    """Re-plans every open MO (instantly, or optimising for 10 s) and compares the plans."""
    if not may_plan(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not re-plan")
    uows = _uows(request)
    if engine == "optimise":
        run = optimisations_of(request).start(uows, viewer.username, OPTIMISE_SECONDS)
        context = await run_in_threadpool(_context, request, viewer, zoom, start)
        if is_htmx(request):
            # The page polls the run and draws the objective falling; the proposal comes last.
            context["optimising"] = run
            return _respond(request, context)
        await run_in_threadpool(run.done.wait, OPTIMISE_SECONDS + 60)
        context["proposal"] = _hand_over(request, run)
        return _respond(request, context)
    comparison = await run_in_threadpool(_replan, uows, viewer.username, False)
    request.app.state.feed.bump()
    context = await run_in_threadpool(_context, request, viewer, zoom, start)
    context["comparison"] = comparison
    return _respond(request, context)


def _respond(request: Request, context: dict[str, Any]) -> Response:
    """The chart with the result out of band (htmx), or the whole page."""
    if is_htmx(request):
        context["oob"] = True
        return render(request, "_gantt.html", context)
    return render(request, "schedule.html", context)


def optimisations_of(request: Request) -> proposals.Optimisations:
    """This process's optimiser runs (made on first use)."""
    found = getattr(request.app.state, "optimisations", None)
    if not isinstance(found, proposals.Optimisations):
        found = request.app.state.optimisations = proposals.Optimisations()
    return found


def _hand_over(request: Request, run: proposals.Optimising) -> proposals.Proposal:
    """The finished run's proposal, kept for Accept / Discard; its refusal as an error."""
    if run.error or run.proposal is None:
        raise DomainError(run.error or "the optimiser found no plan", field="plan")
    if not run.handed_over:
        proposals_of(request).add(run.proposal)
        run.handed_over = True
    return run.proposal


@router.get("/schedule/optimising/{token}", name="schedule_optimising")
def schedule_optimising(request: Request, token: str, viewer: CurrentViewer) -> Response:
    """How an optimiser run is going (polled by the page), then its plan to accept or discard."""
    if not may_plan(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not re-plan")
    run = optimisations_of(request).get(token[:64])
    if run.user != viewer.username:
        raise Refused("this optimiser run is another planner's")
    context: dict[str, Any] = {"part": "comparison"}
    if run.done.is_set():
        context["proposal"] = _hand_over(request, run)
        data = schedule(_uows(request))
        context["view"] = schedule_view(data, Window.of(None, None, data.zone))
    else:
        context["optimising"] = run
    return render(request, "_gantt.html", context)


def proposals_of(request: Request) -> proposals.Proposals:
    """This process's optimised plans waiting for the planner (made on first use)."""
    found = getattr(request.app.state, "proposals", None)
    if not isinstance(found, proposals.Proposals):
        found = request.app.state.proposals = proposals.Proposals()
    return found


def _accept(uows: UnitOfWorkFactory, user: str, proposal: proposals.Proposal) -> int:
    after = {"engine": proposal.engine, "late_orders": len(proposal.after.late_orders)}
    trail = audited_uows(uows, user, "replan", "schedule", _plan_version, after=after)
    return proposals.accept(proposal, trail)


@router.post("/schedule/proposal/{token}/{decision}", name="schedule_decide")
async def schedule_decide(
    request: Request,
    token: str,
    decision: str,
    viewer: CsrfChecked,
    zoom: FormText = None,
    start: FormText = None,
) -> Response:
    """Accept (store as a new plan version) or discard an optimised plan."""
    if not may_plan(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not re-plan")
    if decision not in ("accept", "discard"):
        raise NotFound(f"there is no page at {request.url.path}", field="decision")
    proposal = proposals_of(request).take(token[:64], datetime.now(UTC))
    outcome: dict[str, Any] = {"decision": decision, "proposal": proposal}
    if decision == "accept":
        outcome["version"] = await run_in_threadpool(
            _accept, _uows(request), viewer.username, proposal
        )
        request.app.state.feed.bump()
    context = await run_in_threadpool(_context, request, viewer, zoom, start)
    context["decided"] = outcome
    return _respond(request, context)
