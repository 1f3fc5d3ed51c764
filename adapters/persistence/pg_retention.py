"""Retention: the submissions and line-level records of months older than the retention period
are purged; the stored countings (computed results) and the audit trail are kept.

What "older than the retention" means: a month is purged when its last day is more than
`retention_years` before today (Paris), judged by the submission's month (`period`), not by its
upload instant. The month is what the records describe and what the results are kept for: every
version of a month's files goes at once (purging by upload instant would drop an early version
and keep its late correction, a half month that no rule of the latest state expects), a late
correction does not keep years-old care data alive, and the stored countings that stay behind
are per entity-month.

Reads of a purged month answer its last stored counting (`purged_month`, see
`pg_indicator_results`). A month never counted before its purge has nothing to keep: it reads as
counted from what remains, that is nothing. The report counts such months so that a dry run
shows them while they can still be read (a read counts and stores them).

A purge and the uploads exclude each other through one advisory lock, held exclusively by the
purge and shared by every upload (`pg_submission_store`): a purge waits for the uploads in
progress and new uploads wait for it, so no file commits into a month while it is being purged.
An upload to a month already purged is refused (`MonthPurged`): its figures are kept as they
were and can no longer change, so storing the file would lose it silently.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.pg_audit_trail import PgAuditTrail
from adapters.persistence.tables import record_table_name
from domain.audit import AuditEvent
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind

SUBMISSION_TABLE = "submission"
PURGED_TABLES = (*(record_table_name(kind) for kind in RecordKind), SUBMISSION_TABLE)
"""Line-level records first: they name their submission."""

RETENTION_LOCK_KEY = "retention/purge"
"""Held exclusively by a purge, shared by every upload."""
_PURGED_SUBMISSIONS = """
CREATE TEMP TABLE purged_submission ON COMMIT DROP AS
SELECT id, finess_ej, period FROM submission WHERE period < :before
"""
_IN_PURGED = "submission_id = ANY (ARRAY(SELECT id FROM purged_submission))"
_MONTHS = """
SELECT count(*) AS months,
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM indicator_counting c
                                          WHERE c.finess_ej = m.finess_ej AND c.period = m.period)) AS never_counted
FROM (SELECT DISTINCT finess_ej, period FROM purged_submission) m
"""
_RECORD_MONTHS = """
INSERT INTO purged_month (finess_ej, period, purged_at)
SELECT DISTINCT finess_ej, period, CAST(:at AS timestamptz) FROM purged_submission
ON CONFLICT (finess_ej, period) DO NOTHING
"""

AUDIT_PATH = "/retention/purge"


@dataclass(frozen=True, slots=True)
class PurgeReport:
    before: Period  # months before this one were purged (or, in a dry run, would be)
    dry_run: bool
    rows: dict[str, int]  # by table, in PURGED_TABLES order
    months: int  # entity-months purged
    months_never_counted: int  # of which no stored counting keeps the results

    def audit_query(self) -> str:
        """The cutoff and the counts, as a query string; no identifier of any kind."""
        return urlencode(
            {
                "before": self.before.label,
                "months": self.months,
                "months_never_counted": self.months_never_counted,
                **self.rows,
            }
        )


def retention_cutoff(today: date, retention_years: int) -> Period:
    """The first month kept: months whose last day is more than `retention_years` before `today`
    come before it. A 29 February counts back to the 28th (keeping a day longer, never less)."""
    year = today.year - retention_years
    boundary = today.replace(year=year, day=28) if (today.month, today.day) == (2, 29) else today.replace(year=year)
    return Period.containing(boundary)


async def purge_before(
    engine: AsyncEngine, before: Period, *, dry_run: bool = False, actor: str = "cli", at: datetime | None = None
) -> PurgeReport:
    """Delete, in one transaction, the submissions (accepted and refused) of every month before
    `before` and their line-level records, and record those entity-months as purged; stored
    countings and the audit trail stay. A dry run counts the same rows and deletes nothing.

    A purge appends one audit event (`action=purge`) before its transaction commits: should the
    trail refuse it, nothing is purged. A dry run changes nothing and is not recorded."""
    at = at or datetime.now(UTC)
    async with engine.begin() as connection:
        # two purges never interleave, and no upload commits into a month being purged
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": RETENTION_LOCK_KEY}
        )
        await connection.execute(text(_PURGED_SUBMISSIONS), {"before": before.label})
        months = (await connection.execute(text(_MONTHS))).one()
        rows = {table: await _purge_table(connection, table, dry_run) for table in PURGED_TABLES}
        report = PurgeReport(before, dry_run, rows, months.months, months.never_counted)
        if dry_run:
            await connection.rollback()
            return report
        await connection.execute(text(_RECORD_MONTHS), {"at": at})
        await PgAuditTrail(engine).append(
            AuditEvent(at, actor, "admin", "purge", "CLI", AUDIT_PATH, report.audit_query(), 200)
        )
    return report


async def _purge_table(connection: AsyncConnection, table: str, dry_run: bool) -> int:
    where = "id IN (SELECT id FROM purged_submission)" if table == SUBMISSION_TABLE else _IN_PURGED
    if dry_run:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"))).scalar_one())
    return int((await connection.execute(text(f"DELETE FROM {table} WHERE {where}"))).rowcount)  # type: ignore[attr-defined]
