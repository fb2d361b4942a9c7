"""Locations: warehouses and areas that hold stock."""

from __future__ import annotations

from dataclasses import dataclass

from takt.domain.errors import DomainError
from takt.domain.workstations import check_code


@dataclass(slots=True)
class Location:
    """A warehouse or area that holds stock; stock moves between locations by transfer."""

    code: str
    name: str
    id: int | None = None

    def __post_init__(self) -> None:
        check_code(self.code, "location")
        if not self.name.strip():
            raise DomainError(f"location {self.code} needs a name", "name")
