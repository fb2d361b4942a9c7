"""Who is looking at a page, and what they may press.

``Viewer`` is the logged-in user with the CSRF token their forms carry. The dependencies
``CurrentViewer`` (any logged-in user) and ``CsrfChecked`` (a write: the CSRF token must match)
raise ``LoginRequired`` / ``Refused``, which the web app turns into a redirect or an HTML page.
Buttons are shown only when ``may(...)`` says so, and every write route checks the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from takt.app import api_queries
from takt.domain.errors import NotFound
from takt.domain.users import Role, User
from takt.web.sessions import COOKIE, Session, Signer, csrf_matches

PLANNERS = frozenset({Role.ADMIN, Role.PLANNER})
SHOP_FLOOR = frozenset({Role.ADMIN, Role.PLANNER, Role.OPERATOR})
READERS = frozenset({Role.ADMIN, Role.PLANNER, Role.VIEWER})

# What each button needs (the same sets as the API's access table for the same actions).
ACTIONS: dict[str, frozenset[Role]] = {
    "rank": PLANNERS,
    "task": SHOP_FLOOR,
}
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
_UNREAD = object()


class LoginRequired(Exception):
    """No valid session: pages redirect to the login page, htmx requests are told to."""


class Refused(Exception):
    """A 403 (a role that may not, a wrong CSRF token) or another refusal with its status."""

    def __init__(self, detail: str, status: int = 403) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user of a request and their session (its CSRF token)."""

    user: User
    session: Session

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def operator(self) -> str | None:
        """The operator code of an operator user: they see and act on their own tasks only."""
        return self.user.operator if self.user.role is Role.OPERATOR else None

    @property
    def csrf(self) -> str:
        return self.session.csrf

    def may(self, action: str) -> bool:
        return self.user.role in ACTIONS[action]

    def require(self, action: str) -> None:
        if not self.may(action):
            raise Refused(f"a user with role {self.role.value} may not do this")


def session_of(request: Request) -> Session | None:
    """The request's valid session cookie, read once per request (None: absent, forged, old)."""
    found = getattr(request.state, "session", _UNREAD)
    if found is _UNREAD:
        signer: Signer = request.app.state.signer
        found = request.state.session = signer.load(request.cookies.get(COOKIE))
    return found if isinstance(found, Session) else None


def viewer_of(request: Request) -> Viewer:
    """The logged-in, active user of the request; raises ``LoginRequired``."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    session = session_of(request)
    if session is None or session.username is None:
        raise LoginRequired
    try:
        user = api_queries.user(request.app.state.takt.uows, session.username)
    except NotFound:
        raise LoginRequired from None
    if not user.active:
        raise LoginRequired
    viewer = Viewer(user, session)
    request.state.viewer = viewer
    return viewer


async def _csrf_checked(request: Request, viewer: Annotated[Viewer, Depends(viewer_of)]) -> Viewer:
    await check_csrf(request)
    return viewer


async def check_csrf(request: Request) -> None:
    """Refuses (403) a write whose CSRF token (header or form field) is not the session's."""
    token = request.headers.get(CSRF_HEADER)
    if not token:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        token = field if isinstance(field, str) else None
    if not csrf_matches(session_of(request), token):
        raise Refused("the form has expired or did not come from Takt: reload the page")


CurrentViewer = Annotated[Viewer, Depends(viewer_of)]
"""Any logged-in, active user."""
CsrfChecked = Annotated[Viewer, Depends(_csrf_checked)]
"""A logged-in user whose write carries the session's CSRF token."""
