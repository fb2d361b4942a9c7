"""Takt's web pages (server-rendered, htmx); ``create_web(takt)`` builds them."""

from takt.web.app import create_web

__all__ = ["create_web"]
