"""The audit entry is written in the same transaction as the write it records: both commit, or
neither does (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event

from takt.app import api_queries, catalog, sales
from takt.app.audit import AuditedUnitOfWork, audited, first_issued
from takt.app.ports import AuditEntry
from takt.config import Takt
from takt.domain.errors import DomainError
from takt.domain.locations import Location
from takt.domain.partners import Customer
from takt.store.uow import SqlUnitOfWorkFactory

DOCK = Location("DOCK", "Loading dock")


def _locations(takt: Takt) -> list[str]:
    return [loc.code for loc in api_queries.locations(takt.uows)]


def _entries(takt: Takt) -> list[AuditEntry]:
    return api_queries.audit_entries(takt.uows, "location", None, None, 100)


@contextmanager
def failing_commits(takt: Takt) -> Iterator[list[str]]:
    """Every commit fails (as a lost connection would) after the statements before it ran;
    yields the statements run."""
    factory = takt.uows
    assert isinstance(factory, SqlUnitOfWorkFactory)
    statements: list[str] = []

    def boom(_session: Any) -> None:
        raise RuntimeError("the database went away at commit")

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(factory.sessions, "before_commit", boom)
    event.listen(takt.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(factory.sessions, "before_commit", boom)
        event.remove(takt.engine, "before_cursor_execute", seen)


def test_a_successful_write_has_exactly_one_entry(plant: Takt) -> None:
    trail = audited(plant.uows, "ana", "create", "location", "DOCK", after={"name": "Dock"})
    catalog.add_location(DOCK, trail())
    assert "DOCK" in _locations(plant)
    [entry] = _entries(plant)
    assert (entry.user, entry.action, entry.key, entry.before, entry.after) == (
        "ana",
        "create",
        "DOCK",
        None,
        {"name": "Dock"},
    )


def test_a_write_failing_after_its_entry_was_written_leaves_no_entry(plant: Takt) -> None:
    trail = audited(plant.uows, "ana", "create", "location", "DOCK", after={"name": "Dock"})
    with failing_commits(plant) as statements, pytest.raises(RuntimeError, match="went away"):
        catalog.add_location(DOCK, trail())
    assert any("INSERT INTO audit_log" in s for s in statements)  # it was written, then lost
    assert "DOCK" not in _locations(plant)
    assert _entries(plant) == []


def test_an_entry_that_cannot_be_made_stops_the_write(plant: Takt) -> None:
    def broken(uow: AuditedUnitOfWork) -> Any:
        raise RuntimeError("cannot describe the change")

    trail = audited(plant.uows, "ana", "create", "location", "DOCK", after=broken)
    with pytest.raises(RuntimeError, match="describe"):
        catalog.add_location(DOCK, trail())
    assert "DOCK" not in _locations(plant)
    assert _entries(plant) == []


def test_a_refused_write_leaves_no_entry(plant: Takt) -> None:
    trail = audited(plant.uows, "ana", "create", "location", "MAIN")
    with pytest.raises(DomainError):
        catalog.add_location(Location("MAIN", "Again"), trail())
    assert _entries(plant) == []


def test_a_new_order_is_recorded_under_its_number_with_the_record_before(plant: Takt) -> None:
    sales.add_customer(Customer("ACME", "Acme"), plant.uows())
    trail = audited(plant.uows, "ana", "create", "sales_order", first_issued, after={"lines": 1})
    cmd = sales.NewSalesOrder(
        "ACME", date(2030, 1, 15), (sales.SalesLineInput("TABLE", Decimal(1)),)
    )
    order = sales.create_sales_order(cmd, trail())
    [entry] = api_queries.audit_entries(plant.uows, "sales_order", None, None, 10)
    assert entry.key == order.number

    renamed = audited(
        plant.uows,
        "ana",
        "update",
        "location",
        "MAIN",
        before=lambda uow: {"name": catalog.locked_location(uow, "MAIN").name},
        after=lambda uow: {"name": catalog.locked_location(uow, "MAIN").name},
    )
    catalog.update_location("MAIN", {"name": "Main store"}, renamed())
    [entry] = _entries(plant)
    assert (entry.before, entry.after) == ({"name": "Main warehouse"}, {"name": "Main store"})


def test_reads_through_an_audited_factory_leave_no_trail(plant: Takt) -> None:
    trail = audited(plant.uows, "ana", "read", "location", "MAIN")
    with trail(read_only=True) as uow:
        assert uow.locations.get("MAIN").name == "Main warehouse"
    assert _entries(plant) == []
