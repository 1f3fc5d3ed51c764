"""The tables of the oversight around the monthly records: national statistics and their
mappings, the monthly workflow, the audit trail, purged months and the pseudonymisation key
state. Declared in the same SQLModel metadata as `tables` (which imports this module)."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from adapters.persistence.tables import metadata, now_column


class NationalMapping(SQLModel, table=True):
    """A named column mapping of a national dataset; a new version is recorded on each change."""

    __tablename__ = "national_mapping"
    name: str = Field(primary_key=True)
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), primary_key=True, server_default=text("clock_timestamp()"))
    )
    dataset: str
    headers: dict[str, str] = Field(sa_column=Column(JSONB, nullable=False))
    recorded_by: str


class NationalImport(SQLModel, table=True):
    """One imported national file, versioned per dataset, with the mapping it was read through."""

    __tablename__ = "national_import"
    __table_args__ = (UniqueConstraint("dataset", "version"),)
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    dataset: str
    version: int
    content_sha256: str
    file_name: str | None = None
    mapping_name: str | None = None
    mapping_headers: dict[str, str] = Field(sa_column=Column(JSONB, nullable=False))
    row_count: int
    imported_by: str
    imported_at: datetime = Field(sa_column=now_column())


class MonthTransitionRow(SQLModel, table=True):
    """A step of an entity-month's workflow, append-only: the current state is the last one's."""

    __tablename__ = "month_transition"
    __table_args__ = (Index("ix_month_transition_month", "finess_ej", "period", "id"),)
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    finess_ej: str
    period: str
    transition: str
    from_state: str
    to_state: str
    actor: str
    role: str
    reason: str | None = None
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEventRow(SQLModel, table=True):
    """Who read or changed what, when; append-only (a trigger refuses updates and deletes)."""

    __tablename__ = "audit_event"
    # One successor per event: two appends that read the same last event cannot both be kept.
    __table_args__ = (UniqueConstraint("previous_hash", name="ux_audit_event_previous_hash"),)
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str
    role: str
    action: str  # read | write | export
    method: str
    path: str
    query: str
    status: int
    previous_hash: str  # the hash of the event before (chained: tamper-evident)
    hash: str


class PurgedMonth(SQLModel, table=True):
    """An entity-month whose submissions and line-level records were purged (retention): its
    reads answer its last stored counting instead of recounting from nothing."""

    __tablename__ = "purged_month"
    finess_ej: str = Field(primary_key=True)
    period: str = Field(primary_key=True)
    purged_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class PseudonymKeyState(SQLModel, table=True):
    """How many keys of the pseudonymisation chain the stored pseudonyms went through (one row;
    none before the first rotation): the service refuses to start on a chain that differs."""

    __tablename__ = "pseudonym_key_state"
    __table_args__ = (CheckConstraint("id = 1", name="ck_pseudonym_key_state_single_row"),)
    id: int = Field(primary_key=True)
    keys_applied: int
    rotated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


NATIONAL_COUNT_COLUMNS = (
    "documents",
    "documents_ins_qualified",
    "lots",
    "calls",
    "messages",
    "messages_with_documents",
    "patients_messaged",
)

Table(
    "national_row",
    metadata,
    Column("import_id", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("period", Text, nullable=False),
    Column("finess", Text),
    Column("finess_kind", Text),
    Column("area", Text),
    Column("type_code", Text),
    *(Column(name, BigInteger) for name in NATIONAL_COUNT_COLUMNS),
    Column("rate", Numeric),
    Index("ix_national_row_import", "import_id", "period"),
)
