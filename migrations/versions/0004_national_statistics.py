"""national statistics: column mappings, versioned imports and their rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = ('documents', 'documents_ins_qualified', 'lots', 'calls', 'messages', 'messages_with_documents',
           'patients_messaged')


def upgrade() -> None:
    op.create_table('national_mapping',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('dataset', sa.Text(), nullable=False),
    sa.Column('headers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('recorded_by', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'recorded_at')
    )
    op.create_table('national_import',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('dataset', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=True),
    sa.Column('mapping_name', sa.Text(), nullable=True),
    sa.Column('mapping_headers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dataset', 'version')
    )
    op.create_table('national_row',
    sa.Column('import_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('finess', sa.Text(), nullable=True),
    sa.Column('finess_kind', sa.Text(), nullable=True),
    sa.Column('area', sa.Text(), nullable=True),
    sa.Column('type_code', sa.Text(), nullable=True),
    *(sa.Column(name, sa.BigInteger(), nullable=True) for name in _COUNTS),
    sa.Column('rate', sa.Numeric(), nullable=True)
    )
    op.create_index('ix_national_row_import', 'national_row', ['import_id', 'period'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_national_row_import', table_name='national_row')
    op.drop_table('national_row')
    op.drop_table('national_import')
    op.drop_table('national_mapping')
