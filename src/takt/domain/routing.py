"""Routings: the ordered operations that make an item, each on a workstation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from takt.domain.errors import DomainError


class RoutingError(DomainError):
    """An operation or routing that breaks a rule."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One step: ``setup_minutes`` once per order, ``run_minutes`` per unit, on ``workstation``.

    ``cost_per_hour`` overrides the workstation's rate when set (a skilled step on a cheap bench).
    """

    sequence: int
    name: str
    workstation: str
    setup_minutes: Decimal = Decimal(0)
    run_minutes: Decimal = Decimal(0)
    cost_per_hour: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise RoutingError(f"operation {self.sequence} needs a name", "name")
        if self.setup_minutes < 0:
            raise RoutingError(
                f"operation {self.name}: setup minutes must not be negative", "setup_minutes"
            )
        if self.run_minutes < 0:
            raise RoutingError(
                f"operation {self.name}: run minutes must not be negative", "run_minutes"
            )
        if self.cost_per_hour is not None and self.cost_per_hour < 0:
            raise RoutingError(
                f"operation {self.name}: cost per hour must not be negative", "cost_per_hour"
            )

    def minutes_for(self, quantity: Decimal) -> Decimal:
        """Planned minutes to make ``quantity``: setup plus run time per unit."""
        return self.setup_minutes + self.run_minutes * quantity

    def cost_for(self, quantity: Fraction, workstation_rate: Decimal) -> Fraction:
        """Planned labour cost of ``quantity``, exact: minutes / 60 x hourly rate."""
        rate = self.cost_per_hour if self.cost_per_hour is not None else workstation_rate
        minutes = Fraction(self.setup_minutes) + Fraction(self.run_minutes) * quantity
        return minutes * Fraction(rate) / 60


@dataclass(frozen=True, slots=True)
class Routing:
    """The operations of ``item`` in the order they run; sequence numbers are unique."""

    item: str
    operations: tuple[Operation, ...]

    def __post_init__(self) -> None:
        seqs = [op.sequence for op in self.operations]
        if len(set(seqs)) != len(seqs):
            raise RoutingError(f"routing of {self.item}: sequence numbers repeat", "sequence")
        object.__setattr__(
            self, "operations", tuple(sorted(self.operations, key=lambda op: op.sequence))
        )

    def minutes_for(self, quantity: Decimal) -> Decimal:
        """Production time of ``quantity``: the sum of setup + run x quantity over the operations."""
        return sum((op.minutes_for(quantity) for op in self.operations), Decimal(0))
