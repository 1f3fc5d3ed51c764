"""foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 20:02:39.364072
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('api_key',
    sa.Column('key_id', sa.Text(), nullable=False),
    sa.Column('secret_sha256', sa.LargeBinary(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('ght_id', sa.Text(), nullable=True),
    sa.Column('finess_ejs', sa.ARRAY(sa.Text()), nullable=False),
    sa.Column('region', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_table('consultation_record',
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Text(), nullable=False),
    sa.Column('patient_pseudonym', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('finess_et', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ace_billed', sa.Boolean(), nullable=False),
    sa.Column('eligible_pathway', sa.Text(), nullable=True)
    )
    op.create_index('ux_consultation_record_key', 'consultation_record', ['submission_id', 'consultation_id'], unique=True)
    op.create_table('document_record',
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Text(), nullable=True),
    sa.Column('patient_pseudonym', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('encounter_id', sa.Text(), nullable=True),
    sa.Column('consultation_id', sa.Text(), nullable=True),
    sa.Column('stay_group_id', sa.Text(), nullable=True),
    sa.Column('type_code', sa.Text(), nullable=False),
    sa.Column('produced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('format', sa.Text(), nullable=False),
    sa.Column('ins_qualified', sa.Boolean(), nullable=False),
    sa.Column('datamatrix', sa.Boolean(), nullable=True),
    sa.Column('dmp_status', sa.Text(), nullable=True),
    sa.Column('dmp_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dmp_lot_id', sa.Text(), nullable=True),
    sa.Column('subcontracted', sa.Boolean(), nullable=True),
    sa.Column('no_transmission', sa.Boolean(), nullable=True),
    sa.Column('discipline', sa.Text(), nullable=True),
    sa.Column('modality', sa.Text(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True)
    )
    op.create_index('ux_document_record_key', 'document_record', ['submission_id', 'document_id', 'version'], unique=True)
    op.create_table('encounter_record',
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('encounter_id', sa.Text(), nullable=False),
    sa.Column('patient_pseudonym', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('finess_et', sa.Text(), nullable=False),
    sa.Column('activity', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('admitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('discharged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stay_group_id', sa.Text(), nullable=True),
    sa.Column('age_at_admission', sa.Integer(), nullable=True),
    sa.Column('surgical_act', sa.Boolean(), nullable=True),
    sa.Column('eligible_pathway', sa.Text(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True)
    )
    op.create_index('ux_encounter_record_key', 'encounter_record', ['submission_id', 'encounter_id'], unique=True)
    op.create_table('ght_version',
    sa.Column('ght_id', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('region', sa.Text(), nullable=False),
    sa.Column('support_finess_ej', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('ght_id', 'valid_from', 'recorded_at')
    )
    op.create_table('legal_entity_version',
    sa.Column('finess_ej', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('ght_id', sa.Text(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('has_surgery', sa.Boolean(), nullable=False),
    sa.Column('has_ace', sa.Boolean(), nullable=False),
    sa.Column('has_internal_lab', sa.Boolean(), nullable=False),
    sa.Column('has_imaging', sa.Boolean(), nullable=False),
    sa.Column('is_had', sa.Boolean(), nullable=False),
    sa.Column('had_no_ods_attestation', sa.Boolean(), nullable=False),
    sa.Column('candidate_indicators', sa.ARRAY(sa.Text()), nullable=False),
    sa.Column('sunes_achieved', sa.ARRAY(sa.Text()), nullable=False),
    sa.Column('policies', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('finess_ej', 'valid_from', 'recorded_at')
    )
    op.create_index(op.f('ix_legal_entity_version_ght_id'), 'legal_entity_version', ['ght_id'], unique=False)
    op.create_table('message_record',
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=False),
    sa.Column('patient_pseudonym', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sender_finess', sa.Text(), nullable=False),
    sa.Column('to_health_correspondent', sa.Boolean(), nullable=True),
    sa.Column('has_cda_xdm', sa.Boolean(), nullable=True),
    sa.Column('attachment_ins_qualified', sa.Boolean(), nullable=True)
    )
    op.create_index('ux_message_record_key', 'message_record', ['submission_id', 'message_id'], unique=True)
    op.create_table('patient_record',
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('patient_pseudonym', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('ins_pseudonym', sa.Uuid(as_uuid=False), nullable=True),
    sa.Column('identity_status', sa.Text(), nullable=False),
    sa.Column('identity_doubtful', sa.Boolean(), nullable=True),
    sa.Column('identity_fictitious', sa.Boolean(), nullable=True),
    sa.Column('mes_status', sa.Text(), nullable=True)
    )
    op.create_index('ux_patient_record_key', 'patient_record', ['submission_id', 'patient_pseudonym'], unique=True)
    op.create_table('site_version',
    sa.Column('finess_et', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('finess_ej', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('finess_et', 'valid_from', 'recorded_at')
    )
    op.create_index(op.f('ix_site_version_finess_ej'), 'site_version', ['finess_ej'], unique=False)
    op.create_table('submission',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('finess_ej', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('content_sha256', sa.Text(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('file_format', sa.Text(), nullable=False),
    sa.Column('encoding', sa.Text(), nullable=True),
    sa.Column('delimiter', sa.Text(), nullable=True),
    sa.Column('allow_empty', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('uploaded_by', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.Column('issue_total', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('issues', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('finess_ej', 'period', 'kind', 'version')
    )
    op.create_index('ix_submission_file', 'submission', ['finess_ej', 'kind', 'period', 'received_at'], unique=False)
    


def downgrade() -> None:
    
    op.drop_index('ix_submission_file', table_name='submission')
    op.drop_table('submission')
    op.drop_index(op.f('ix_site_version_finess_ej'), table_name='site_version')
    op.drop_table('site_version')
    op.drop_index('ux_patient_record_key', table_name='patient_record')
    op.drop_table('patient_record')
    op.drop_index('ux_message_record_key', table_name='message_record')
    op.drop_table('message_record')
    op.drop_index(op.f('ix_legal_entity_version_ght_id'), table_name='legal_entity_version')
    op.drop_table('legal_entity_version')
    op.drop_table('ght_version')
    op.drop_index('ux_encounter_record_key', table_name='encounter_record')
    op.drop_table('encounter_record')
    op.drop_index('ux_document_record_key', table_name='document_record')
    op.drop_table('document_record')
    op.drop_index('ux_consultation_record_key', table_name='consultation_record')
    op.drop_table('consultation_record')
    op.drop_table('api_key')
    
