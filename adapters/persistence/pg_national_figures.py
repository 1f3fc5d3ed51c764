"""The national side of the reconciliation (§7): for each entity and indicator, the national count
of the month from the current import of its dataset, after FINESS géographique → juridique
mapping, and the rows of the month whose FINESS maps to no entity.

The current import of a dataset for a month is its latest version imported at or before the
as-of instant that holds rows of that month, so that a reconciliation read as of an instant
replays exactly. An entity absent from that import is `national_missing`; an entity present in
it but without a row of an indicator's document types has a national count of 0.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_national_statistics import ROWS_WITH_ENTITY
from domain.national.datasets import NationalDataset
from domain.periods import Period
from domain.reconciliation.national_checks import NATIONAL_CHECKS, NationalCheck
from domain.reconciliation.reconcile import NationalFigure

_COUNT_EXPRESSIONS = {
    check.indicator_id: f"coalesce(r.{check.count_field}, r.{check.fallback_field})"
    if check.fallback_field
    else f"r.{check.count_field}"
    for check in NATIONAL_CHECKS.values()
}
_SUMS = ", ".join(f'sum({expression}) AS "{indicator_id}"' for indicator_id, expression in _COUNT_EXPRESSIONS.items())

_GROUPS = f"""
WITH current_imports AS (
    SELECT DISTINCT ON (i.dataset) i.id, i.dataset FROM national_import i
    WHERE i.imported_at <= :as_of
      AND EXISTS (SELECT 1 FROM national_row r WHERE r.import_id = i.id AND r.period = :period)
    ORDER BY i.dataset, i.version DESC
)
SELECT c.dataset, r.finess_ej, r.type_code, count(*) AS rows, sum(r.lots) AS lots, {_SUMS}
FROM ({ROWS_WITH_ENTITY}) r JOIN current_imports c ON c.id = r.import_id
WHERE r.period = :period AND r.finess IS NOT NULL AND (r.finess_ej IS NULL OR r.finess_ej = ANY(:entities))
GROUP BY c.dataset, r.finess_ej, r.type_code
"""
"""A few rows per entity and dataset (one per document type for the DMP feeds); the entities'
unmatched neighbours come grouped under a NULL entity."""


class PgNationalFigures:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def of_month(
        self, finess_ejs: Iterable[str], month: Period, as_of: datetime
    ) -> dict[str, dict[str, NationalFigure]]:
        """By entity, then indicator id."""
        entities = sorted(set(finess_ejs))
        rows = (
            (
                await self._connection.execute(
                    text(_GROUPS), {"as_of": as_of, "period": month.label, "entities": entities}
                )
            )
            .mappings()
            .all()
        )
        groups: dict[tuple[NationalDataset, str | None], list[dict[str, object]]] = defaultdict(list)
        for row in rows:
            groups[(NationalDataset(row["dataset"]), row["finess_ej"])].append(dict(row))
        return {
            entity: {
                check.indicator_id: _figure(
                    check, groups.get((check.dataset, entity)), groups.get((check.dataset, None), [])
                )
                for check in NATIONAL_CHECKS.values()
            }
            for entity in entities
        }


def _figure(
    check: NationalCheck, entity_rows: list[dict[str, object]] | None, unmatched_rows: list[dict[str, object]]
) -> NationalFigure:
    unmatched = sum(_int(row["rows"]) for row in _of_types(check, unmatched_rows))
    if entity_rows is None:
        return NationalFigure(None, unmatched_rows=unmatched)
    rows = _of_types(check, entity_rows)
    lots = [_int(row["lots"]) for row in rows if row["lots"] is not None]
    return NationalFigure(sum(_int(row[check.indicator_id]) for row in rows), sum(lots) if lots else None, unmatched)


def _of_types(check: NationalCheck, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [row for row in rows if not check.per_document_type or row["type_code"] in check.type_codes]


def _int(value: object) -> int:
    """PostgreSQL's sums of bigints are numerics (Decimal); a sum over no value is NULL."""
    return int(value) if isinstance(value, int | Decimal) else 0


_AREA_RATE = """
SELECT r.rate FROM national_row r
JOIN (SELECT DISTINCT ON (i.dataset) i.id FROM national_import i
      WHERE i.dataset = :dataset AND i.imported_at <= :as_of
        AND EXISTS (SELECT 1 FROM national_row n WHERE n.import_id = i.id AND n.period = :period)
      ORDER BY i.dataset, i.version DESC) current_import ON current_import.id = r.import_id
WHERE r.period = :period AND r.area = :area
"""


async def national_area_rate(
    connection: AsyncConnection, dataset: NationalDataset, area: str, month: Period, as_of: datetime
) -> Decimal | None:
    """An area dataset's rate (MSSanté equipment, MES profiles) for a region or department and
    month, from its current import as of `as_of`; None when the import has no such row."""
    rate = (
        await connection.execute(
            text(_AREA_RATE), {"dataset": dataset.value, "as_of": as_of, "period": month.label, "area": area}
        )
    ).scalar()
    return rate if isinstance(rate, Decimal) else None
