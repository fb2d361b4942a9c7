"""The location repository: locations and suppliers."""

from __future__ import annotations

import builtins

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict, NotFound
from takt.domain.locations import Location
from takt.domain.partners import Supplier
from takt.store.items import lock_row, usages
from takt.store.lookups import Lookups
from takt.store.tables import locations, suppliers


class SqlLocationRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def get(self, code: str, *, lock: bool = False) -> Location:
        query = select(locations).where(locations.c.code == code)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"unknown location {code!r}", field="location")
        return Location(row.code, row.name, id=row.id)

    def update(self, location: Location) -> None:
        """Stores the location's name."""
        loc_id = self.lookups.id_of(locations, location.code, "location", "location")
        self.session.execute(
            update(locations).where(locations.c.id == loc_id).values(name=location.name)
        )

    def usages(self, code: str) -> builtins.list[str]:
        """What refers to location ``code`` (stock, orders); its row stays locked."""
        loc_id = self.lookups.id_of(locations, code, "location", "location")
        lock_row(self.session, locations, loc_id)
        return usages(self.session, locations, loc_id)

    def delete(self, code: str) -> None:
        loc_id = self.lookups.id_of(locations, code, "location", "location")
        self.session.execute(delete(locations).where(locations.c.id == loc_id))

    def list(self) -> list[Location]:
        return [
            Location(r.code, r.name, id=r.id)
            for r in self.session.execute(select(locations).order_by(locations.c.id))
        ]

    def add(self, location: Location) -> Location:
        if self.session.execute(
            select(locations.c.id).where(locations.c.code == location.code)
        ).first():
            raise Conflict(f"location {location.code!r} already exists", field="code")
        location.id = self.session.execute(
            insert(locations)
            .values(code=location.code, name=location.name)
            .returning(locations.c.id)
        ).scalar_one()
        self.lookups.remember(locations, location.code, location.id)
        return location

    def suppliers(self) -> dict[str, Supplier]:
        return {
            r.code: Supplier(r.code, r.name, r.lead_time_days, id=r.id)
            for r in self.session.execute(select(suppliers).order_by(suppliers.c.code))
        }

    def supplier(self, code: str, *, lock: bool = False) -> Supplier:
        query = select(suppliers).where(suppliers.c.code == code)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"unknown supplier {code!r}", field="supplier")
        return Supplier(row.code, row.name, row.lead_time_days, id=row.id)

    def update_supplier(self, supplier: Supplier) -> None:
        """Stores the supplier's name and lead time."""
        sup_id = self.lookups.id_of(suppliers, supplier.code, "supplier", "supplier")
        self.session.execute(
            update(suppliers)
            .where(suppliers.c.id == sup_id)
            .values(name=supplier.name, lead_time_days=supplier.lead_time_days)
        )

    def supplier_usages(self, code: str) -> builtins.list[str]:
        """What refers to supplier ``code`` (items, purchase orders); its row stays locked."""
        sup_id = self.lookups.id_of(suppliers, code, "supplier", "supplier")
        lock_row(self.session, suppliers, sup_id)
        return usages(self.session, suppliers, sup_id)

    def delete_supplier(self, code: str) -> None:
        sup_id = self.lookups.id_of(suppliers, code, "supplier", "supplier")
        self.session.execute(delete(suppliers).where(suppliers.c.id == sup_id))

    def add_supplier(self, supplier: Supplier) -> Supplier:
        if self.session.execute(
            select(suppliers.c.id).where(suppliers.c.code == supplier.code)
        ).first():
            raise Conflict(f"supplier {supplier.code!r} already exists", field="code")
        supplier.id = self.session.execute(
            insert(suppliers)
            .values(code=supplier.code, name=supplier.name, lead_time_days=supplier.lead_time_days)
            .returning(suppliers.c.id)
        ).scalar_one()
        self.lookups.remember(suppliers, supplier.code, supplier.id)
        return supplier
