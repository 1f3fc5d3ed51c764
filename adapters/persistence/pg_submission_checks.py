"""Set-based checks of a file just copied into a record table, each reporting line numbers.

They run inside the upload's transaction, after `COPY`, over the rows of that submission only:
dates in the wrong order and records dated after the file's month (one scan), links to records
of the same entity that do not resolve, and — on the diagnostic table only, since the record
tables' unique index already refuses them — duplicate ids.
"""

from datetime import datetime

import asyncpg

from adapters.persistence.latest_state import CURRENT_FILES
from adapters.persistence.tables import record_table_name, storage_name
from adapters.uploads.issue_sink import IssueSink
from domain.errors import RecordIssue
from domain.submissions.record_kinds import RECORD_KINDS, RecordKind


async def check_copied_rows(
    connection: asyncpg.Connection,
    table: str,
    submission_id: int,
    kind: RecordKind,
    finess_ej: str,
    month_end: datetime,
    sink: IssueSink,
    *,
    duplicates: bool,
) -> list[str]:
    """Report issues into `sink`; return warnings (checks that could not run)."""
    spec = RECORD_KINDS[kind]
    if duplicates:
        key_columns = tuple(storage_name(kind, name) for name in spec.key)
        await _duplicates(connection, table, submission_id, key_columns, "+".join(spec.key), sink)
    await _row_rules(connection, table, submission_id, kind, month_end, sink)
    warnings = []
    for link in spec.links:
        target = link.target_kind
        if not await _has_accepted(connection, finess_ej, target):
            warnings.append(f"links of {link.field} not checked: no {target.value} file received yet")
            continue
        files = CURRENT_FILES.format(finess_ej="$2", kind="$3", as_of="clock_timestamp()")
        rows = await connection.fetch(
            f"""WITH current_files AS ({files})
                SELECT r.line_no, r.{link.field}, count(*) OVER () FROM {table} r
                WHERE r.submission_id = $1 AND r.{link.field} IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM {record_table_name(target)} t JOIN current_files c ON c.id = t.submission_id
                    WHERE t.{link.target_field} = r.{link.field})
                ORDER BY r.line_no LIMIT {sink.cap}""",
            submission_id,
            finess_ej,
            target.value,
        )
        if rows:
            reason = f"no such record in this entity's {target.value}"
            sink.add_many([RecordIssue(line, link.field, reason, value) for line, value, _ in rows], rows[0][2])
    return warnings


async def _row_rules(
    connection: asyncpg.Connection,
    table: str,
    submission_id: int,
    kind: RecordKind,
    month_end: datetime,
    sink: IssueSink,
) -> None:
    """Date order and month end, in one scan; each failing rule of a row is one issue."""
    spec = RECORD_KINDS[kind]
    rules = [(rule.later, f"before {rule.earlier}", f"{rule.later} < {rule.earlier}") for rule in spec.not_before]
    if spec.dated_by:
        rules.append((spec.dated_by, "after the end of the file's month", f"{spec.dated_by} >= $2"))
    if not rules:
        return
    flags = ", ".join(f"({condition}) IS TRUE" for _, _, condition in rules)
    rows = await connection.fetch(
        f"""SELECT line_no, ARRAY[{flags}] AS failed FROM {table}
            WHERE submission_id = $1 AND ({" OR ".join(condition for _, _, condition in rules)})
            ORDER BY line_no""",
        submission_id,
        *([month_end] if spec.dated_by else []),
    )
    issues = [
        RecordIssue(row["line_no"], field, reason)
        for row in rows
        for (field, reason, _), failed in zip(rules, row["failed"], strict=True)
        if failed
    ]
    sink.add_many(issues[: sink.cap], len(issues))


async def _duplicates(
    connection: asyncpg.Connection,
    table: str,
    submission_id: int,
    key: tuple[str, ...],
    field: str,
    sink: IssueSink,
) -> None:
    columns = ", ".join(key)
    rows = await connection.fetch(
        f"""SELECT lines FROM (
              SELECT array_agg(line_no ORDER BY line_no) AS lines FROM {table}
              WHERE submission_id = $1 GROUP BY {columns} HAVING count(*) > 1) duplicated
            ORDER BY lines[1]""",
        submission_id,
    )
    issues = [
        RecordIssue(line, field, f"duplicate id: already given at line {lines[0]}")
        for (lines,) in rows
        for line in lines[1:]
    ]
    sink.add_many(issues[: sink.cap], len(issues))


async def _has_accepted(connection: asyncpg.Connection, finess_ej: str, kind: RecordKind) -> bool:
    found = await connection.fetchval(
        "SELECT EXISTS (SELECT 1 FROM submission WHERE finess_ej = $1 AND kind = $2 AND status = 'accepted')",
        finess_ej,
        kind.value,
    )
    return bool(found)
