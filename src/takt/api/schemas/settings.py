"""The company settings: over-receipt and overhead rules (``GET`` / ``PATCH /settings``)."""

from __future__ import annotations

from takt.api.schemas.common import Dec, Flag, MoneyIn, Output, Patch
from takt.app.settings import CompanySettings, SettingsChange


class SettingsRead(Output):
    """``allow_over_receipt``: whether a purchase line may receive more than it still awaits;
    ``overhead_pct``: overhead as a % of an MO's material cost; ``overhead_per_hour``: overhead
    per labour hour."""

    allow_over_receipt: bool
    overhead_pct: Dec
    overhead_per_hour: Dec

    @classmethod
    def of(cls, values: CompanySettings) -> SettingsRead:
        return cls(
            allow_over_receipt=values.allow_over_receipt,
            overhead_pct=values.overhead.pct_of_materials,
            overhead_per_hour=values.overhead.per_labour_hour,
        )


class SettingsUpdate(Patch):
    """Changes to the settings: only the fields sent change. ``overhead_pct`` is 0 to 1000."""

    allow_over_receipt: Flag | None = None
    overhead_pct: MoneyIn | None = None
    overhead_per_hour: MoneyIn | None = None

    def to_change(self) -> SettingsChange:
        return SettingsChange(self.allow_over_receipt, self.overhead_pct, self.overhead_per_hour)
