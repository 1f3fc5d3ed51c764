"""stored indicator countings

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('indicator_counting',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('finess_ej', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('inputs_sha256', sa.Text(), nullable=False),
    sa.Column('input_files', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('prescription_produced', sa.Boolean(), nullable=False),
    sa.Column('patients_missing_from_file', sa.Integer(), nullable=False),
    sa.Column('countings', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('finess_ej', 'period', 'inputs_sha256', 'as_of')
    )
    op.create_index('ix_indicator_counting_lookup', 'indicator_counting', ['finess_ej', 'period', 'inputs_sha256'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_indicator_counting_lookup', table_name='indicator_counting')
    op.drop_table('indicator_counting')
