"""allocation marks: a change mark per item and the database's epoch

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 22:00:00.000000
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    marks = op.create_table(
        "allocation_marks",
        sa.Column(
            "item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("mark", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_allocation_marks")),
    )
    # The epoch: allocations a running process kept from another database are never current here.
    op.bulk_insert(marks, [{"item_id": 0, "mark": secrets.randbits(62)}])


def downgrade() -> None:
    op.drop_table("allocation_marks")
