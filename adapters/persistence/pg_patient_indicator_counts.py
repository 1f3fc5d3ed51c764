"""P1.O1, P1.O7 and P1.O8 counted in SQL, set-based; the domain's `patient_indicators` is the
reference they are held equal to."""

from datetime import datetime

import asyncpg

from adapters.persistence.indicator_sql import counting_from_rows, month_patients_sql, rank
from adapters.persistence.latest_state import latest_records_sql
from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.counting import Counting
from domain.periods import Period
from domain.referential import Eligibility, LegalEntity
from domain.submissions.record_kinds import RecordKind

# Parameters: $1 entity, $2 as-of, $3 month start, $4 month end, then $5: the month label (P1.O1) or
# whether every cared-for patient is eligible (P1.O8).
_CONTACTS = f"""
enc AS ({latest_records_sql(RecordKind.ENCOUNTERS)}),
cons AS ({latest_records_sql(RecordKind.CONSULTATIONS)}),
contacts AS (
    SELECT patient_pseudonym AS patient, kind = 'PASSAGE' AS passage, eligible_pathway IS NOT NULL AS eligible
    FROM enc WHERE admitted_at < $4 AND (discharged_at IS NULL OR discharged_at >= $3)
    UNION ALL
    SELECT patient_pseudonym, FALSE, eligible_pathway IS NOT NULL FROM cons WHERE occurred_at >= $3 AND occurred_at < $4
),
active AS (
    SELECT patient, bool_and(passage) AS emergency_only, bool_or(eligible) AS eligible FROM contacts GROUP BY patient
)"""

_QUALIFIED_INS = f"""
WITH {_CONTACTS},
month_patients AS ({month_patients_sql("$1", "$2", "$5")}),
units AS (
    SELECT coalesce(mp.identity_doubtful, FALSE) OR coalesce(mp.identity_fictitious, FALSE) AS flagged,
           coalesce(mp.identity_status, 'PROV') AS status
    FROM active a LEFT JOIN month_patients mp ON mp.patient_pseudonym = a.patient
)
SELECT 'excluded' AS row, {rank(Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY)} AS rank, count(*) AS n
FROM units WHERE flagged
UNION ALL
SELECT 'unit', CASE WHEN status = 'QUAL' THEN 0 ELSE {rank(Exclusion.IDENTITY_NOT_QUALIFIED)} END, count(*)
FROM units WHERE NOT flagged GROUP BY 2
"""


def _messages(channel: str) -> str:
    return f"""msgs AS (
    SELECT * FROM ({latest_records_sql(RecordKind.MESSAGES)}) m
    WHERE m.channel = '{channel}' AND m.sent_at >= $3 AND m.sent_at < $4
)"""


_MSS_PRO = f"""
WITH {_CONTACTS}, {_messages("PRO")},
units AS (
    SELECT a.patient, a.emergency_only, count(m.message_id) AS sent,
           coalesce(bool_or(m.to_health_correspondent), FALSE) AS to_correspondent,
           coalesce(bool_or(m.to_health_correspondent AND m.has_cda_xdm), FALSE) AS with_document
    FROM active a LEFT JOIN msgs m ON m.patient_pseudonym = a.patient GROUP BY a.patient, a.emergency_only
)
SELECT 'excluded' AS row, {rank(Exclusion.EMERGENCY_ONLY)} AS rank, count(*) AS n FROM units WHERE emergency_only
UNION ALL
SELECT 'unit', CASE WHEN sent = 0 THEN {rank(Exclusion.NO_MSS_PRO_MESSAGE)}
                    WHEN NOT to_correspondent THEN {rank(Exclusion.MSS_NOT_TO_CORRESPONDENT)}
                    WHEN NOT with_document THEN {rank(Exclusion.MSS_WITHOUT_CDA_DOCUMENT)} ELSE 0 END, count(*)
FROM units WHERE NOT emergency_only GROUP BY 2
"""

_MES_MESSAGING = f"""
WITH {_CONTACTS}, {_messages("CITOYENNE")},
units AS (
    SELECT a.patient, a.emergency_only, a.eligible OR $5 AS eligible, count(m.message_id) AS received,
           coalesce(bool_and(m.attachment_ins_qualified IS FALSE), FALSE) AS only_unqualified_attachments
    FROM active a LEFT JOIN msgs m ON m.patient_pseudonym = a.patient
    GROUP BY a.patient, a.emergency_only, a.eligible
)
SELECT 'excluded' AS row, {rank(Exclusion.EMERGENCY_ONLY)} AS rank, count(*) AS n FROM units WHERE emergency_only
UNION ALL
SELECT 'excluded', {rank(Exclusion.NOT_ELIGIBLE_PATHWAY)}, count(*) FROM units WHERE NOT emergency_only AND NOT eligible
UNION ALL
SELECT 'unit', CASE WHEN received = 0 THEN {rank(Exclusion.NO_MES_MESSAGE)}
                    WHEN only_unqualified_attachments THEN {rank(Exclusion.ATTACHMENT_WITHOUT_QUALIFIED_INS)}
                    ELSE 0 END, count(*)
FROM units WHERE NOT emergency_only AND eligible GROUP BY 2
"""


async def count_patient_indicator_sql(connection: asyncpg.Connection, entity: LegalEntity, month: Period,
                                      as_of: datetime, indicator_id: str) -> Counting:
    parameters: list[object] = [entity.finess_ej, as_of, month.starts_at, month.ends_at]
    extra: list[object]
    if indicator_id == "P1.O1":
        sql, extra = _QUALIFIED_INS, [month.label]
    elif indicator_id == "P1.O7":
        sql, extra = _MSS_PRO, []
    else:
        sql, extra = _MES_MESSAGING, [entity.policies.eligibility is Eligibility.ALL_PATIENTS]
    return counting_from_rows(await connection.fetch(sql, *parameters, *extra), Unit.PATIENT)
