"""Reconciliation reads (§7): each entity's judged results beside the national counts of the
month, with the local documents' facts that explain gaps; for a GHT, its members summed."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from adapters.persistence.pg_national_figures import PgNationalFigures, national_area_rate
from domain.national.datasets import NationalDataset
from domain.periods import Period
from domain.reconciliation.ght_reconciliation import MemberFigures, reconcile_ght
from domain.reconciliation.national_checks import NATIONAL_CHECKS
from domain.reconciliation.reconcile import LocalDocumentFacts, ReconciliationLine, reconcile
from domain.referential import LegalEntity
from service.indicator_reading import IndicatorReading, MonthResults


@dataclass(frozen=True, slots=True)
class EntityReconciliation:
    entity: LegalEntity
    lines: tuple[ReconciliationLine, ...]
    mes_profile_rate: Decimal | None = None  # the imported rate of the entity's department, for information (D9)


class ReconciliationReading:
    def __init__(
        self, connection: AsyncConnection, results: IndicatorReading, tolerances: Mapping[str, Decimal]
    ) -> None:
        self._connection = connection
        self._results = results
        self._tolerances = tolerances

    async def entity_month(self, finess_ej: str, month: Period) -> EntityReconciliation | None:
        """None when the entity was not declared for the month at the as-of instant."""
        read = await self._results.month(finess_ej, month)
        if read is None:
            return None
        figures = await self._member_figures([read], month)
        return EntityReconciliation(
            read.entity, self._lines(figures[read.entity.finess_ej]), await self._mes_profile_rate(read.entity, month)
        )

    async def ght_month(
        self, ght_id: str, month: Period
    ) -> tuple[list[EntityReconciliation], tuple[ReconciliationLine, ...]]:
        """Each member's reconciliation, and the GHT's."""
        reads = await self._results.ght_month(ght_id, month)
        figures = await self._member_figures(reads, month)
        members = [
            EntityReconciliation(
                read.entity,
                self._lines(figures[read.entity.finess_ej]),
                await self._mes_profile_rate(read.entity, month),
            )
            for read in reads
        ]
        return members, reconcile_ght(list(figures.values()), self._tolerances)

    async def _member_figures(self, reads: list[MonthResults], month: Period) -> dict[str, dict[str, MemberFigures]]:
        as_of = self._results.as_of
        national = await PgNationalFigures(self._connection).of_month(
            [read.entity.finess_ej for read in reads], month, as_of
        )
        engine = PgIndicatorEngine(await asyncpg_connection(self._connection))
        figures = {}
        for read in reads:
            facts = await engine.document_facts(read.entity, month, as_of)
            figures[read.entity.finess_ej] = {
                result.indicator_id: MemberFigures(
                    result.numerator,
                    result.denominator,
                    national[read.entity.finess_ej][result.indicator_id],
                    facts.get(result.indicator_id, LocalDocumentFacts()),
                )
                for result in read.results
                if result.indicator_id in NATIONAL_CHECKS
            }
        return figures

    async def _mes_profile_rate(self, entity: LegalEntity, month: Period) -> Decimal | None:
        """Shown for information only: the weighted mode uses the referential's fixed rate (D9)."""
        return await national_area_rate(
            self._connection, NationalDataset.MES_PROFILE_RATE, entity.department, month, self._results.as_of
        )

    def _lines(self, figures: Mapping[str, MemberFigures]) -> tuple[ReconciliationLine, ...]:
        return tuple(
            reconcile(
                NATIONAL_CHECKS[indicator_id],
                figure.numerator,
                figure.denominator,
                figure.national,
                figure.local,
                self._tolerances[indicator_id],
            )
            for indicator_id, figure in figures.items()
        )
