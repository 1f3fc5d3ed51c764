"""SQL of the records' latest state as of an instant (data-contract.md, "Submission rules").

The current version of each (entity, month, kind) file is its highest version received at or
before the as-of instant; a record's state is its row in the most recent of those files that
holds its identity (for documents: the highest document version first, decision D15).
"""

from adapters.persistence.tables import record_table_name, storage_name
from domain.submissions.record_kinds import RECORD_KINDS, FieldType, RecordKind

CURRENT_FILES = """
SELECT DISTINCT ON (period) id, received_at, period
FROM submission
WHERE finess_ej = {finess_ej} AND kind = {kind} AND status = 'accepted' AND received_at <= {as_of}
ORDER BY period, version DESC
"""


ENTITIES_CURRENT_FILES = """
SELECT DISTINCT ON (finess_ej, kind, period) finess_ej, id, kind, period, version
FROM submission
WHERE finess_ej = ANY({finess_ejs}) AND status = 'accepted' AND received_at <= {as_of}
ORDER BY finess_ej, kind, period, version DESC
"""
"""Every current file of the entities, all kinds and months: what a counting reads."""

IN_FILES = "r.submission_id = ANY (ARRAY(SELECT id FROM {files}))"
"""Restricts record rows `r` to files of a subquery as a list of ids, which the block-range index
serves; the join alone would scan every entity's rows."""

MONTH_PATIENTS_TABLE = "current_patients"
"""The temporary table of every month's current patients file (each holds its own month's, D4)."""


def current_records(kind: RecordKind) -> str:
    """The temporary table a counting transaction holds the latest state of `kind` in (see
    `counting_state`)."""
    return f"current_{kind.value}"


def current_cte(kind: RecordKind) -> str:
    """A common table expression over `current_records(kind)`, inlined rather than copied."""
    return f"NOT MATERIALIZED (SELECT * FROM {current_records(kind)})"


def latest_records_sql(kind: RecordKind, *, finess_ej: str = "$1", as_of: str = "$2") -> str:
    """Rows of the latest state of one entity's records of `kind`; `finess_ej` and `as_of` name
    the query's parameters (by default $1 and $2)."""
    spec = RECORD_KINDS[kind]
    identity = ", ".join(f"r.{storage_name(kind, name)}{_byte_order(spec.field(name).type)}" for name in spec.identity)
    version_first = "r.version DESC, " if "version" in spec.key else ""
    return f"""
WITH current_files AS ({CURRENT_FILES.format(finess_ej=finess_ej, kind=f"'{kind.value}'", as_of=as_of)})
SELECT DISTINCT ON ({identity}) r.*
FROM {record_table_name(kind)} r JOIN current_files f ON f.id = r.submission_id
WHERE {IN_FILES.format(files="current_files")}
ORDER BY {identity}, {version_first}f.received_at DESC, f.id DESC
"""


def _byte_order(field_type: FieldType) -> str:
    """Text identities sorted in byte order: the same groups as under the database's collation (a
    deterministic one compares bytes for equality), sorted about a fifth faster. Pseudonyms are uuids."""
    return "" if field_type is FieldType.PATIENT_ID else ' COLLATE "C"'
