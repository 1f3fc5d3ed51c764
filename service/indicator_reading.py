"""Judged results of entity-months: stored countings (counted first when missing), the entity's
referential version of each month (D19), and the warnings that go with them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from adapters.persistence.pg_indicator_results import PgIndicatorResults, StoredCounting
from adapters.persistence.pg_national_figures import national_area_rate
from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.indicators.counting import MonthCounting
from domain.indicators.results import IndicatorResult, judge_month, judge_strata
from domain.indicators.strata import Dimension
from domain.indicators.targets import TargetReferential
from domain.indicators.warnings import (
    DataWarning,
    FlowBreakThresholds,
    flow_breaks_of_month,
    missing_kinds,
    missing_patients_warning,
    result_warnings,
)
from domain.national.datasets import NationalDataset
from domain.periods import Period
from domain.referential import LegalEntity, MssWeighting
from domain.submissions.record_kinds import RecordKind


@dataclass(frozen=True, slots=True)
class MonthResults:
    month: Period
    entity: LegalEntity
    results: tuple[IndicatorResult, ...]
    counted_as_of: datetime  # the instant the stored counting was made for (at or before the asked one)
    counted: MonthCounting
    mss_equipment_rate: Decimal | None = None  # the imported rate that weighted P1.O7, if any
    # A purged month's (retention) kinds of its own files, as its kept counting read them: its
    # submissions are gone, so they are no longer in the submission table.
    kept_kinds: frozenset[RecordKind] | None = None


class IndicatorReading:
    def __init__(
        self, connection: AsyncConnection, referential: PgReferentialStore, targets: TargetReferential, as_of: datetime
    ) -> None:
        self._connection = connection
        self._referential = referential
        self.targets = targets
        self.as_of = as_of

    async def month(self, finess_ej: str, month: Period) -> MonthResults | None:
        """None when the entity was not declared for the month at the as-of instant."""
        entity = await self._referential.legal_entity(finess_ej, day=month.last_day, as_of=self.as_of)
        if entity is None:
            return None
        raw = (await self._connection.get_raw_connection()).driver_connection
        stored = await PgIndicatorResults(raw).month_counting(entity, month, self.as_of)  # type: ignore[arg-type]
        return _judged(month, entity, self.as_of, self.targets, stored, await self._mss_equipment_rate(entity, month))

    async def ght_month(self, ght_id: str, month: Period) -> list[MonthResults]:
        """The GHT's active members at the month's end as known at the as-of instant (D19), by FINESS."""
        members = [
            entity
            for entity in await self._referential.legal_entities_at(month.last_day, self.as_of)
            if entity.ght_id == ght_id and entity.active
        ]
        raw = (await self._connection.get_raw_connection()).driver_connection
        stored = await PgIndicatorResults(raw).month_countings(members, month, self.as_of)  # type: ignore[arg-type]
        return [
            _judged(
                month,
                entity,
                self.as_of,
                self.targets,
                stored[entity.finess_ej],
                await self._mss_equipment_rate(entity, month),
            )
            for entity in sorted(members, key=lambda member: member.finess_ej)
        ]

    async def _mss_equipment_rate(self, entity: LegalEntity, month: Period) -> Decimal | None:
        """The imported MSSanté equipment rate of the entity's region or department, when its
        policy weights P1.O7 with it (§7); None otherwise, or when no import gives it."""
        weighting = entity.policies.mss_weighting
        if weighting is MssWeighting.OFF:
            return None
        if weighting is MssWeighting.DEPARTMENT:
            area = entity.department
        else:
            ght = await self._referential.ght(entity.ght_id, as_of=self.as_of)
            if ght is None:
                return None
            area = ght.region
        return await national_area_rate(self._connection, NationalDataset.MSS_EQUIPMENT, area, month, self.as_of)

    async def strata(self, read: MonthResults, dimension: Dimension) -> dict[str | None, tuple[IndicatorResult, ...]]:
        """The month's results by site or care unit (D17), counted on request: strata serve
        diagnosis, so they are not stored."""
        raw = (await self._connection.get_raw_connection()).driver_connection
        strata = await PgIndicatorEngine(raw).count_strata(read.entity, read.month, self.as_of, dimension)  # type: ignore[arg-type]
        return judge_strata(
            read.entity, read.month, self.as_of, self.targets, read.counted, strata, read.mss_equipment_rate
        )

    async def months(self, finess_ej: str, first: Period, last: Period) -> list[MonthResults]:
        months = []
        month = first
        while month <= last:
            if (read := await self.month(finess_ej, month)) is not None:
                months.append(read)
            month = month.shifted(1)
        return months

    async def warnings(
        self, read: MonthResults, before: Sequence[MonthResults], thresholds: FlowBreakThresholds
    ) -> list[DataWarning]:
        """Validation rules, kinds missing for the month, and flow breaks against `before` (the
        months before, most recent last)."""
        history: dict[str, list[IndicatorResult]] = {}
        for previous in before:
            for result in previous.results:
                history.setdefault(result.indicator_id, []).append(result)
        kinds = read.kept_kinds
        if kinds is None:
            kinds = frozenset(await self._kinds_received(read.entity.finess_ej, read.month))
        return (
            result_warnings(read.results)
            + missing_kinds(kinds)
            + missing_patients_warning(read.counted.patients_missing_from_file)
            + flow_breaks_of_month(read.results, history, thresholds)
        )

    async def _kinds_received(self, finess_ej: str, month: Period) -> list[RecordKind]:
        rows = await self._connection.execute(
            text(
                "SELECT DISTINCT kind FROM submission WHERE finess_ej = :ej AND period = :period "
                "AND status = 'accepted' AND received_at <= :as_of"
            ),
            {"ej": finess_ej, "period": month.label, "as_of": self.as_of},
        )
        return [RecordKind(row[0]) for row in rows]


def _judged(
    month: Period,
    entity: LegalEntity,
    as_of: datetime,
    targets: TargetReferential,
    stored: StoredCounting,
    mss_equipment_rate: Decimal | None,
) -> MonthResults:
    kept_kinds = (
        frozenset(RecordKind(file.kind) for file in stored.input_files if file.period == month.label)
        if stored.purged
        else None
    )
    return MonthResults(
        month,
        entity,
        judge_month(entity, month, as_of, targets, stored.counted, mss_equipment_rate),
        stored.as_of,
        stored.counted,
        mss_equipment_rate,
        kept_kinds,
    )
