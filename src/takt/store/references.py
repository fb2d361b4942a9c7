"""Orders looked up by their partner's reference: sales orders by customer, purchase orders by
supplier (see ``takt.domain.references``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Column, Table, select
from sqlalchemy.orm import Session

from takt.store.bulk import one_of


def orders_by_reference(
    session: Session,
    orders: Table,
    partners: Table,
    partner_id: Column[int],
    cancelled: str,
    keys: Collection[tuple[str, str]],
) -> dict[tuple[str, str], str]:
    """The number of each order of ``orders`` that is not ``cancelled``, by its (partner code,
    reference), for the ``keys`` asked about, in one light query; of orders sharing a key, the
    first created."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.execute(
        select(partners.c.code, orders.c.reference, orders.c.number)
        .join(partners, partners.c.id == partner_id)
        .where(
            # By partner and reference, as the index is: the pairs are sorted out below.
            one_of(session, partners.c.code, sorted({k[0] for k in wanted})),
            one_of(session, orders.c.reference, sorted({k[1] for k in wanted})),
            orders.c.status != cancelled,
        )
        # Newest first: the dict keeps the last row of each key, the first created.
        .order_by(orders.c.id.desc())
    )
    found = {(str(code), str(ref)): str(number) for code, ref, number in rows}
    return {key: number for key, number in found.items() if key in wanted}
