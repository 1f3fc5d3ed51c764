"""Retention: the purge deletes old months' submissions and line-level records in one
transaction, keeps the recent months, the stored countings and the audit trail, is audited, and
a purged month still reads its stored counting."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.pg_audit_trail import PgAuditTrail
from adapters.persistence.pg_indicator_results import PgIndicatorResults, StoredCounting
from adapters.persistence.pg_retention import PURGED_TABLES, purge_before, retention_cutoff
from adapters.persistence.tables import record_table_name
from domain.audit import AuditEvent
from domain.indicators.results import compute_month, judge_month
from domain.indicators.targets import target_referential
from domain.periods import Period
from domain.referential import LegalEntity
from domain.submissions.record_kinds import RecordKind
from tests.integration.test_stored_countings import FIRST_READ, MONTH, RECEIVED, STAY_CLOSES
from tests.support.referential import ENTITY_B
from tests.support.stored_records import store_month

OLD, RECENT = MONTH.month, MONTH.month.shifted(1)  # 2025-03 is purged, 2025-04 kept
PURGE_AT = datetime(2025, 6, 1, tzinfo=UTC)
OTHER = replace(MONTH.entity, finess_ej=ENTITY_B)
RECORDS = {
    RecordKind.PATIENTS: len(MONTH.patients),
    RecordKind.ENCOUNTERS: len(MONTH.encounters),
    RecordKind.CONSULTATIONS: len(MONTH.consultations),
    RecordKind.DOCUMENTS: len(MONTH.documents),
    RecordKind.MESSAGES: len(MONTH.messages),
}


@pytest.fixture
async def stored(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The scenario's March for two entities (each with a refused upload too), and April's files
    (one patient) for the first; March counted as of FIRST_READ for the first entity only."""
    async with engine.begin() as connection:
        raw = await asyncpg_connection(connection)
        for finess_ej in (MONTH.entity.finess_ej, ENTITY_B):
            await store_month(
                raw,
                finess_ej,
                OLD.label,
                RECEIVED,
                patients=list(MONTH.patients.values()),
                encounters=MONTH.encounters,
                consultations=MONTH.consultations,
                documents=MONTH.documents,
                messages=MONTH.messages,
            )
            await raw.execute(
                """INSERT INTO submission (finess_ej, period, kind, status, content_sha256, size_bytes, row_count,
                       file_format, uploaded_by, received_at, issue_total, issues)
                   VALUES ($1, $2, 'documents', 'refused', 'refused-file', 10, 1, 'csv', 'test', $3, 1, '[]')""",
                finess_ej,
                OLD.label,
                RECEIVED,
            )
        await store_month(
            raw,
            MONTH.entity.finess_ej,
            RECENT.label,
            RECEIVED + timedelta(seconds=1),
            patients=list(MONTH.patients.values())[:1],
        )
    await _count(engine, MONTH.entity, OLD, FIRST_READ)
    await PgAuditTrail(engine).append(AuditEvent(RECEIVED, "key1", "admin", "write", "POST", "/api/v1/x", "", 201))
    yield engine


async def _count(engine: AsyncEngine, entity: LegalEntity, month: Period, as_of: datetime) -> StoredCounting:
    async with engine.begin() as connection:
        return await PgIndicatorResults(await asyncpg_connection(connection)).month_counting(entity, month, as_of)


async def _scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def _table_counts(engine: AsyncEngine) -> dict[str, object]:
    tables = (*PURGED_TABLES, "indicator_counting", "purged_month", "audit_event")
    return {table: await _scalar(engine, f"SELECT count(*) FROM {table}") for table in tables}


async def test_a_purge_deletes_old_months_and_keeps_recent_ones_the_countings_and_the_trail(
    stored: AsyncEngine,
) -> None:
    countings_before = await _scalar(stored, "SELECT count(*) FROM indicator_counting")
    report = await purge_before(stored, RECENT, at=PURGE_AT)

    assert report.rows == {
        **{record_table_name(kind): 2 * count for kind, count in RECORDS.items()},
        "submission": 2 * 6,
    }  # five accepted files and a refused one, per entity
    assert (report.months, report.months_never_counted) == (2, 1)  # ENTITY_B's March was never read
    assert await _scalar(stored, f"SELECT count(*) FROM submission WHERE period < '{RECENT.label}'") == 0
    assert await _scalar(stored, f"SELECT count(*) FROM submission WHERE period = '{RECENT.label}'") == 5
    assert await _scalar(stored, "SELECT count(*) FROM patient_record") == 1  # April's
    assert await _scalar(stored, "SELECT count(*) FROM indicator_counting") == countings_before == 1
    assert (
        await _scalar(stored, "SELECT string_agg(finess_ej || ' ' || period, ',' ORDER BY finess_ej) FROM purged_month")
        == f"{ENTITY_B} {OLD.label},{MONTH.entity.finess_ej} {OLD.label}"
    )

    async with stored.connect() as connection:
        events = (await connection.execute(text("SELECT * FROM audit_event ORDER BY id"))).all()
    assert len(events) == 2
    purge = events[-1]
    assert (purge.actor, purge.role, purge.action, purge.method, purge.path, purge.status, purge.at) == (
        "cli",
        "admin",
        "purge",
        "CLI",
        "/retention/purge",
        200,
        PURGE_AT,
    )
    assert purge.query.startswith(f"before={RECENT.label}&months=2&months_never_counted=1&patient_record=10&")
    verification = await PgAuditTrail(stored).verify()
    assert verification.intact and verification.checked == 2


