"""the partner's reference on sales and purchase orders

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, partner column, index of the partner's references)
TABLES = (
    ("sales_orders", "customer_id", "ix_sales_orders_customer_reference"),
    ("purchase_orders", "supplier_id", "ix_purchase_orders_supplier_reference"),
)


def upgrade() -> None:
    for table, partner, index in TABLES:
        # Empty, not NULL, for "none given": one way to say it, and existing orders get it.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("reference", sa.String(64), server_default="", nullable=False)
            )
        # Not unique: a customer may repeat a reference (call-offs against one blanket PO), and
        # a cancelled order's may come back. The import looks its references up by partner.
        op.create_index(index, table, [partner, "reference"])


def downgrade() -> None:
    for table, _partner, index in TABLES:
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("reference")
