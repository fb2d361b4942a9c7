"""The location repository: locations and suppliers."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict, NotFound
from takt.domain.locations import Location
from takt.domain.partners import Supplier
from takt.store.lookups import Lookups
from takt.store.tables import locations, suppliers


class SqlLocationRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def get(self, code: str) -> Location:
        row = self.session.execute(select(locations).where(locations.c.code == code)).first()
        if row is None:
            raise NotFound(f"unknown location {code!r}", field="location")
        return Location(row.code, row.name, id=row.id)

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
