"""A use case's refusal as a form shows it: led by the name of the field it is about."""

from __future__ import annotations

from takt.domain.errors import DomainError

LABELS = {
    "customer": "Customer",
    "delivery_date": "Delivery date",
    "sku": "Item",
    "quantity": "Quantity",
    "unit_price": "Unit price",
    "line": "Line",
    "lines": "Lines",
    "status": "Order",
    "order": "Order",
}


def labelled(exc: DomainError, prefix: str = "") -> DomainError:
    """``exc`` with its message led by the field's name (unless it already is)."""
    label = LABELS.get(exc.field or "", (exc.field or "request").replace("_", " ").capitalize())
    label = f"{prefix}{label[0].lower()}{label[1:]}" if prefix else label
    if exc.message.lower().startswith(label.lower()):
        return exc
    return DomainError(f"{label}: {exc.message}", field=exc.field)
