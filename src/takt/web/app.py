"""The web pages: ``create_web(takt)`` serves login, the Make and Tasks pages, /events and /static.

Pages are server-rendered (Jinja2) and work without JavaScript (plain forms and redirects);
htmx, when its file is in static/vendor, swaps table fragments in place, and /events (server-sent
events) tells open pages to re-fetch when the data changed. Errors are HTML: a page, or for an
htmx request a message swapped into the page's alert area.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from takt.app.users import authenticate_password
from takt.config import Takt
from takt.domain.errors import DomainError, NotFound
from takt.domain.users import Role
from takt.web import (
    buy,
    buy_entry,
    costs,
    documents,
    items,
    make,
    schedule,
    sell,
    sell_entry,
    stock,
    tasks,
)
from takt.web.auth import (
    CsrfChecked,
    CurrentViewer,
    LoginRequired,
    Refused,
    check_csrf,
    session_of,
    viewer_of,
)
from takt.web.live import ChangeFeed, change_marker, event_stream
from takt.web.proposals import Proposals
from takt.web.render import STATIC, build_templates, is_htmx, render
from takt.web.sessions import (
    COOKIE,
    MAX_AGE_SECONDS,
    LoginThrottle,
    Session,
    Signer,
    configured_secret,
    stored_secret,
)

# Scripts and styles come only from Takt itself; no page may be framed.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
]


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response (pure ASGI: streams pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _home(role: Role) -> str:
    return "/tasks" if role is Role.OPERATOR else "/make"


def _safe_next(target: str | None) -> str | None:
    """A local path to return to after login (never another site: no scheme, no //host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target[:500]


def _set_session(request: Request, response: Response, session: Session) -> None:
    signer: Signer = request.app.state.signer
    response.set_cookie(
        COOKIE,
        signer.dump(session),
        max_age=signer.max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(
    request: Request, session: Session, next_: str | None, error: str = "", status: int = 200
) -> Response:
    response = render(
        request,
        "login.html",
        {"csrf": session.csrf, "next": next_ or "", "error": error},
        status=status,
    )
    _set_session(request, response, session)
    return response


def _problem(request: Request, status: int, detail: str) -> Response:
    """An error as HTML: the message into the page's alert area (htmx) or an error page."""
    if is_htmx(request):
        return render(
            request,
            "_alert.html",
            {"message": detail, "status": status},
            status=status,
            headers={"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"},
        )
    return render(request, "error.html", {"message": detail, "status": status}, status=status)


def _install_errors(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query
        target = "/login" if path in {"/", "/events"} else f"/login?next={quote(path)}"
        if is_htmx(request) or path == "/events":
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return _problem(request, exc.status, exc.detail)

    async def domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return _problem(request, 404 if isinstance(exc, NotFound) else 422, exc.message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return _problem(request, 422, f"{where}: {first.get('msg', 'invalid')}")

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        messages = {404: f"There is no page at {request.url.path}.", 405: "Not allowed here."}
        detail = messages.get(exc.status_code, str(exc.detail))
        return _problem(request, exc.status_code, detail)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(DomainError, domain)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http)


def create_web(
    takt: Takt,
    *,
    secret: str | None = None,
    max_age: int = MAX_AGE_SECONDS,
    throttle: LoginThrottle | None = None,
    feed: ChangeFeed | None = None,
) -> FastAPI:
    """The pages on ``takt``. The session secret: ``secret``, else ``TAKT_SECRET_KEY``, else one
    generated once and kept in the settings table (see ``takt.web.sessions``)."""
    app = FastAPI(title="Takt", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.takt = takt
    app.state.templates = build_templates()
    # The Costs link shows only for those who may see costs.
    app.state.templates.env.globals["sees_costs"] = stock.sees_costs
    key = secret or configured_secret(takt.settings) or stored_secret(takt.uows)
    app.state.signer = Signer(key, max_age)
    app.state.throttle = throttle or LoginThrottle()
    app.state.feed = feed or ChangeFeed(lambda: change_marker(takt.uows))
    app.state.proposals = Proposals()  # optimised plans waiting for Accept / Discard
    _install_errors(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(make.router)
    app.include_router(documents.router)
    app.include_router(tasks.router)
    app.include_router(schedule.router)
    app.include_router(sell_entry.router)  # before sell: /sell/new is not an order number
    app.include_router(sell.router)
    app.include_router(buy_entry.router)  # before buy: /buy/new is not an order number
    app.include_router(buy.router)
    app.include_router(stock.router)
    app.include_router(items.router)
    app.include_router(costs.router)
    _auth_routes(app)
    app.add_middleware(SecurityHeaders)
    return app


def _auth_routes(app: FastAPI) -> None:
    @app.get("/", name="home")
    def home(request: Request) -> Response:
        try:
            viewer = viewer_of(request)
        except LoginRequired:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse(_home(viewer.role), status_code=303)

    @app.get("/login", name="login_page")
    def login_page(request: Request, next: str | None = None) -> Response:
        session = session_of(request)
        if session is not None and session.username is not None:
            return RedirectResponse(_safe_next(next) or "/", status_code=303)
        fresh = session or Session.anonymous(request.app.state.signer.clock())
        return _login_page(request, fresh, _safe_next(next))

    @app.post("/login", name="login")
    async def login(
        request: Request,
        username: Annotated[str, Form(max_length=64)] = "",
        password: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        signer: Signer = request.app.state.signer
        session = session_of(request)
        try:
            await check_csrf(request)  # the token of the login page's own (anonymous) session
        except Refused:
            fresh = Session.anonymous(signer.clock())
            expired = "The login form had expired. Please log in again."
            return _login_page(request, fresh, _safe_next(next), expired, status=403)
        assert session is not None  # check_csrf refuses a request without one
        target = _safe_next(next)
        throttle: LoginThrottle = request.app.state.throttle
        who = username.strip().lower()
        wait = throttle.retry_after(who, _client(request))
        if wait:
            response = _login_page(
                request,
                session,
                target,
                f"Too many failed attempts. Try again in {(wait + 59) // 60} minute(s).",
                status=429,
            )
            response.headers["Retry-After"] = str(wait)
            return response
        user = await run_in_threadpool(
            authenticate_password, who, password, request.app.state.takt.uows()
        )
        if user is None or not user.active:
            throttle.failed(who, _client(request))
            return _login_page(request, session, target, "Wrong username or password.", status=401)
        throttle.succeeded(who, _client(request))
        response = RedirectResponse(target or _home(user.role), status_code=303)
        _set_session(request, response, session.logged_in(user.username, signer.clock()))
        return response

    @app.post("/logout", name="logout")
    def logout(request: Request, viewer: CsrfChecked) -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
        return response

    @app.get("/events", name="events")
    def events(request: Request, viewer: CurrentViewer) -> Response:
        feed: ChangeFeed = request.app.state.feed
        return StreamingResponse(
            event_stream(feed),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
