"""P1.O4, P1.O5 and P1.O6 counted in SQL, set-based, in total or by stratum (D17); the domain's
`document_indicators` is the reference they are held equal to."""

from datetime import datetime

import asyncpg

from adapters.persistence.indicator_sql import (
    counting_from_rows,
    countings_by_stratum,
    group_failure_sql,
    in_list,
    month_patients_sql,
    rank,
    stratum_sql,
    unit_rank_sql,
)
from adapters.persistence.latest_state import current_cte, current_records
from adapters.persistence.pg_indicator_samples import UnitsQuery
from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Counting
from domain.indicators.document_eligibility import feeding_deadline
from domain.indicators.document_indicators import COUNTED_MODALITIES, EXCLUDED_DISCIPLINES
from domain.indicators.strata import Dimension
from domain.periods import Period
from domain.referential import LegalEntity, MesMode
from domain.submissions.record_kinds import RecordKind

# Parameters: $1 as-of, $2 month start, $3 month end, $4 month label, $5 feeding deadline, $6 DataMatrix
# required.
_FAILURE = {"as_of": "$1", "deadline": "$5", "require_datamatrix": "$6"}


def _no_profile(exact_mes: bool) -> str:
    return "mp.mes_status IN ('NONE', 'OPPOSED', 'CLOSED')" if exact_mes else "FALSE"


_UNIT_RANK = unit_rank_sql("of_type", "best", "furthest")


def _consultation_units_sql(definition: IndicatorDefinition, exact_mes: bool, dimension: Dimension | None) -> str:
    """The common table expressions down to `units`, the consultations of the denominator. A
    consultation counts in its site; consultations carry no care unit."""
    of_type, best, furthest = group_failure_sql(definition, "d", **_FAILURE)
    return f"""
WITH cons AS {current_cte(RecordKind.CONSULTATIONS)},
docs AS {current_cte(RecordKind.DOCUMENTS)},
month_patients AS ({month_patients_sql("$4")}),
population AS (
    SELECT c.consultation_id, c.patient_pseudonym AS patient,
           {stratum_sql(dimension, "c.finess_et", "NULL::text")} AS stratum,
           ({_no_profile(exact_mes)}) IS TRUE AS without_profile
    FROM cons c LEFT JOIN month_patients mp ON mp.patient_pseudonym = c.patient_pseudonym
    WHERE c.ace_billed AND c.occurred_at >= $2 AND c.occurred_at < $3
),
units AS (
    SELECT p.consultation_id, p.patient, p.stratum, {of_type} AS of_type, {best} AS best, {furthest} AS furthest
    FROM population p LEFT JOIN docs d ON d.consultation_id = p.consultation_id
    WHERE NOT p.without_profile GROUP BY p.consultation_id, p.patient, p.stratum
)"""


def _consultation_reports_sql(definition: IndicatorDefinition, exact_mes: bool, dimension: Dimension | None) -> str:
    return f"""{_consultation_units_sql(definition, exact_mes, dimension)}
SELECT stratum, 'unit' AS row, {_UNIT_RANK} AS rank, count(*) AS n
FROM units GROUP BY 1, 3
UNION ALL
SELECT stratum, 'excluded', {rank(Exclusion.NO_MES_PROFILE)}, count(*) FROM population WHERE without_profile
GROUP BY 1
"""


def _judged_reports_sql(definition: IndicatorDefinition, exact_mes: bool, dimension: Dimension | None) -> str:
    """The common table expressions down to `judged`, every report of the month with the rank of
    the rule that removes it from the denominator (`excluded`) or of its failure as a unit (0 when
    counted). Documents sharing a report are one report (D15); its patient and strata are those of
    its first document: its unit, and the site of the encounter (else consultation) it is linked to."""
    of_type, best, furthest = group_failure_sql(definition, "d", **_FAILURE)
    discipline = (
        f"bool_or(d.discipline IN ({in_list(EXCLUDED_DISCIPLINES)}))"
        if Exclusion.EXCLUDED_DISCIPLINE in definition.exclusions
        else "FALSE"
    )
    modality = (
        f"NOT coalesce(bool_or(d.modality IN ({in_list(COUNTED_MODALITIES)})), FALSE)"
        if Exclusion.EXCLUDED_MODALITY in definition.exclusions
        else "FALSE"
    )
    return f"""
WITH docs AS (
    SELECT * FROM {current_records(RecordKind.DOCUMENTS)} d WHERE d.type_code IN ({in_list(definition.type_codes)})
),
month_patients AS ({month_patients_sql("$4")}),
reports AS (
    SELECT d.report_id,
           (array_agg(d.patient_pseudonym ORDER BY d.produced_at, d.document_id COLLATE "C"))[1] AS patient,
           {_first_document_columns(dimension)}
           min(d.produced_at) AS produced_at, bool_or(coalesce(d.subcontracted, FALSE)) AS subcontracted,
           bool_or(coalesce(d.no_transmission, FALSE)) AS no_transmission,
           {discipline} IS TRUE AS excluded_discipline, {modality} AS excluded_modality,
           {of_type} AS of_type, {best} AS best, {furthest} AS furthest
    FROM docs d GROUP BY d.report_id
),
{_report_sites(dimension)}
judged AS (
    SELECT r.report_id AS unit_id, r.patient,
           {stratum_sql(dimension, "coalesce(e.finess_et, c.finess_et)", "r.first_unit")} AS stratum,
           CASE WHEN ({_no_profile(exact_mes)}) IS TRUE THEN {rank(Exclusion.NO_MES_PROFILE)}
                WHEN r.subcontracted THEN {rank(Exclusion.SUBCONTRACTED)}
                WHEN r.no_transmission THEN {rank(Exclusion.NON_TRANSMISSION)}
                WHEN r.excluded_discipline THEN {rank(Exclusion.EXCLUDED_DISCIPLINE)}
                WHEN r.excluded_modality THEN {rank(Exclusion.EXCLUDED_MODALITY)} END AS excluded,
           {unit_rank_sql("r.of_type", "r.best", "r.furthest")} AS failure
    FROM reports r LEFT JOIN month_patients mp ON mp.patient_pseudonym = r.patient{_report_site_joins(dimension)}
    WHERE r.produced_at >= $2 AND r.produced_at < $3
)"""


