"""an index of the MOs made to order, by their sales line

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 02:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Partial: only the few MOs made to order, which allocation reads by item for every
    # shipment, instead of scanning every MO.
    op.create_index(
        "ix_manufacturing_orders_sales_line",
        "manufacturing_orders",
        ["sales_line_id"],
        postgresql_where=sa.text("sales_line_id IS NOT NULL"),
        sqlite_where=sa.text("sales_line_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_manufacturing_orders_sales_line", table_name="manufacturing_orders")
