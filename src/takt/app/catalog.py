"""Master data use cases: items, BOMs, routings, workstations, operators, locations, customers
and suppliers: add, change (``update_*``: the fields given, the record's own rules checked
again) and delete (``delete_*``: refused with ``InUse`` while anything refers to the record)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from takt.app.ports import (
    UnitOfWork,
)
from takt.domain.bom import Bom, BomBook
from takt.domain.errors import Conflict, DomainError, NotFound
from takt.domain.items import Item, check_change
from takt.domain.locations import Location
from takt.domain.partners import Customer, Supplier
from takt.domain.routing import Routing
from takt.domain.workstations import Operator, Workstation

R = TypeVar("R")


class InUse(Conflict):
    """A record that others refer to (stock, orders, BOM lines, routings...) is not deleted:
    the history that refers to it must stay readable."""


ITEM_FIELDS = frozenset(
    {
        "name",
        "kind",
        "unit",
        "purchase_unit",
        "default_supplier",
        "lead_time_days",
        "min_order_qty",
        "order_multiple",
        "reorder_point",
        "safety_stock",
        "batch_tracked",
        "allow_negative_stock",
        "sales_price",
        "standard_cost",
        "variant_of",
        "variant_attributes",
        "valuation",
    }
)
WORKSTATION_FIELDS = frozenset({"name", "cost_per_hour", "parallel_units", "calendar"})
OPERATOR_FIELDS = frozenset({"name", "workstations"})
LOCATION_FIELDS = frozenset({"name"})
CUSTOMER_FIELDS = frozenset({"name", "email"})
SUPPLIER_FIELDS = frozenset({"name", "lead_time_days"})


def _changed(record: R, changes: Mapping[str, Any], editable: frozenset[str]) -> R:
    """``record`` with ``changes`` applied; its own checks (``__post_init__``) run again."""
    for name in sorted(changes):
        if name not in editable:
            raise DomainError(f"{name} cannot be changed", field=name)
    return replace(record, **changes)  # type: ignore[type-var]


def _found(read: Callable[[], R]) -> R:
    """``read()``, its ``NotFound`` naming the path's ``code``."""
    try:
        return read()
    except NotFound as exc:
        raise NotFound(exc.message, field="code") from exc


def locked_workstation(uow: UnitOfWork, code: str) -> Workstation:
    """Workstation ``code``, its row locked to the end of the transaction; ``NotFound``."""
    return _found(lambda: uow.resources.workstation(code, lock=True))


def locked_operator(uow: UnitOfWork, code: str) -> Operator:
    return _found(lambda: uow.resources.operator(code, lock=True))


def locked_location(uow: UnitOfWork, code: str) -> Location:
    return _found(lambda: uow.locations.get(code, lock=True))


def locked_customer(uow: UnitOfWork, code: str) -> Customer:
    return _found(lambda: uow.partners.customer(code, lock=True))


def locked_supplier(uow: UnitOfWork, code: str) -> Supplier:
    return _found(lambda: uow.locations.supplier(code, lock=True))


def _refuse_if_used(what: str, used: list[str], field: str) -> None:
    if used:
        raise InUse(
            f"{what} is used by {', '.join(used)}: it cannot be deleted "
            "(the records that refer to it must stay readable)",
            field=field,
        )


def _check_template(uow: UnitOfWork, sku: str, template_sku: str) -> None:
    template = uow.items.find(template_sku)
    if template is None:
        raise NotFound(f"unknown template SKU {template_sku!r}", field="variant_of")
    if template.variant_of is not None:
        raise DomainError(
            f"{template_sku} is itself a variant of {template.variant_of}; "
            "point the variant at the template",
            field="variant_of",
        )


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


