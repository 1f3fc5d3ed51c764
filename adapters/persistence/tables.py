"""The schema, declared once as SQLModel tables; Alembic migrations are checked against it.

Referential tables are append-only versions (effective date `valid_from`, record instant
`recorded_at`). Record tables hold the rows of accepted submissions, patient identifiers only
as pseudonyms (128-bit, stored as `uuid`: fixed width, fast to join).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from domain.submissions.record_kinds import RECORD_KINDS, FieldType, RecordKind

metadata = SQLModel.metadata


def now_column() -> Any:
    return Column(DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()"))


class GhtVersion(SQLModel, table=True):
    __tablename__ = "ght_version"
    ght_id: str = Field(primary_key=True)
    valid_from: date = Field(primary_key=True)
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), primary_key=True, server_default=text("clock_timestamp()"))
    )
    name: str
    region: str
    support_finess_ej: str


class LegalEntityVersion(SQLModel, table=True):
    __tablename__ = "legal_entity_version"
    finess_ej: str = Field(primary_key=True)
    valid_from: date = Field(primary_key=True)
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), primary_key=True, server_default=text("clock_timestamp()"))
    )
    name: str
    ght_id: str = Field(index=True)
    department: str
    active: bool = True
    has_surgery: bool
    has_ace: bool
    has_internal_lab: bool
    has_imaging: bool
    is_had: bool
    had_no_ods_attestation: bool
    candidate_indicators: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    sunes_achieved: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    policies: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))


class SiteVersion(SQLModel, table=True):
    __tablename__ = "site_version"
    finess_et: str = Field(primary_key=True)
    valid_from: date = Field(primary_key=True)
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), primary_key=True, server_default=text("clock_timestamp()"))
    )
    finess_ej: str = Field(index=True)
    name: str
    active: bool = True


class ApiKey(SQLModel, table=True):
    """A key's Argon2id hash (`secret_hash`), or for a key issued before 0007 and not used since,
    the SHA-256 of its secret (`secret_sha256`, replaced by an Argon2id hash on first use); the
    check constraint `ck_api_key_has_a_secret` of migration 0007 requires one of the two."""

    __tablename__ = "api_key"
    key_id: str = Field(primary_key=True)
    secret_hash: str | None = Field(default=None, sa_column=Column(Text))
    secret_sha256: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    name: str
    role: str
    ght_id: str | None = None
    finess_ejs: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    region: str | None = None
    created_at: datetime = Field(sa_column=now_column())
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Submission(SQLModel, table=True):
    """One upload of one file: accepted (with a version) or refused (with its issues)."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("finess_ej", "period", "kind", "version"),
        Index("ix_submission_file", "finess_ej", "kind", "period", "received_at"),
    )
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    finess_ej: str
    period: str
    kind: str
    status: str  # accepted | refused
    version: int | None = None
    content_sha256: str
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    row_count: int
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    allow_empty: bool = Field(sa_column=Column(Boolean, nullable=False, server_default=text("false")))
    uploaded_by: str
    received_at: datetime = Field(sa_column=now_column())
    issue_total: int = Field(sa_column=Column(Integer, nullable=False, server_default=text("0")))
    issues: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False, server_default="[]"))


class IndicatorCounting(SQLModel, table=True):
    """The nine countings of one entity-month as of one instant, kept with what they were counted
    from: reads reuse them while their inputs are unchanged, and an audit can replay them."""

    __tablename__ = "indicator_counting"
    __table_args__ = (
        UniqueConstraint("finess_ej", "period", "inputs_sha256", "as_of"),
        Index("ix_indicator_counting_lookup", "finess_ej", "period", "inputs_sha256"),
    )
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    finess_ej: str
    period: str
    inputs_sha256: str  # of the engine version, the entity's capabilities and policies, the files below
    input_files: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    as_of: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    valid_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    prescription_produced: bool
    patients_missing_from_file: int
    countings: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    computed_at: datetime = Field(sa_column=now_column())


_SQL_TYPES: dict[FieldType, Any] = {
    FieldType.TEXT: Text,
    FieldType.ENUM: Text,
    FieldType.SITE_FINESS: Text,
    FieldType.SENDER_FINESS: Text,
    FieldType.BOOL: Boolean,
    FieldType.INT: Integer,
    FieldType.DATETIME: DateTime(timezone=True),
    FieldType.PATIENT_ID: Uuid(as_uuid=False),
    FieldType.INS: Uuid(as_uuid=False),
}
_STORAGE_NAMES = {FieldType.PATIENT_ID: "patient_pseudonym", FieldType.INS: "ins_pseudonym"}


def record_table_name(kind: RecordKind) -> str:
    return f"{kind.value.removesuffix('s')}_record"


def storage_columns(kind: RecordKind) -> list[str]:
    """Column names of a record table in the order of the kind's fields."""
    return [storage_name(kind, spec.name) for spec in RECORD_KINDS[kind].fields]


def storage_name(kind: RecordKind, field: str) -> str:
    """The column holding `field`: identifiers are stored as pseudonyms under another name."""
    spec = RECORD_KINDS[kind].field(field)
    return _STORAGE_NAMES.get(spec.type, spec.name)


def _record_table(kind: RecordKind) -> None:
    spec = RECORD_KINDS[kind]
    name = record_table_name(kind)
    Table(
        name,
        metadata,
        Column("submission_id", BigInteger, nullable=False),
        Column("line_no", Integer, nullable=False),
        *(
            Column(column, _SQL_TYPES[field.type], nullable=not field.required)
            for column, field in zip(storage_columns(kind), spec.fields, strict=True)
        ),
        # Unique within a file: the index rejects duplicate ids during COPY, sparing a file-wide
        # GROUP BY after it, and serves every lookup by submission.
        Index(f"ux_{name}_key", "submission_id", *(storage_name(kind, field) for field in spec.key), unique=True),
        # A file's rows are written by one COPY, so they fill neighbouring pages: block ranges of
        # submission ids let a counting read only its entity's current files, not every entity's
        # rows (the key index would fetch them in id order, scattered).
        Index(
            f"ix_{name}_file_pages", "submission_id", postgresql_using="brin", postgresql_with={"autosummarize": "on"}
        ),
    )


for _kind in RecordKind:
    _record_table(_kind)

# The tables of the oversight around the records (national statistics, workflow, audit, retention,
# pseudonymisation keys) live in their own module; importing it here declares them in `metadata`.
from adapters.persistence import oversight_tables  # noqa: E402, F401

__all__ = ["metadata", "now_column", "record_table_name", "storage_columns", "storage_name"]
