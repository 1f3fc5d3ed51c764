"""Re-keying the stored pseudonyms after a rotation of the pseudonymisation key (issue 5).

Every pseudonym column of every record table becomes HMAC(new key, old pseudonym), GHT by GHT
(each GHT has its own key), in one transaction with the count of keys applied, which the
service checks at start against its chain of secrets. Stop the service first: a running one
still pseudonymises with the chain it started with.

An entity's records are re-keyed with the key of the GHT it belongs to now (its latest
referential version): the key its files were pseudonymised with, unless it changed GHT since.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.tables import record_table_name, storage_name
from adapters.uploads.hmac_pseudonymiser import rekeyed
from domain.submissions.record_kinds import RECORD_KINDS, FieldType, RecordKind

PSEUDONYM_COLUMNS = tuple(
    (record_table_name(kind), storage_name(kind, field.name))
    for kind in RecordKind
    for field in RECORD_KINDS[kind].fields
    if field.type in (FieldType.PATIENT_ID, FieldType.INS)
)
"""(table, column) of every stored pseudonym."""

_BATCH = 10_000
_ENTITIES_OF_GHT = """
SELECT finess_ej FROM (SELECT DISTINCT ON (finess_ej) finess_ej, ght_id FROM legal_entity_version
                       ORDER BY finess_ej, valid_from DESC, recorded_at DESC) latest
WHERE ght_id = :ght
"""


@dataclass(frozen=True, slots=True)
class RotationReport:
    keys_applied: int  # after the rotation
    pseudonyms_rekeyed: int  # distinct pseudonyms, over every GHT


async def keys_applied(connection: AsyncConnection) -> int:
    """How many keys of the chain the stored pseudonyms went through (1 before any rotation)."""
    applied = (await connection.execute(text("SELECT keys_applied FROM pseudonym_key_state"))).scalar()
    return int(applied) if applied is not None else 1


async def apply_rotation(
    engine: AsyncEngine, key_of_ght: Callable[[str], bytes], expected_applied: int
) -> RotationReport:
    """Re-key every stored pseudonym with the next key of the chain (`key_of_ght(ght_id)`), once:
    refused unless `expected_applied` keys were applied so far."""
    async with engine.begin() as connection:
        await connection.execute(text("LOCK TABLE pseudonym_key_state IN EXCLUSIVE MODE"))
        applied = await keys_applied(connection)
        if applied != expected_applied:
            raise RuntimeError(
                f"the stored pseudonyms went through {applied} keys, not {expected_applied}: nothing was re-keyed"
            )
        ghts = (await connection.execute(text("SELECT DISTINCT ght_id FROM ght_version ORDER BY ght_id"))).scalars()
        rekeyed_count = 0
        for ght in list(ghts):
            rekeyed_count += await _rekey_ght(connection, ght, key_of_ght(ght))
        await connection.execute(
            text(
                "INSERT INTO pseudonym_key_state (id, keys_applied, rotated_at) "
                "VALUES (1, :applied, clock_timestamp()) "
                "ON CONFLICT (id) DO UPDATE SET keys_applied = :applied, rotated_at = clock_timestamp()"
            ),
            {"applied": applied + 1},
        )
    return RotationReport(applied + 1, rekeyed_count)


async def _rekey_ght(connection: AsyncConnection, ght: str, key: bytes) -> int:
    """A mapping from every distinct pseudonym of the GHT's records to its re-keyed value, built a
    batch at a time (memory stays flat), then one UPDATE per column joining it."""
    raw = await asyncpg_connection(connection)
    await raw.execute(
        "CREATE TEMP TABLE IF NOT EXISTS pseudonym_rekeying (old uuid PRIMARY KEY, new uuid NOT NULL) ON COMMIT DROP"
    )
    await raw.execute("TRUNCATE pseudonym_rekeying")
    files = f"SELECT id FROM submission WHERE finess_ej IN ({_ENTITIES_OF_GHT.replace(':ght', '$1')})"
    distinct = " UNION ".join(
        f"SELECT {column} AS old FROM {table} WHERE {column} IS NOT NULL AND submission_id IN ({files})"
        for table, column in PSEUDONYM_COLUMNS
    )
    count, batch = 0, []
    async for row in raw.cursor(distinct, ght, prefetch=_BATCH):
        batch.append((row["old"], uuid.UUID(bytes=rekeyed(key, row["old"].bytes))))
        if len(batch) == _BATCH:
            count += await _copy(raw, batch)
    count += await _copy(raw, batch)
    for table, column in PSEUDONYM_COLUMNS:
        await raw.execute(
            f"UPDATE {table} r SET {column} = m.new FROM pseudonym_rekeying m "
            f"WHERE r.{column} = m.old AND r.submission_id IN ({files})",
            ght,
        )
    return count


async def _copy(raw: asyncpg.Connection, batch: list[tuple[uuid.UUID, uuid.UUID]]) -> int:
    copied = len(batch)
    if batch:
        await raw.copy_records_to_table("pseudonym_rekeying", records=batch, columns=["old", "new"])
        batch.clear()
    return copied
