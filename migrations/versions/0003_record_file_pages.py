"""block-range indexes of the record tables by submission

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 18:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ('patient_record', 'encounter_record', 'consultation_record', 'document_record', 'message_record')


def upgrade() -> None:
    for table in _TABLES:
        op.create_index(f'ix_{table}_file_pages', table, ['submission_id'], unique=False,
                        postgresql_using='brin', postgresql_with={'autosummarize': 'on'})


def downgrade() -> None:
    for table in _TABLES:
        op.drop_index(f'ix_{table}_file_pages', table_name=table)
