"""Patients referenced by the month's records but absent from the month's patients file: counted
as provisional identity with an unknown MES status meanwhile (D4), and reported as a warning.
The domain's `patients_missing_from_file` is the reference; the property test holds them equal."""

import asyncpg

from adapters.persistence.indicator_sql import month_patients_sql
from adapters.persistence.latest_state import current_records
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind

# Parameters: $1 month start, $2 month end, $3 month label. Each reference is checked against the
# file as it streams by, and only the few missing ones are made distinct: a UNION of every
# reference first sorted or hashed them all (ten times DuckDB's time on the benchmark GHT).
_MISSING_PATIENTS = f"""
WITH month_patients AS ({month_patients_sql("$3")}),
referenced AS (
    SELECT patient_pseudonym FROM {current_records(RecordKind.ENCOUNTERS)} e
    WHERE admitted_at < $2 AND (discharged_at IS NULL OR discharged_at >= $1)
    UNION ALL
    SELECT patient_pseudonym FROM {current_records(RecordKind.CONSULTATIONS)} c
    WHERE occurred_at >= $1 AND occurred_at < $2
    UNION ALL
    SELECT patient_pseudonym FROM {current_records(RecordKind.DOCUMENTS)} d
    WHERE produced_at >= $1 AND produced_at < $2
    UNION ALL
    SELECT patient_pseudonym FROM {current_records(RecordKind.MESSAGES)} m
    WHERE sent_at >= $1 AND sent_at < $2
)
SELECT count(DISTINCT r.patient_pseudonym) FROM referenced r
WHERE NOT EXISTS (SELECT 1 FROM month_patients mp WHERE mp.patient_pseudonym = r.patient_pseudonym)
"""


async def count_patients_missing_from_file(connection: asyncpg.Connection, month: Period) -> int:
    """Reads the counting tables of `counting_state`."""
    missing: int = await connection.fetchval(_MISSING_PATIENTS, month.starts_at, month.ends_at, month.label)
    return missing