async def test_a_purged_month_reads_its_last_stored_counting(stored: AsyncEngine) -> None:
    before = await _count(stored, MONTH.entity, OLD, FIRST_READ)
    await purge_before(stored, RECENT, at=PURGE_AT)

    # Past the counting's validity (a stay closes at STAY_CLOSES), it would otherwise be recounted.
    for as_of in (FIRST_READ, STAY_CLOSES, PURGE_AT + timedelta(days=30)):
        kept = await _count(stored, MONTH.entity, OLD, as_of)
        assert (kept.counting_id, kept.as_of, kept.counted, kept.purged) == (
            before.counting_id,
            FIRST_READ,
            before.counted,
            True,
        )
    reference = compute_month(replace(MONTH, as_of=FIRST_READ), target_referential())
    assert judge_month(MONTH.entity, OLD, FIRST_READ, target_referential(), kept.counted) == reference
    assert {file.kind for file in kept.input_files if file.period == OLD.label} == {kind.value for kind in RecordKind}

    # Never counted before its purge: nothing kept, so it is counted from what remains (nothing).
    nothing = await _count(stored, OTHER, OLD, PURGE_AT)
    assert not nothing.purged and all(c.denominator == 0 for c in nothing.counted.countings.values())
    # Nor is anything kept for an instant before the first stored counting.
    earlier = await _count(stored, MONTH.entity, OLD, FIRST_READ - timedelta(hours=1))
    assert not earlier.purged and earlier.counting_id != before.counting_id
    # The recent month is counted as usual, from its own files.
    recent = await _count(stored, MONTH.entity, RECENT, PURGE_AT)
    assert not recent.purged and {file.period for file in recent.input_files} == {RECENT.label}


async def test_a_purged_month_prefers_the_counting_of_the_entitys_policies(stored: AsyncEngine) -> None:
    stricter = replace(MONTH.entity, policies=replace(MONTH.entity.policies, feeding_grace_months=0))
    usual = await _count(stored, MONTH.entity, OLD, FIRST_READ)
    strict = await _count(stored, stricter, OLD, FIRST_READ)
    await purge_before(stored, RECENT, at=PURGE_AT)
    assert (await _count(stored, stricter, OLD, PURGE_AT)).counting_id == strict.counting_id
    assert (await _count(stored, MONTH.entity, OLD, PURGE_AT)).counting_id == usual.counting_id
    # Counted under other policies only: the latest stored counting is what there is.
    other = replace(MONTH.entity, policies=replace(MONTH.entity.policies, feeding_grace_months=3))
    assert (await _count(stored, other, OLD, PURGE_AT)).counting_id == max(usual.counting_id, strict.counting_id)


async def test_a_dry_run_reports_the_same_counts_and_changes_nothing(stored: AsyncEngine) -> None:
    tables = await _table_counts(stored)
    dry = await purge_before(stored, RECENT, dry_run=True, at=PURGE_AT)
    assert await _table_counts(stored) == tables  # no row deleted, no month recorded, no audit event
    done = await purge_before(stored, RECENT, at=PURGE_AT)
    assert dry.dry_run and not done.dry_run
    assert (dry.rows, dry.months, dry.months_never_counted) == (done.rows, done.months, done.months_never_counted)
    assert sum(dry.rows.values()) > 0


async def test_a_second_purge_finds_nothing_left_and_is_audited_too(stored: AsyncEngine) -> None:
    await purge_before(stored, RECENT, at=PURGE_AT)
    again = await purge_before(stored, RECENT, at=PURGE_AT + timedelta(days=1))
    assert (set(again.rows.values()), again.months) == ({0}, 0)
    assert await _scalar(stored, "SELECT count(*) FROM purged_month") == 2
    assert (await PgAuditTrail(stored).verify()).checked == 3


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2025, 4, 10), "2019-04"),  # March 2019 ended more than 6 years before: purged
        (date(2025, 4, 30), "2019-04"),  # April 2019 ends exactly 6 years before: not yet
        (date(2025, 5, 1), "2019-05"),
        (date(2024, 2, 29), "2018-02"),  # counted back to 28 February 2018
    ],
)
def test_the_cutoff_keeps_a_month_until_its_last_day_is_past_the_retention(today: date, cutoff: str) -> None:
    assert retention_cutoff(today, 6).label == cutoff