def _reports_sql(definition: IndicatorDefinition, exact_mes: bool, dimension: Dimension | None) -> str:
    return f"""{_judged_reports_sql(definition, exact_mes, dimension)}
SELECT stratum, 'excluded' AS row, excluded AS rank, count(*) AS n FROM judged WHERE excluded IS NOT NULL GROUP BY 1, 3
UNION ALL
SELECT stratum, 'unit', failure, count(*) FROM judged WHERE excluded IS NULL GROUP BY 1, 3
"""


def _first_document_columns(dimension: Dimension | None) -> str:
    """What a report's stratum is read from: its first document's unit, or the encounter and
    consultation that document is linked to (resolved to a site in `judged`)."""
    order = 'ORDER BY d.produced_at, d.document_id COLLATE "C"'
    if dimension is Dimension.SITE:
        return (
            f"(array_agg(d.encounter_id {order}))[1] AS first_encounter, "
            f"(array_agg(d.consultation_id {order}))[1] AS first_consultation,"
        )
    return f"(array_agg(d.unit {order}))[1] AS first_unit," if dimension is Dimension.UNIT else ""


def _report_sites(dimension: Dimension | None) -> str:
    if dimension is not Dimension.SITE:
        return ""
    return f"""enc AS {current_cte(RecordKind.ENCOUNTERS)},
cons AS {current_cte(RecordKind.CONSULTATIONS)},"""


def _report_site_joins(dimension: Dimension | None) -> str:
    if dimension is not Dimension.SITE:
        return ""
    return """
    LEFT JOIN enc e ON e.encounter_id = r.first_encounter
    LEFT JOIN cons c ON c.consultation_id = r.first_consultation"""


async def count_document_indicator_sql(
    connection: asyncpg.Connection, entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition
) -> Counting:
    rows, unit = await _fetch(connection, entity, month, as_of, definition, None)
    return counting_from_rows(rows, unit)


async def count_document_indicator_strata_sql(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    definition: IndicatorDefinition,
    dimension: Dimension,
) -> dict[str | None, Counting]:
    rows, unit = await _fetch(connection, entity, month, as_of, definition, dimension)
    return countings_by_stratum(rows, unit)


def document_units_query(
    entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition
) -> UnitsQuery:
    """The denominator units listed one by one, judged by the same expressions as the counting."""
    exact = entity.policies.mes_mode is MesMode.EXACT
    if definition.id == "P1.O4":
        sql = (
            f"{_consultation_units_sql(definition, exact, None)}\n"
            f"SELECT consultation_id AS unit_id, patient, {_UNIT_RANK} AS rank FROM units"
        )
        return UnitsQuery(sql, _parameters(entity, month, as_of), Unit.CONSULTATION)
    sql = (
        f"{_judged_reports_sql(definition, exact, None)}\n"
        "SELECT unit_id, patient, failure AS rank FROM judged WHERE excluded IS NULL"
    )
    return UnitsQuery(sql, _parameters(entity, month, as_of), Unit.DOCUMENT)


async def _fetch(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    definition: IndicatorDefinition,
    dimension: Dimension | None,
) -> tuple[list[asyncpg.Record], Unit]:
    exact = entity.policies.mes_mode is MesMode.EXACT
    if definition.id == "P1.O4":
        sql, unit = _consultation_reports_sql(definition, exact, dimension), Unit.CONSULTATION
    else:
        sql, unit = _reports_sql(definition, exact, dimension), Unit.DOCUMENT
    return await connection.fetch(sql, *_parameters(entity, month, as_of)), unit


def _parameters(entity: LegalEntity, month: Period, as_of: datetime) -> tuple[object, ...]:
    policies = entity.policies
    return (
        as_of,
        month.starts_at,
        month.ends_at,
        month.label,
        feeding_deadline(month, policies.feeding_grace_months),
        policies.require_datamatrix,
    )
