"""API keys hashed with Argon2id, with an expiry and the date of their last use

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 20:00:00

Existing keys keep their SHA-256 (`secret_sha256`, now nullable) until their first use, when the
service replaces it by an Argon2id hash (`secret_hash`). Going down, a key that holds only an
Argon2id hash cannot be expressed with a SHA-256: it is revoked and given a digest no secret
matches, as is an expired key (the old schema knows no expiry), so that none comes back to life.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('api_key', sa.Column('secret_hash', sa.Text(), nullable=True))
    op.add_column('api_key', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('api_key', sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    op.alter_column('api_key', 'secret_sha256', existing_type=sa.LargeBinary(), nullable=True)
    op.create_check_constraint('ck_api_key_has_a_secret', 'api_key',
                               'secret_hash IS NOT NULL OR secret_sha256 IS NOT NULL')


def downgrade() -> None:
    # 16 random bytes: never the 32 of a SHA-256, so no secret matches them.
    op.execute("UPDATE api_key SET revoked_at = coalesce(revoked_at, clock_timestamp()), "
               "secret_sha256 = coalesce(secret_sha256, decode(md5(random()::text), 'hex')) "
               "WHERE secret_sha256 IS NULL OR expires_at <= clock_timestamp()")
    op.drop_constraint('ck_api_key_has_a_secret', 'api_key', type_='check')
    op.alter_column('api_key', 'secret_sha256', existing_type=sa.LargeBinary(), nullable=False)
    op.drop_column('api_key', 'last_used_at')
    op.drop_column('api_key', 'expires_at')
    op.drop_column('api_key', 'secret_hash')
