"""The company settings: everyone who plans reads them, only an admin changes them."""

from __future__ import annotations

from takt.api.auditing import AuditedUnitOfWork, audited
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.schemas.settings import SettingsRead, SettingsUpdate
from takt.app import settings

router = guarded_router("settings")

ENTITY, KEY = "settings", "company"
"""The trail's name for the one settings record."""


@router.get("/settings", name="get_settings", summary="The company settings")
def get_settings(caller: Access, uows: Uows) -> SettingsRead:
    return SettingsRead.of(settings.company_settings(uows(read_only=True)))


def _read(uow: AuditedUnitOfWork) -> SettingsRead:
    return SettingsRead.of(settings.settings_in(uow))


@router.patch(
    "/settings",
    name="update_settings",
    responses=BODY_PROBLEMS,
    summary="Change the company settings (only the fields sent)",
)
def update_settings(body: SettingsUpdate, caller: Access, uows: Uows) -> SettingsRead:
    trail = audited(uows, caller.username, "update", ENTITY, KEY, before=_read, after=_read)
    return SettingsRead.of(settings.update_settings(body.to_change(), trail()))
