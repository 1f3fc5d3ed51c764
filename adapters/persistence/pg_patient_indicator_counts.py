"""P1.O1, P1.O7 and P1.O8 counted in SQL, set-based, in total or by stratum; the domain's
`patient_indicators` is the reference they are held equal to.

Each query judges every active-file patient once (`judged`: patient, row, rank); by stratum, that
judgement is counted in every site or unit of the patient's contacts in the month (D17); listed,
the patients of the denominator (row 'unit') are the units a sample draws from.
"""

from datetime import datetime

import asyncpg

from adapters.persistence.indicator_sql import (
    counting_from_rows,
    countings_by_stratum,
    month_patients_sql,
    rank,
    stratum_sql,
)
from adapters.persistence.latest_state import current_cte, current_records
from adapters.persistence.pg_indicator_samples import UnitsQuery
from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.counting import Counting
from domain.indicators.strata import Dimension
from domain.periods import Period
from domain.referential import Eligibility, LegalEntity
from domain.submissions.record_kinds import RecordKind

# Parameters: $1 month start, $2 month end, then $3: for P1.O1 the month label (its patients file), for
# P1.O8 whether every cared-for patient is eligible.
_CONTACTS = f"""
enc AS {current_cte(RecordKind.ENCOUNTERS)},
cons AS {current_cte(RecordKind.CONSULTATIONS)},
contacts AS (
    SELECT patient_pseudonym AS patient, kind = 'PASSAGE' AS passage, eligible_pathway IS NOT NULL AS eligible,
           finess_et AS site, unit
    FROM enc WHERE admitted_at < $2 AND (discharged_at IS NULL OR discharged_at >= $1)
    UNION ALL
    SELECT patient_pseudonym, FALSE, eligible_pathway IS NOT NULL, finess_et, NULL
    FROM cons WHERE occurred_at >= $1 AND occurred_at < $2
),
active AS (
    SELECT patient, bool_and(passage) AS emergency_only, bool_or(eligible) AS eligible FROM contacts GROUP BY patient
)"""

_QUALIFIED_INS = f"""
WITH {_CONTACTS},
month_patients AS ({month_patients_sql("$3")}),
units AS (
    SELECT a.patient, coalesce(mp.identity_doubtful, FALSE) OR coalesce(mp.identity_fictitious, FALSE) AS flagged,
           coalesce(mp.identity_status, 'PROV') AS status
    FROM active a LEFT JOIN month_patients mp ON mp.patient_pseudonym = a.patient
),
judged AS (
    SELECT patient, CASE WHEN flagged THEN 'excluded' ELSE 'unit' END AS row,
           CASE WHEN flagged THEN {rank(Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY)} WHEN status = 'QUAL' THEN 0
                ELSE {rank(Exclusion.IDENTITY_NOT_QUALIFIED)} END AS rank
    FROM units
)"""


def _messages(channel: str) -> str:
    return f"""msgs AS (
    SELECT * FROM {current_records(RecordKind.MESSAGES)} m
    WHERE m.channel = '{channel}' AND m.sent_at >= $1 AND m.sent_at < $2
)"""


_MSS_PRO = f"""
WITH {_CONTACTS}, {_messages("PRO")},
units AS (
    SELECT a.patient, a.emergency_only, count(m.message_id) AS sent,
           coalesce(bool_or(m.to_health_correspondent), FALSE) AS to_correspondent,
           coalesce(bool_or(m.to_health_correspondent AND m.has_cda_xdm), FALSE) AS with_document
    FROM active a LEFT JOIN msgs m ON m.patient_pseudonym = a.patient GROUP BY a.patient, a.emergency_only
),
judged AS (
    SELECT patient, CASE WHEN emergency_only THEN 'excluded' ELSE 'unit' END AS row,
           CASE WHEN emergency_only THEN {rank(Exclusion.EMERGENCY_ONLY)}
                WHEN sent = 0 THEN {rank(Exclusion.NO_MSS_PRO_MESSAGE)}
                WHEN NOT to_correspondent THEN {rank(Exclusion.MSS_NOT_TO_CORRESPONDENT)}
                WHEN NOT with_document THEN {rank(Exclusion.MSS_WITHOUT_CDA_DOCUMENT)} ELSE 0 END AS rank
    FROM units
)"""

