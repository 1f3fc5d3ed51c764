"""A reproducible random sample of the units an indicator counts, for ex-post checks (api.md,
Evidence): the counting queries list their denominator units instead of aggregating them, and the
sample orders them by a hash of (seed, unit id), so that one seed draws the same units whatever
the rows' physical order or the server's plan.

What is returned is what is stored: unit ids as uploaded (stay, consultation, report ids; for a
patient unit, the patient's pseudonym) and patient pseudonyms, never a raw identifier.
"""

from dataclasses import dataclass
from enum import StrEnum

import asyncpg

from adapters.persistence.indicator_sql import exclusion_of_rank
from domain.indicators.catalogue import Exclusion, Unit


class SampleSide(StrEnum):
    NUMERATOR = "numerator"  # the units counted (rank 0)
    DENOMINATOR = "denominator"  # every unit of the denominator, counted or not


@dataclass(frozen=True, slots=True)
class UnitsQuery:
    """A counting query's denominator units, one row each: `unit_id` (text), `patient` (the
    pseudonym) and `rank` (0 when counted, else the rank of the first rule it fails); the query
    reads the parameters $1 to $n given in `parameters`."""

    sql: str
    parameters: tuple[object, ...]
    unit: Unit


@dataclass(frozen=True, slots=True)
class SampledUnit:
    unit_id: str
    patient_pseudonym: str
    failure: Exclusion | None  # None when the unit is in the numerator


@dataclass(frozen=True, slots=True)
class UnitSample:
    unit: Unit
    population: int  # the units on the side, before any weighting of the denominator
    units: tuple[SampledUnit, ...]


def _sample_sql(query: UnitsQuery, side: SampleSide) -> str:
    seed, size = len(query.parameters) + 1, len(query.parameters) + 2
    numerator_only = "WHERE u.rank = 0" if side is SampleSide.NUMERATOR else ""
    return f"""
SELECT u.unit_id, u.patient::text AS patient, u.rank, count(*) OVER () AS population
FROM ({query.sql}) u {numerator_only}
ORDER BY md5(${seed}::text || ':' || u.unit_id), u.unit_id COLLATE "C"
LIMIT ${size}
"""


async def sample_units(
    connection: asyncpg.Connection, query: UnitsQuery, side: SampleSide, size: int, seed: int
) -> UnitSample:
    """At most `size` units of `side`, drawn by `seed`; the population counts every unit of the side.
    Must run where the counting state of the entity and instant is prepared."""
    rows = await connection.fetch(_sample_sql(query, side), *query.parameters, str(seed), size)
    return UnitSample(
        query.unit,
        rows[0]["population"] if rows else 0,
        tuple(
            SampledUnit(row["unit_id"], row["patient"], exclusion_of_rank(row["rank"]) if row["rank"] else None)
            for row in rows
        ),
    )
