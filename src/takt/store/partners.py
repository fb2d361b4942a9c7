"""The partner repository: customers (and suppliers, which the location repository also serves)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict, NotFound
from takt.domain.partners import Customer
from takt.store.items import lock_row, usages
from takt.store.lookups import Lookups
from takt.store.tables import customers


class SqlPartnerRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def customer(self, code: str, *, lock: bool = False) -> Customer:
        query = select(customers).where(customers.c.code == code)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"unknown customer {code!r}", field="customer")
        return Customer(row.code, row.name, row.email, id=row.id)

    def customers(self) -> dict[str, Customer]:
        return {
            r.code: Customer(r.code, r.name, r.email, id=r.id)
            for r in self.session.execute(select(customers).order_by(customers.c.code))
        }

    def add_customer(self, customer: Customer) -> Customer:
        if self.session.execute(
            select(customers.c.id).where(customers.c.code == customer.code)
        ).first():
            raise Conflict(f"customer {customer.code!r} already exists", field="code")
        customer.id = self.session.execute(
            insert(customers)
            .values(code=customer.code, name=customer.name, email=customer.email)
            .returning(customers.c.id)
        ).scalar_one()
        self.lookups.remember(customers, customer.code, customer.id)
        return customer

    def update_customer(self, customer: Customer) -> None:
        """Stores the customer's name and e-mail."""
        cust_id = self.lookups.id_of(customers, customer.code, "customer", "customer")
        self.session.execute(
            update(customers)
            .where(customers.c.id == cust_id)
            .values(name=customer.name, email=customer.email)
        )

    def customer_usages(self, code: str) -> list[str]:
        """What refers to customer ``code`` (sales orders); its row stays locked."""
        cust_id = self.lookups.id_of(customers, code, "customer", "customer")
        lock_row(self.session, customers, cust_id)
        return usages(self.session, customers, cust_id)

    def delete_customer(self, code: str) -> None:
        cust_id = self.lookups.id_of(customers, code, "customer", "customer")
        self.session.execute(delete(customers).where(customers.c.id == cust_id))
