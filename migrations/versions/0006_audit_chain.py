"""audit trail chained by hashes (tamper-evident)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 0005 and 0006 were released together, so the trail is empty here. Should it not be, events
    # recorded unchained cannot be chained afterwards (the trail refuses updates), and are neither
    # deleted nor given made-up hashes: the upgrade stops and says so.
    if op.get_bind().execute(sa.text("SELECT EXISTS (SELECT 1 FROM audit_event)")).scalar():
        raise RuntimeError("audit_event holds events recorded before the hash chain; archive them and empty "
                           "the table (its trigger must be disabled to do so) before upgrading")
    op.add_column('audit_event', sa.Column('previous_hash', sa.Text(), nullable=False))
    op.add_column('audit_event', sa.Column('hash', sa.Text(), nullable=False))
    op.create_unique_constraint('ux_audit_event_previous_hash', 'audit_event', ['previous_hash'])


def downgrade() -> None:
    op.drop_constraint('ux_audit_event_previous_hash', 'audit_event')
    op.drop_column('audit_event', 'hash')
    op.drop_column('audit_event', 'previous_hash')
