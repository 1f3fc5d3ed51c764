"""The nine indicators of one legal entity and month, counted set-based in PostgreSQL and judged
by the domain (applicability, weighting, targets, statuses)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg

from adapters.persistence.counting_state import prepare_counting_state
from adapters.persistence.indicator_sql import in_list
from adapters.persistence.latest_state import current_records
from adapters.persistence.pg_document_indicator_counts import (
    count_document_indicator_sql,
    count_document_indicator_strata_sql,
    document_units_query,
)
from adapters.persistence.pg_indicator_samples import SampleSide, UnitSample, UnitsQuery, sample_units
from adapters.persistence.pg_patient_file_gaps import count_patients_missing_from_file
from adapters.persistence.pg_patient_indicator_counts import (
    count_patient_indicator_sql,
    count_patient_indicator_strata_sql,
    patient_units_query,
)
from adapters.persistence.pg_reconciliation_facts import count_local_document_facts
from adapters.persistence.pg_stay_indicator_counts import (
    count_stay_indicator_sql,
    count_stay_indicator_strata_sql,
    stay_units_query,
)
from adapters.persistence.pg_stays_sql import STAYS_TABLE
from domain.indicators.catalogue import CATALOGUE, IndicatorDefinition, Unit
from domain.indicators.counting import Counting, MonthCounting
from domain.indicators.results import IndicatorResult, StrataCountings, judge_month
from domain.indicators.strata import Dimension
from domain.indicators.targets import TargetReferential
from domain.periods import Period
from domain.reconciliation.reconcile import LocalDocumentFacts
from domain.referential import LegalEntity
from domain.submissions.record_kinds import RecordKind

_PRESCRIPTION_PRODUCED = f"""
SELECT EXISTS (SELECT 1 FROM {current_records(RecordKind.DOCUMENTS)} d
               WHERE d.type_code IN ({in_list(CATALOGUE["P1.O2.ODS"].type_codes)})
                 AND d.produced_at >= $1 AND d.produced_at < $2)
"""

# The record instants that the as-of instant is compared with (D1): a stay closes at its exit
# (series windows end on their own), a document counts once the DMP accepted it.
_NEXT_AS_OF_CHANGE = f"""
SELECT min(instant) FROM (
    SELECT min(s.exit_at) AS instant FROM {STAYS_TABLE} s WHERE s.exit_at > $1
    UNION ALL
    SELECT min(d.dmp_sent_at) FROM {current_records(RecordKind.DOCUMENTS)} d WHERE d.dmp_sent_at > $1
) instants
"""


class PgIndicatorEngine:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def compute(
        self, entity: LegalEntity, month: Period, as_of: datetime, referential: TargetReferential
    ) -> tuple[IndicatorResult, ...]:
        """`entity` is its referential version for the month as known at `as_of` (D19)."""
        return judge_month(entity, month, as_of, referential, await self.count(entity, month, as_of))

    async def count(self, entity: LegalEntity, month: Period, as_of: datetime) -> MonthCounting:
        async with self._counting(entity.finess_ej, as_of):
            produced = await self._connection.fetchval(_PRESCRIPTION_PRODUCED, month.starts_at, month.ends_at)
            countings = {
                definition.id: await self._count(entity, month, as_of, definition) for definition in CATALOGUE.values()
            }
            missing = await count_patients_missing_from_file(self._connection, month)
            return MonthCounting(countings, bool(produced), missing)

    async def count_strata(
        self, entity: LegalEntity, month: Period, as_of: datetime, dimension: Dimension
    ) -> StrataCountings:
        """The nine countings in each site or care unit (D17); not stored, asked for diagnosis."""
        async with self._counting(entity.finess_ej, as_of):
            return {
                definition.id: await self._count_strata(entity, month, as_of, definition, dimension)
                for definition in CATALOGUE.values()
            }

    async def document_facts(
        self, entity: LegalEntity, month: Period, as_of: datetime
    ) -> dict[str, LocalDocumentFacts]:
        """What the month's documents show that may explain a gap with the national DMP feeds (§7)."""
        async with self._counting(entity.finess_ej, as_of):
            return await count_local_document_facts(self._connection, entity, month, as_of)

    async def sample(
        self,
        entity: LegalEntity,
        month: Period,
        as_of: datetime,
        definition: IndicatorDefinition,
        side: SampleSide,
        size: int,
        seed: int,
    ) -> UnitSample:
        """A reproducible random sample of the units on one side of an indicator (api.md, Evidence),
        listed by the counting's own queries: the population is the numerator or the denominator
        before any weighting."""
        async with self._counting(entity.finess_ej, as_of):
            return await sample_units(
                self._connection, _units_query(entity, month, as_of, definition), side, size, seed
            )

    async def next_as_of_change(self, finess_ej: str, as_of: datetime) -> datetime | None:
        """The first instant after `as_of` at which the entity's countings could change with no new
        upload (a stay closing, a DMP acceptance recorded ahead); None when there is none."""
        async with self._counting(finess_ej, as_of):
            instant: datetime | None = await self._connection.fetchval(_NEXT_AS_OF_CHANGE, as_of)
            return instant

    @asynccontextmanager
    async def _counting(self, finess_ej: str, as_of: datetime) -> AsyncIterator[None]:
        """A (sub)transaction with the entity's counting tables. Counting is analytical: hash and
        merge joins only, as misled row estimates once made the planner pick nested loops over tens
        of thousands of rows (12 s instead of 0.4 s on the demo's P1.O7). The setting ends with the
        counting, not with the caller's transaction (a failure rolls it back with the savepoint)."""
        async with self._connection.transaction():
            await self._connection.execute("SET LOCAL enable_nestloop = off")
            await prepare_counting_state(self._connection, finess_ej, as_of)
            yield
            await self._connection.execute("RESET enable_nestloop")

    async def _count(
        self, entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition
    ) -> Counting:
        if definition.denominator_unit is Unit.STAY:
            return await count_stay_indicator_sql(self._connection, entity, month, as_of, definition)
        if definition.denominator_unit is Unit.PATIENT:
            return await count_patient_indicator_sql(self._connection, entity, month, as_of, definition.id)
        return await count_document_indicator_sql(self._connection, entity, month, as_of, definition)

    async def _count_strata(
        self, entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition, dimension: Dimension
    ) -> dict[str | None, Counting]:
        connection = self._connection
        if definition.denominator_unit is Unit.STAY:
            return await count_stay_indicator_strata_sql(connection, entity, month, as_of, definition, dimension)
        if definition.denominator_unit is Unit.PATIENT:
            return await count_patient_indicator_strata_sql(connection, entity, month, as_of, definition.id, dimension)
        return await count_document_indicator_strata_sql(connection, entity, month, as_of, definition, dimension)


def _units_query(entity: LegalEntity, month: Period, as_of: datetime, definition: IndicatorDefinition) -> UnitsQuery:
    if definition.denominator_unit is Unit.STAY:
        return stay_units_query(entity, month, as_of, definition)
    if definition.denominator_unit is Unit.PATIENT:
        return patient_units_query(entity, month, definition.id)
    return document_units_query(entity, month, as_of, definition)
