"""A partner's own reference for an order: the customer's PO number, the supplier's order number.

Free text, optional (empty when none was given), at most ``REFERENCE_LENGTH`` characters. It is
how the partner names the order in their mail and their files, so an import recognises an order
it has already brought in by it.
"""

from __future__ import annotations

from takt.domain.errors import DomainError

REFERENCE_LENGTH = 64


def check_reference(reference: str) -> None:
    """Raises ``DomainError`` (field "reference") for a reference that is too long."""
    if len(reference) > REFERENCE_LENGTH:
        raise DomainError(
            f"reference must be at most {REFERENCE_LENGTH} characters, got {len(reference)}",
            field="reference",
        )
