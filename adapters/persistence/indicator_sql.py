"""Pieces shared by the set-based counting queries: exclusion ranks, the §4 document rule, the
month's patients file, and turning (kind, rank, count) rows into a `Counting`.

Every counting query answers rows `(stratum, row, rank, n)`: `row` is 'unit' for a denominator
unit (rank 0 when it is in the numerator, else the rank of its failure) or 'excluded' for a unit
removed before the denominator; ranks follow the catalogue's declaration order (D16). `stratum`
is the site or care unit key when the query counts strata (D17), NULL when it counts the total.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from adapters.persistence.latest_state import MONTH_PATIENTS_TABLE
from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Counting
from domain.indicators.strata import Dimension

_ORDER = list(Exclusion)
PARIS = "'Europe/Paris'"


def rank(exclusion: Exclusion) -> int:
    return _ORDER.index(exclusion) + 1


def exclusion_of_rank(value: int) -> Exclusion:
    """The exclusion a rank stands for (rank 0, counted, stands for none)."""
    return _ORDER[value - 1]


def stratum_sql(dimension: Dimension | None, site: str, unit: str) -> str:
    """The stratum key of a counted unit, given its site and unit columns; NULL for the total."""
    if dimension is None:
        return "NULL::text"
    return site if dimension is Dimension.SITE else unit


def in_list(values: Iterable[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values))


def month_patients_sql(period: str) -> str:
    """The month's own patients file, current as of the counting's instant (D4)."""
    return f"SELECT * FROM {MONTH_PATIENTS_TABLE} WHERE period = {period}"


def document_failure_sql(
    definition: IndicatorDefinition, d: str, *, as_of: str, deadline: str, require_datamatrix: str
) -> str:
    """The rank of the first §4 rule document `d` of the indicator's type fails, 0 when it counts."""
    exempt = "FALSE AND " if definition.datamatrix_exempt else ""  # the parameter stays referenced
    return f"""CASE
        WHEN {d}.format NOT IN ({in_list(f.value for f in definition.accepted_formats)})
            THEN CASE WHEN {d}.format = 'SCAN' THEN {rank(Exclusion.SCANNED)}
                      ELSE {rank(definition.format_exclusion)} END
        WHEN NOT {d}.ins_qualified THEN {rank(Exclusion.NO_QUALIFIED_INS)}
        WHEN {d}.dmp_status IS DISTINCT FROM 'ACCEPTED' OR {d}.dmp_sent_at IS NULL
            THEN {rank(Exclusion.NOT_ACCEPTED_BY_DMP)}
        WHEN {d}.dmp_sent_at > {as_of} THEN {rank(Exclusion.ACCEPTED_AFTER_AS_OF)}
        WHEN {d}.dmp_sent_at >= {deadline} THEN {rank(Exclusion.LATE)}
        WHEN ({exempt}{d}.datamatrix IS FALSE AND {require_datamatrix}) THEN {rank(Exclusion.NO_DATAMATRIX)}
        ELSE 0 END"""


def group_failure_sql(definition: IndicatorDefinition, d: str, **parameters: str) -> tuple[str, str, str]:
    """Aggregates over a unit's documents `d` giving (of_type, best, furthest); see `unit_rank_sql`."""
    codes = in_list(definition.type_codes)
    failure = document_failure_sql(definition, d, **parameters)
    return (
        f"count({d}.document_id) FILTER (WHERE {d}.type_code IN ({codes}))",
        f"min(CASE WHEN {d}.type_code IN ({codes}) THEN {failure} END)",
        f"max(CASE WHEN {d}.type_code IN ({codes}) THEN {failure} END)",
    )


def unit_rank_sql(of_type: str, best: str, furthest: str) -> str:
    """A unit counts when one of its documents passes; without any of the type it fails with
    NO_DOCUMENT_OF_TYPE; otherwise under its document that went furthest through §4."""
    return (
        f"CASE WHEN {of_type} = 0 THEN {rank(Exclusion.NO_DOCUMENT_OF_TYPE)} WHEN {best} = 0 THEN 0 ELSE {furthest} END"
    )


def counting_from_rows(rows: Iterable[Mapping[str, Any]], unit: Unit) -> Counting:
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
        exclusion = exclusion_of_rank(row["rank"])
        explanation[exclusion] = explanation.get(exclusion, 0) + row["n"]
    ordered = tuple(sorted(explanation.items(), key=lambda item: _ORDER.index(item[0])))
    return Counting(numerator, denominator, unit, ordered)


def countings_by_stratum(rows: Iterable[Mapping[str, Any]], unit: Unit) -> dict[str | None, Counting]:
    by_stratum: dict[str | None, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_stratum[row["stratum"]].append(row)
    return {stratum: counting_from_rows(stratum_rows, unit) for stratum, stratum_rows in by_stratum.items()}
