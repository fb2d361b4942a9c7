"""Master data use cases: items, BOMs, routings, workstations, operators, locations, suppliers."""

from __future__ import annotations

from takt.app.ports import UnitOfWork
from takt.domain.bom import Bom, BomBook
from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item
from takt.domain.locations import Location
from takt.domain.partners import Supplier
from takt.domain.routing import Routing
from takt.domain.workstations import Operator, Workstation


def add_item(item: Item, uow: UnitOfWork) -> Item:
    """Creates ``item``; its SKU must be new, its supplier and template must exist."""
    with uow:
        if item.variant_of is not None:
            template = uow.items.get(item.variant_of)
            if template.variant_of is not None:
                raise DomainError(
                    f"{item.variant_of} is itself a variant of {template.variant_of}; "
                    "point the variant at the template",
                    field="variant_of",
                )
        uow.items.add(item)
        uow.commit()
        return item


def set_bom(bom: Bom, uow: UnitOfWork) -> Bom:
    """Replaces the BOM of ``bom.item`` after checking components, units and cycles."""
    with uow:
        book = BomBook(uow.items.by_sku(), uow.recipes.boms())
        book.check(bom)
        uow.recipes.set_bom(bom)
        uow.commit()
        return bom


def set_routing(routing: Routing, uow: UnitOfWork) -> Routing:
    """Replaces the routing of ``routing.item``; every workstation must exist."""
    with uow:
        item = uow.items.get(routing.item)
        if not item.is_made:
            raise DomainError(f"{item.sku} is a material (bought): it has no routing", "item")
        known = uow.resources.workstations()
        for op in routing.operations:
            if op.workstation not in known:
                raise NotFound(f"unknown workstation {op.workstation!r}", field="workstation")
        uow.recipes.set_routing(routing)
        uow.commit()
        return routing


def add_workstation(workstation: Workstation, uow: UnitOfWork) -> Workstation:
    with uow:
        uow.resources.add_workstation(workstation)
        uow.commit()
        return workstation


def add_operator(operator: Operator, uow: UnitOfWork) -> Operator:
    with uow:
        uow.resources.add_operator(operator)
        uow.commit()
        return operator


def add_location(location: Location, uow: UnitOfWork) -> Location:
    with uow:
        uow.locations.add(location)
        uow.commit()
        return location


def add_supplier(supplier: Supplier, uow: UnitOfWork) -> Supplier:
    with uow:
        uow.locations.add_supplier(supplier)
        uow.commit()
        return supplier
