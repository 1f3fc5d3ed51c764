"""Set-based checks of a file just copied into its record table, each reporting line numbers.

They run inside the upload's transaction, after `COPY`, over the rows of that submission only:
duplicate ids in the file, dates in the wrong order, records dated after the file's month, and
links to records of the same entity that do not resolve.
"""

from datetime import datetime

import asyncpg

from adapters.persistence.latest_state import CURRENT_FILES
from adapters.persistence.tables import record_table_name, storage_name
from adapters.uploads.issue_sink import IssueSink
from domain.errors import RecordIssue
from domain.submissions.record_kinds import RECORD_KINDS, RecordKind


async def check_copied_rows(
    connection: asyncpg.Connection, submission_id: int, kind: RecordKind, finess_ej: str,
    month_end: datetime, sink: IssueSink,
) -> list[str]:
    """Report issues into `sink`; return warnings (checks that could not run)."""
    spec = RECORD_KINDS[kind]
    table = record_table_name(kind)
    key_columns = tuple(storage_name(kind, name) for name in spec.key)
    await _duplicates(connection, table, submission_id, key_columns, "+".join(spec.key), sink)
    for rule in spec.not_before:
        await _lines_where(connection, table, submission_id, f"{rule.later} < {rule.earlier}", (),
                           rule.later, f"before {rule.earlier}", sink)
    if spec.dated_by:
        await _lines_where(connection, table, submission_id, f"{spec.dated_by} >= $2", (month_end,),
                           spec.dated_by, "after the end of the file's month", sink)
    warnings = []
    for link in spec.links:
        target = link.target_kind
        if not await _has_accepted(connection, finess_ej, target):
            warnings.append(f"links of {link.field} not checked: no {target.value} file received yet")
            continue
        unresolved = f"""{link.field} IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM {record_table_name(target)} t JOIN current_files c ON c.id = t.submission_id
            WHERE t.{link.target_field} = r.{link.field})"""
        await _lines_where(connection, table, submission_id, unresolved, (finess_ej, target.value),
                           link.field, f"no such record in this entity's {target.value}", sink,
                           show=link.field, with_current_files=True)
    return warnings


async def _duplicates(
    connection: asyncpg.Connection, table: str, submission_id: int, key: tuple[str, ...], field: str,
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
        for (lines,) in rows for line in lines[1:]
    ]
    sink.add_many(issues[: sink.cap], len(issues))


async def _lines_where(
    connection: asyncpg.Connection, table: str, submission_id: int, condition: str,
    parameters: tuple[object, ...], field: str, reason: str, sink: IssueSink, *,
    show: str | None = None, with_current_files: bool = False,
) -> None:
    """Rows of the submission ($1) meeting `condition` (extra parameters from $2 on)."""
    shown = f", r.{show}" if show else ", NULL"
    prefix = ""
    if with_current_files:  # the target kind's current files, as known now
        files = CURRENT_FILES.format(finess_ej="$2", kind="$3", as_of="clock_timestamp()")
        prefix = f"WITH current_files AS ({files}) "
    query = (f"{prefix}SELECT r.line_no{shown}, count(*) OVER () FROM {table} r "
             f"WHERE r.submission_id = $1 AND {condition} ORDER BY r.line_no LIMIT {sink.cap}")
    rows = await connection.fetch(query, submission_id, *parameters)
    if rows:
        sink.add_many([RecordIssue(row[0], field, reason, row[1]) for row in rows], rows[0][2])


async def _has_accepted(connection: asyncpg.Connection, finess_ej: str, kind: RecordKind) -> bool:
    found = await connection.fetchval(
        "SELECT EXISTS (SELECT 1 FROM submission WHERE finess_ej = $1 AND kind = $2 AND status = 'accepted')",
        finess_ej, kind.value,
    )
    return bool(found)
