"""Stored countings: an entity-month is counted once per set of inputs, then read back.

The inputs of a counting are everything it reads: the entity's current files of every kind and
month (any file can change any month of its entity: records are read in their latest state
across files, series windows are anchored from the first session, late documents reach earlier
stays), the entity's capabilities and policies, and the engine's version. Their digest keys the
stored countings, so another entity's upload never touches them. A counting made as of T stays
right for later instants with the same inputs until `valid_until`, the first record instant
after T that the as-of instant is compared with (D1).

A purged month (retention: its submissions and line-level records deleted, `purged_month`) is
not recounted: its reads answer its last stored counting made at or before the instant asked
for, preferably one counted with the entity's capabilities and policies of that instant (and the
same engine version). A month never counted before its purge has nothing to keep; it is counted
from what remains (nothing), as is a read as of an instant before its first stored counting.
Other months of the entity recount at their next read, since their inputs (the entity's files)
changed; they are the same figures unless they read records of the purged months.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import asyncpg

from adapters.persistence.latest_state import ENTITIES_CURRENT_FILES
from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.counting import Counting, MonthCounting
from domain.periods import Period
from domain.referential import LegalEntity
from domain.stays import STAY_POLICY_VERSION

ENGINE_VERSION = f"{STAY_POLICY_VERSION}/COUNTING-1"  # change it when a counting rule changes

_CURRENT_FILES = ENTITIES_CURRENT_FILES.format(finess_ejs="$1::text[]", as_of="$2")
_LOOKUP = """
SELECT DISTINCT ON (c.finess_ej) c.*
FROM unnest($1::text[], $3::text[]) AS asked (finess_ej, inputs_sha256)
JOIN indicator_counting c USING (finess_ej, inputs_sha256)
WHERE c.period = $2 AND c.as_of <= $4 AND (c.valid_until IS NULL OR c.valid_until > $4)
ORDER BY c.finess_ej, c.as_of DESC
"""
_KEPT = """
SELECT p.finess_ej AS purged_finess_ej, c.*
FROM purged_month p
LEFT JOIN indicator_counting c ON c.finess_ej = p.finess_ej AND c.period = p.period AND c.as_of <= $3
WHERE p.finess_ej = ANY($1::text[]) AND p.period = $2
ORDER BY p.finess_ej, c.as_of DESC, c.id DESC
"""
_STORE = """
INSERT INTO indicator_counting (finess_ej, period, inputs_sha256, input_files, as_of, valid_until,
                                prescription_produced, patients_missing_from_file, countings)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb)
