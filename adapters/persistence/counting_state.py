"""What the counting queries of an entity read, built once per (entity, as-of instant) in
temporary tables of the counting transaction: the latest state of each record kind (D1), every
month's patients file (D4) and the stays (§3).

Every indicator reads the same latest state; rebuilt in each query, it was most of the counting
time (each document query scanned and sorted the whole record table again). The tables are
analysed, so the planner also knows their sizes right after an upload.
"""

from datetime import datetime

import asyncpg

from adapters.persistence.latest_state import CURRENT_FILES, MONTH_PATIENTS_TABLE, current_records, latest_records_sql
from adapters.persistence.pg_stays_sql import STAYS_SQL, STAYS_TABLE
from adapters.persistence.tables import record_table_name
from domain.submissions.record_kinds import RecordKind

COUNTED_KINDS = (RecordKind.ENCOUNTERS, RecordKind.CONSULTATIONS, RecordKind.DOCUMENTS, RecordKind.MESSAGES)
_MARKER = "counting_state_of"


async def prepare_counting_state(connection: asyncpg.Connection, finess_ej: str, as_of: datetime) -> None:
    """Build the tables for (`finess_ej`, `as_of`) unless this transaction already holds them.

    Must run inside a transaction: the tables are dropped at its commit."""
    if await connection.fetchval(f"SELECT to_regclass('pg_temp.{_MARKER}') IS NOT NULL"):
        if await connection.fetchval(f"SELECT finess_ej = $1 AND as_of = $2 FROM {_MARKER}", finess_ej, as_of):
            return
        await connection.execute(f"DROP TABLE {_MARKER}, {STAYS_TABLE}, {MONTH_PATIENTS_TABLE}, "
                                 + ", ".join(current_records(kind) for kind in COUNTED_KINDS))
    for kind in COUNTED_KINDS:
        table = current_records(kind)
        await connection.execute(f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
                                 f"SELECT * FROM {record_table_name(kind)} WITH NO DATA")
        await connection.execute(f"INSERT INTO {table} {latest_records_sql(kind)}", finess_ej, as_of)
        await connection.execute(f"ANALYZE {table}")
    await _month_patients(connection, finess_ej, as_of)
    await connection.execute(f"CREATE TEMP TABLE {STAYS_TABLE} ON COMMIT DROP AS {STAYS_SQL}")
    await connection.execute(f"ANALYZE {STAYS_TABLE}")
    await connection.execute(f"CREATE TEMP TABLE {_MARKER} (finess_ej text, as_of timestamptz) ON COMMIT DROP")
    await connection.execute(f"INSERT INTO {_MARKER} VALUES ($1, $2)", finess_ej, as_of)


async def _month_patients(connection: asyncpg.Connection, finess_ej: str, as_of: datetime) -> None:
    """Each month's current patients file, its month in `period`: a patient's state is that of
    the month's own file, not the latest across months (D4). Ids are unique within a file."""
    files = CURRENT_FILES.format(finess_ej="$1", kind="'patients'", as_of="$2")
    patients = record_table_name(RecordKind.PATIENTS)
    await connection.execute(f"CREATE TEMP TABLE {MONTH_PATIENTS_TABLE} ON COMMIT DROP AS "
                             f"SELECT *, ''::text AS period FROM {patients} WITH NO DATA")
    await connection.execute(f"INSERT INTO {MONTH_PATIENTS_TABLE} SELECT r.*, f.period "
                             f"FROM {patients} r JOIN ({files}) f ON f.id = r.submission_id", finess_ej, as_of)
    await connection.execute(f"ANALYZE {MONTH_PATIENTS_TABLE}")
