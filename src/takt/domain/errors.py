"""The errors Takt's business rules raise.

Each carries the name of the field it is about, so every edge (CLI, API, page) can point the user
at what to fix without parsing the message.
"""

from __future__ import annotations


class DomainError(ValueError):
    """A request that breaks a business rule; nothing has been written when it is raised."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """A referenced record (an SKU, a location, a workstation) does not exist."""


class Conflict(DomainError):
    """A record with this key (an SKU, a code, a username) already exists."""
