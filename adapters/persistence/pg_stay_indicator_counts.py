"""P1.O2.LDL, P1.O2.ODS and P1.O3 counted in SQL, set-based, over the stays of `pg_stays_sql`.

The reference is the domain's `count_stay_indicator`; a property test holds them equal, field by
field (numerator, denominator, every exclusion count).
"""

from datetime import datetime

import asyncpg

from adapters.persistence.latest_state import CURRENT_FILES, latest_records_sql
from adapters.persistence.pg_stays_sql import STAYS_SQL
from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Counting
from domain.indicators.document_eligibility import feeding_deadline
from domain.periods import Period
from domain.referential import CountingUnit, LegalEntity, MesMode
from domain.submissions.record_kinds import RecordKind

_ORDER = list(Exclusion)


def _rank(exclusion: Exclusion) -> int:
    return _ORDER.index(exclusion) + 1


def _in_list(values: frozenset[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values))


def document_failure_sql(definition: IndicatorDefinition, d: str) -> str:
    """The rank of the first §4 rule document `d` of the indicator's type fails, 0 when it counts.
    Parameters: $2 as-of, $5 feeding deadline, $6 DataMatrix required."""
    exempt = "FALSE AND " if definition.datamatrix_exempt else ""  # $6 stays referenced either way
    datamatrix = f"({exempt}{d}.datamatrix IS FALSE AND $6)"
    return f"""CASE
        WHEN {d}.format NOT IN ({_in_list(frozenset(f.value for f in definition.accepted_formats))})
            THEN CASE WHEN {d}.format = 'SCAN' THEN {_rank(Exclusion.SCANNED)}
                      ELSE {_rank(definition.format_exclusion)} END
        WHEN NOT {d}.ins_qualified THEN {_rank(Exclusion.NO_QUALIFIED_INS)}
        WHEN {d}.dmp_status IS DISTINCT FROM 'ACCEPTED' OR {d}.dmp_sent_at IS NULL
            THEN {_rank(Exclusion.NOT_ACCEPTED_BY_DMP)}
        WHEN {d}.dmp_sent_at > $2 THEN {_rank(Exclusion.ACCEPTED_AFTER_AS_OF)}
        WHEN {d}.dmp_sent_at >= $5 THEN {_rank(Exclusion.LATE)}
        WHEN {datamatrix} THEN {_rank(Exclusion.NO_DATAMATRIX)}
        ELSE 0 END"""


def _counting_sql(definition: IndicatorDefinition, by_patient: bool, exact_mes: bool) -> str:
    codes = _in_list(definition.type_codes)
    with_prescription = f"EXISTS (SELECT 1 FROM linked l WHERE l.stay_id = s.stay_id AND l.type_code IN ({codes}))"
    population = {"P1.O3": "s.surgical", "P1.O2.ODS": with_prescription}.get(definition.id, "TRUE")
    failure = document_failure_sql(definition, "l")
    no_profile = "mp.mes_status IN ('NONE', 'OPPOSED', 'CLOSED')" if exact_mes else "FALSE"
    month_patients = CURRENT_FILES.format(finess_ej="$1", kind="'patients'", as_of="$2")
    return f"""
WITH stays AS ({STAYS_SQL}),
docs AS ({latest_records_sql(RecordKind.DOCUMENTS)}),
closed AS (
    SELECT * FROM stays s WHERE s.rejection IS NULL AND s.exit_at IS NOT NULL AND s.exit_at <= $2
      AND s.exit_month = $3::date
),
linked AS (
    SELECT s.stay_id, d.* FROM closed s JOIN docs d ON d.encounter_id = ANY (s.encounter_ids)
        OR (s.rule = 'psy_group' AND d.stay_group_id = s.group_id)
        OR (s.rule = 'series_window' AND d.patient_pseudonym = s.patient
            AND d.produced_at >= s.entry AND d.produced_at < s.exit_at)
),
month_patients AS (
    SELECT DISTINCT ON (r.patient_pseudonym) r.patient_pseudonym, r.mes_status
    FROM patient_record r JOIN ({month_patients}) f ON f.id = r.submission_id
    JOIN submission sub ON sub.id = f.id AND sub.period = $4
),
population AS (
    SELECT s.*, ({no_profile}) IS TRUE AS without_profile
    FROM closed s LEFT JOIN month_patients mp ON mp.patient_pseudonym = s.patient
    WHERE {population}
),
groups AS (
    SELECT {"p.patient::text" if by_patient else "p.stay_id"} AS unit_id,
           count(l.document_id) FILTER (WHERE l.type_code IN ({codes})) AS of_type,
           min(CASE WHEN l.type_code IN ({codes}) THEN {failure} END) AS best,
           max(CASE WHEN l.type_code IN ({codes}) THEN {failure} END) AS furthest
    FROM population p LEFT JOIN linked l ON l.stay_id = p.stay_id
    WHERE NOT p.without_profile
    GROUP BY 1
)
SELECT 'unit' AS row, CASE WHEN of_type = 0 THEN {_rank(Exclusion.NO_DOCUMENT_OF_TYPE)}
                           WHEN best = 0 THEN 0 ELSE furthest END AS rank, count(*) AS n
FROM groups GROUP BY 2
UNION ALL
SELECT 'excluded', {_rank(Exclusion.NO_MES_PROFILE)}, count(*) FROM population WHERE without_profile
UNION ALL
SELECT 'excluded', CASE rejection WHEN 'had_minor' THEN {_rank(Exclusion.HAD_MINOR)}
                                  ELSE {_rank(Exclusion.HAD_SHORTER_THAN_8_DAYS)} END, count(*)
FROM stays WHERE rejection IN ('had_minor', 'had_shorter_than_8_days') AND exit_month = $3::date GROUP BY 2
"""


async def count_stay_indicator_sql(connection: asyncpg.Connection, entity: LegalEntity, month: Period,
                                   as_of: datetime, definition: IndicatorDefinition) -> Counting:
    policies = entity.policies
    by_patient = policies.unit_override.get(definition.id) is CountingUnit.PATIENTS
    sql = _counting_sql(definition, by_patient, policies.mes_mode is MesMode.EXACT)
    rows = await connection.fetch(sql, entity.finess_ej, as_of, month.first_day, month.label,
                                  feeding_deadline(month, policies.feeding_grace_months), policies.require_datamatrix)
    numerator = denominator = 0
    explanation: dict[Exclusion, int] = {}
    for row in rows:
        if not row["n"]:
            continue
        if row["row"] == "unit":
            denominator += row["n"]
            if row["rank"] == 0:
                numerator += row["n"]
                continue
        exclusion = _ORDER[row["rank"] - 1]
        explanation[exclusion] = explanation.get(exclusion, 0) + row["n"]
    ordered = tuple(sorted(explanation.items(), key=lambda item: _ORDER.index(item[0])))
    return Counting(numerator, denominator, Unit.PATIENT if by_patient else Unit.STAY, ordered)
