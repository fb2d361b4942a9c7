"""Locations (warehouses, areas) and suppliers."""

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


@dataclass(slots=True)
class Supplier:
    """A supplier with its usual lead time in days."""

    code: str
    name: str
    lead_time_days: int = 0
    id: int | None = None

    def __post_init__(self) -> None:
        check_code(self.code, "supplier")
        if not self.name.strip():
            raise DomainError(f"supplier {self.code} needs a name", "name")
        if self.lead_time_days < 0:
            raise DomainError(
                f"supplier {self.code}: lead time must be 0 or more days", "lead_time_days"
            )
