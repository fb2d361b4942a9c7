"""Takt's HTTP API (FastAPI): ``create_app(takt)``; see ``takt.api.app``."""

from takt.api.app import create_app

__all__ = ["create_app"]
