"""entity-months whose submissions and line-level records were purged (retention)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 20:05:00

Reads of a purged month answer its last stored counting instead of recounting from nothing.
Going down forgets which months were purged: their reads would recount from what remains.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('purged_month',
    sa.Column('finess_ej', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('finess_ej', 'period')
    )


def downgrade() -> None:
    op.drop_table('purged_month')