def update_item(sku: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Item:
    """Changes the fields in ``changes`` (names of ``Item`` fields in ``ITEM_FIELDS``) of item
    ``sku``. The unit changes only while nothing refers to the item; batch tracking and valuation
    only with nothing on hand; a made item becomes a material only without BOM and routing; a
    variant's template must exist and be no variant, and an item with variants is no variant."""
    with uow:
        old = uow.stock.lock_items([sku])[sku]
        new = _changed(old, changes, ITEM_FIELDS)
        if new == old:
            return old
        used = uow.items.usages(sku)
        has_recipe = uow.recipes.bom(sku) is not None or uow.recipes.routing(sku) is not None
        on_hand = uow.stock.on_hand([sku])[sku]
        check_change(old, new, referenced=bool(used), on_hand=on_hand, has_recipe=has_recipe)
        if new.variant_of is not None and new.variant_of != old.variant_of:
            _check_template(uow, sku, new.variant_of)
            if "variants" in used:
                raise DomainError(
                    f"{sku} is the template of other items: it cannot be a variant itself",
                    field="variant_of",
                )
        uow.items.update(new)
        uow.commit()
        return new


def delete_item(sku: str, uow: UnitOfWork) -> Item:
    """Deletes item ``sku`` with its own BOM and routing; ``InUse`` while stock, ledger entries,
    orders, other BOMs or variants refer to it."""
    with uow:
        item = uow.stock.lock_items([sku])[sku]
        items = uow.items
        _refuse_if_used(f"item {sku}", items.usages(sku), "sku")
        items.delete(sku)
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


def update_workstation(code: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Workstation:
    """Changes name, rate, parallel units or (the whole) calendar of workstation ``code``."""
    with uow:
        resources = uow.resources
        old = locked_workstation(uow, code)
        new = _changed(old, changes, WORKSTATION_FIELDS)
        if new != old:
            resources.update_workstation(new)
            uow.commit()
        return new


def delete_workstation(code: str, uow: UnitOfWork) -> Workstation:
    """Deletes workstation ``code`` with its calendar (operators no longer run it); ``InUse``
    while a routing or an MO's task refers to it."""
    with uow:
        resources = uow.resources
        old = locked_workstation(uow, code)
        _refuse_if_used(f"workstation {code}", resources.workstation_usages(code), "code")
        resources.delete_workstation(code)
        uow.commit()
        return old


def add_operator(operator: Operator, uow: UnitOfWork) -> Operator:
    with uow:
        uow.resources.add_operator(operator)
        uow.commit()
        return operator


def update_operator(code: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Operator:
    """Changes the name or (all of) the workstations operator ``code`` runs; each must exist."""
    with uow:
        resources = uow.resources
        old = locked_operator(uow, code)
        new = _changed(old, changes, OPERATOR_FIELDS)
        if new != old:
            resources.update_operator(new)
            uow.commit()
        return new


def delete_operator(code: str, uow: UnitOfWork) -> Operator:
    """Deletes operator ``code``; ``InUse`` while a task or a user account refers to them."""
    with uow:
        resources = uow.resources
        old = locked_operator(uow, code)
        _refuse_if_used(f"operator {code}", resources.operator_usages(code), "code")
        resources.delete_operator(code)
        uow.commit()
        return old


def add_location(location: Location, uow: UnitOfWork) -> Location:
    with uow:
        uow.locations.add(location)
        uow.commit()
        return location


def update_location(code: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Location:
    with uow:
        locations = uow.locations
        old = locked_location(uow, code)
        new = _changed(old, changes, LOCATION_FIELDS)
        if new != old:
            locations.update(new)
            uow.commit()
        return new


def delete_location(code: str, uow: UnitOfWork) -> Location:
    """Deletes location ``code``; ``InUse`` while stock, ledger entries or orders refer to it."""
    with uow:
        locations = uow.locations
        old = locked_location(uow, code)
        _refuse_if_used(f"location {code}", locations.usages(code), "code")
        locations.delete(code)
        uow.commit()
        return old


def update_customer(code: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Customer:
    with uow:
        partners = uow.partners
        old = locked_customer(uow, code)
        new = _changed(old, changes, CUSTOMER_FIELDS)
        if new != old:
            partners.update_customer(new)
            uow.commit()
        return new


def delete_customer(code: str, uow: UnitOfWork) -> Customer:
    """Deletes customer ``code``; ``InUse`` while a sales order refers to them."""
    with uow:
        partners = uow.partners
        old = locked_customer(uow, code)
        _refuse_if_used(f"customer {code}", partners.customer_usages(code), "code")
        partners.delete_customer(code)
        uow.commit()
        return old


def update_supplier(code: str, changes: Mapping[str, Any], uow: UnitOfWork) -> Supplier:
    with uow:
        locations = uow.locations
        old = locked_supplier(uow, code)
        new = _changed(old, changes, SUPPLIER_FIELDS)
        if new != old:
            locations.update_supplier(new)
            uow.commit()
        return new


def delete_supplier(code: str, uow: UnitOfWork) -> Supplier:
    """Deletes supplier ``code``; ``InUse`` while an item or a purchase order refers to it."""
    with uow:
        locations = uow.locations
        old = locked_supplier(uow, code)
        _refuse_if_used(f"supplier {code}", locations.supplier_usages(code), "code")
        locations.delete_supplier(code)
        uow.commit()
        return old


def add_supplier(supplier: Supplier, uow: UnitOfWork) -> Supplier:
    with uow:
        uow.locations.add_supplier(supplier)
        uow.commit()
        return supplier
