"""The whole of Takt over HTTP: the JSON API under /api/, the web pages everywhere else."""

from __future__ import annotations

from starlette.types import ASGIApp

from takt.api import create_app
from takt.config import Takt
from takt.web import create_web
from takt.web.site import Site


def create_server(takt: Takt) -> ASGIApp:
    return Site(create_app(takt), create_web(takt))