ON CONFLICT (finess_ej, period, inputs_sha256, as_of) DO UPDATE SET computed_at = indicator_counting.computed_at
RETURNING *
"""


@dataclass(frozen=True, slots=True)
class InputFile:
    submission_id: int
    kind: str
    period: str
    version: int


@dataclass(frozen=True, slots=True)
class StoredCounting:
    counted: MonthCounting
    counting_id: int
    as_of: datetime  # the instant it was counted for (at or before the instant asked for)
    computed_at: datetime
    input_files: tuple[InputFile, ...]
    purged: bool = False  # kept from before the month's line-level records were purged


class PgIndicatorResults:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        # `valid_until` is the entity's, not the month's: counted once per entity, instant and files.
        self._valid_until: dict[tuple[str, datetime, tuple[InputFile, ...]], datetime | None] = {}

    async def month_counting(self, entity: LegalEntity, month: Period, as_of: datetime) -> StoredCounting:
        """The stored counting that holds at `as_of`, counted and stored first when there is none.

        `entity` is its referential version for the month as known at `as_of` (D19)."""
        return (await self.month_countings([entity], month, as_of))[entity.finess_ej]

    async def month_countings(
        self, entities: list[LegalEntity], month: Period, as_of: datetime
    ) -> dict[str, StoredCounting]:
        """`month_counting` of several entities, their stored countings found in three queries."""
        found = await self._kept(entities, month, as_of)
        counted = [entity for entity in entities if entity.finess_ej not in found]
        files = await self._current_files([entity.finess_ej for entity in counted], as_of)
        digests = {entity.finess_ej: inputs_digest(entity, files.get(entity.finess_ej, ())) for entity in counted}
        rows = await self._connection.fetch(_LOOKUP, list(digests), month.label, list(digests.values()), as_of)
        found.update({row["finess_ej"]: _stored(row) for row in rows})
        for entity in entities:
            if entity.finess_ej not in found:
                found[entity.finess_ej] = await self._count(
                    entity, month, as_of, files.get(entity.finess_ej, ()), digests[entity.finess_ej]
                )
        return found

    async def _kept(self, entities: list[LegalEntity], month: Period, as_of: datetime) -> dict[str, StoredCounting]:
        """The kept counting of each entity whose month was purged, when one was stored at or
        before `as_of`: the latest counted under the entity's capabilities and policies and this
        engine version (its files aside: they are gone), else the latest."""
        by_finess = {entity.finess_ej: entity for entity in entities}
        latest: dict[str, StoredCounting] = {}
        preferred: dict[str, StoredCounting] = {}
        for row in await self._connection.fetch(_KEPT, list(by_finess), month.label, as_of):
            if row["id"] is None:  # purged, but nothing stored at or before `as_of`
                continue
            finess_ej, stored = row["purged_finess_ej"], replace(_stored(row), purged=True)
            latest.setdefault(finess_ej, stored)
            if finess_ej not in preferred and row["inputs_sha256"] == inputs_digest(
                by_finess[finess_ej], stored.input_files
            ):
                preferred[finess_ej] = stored
        return latest | preferred

    async def _count(
        self, entity: LegalEntity, month: Period, as_of: datetime, files: tuple[InputFile, ...], digest: str
    ) -> StoredCounting:
        engine = PgIndicatorEngine(self._connection)
        counted = await engine.count(entity, month, as_of)
        key = (entity.finess_ej, as_of, files)
        if key not in self._valid_until:
            self._valid_until[key] = await engine.next_as_of_change(entity.finess_ej, as_of)
        valid_until = self._valid_until[key]
        row = await self._connection.fetchrow(
            _STORE,
            entity.finess_ej,
            month.label,
            digest,
            json.dumps([asdict(file) for file in files]),
            as_of,
            valid_until,
            counted.prescription_produced,
            counted.patients_missing_from_file,
            json.dumps(_countings_json(counted.countings)),
        )
        return _stored(row)

    async def _current_files(self, finess_ejs: list[str], as_of: datetime) -> dict[str, tuple[InputFile, ...]]:
        by_entity: dict[str, list[InputFile]] = {}
        for row in await self._connection.fetch(_CURRENT_FILES, finess_ejs, as_of):
            by_entity.setdefault(row["finess_ej"], []).append(
                InputFile(row["id"], row["kind"], row["period"], row["version"])
            )
        return {finess_ej: tuple(files) for finess_ej, files in by_entity.items()}

    async def stored_months(self, finess_ej: str) -> list[Period]:
        rows = await self._connection.fetch(
            "SELECT DISTINCT period FROM indicator_counting WHERE finess_ej = $1 ORDER BY period", finess_ej
        )
        return [Period.parse(row["period"]) for row in rows]


def inputs_digest(entity: LegalEntity, files: tuple[InputFile, ...]) -> str:
    """Only what the counting reads: judging (targets, candidacy, SUN-ES tiers) runs on every read."""
    inputs = {
        "engine": ENGINE_VERSION,
        "capabilities": asdict(entity.capabilities),
        "policies": asdict(entity.policies),
        "files": sorted(file.submission_id for file in files),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def _countings_json(countings: dict[str, Counting]) -> dict[str, Any]:
    return {
        indicator_id: {
            "numerator": counting.numerator,
            "denominator": counting.denominator,
            "unit": counting.unit.value,
            "explanation": [[exclusion.value, count] for exclusion, count in counting.explanation],
        }
        for indicator_id, counting in countings.items()
    }


def _stored(row: asyncpg.Record) -> StoredCounting:
    countings = {
        indicator_id: Counting(
            item["numerator"],
            item["denominator"],
            Unit(item["unit"]),
            tuple((Exclusion(exclusion), count) for exclusion, count in item["explanation"]),
        )
        for indicator_id, item in _decoded(row["countings"]).items()
    }
    files = tuple(InputFile(**file) for file in _decoded(row["input_files"]))
    counted = MonthCounting(countings, row["prescription_produced"], row["patients_missing_from_file"])
    return StoredCounting(counted, row["id"], row["as_of"], row["computed_at"], files)


def _decoded(value: Any) -> Any:
    """`jsonb` arrives decoded through the app's pool (SQLAlchemy's codec), as text on a bare connection."""
    return json.loads(value) if isinstance(value, str) else value