_MES_MESSAGING = f"""
WITH {_CONTACTS}, {_messages("CITOYENNE")},
units AS (
    SELECT a.patient, a.emergency_only, a.eligible OR $3 AS eligible, count(m.message_id) AS received,
           coalesce(bool_and(m.attachment_ins_qualified IS FALSE), FALSE) AS only_unqualified_attachments
    FROM active a LEFT JOIN msgs m ON m.patient_pseudonym = a.patient
    GROUP BY a.patient, a.emergency_only, a.eligible
),
judged AS (
    SELECT patient, CASE WHEN emergency_only OR NOT eligible THEN 'excluded' ELSE 'unit' END AS row,
           CASE WHEN emergency_only THEN {rank(Exclusion.EMERGENCY_ONLY)}
                WHEN NOT eligible THEN {rank(Exclusion.NOT_ELIGIBLE_PATHWAY)}
                WHEN received = 0 THEN {rank(Exclusion.NO_MES_MESSAGE)}
                WHEN only_unqualified_attachments THEN {rank(Exclusion.ATTACHMENT_WITHOUT_QUALIFIED_INS)}
                ELSE 0 END AS rank
    FROM units
)"""


def _tallied(judgement: str, dimension: Dimension | None) -> str:
    """The judgements counted in total, or in each stratum of the patients' contacts."""
    if dimension is None:
        return f"{judgement}\nSELECT NULL::text AS stratum, row, rank, count(*) AS n FROM judged GROUP BY 2, 3"
    return f"""{judgement},
patient_strata AS (SELECT DISTINCT patient, {stratum_sql(dimension, "site", "unit")} AS stratum FROM contacts)
SELECT ps.stratum, j.row, j.rank, count(*) AS n
FROM judged j JOIN patient_strata ps ON ps.patient = j.patient GROUP BY 1, 2, 3"""


async def count_patient_indicator_sql(
    connection: asyncpg.Connection, entity: LegalEntity, month: Period, as_of: datetime, indicator_id: str
) -> Counting:
    return counting_from_rows(await _fetch(connection, entity, month, as_of, indicator_id, None), Unit.PATIENT)


async def count_patient_indicator_strata_sql(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    indicator_id: str,
    dimension: Dimension,
) -> dict[str | None, Counting]:
    return countings_by_stratum(await _fetch(connection, entity, month, as_of, indicator_id, dimension), Unit.PATIENT)


def patient_units_query(entity: LegalEntity, month: Period, indicator_id: str) -> UnitsQuery:
    """The denominator patients listed one by one, judged by the same expressions as the counting;
    a patient unit's id is the patient's pseudonym."""
    judgement, parameters = _judgement(entity, month, indicator_id)
    sql = f"{judgement}\nSELECT patient::text AS unit_id, patient, rank FROM judged WHERE row = 'unit'"
    return UnitsQuery(sql, parameters, Unit.PATIENT)


async def _fetch(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    indicator_id: str,
    dimension: Dimension | None,
) -> list[asyncpg.Record]:
    judgement, parameters = _judgement(entity, month, indicator_id)
    rows: list[asyncpg.Record] = await connection.fetch(_tallied(judgement, dimension), *parameters)
    return rows


def _judgement(entity: LegalEntity, month: Period, indicator_id: str) -> tuple[str, tuple[object, ...]]:
    """The indicator's query down to `judged`, and its parameters."""
    if indicator_id == "P1.O1":
        return _QUALIFIED_INS, (month.starts_at, month.ends_at, month.label)
    if indicator_id == "P1.O7":
        return _MSS_PRO, (month.starts_at, month.ends_at)
    return _MES_MESSAGING, (month.starts_at, month.ends_at, entity.policies.eligibility is Eligibility.ALL_PATIENTS)
