"""P1.O2.LDL, P1.O2.ODS and P1.O3 counted in SQL, set-based, over the stays of `pg_stays_sql`.

The reference is the domain's `tally_stay_indicator`; a property test holds them equal, field by
field (numerator, denominator, every exclusion count).
"""

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
from adapters.persistence.pg_indicator_samples import UnitsQuery
from adapters.persistence.pg_stay_documents_sql import STAY_DOCUMENTS_TABLE
from adapters.persistence.pg_stays_sql import STAYS_TABLE
from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Counting
from domain.indicators.document_eligibility import feeding_deadline
from domain.indicators.strata import Dimension
from domain.periods import Period
from domain.referential import CountingUnit, LegalEntity, MesMode

_UNIT_RANK = unit_rank_sql("of_type", "best", "furthest")


def _units_sql(definition: IndicatorDefinition, by_patient: bool, exact_mes: bool, dimension: Dimension | None) -> str:
    """The common table expressions down to `units`: the denominator units (a stay, or a patient
    under the unit override) with their patient and what their documents went through.
    Parameters: $1 as-of, $2 first day of the month, $3 month label, $4 feeding deadline, $5
    DataMatrix required. A stay counts in the stratum of its last encounter; a patient unit is
    formed in each stratum from the patient's stays there (D17)."""
    stay_stratum = stratum_sql(dimension, "p.last_site", "p.last_unit")
    codes = in_list(definition.type_codes)
    with_prescription = "EXISTS (SELECT 1 FROM linked l WHERE l.stay_id = s.stay_id)"
    population = {"P1.O3": "s.surgical", "P1.O2.ODS": with_prescription}.get(definition.id, "TRUE")
    no_profile = "mp.mes_status IN ('NONE', 'OPPOSED', 'CLOSED')" if exact_mes else "FALSE"
    of_type, best, furthest = group_failure_sql(definition, "l", as_of="$1", deadline="$4", require_datamatrix="$5")
    return f"""
WITH stays AS NOT MATERIALIZED (SELECT * FROM {STAYS_TABLE}),
closed AS (
    SELECT * FROM stays s WHERE s.rejection IS NULL AND s.exit_at IS NOT NULL AND s.exit_at <= $1
      AND s.exit_month = $2::date
),
linked AS NOT MATERIALIZED (SELECT * FROM {STAY_DOCUMENTS_TABLE} WHERE type_code IN ({codes})),
month_patients AS ({month_patients_sql("$3")}),
population AS (
    SELECT s.*, ({no_profile}) IS TRUE AS without_profile
    FROM closed s LEFT JOIN month_patients mp ON mp.patient_pseudonym = s.patient
    WHERE {population}
),
units AS (
    SELECT {stay_stratum} AS stratum, {"p.patient::text" if by_patient else "p.stay_id"} AS unit_id, p.patient,
           {of_type} AS of_type, {best} AS best, {furthest} AS furthest
    FROM population p LEFT JOIN linked l ON l.stay_id = p.stay_id
    WHERE NOT p.without_profile
    GROUP BY 1, 2, 3
)"""


def _counting_sql(
    definition: IndicatorDefinition, by_patient: bool, exact_mes: bool, dimension: Dimension | None
) -> str:
    """The units by rank, and the stays removed before the denominator, by stratum."""
    stratum = stratum_sql(dimension, "last_site", "last_unit")
    return f"""{_units_sql(definition, by_patient, exact_mes, dimension)}
SELECT stratum, 'unit' AS row, {_UNIT_RANK} AS rank, count(*) AS n
FROM units GROUP BY 1, 3
UNION ALL
SELECT {stratum}, 'excluded', {rank(Exclusion.NO_MES_PROFILE)}, count(*) FROM population WHERE without_profile
GROUP BY 1
UNION ALL
SELECT {stratum}, 'excluded', CASE rejection WHEN 'had_minor' THEN {rank(Exclusion.HAD_MINOR)}
                                  ELSE {rank(Exclusion.HAD_SHORTER_THAN_8_DAYS)} END, count(*)
FROM stays WHERE rejection IN ('had_minor', 'had_shorter_than_8_days') AND exit_month = $2::date GROUP BY 1, 3
"""


async def count_stay_indicator_sql(
    connection: asyncpg.Connection, entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition
) -> Counting:
    rows, unit = await _fetch(connection, entity, month, as_of, definition, None)
    return counting_from_rows(rows, unit)


async def count_stay_indicator_strata_sql(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    definition: IndicatorDefinition,
    dimension: Dimension,
) -> dict[str | None, Counting]:
    rows, unit = await _fetch(connection, entity, month, as_of, definition, dimension)
    return countings_by_stratum(rows, unit)


def stay_units_query(
    entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition
) -> UnitsQuery:
    """The denominator units listed one by one, judged by the same expressions as the counting."""
    by_patient = _by_patient(entity, definition)
    units = _units_sql(definition, by_patient, _exact_mes(entity), None)
    return UnitsQuery(
        f"{units}\nSELECT unit_id, patient, {_UNIT_RANK} AS rank FROM units",
        _parameters(entity, month, as_of),
        _unit(by_patient),
    )


async def _fetch(
    connection: asyncpg.Connection,
    entity: LegalEntity,
    month: Period,
    as_of: datetime,
    definition: IndicatorDefinition,
    dimension: Dimension | None,
) -> tuple[list[asyncpg.Record], Unit]:
    by_patient = _by_patient(entity, definition)
    rows = await connection.fetch(
        _counting_sql(definition, by_patient, _exact_mes(entity), dimension), *_parameters(entity, month, as_of)
    )
    return rows, _unit(by_patient)


def _by_patient(entity: LegalEntity, definition: IndicatorDefinition) -> bool:
    return entity.policies.unit_override.get(definition.id) is CountingUnit.PATIENTS


def _exact_mes(entity: LegalEntity) -> bool:
    return entity.policies.mes_mode is MesMode.EXACT


def _unit(by_patient: bool) -> Unit:
    return Unit.PATIENT if by_patient else Unit.STAY


def _parameters(entity: LegalEntity, month: Period, as_of: datetime) -> tuple[object, ...]:
    policies = entity.policies
    return (
        as_of,
        month.first_day,
        month.label,
        feeding_deadline(month, policies.feeding_grace_months),
        policies.require_datamatrix,
    )
