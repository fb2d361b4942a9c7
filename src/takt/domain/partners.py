"""Customers and suppliers: who Takt's users sell to and buy from."""

from __future__ import annotations

from dataclasses import dataclass

from takt.domain.errors import DomainError
from takt.domain.workstations import check_code


@dataclass(slots=True)
class Customer:
    code: str
    name: str
    email: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        check_code(self.code, "customer")
        if not self.name.strip():
            raise DomainError(f"customer {self.code} needs a name", "name")


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
