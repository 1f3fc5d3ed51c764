"""how many keys of the pseudonymisation chain the stored pseudonyms went through

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 20:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pseudonym_key_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keys_applied', sa.Integer(), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name='ck_pseudonym_key_state_single_row'),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('pseudonym_key_state')
