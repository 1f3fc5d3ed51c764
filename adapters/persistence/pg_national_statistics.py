"""National statistics in PostgreSQL: named column mappings (versioned), imports (versioned per
dataset, idempotent by content and mapping), their rows, and the rows' legal entities.

A row's FINESS is matched to a legal entity when it is read, not when it is imported: a site
declared after the import (FINESS géographique → juridique) then matches its rows without a new
import. An import is one transaction, so a refused or failed one leaves nothing behind.
"""

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.oversight_tables import NATIONAL_COUNT_COLUMNS
from domain.national.datasets import ColumnMapping, FinessKind, NationalDataset, NationalRow
from domain.national.imports import NationalImportSummary, UnmatchedFiness

ROWS_WITH_ENTITY = """
SELECT r.*, CASE r.finess_kind WHEN 'EJ' THEN e.finess_ej WHEN 'ET' THEN s.finess_ej END AS finess_ej
FROM national_row r
LEFT JOIN (SELECT DISTINCT finess_ej FROM legal_entity_version) e
       ON r.finess_kind = 'EJ' AND e.finess_ej = r.finess
LEFT JOIN (SELECT DISTINCT ON (finess_et) finess_et, finess_ej FROM site_version
           ORDER BY finess_et, valid_from DESC, recorded_at DESC) s
       ON r.finess_kind = 'ET' AND s.finess_et = r.finess
"""
"""National rows with the legal entity their FINESS maps to (NULL when none): a FINESS juridique
known to the referential, or a site (FINESS géographique) mapped to its entity by its latest
version."""

_ROW_COLUMNS = [
    "import_id",
    "line_no",
    "period",
    "finess",
    "finess_kind",
    "area",
    "type_code",
    *NATIONAL_COUNT_COLUMNS,
    "rate",
]
_IMPORT_COLUMNS = """i.id, i.dataset, i.version, i.content_sha256, i.file_name, i.mapping_name, i.row_count,
    i.imported_by, i.imported_at,
    ARRAY(SELECT DISTINCT period FROM national_row WHERE import_id = i.id ORDER BY period) AS periods"""


class PgNationalStatistics:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def put_mapping(self, mapping: ColumnMapping, recorded_by: str) -> ColumnMapping:
        current = await self.mapping(mapping.name)
        if current != mapping:
            await self._connection.execute(
                text(
                    "INSERT INTO national_mapping (name, dataset, headers, recorded_by) "
                    "VALUES (:name, :dataset, CAST(:headers AS jsonb), :by)"
                ),
                {
                    "name": mapping.name,
                    "dataset": mapping.dataset.value,
                    "headers": json.dumps(dict(mapping.headers), sort_keys=True),
                    "by": recorded_by,
                },
            )
        return mapping

    async def mapping(self, name: str) -> ColumnMapping | None:
        rows = await self._mappings("WHERE name = :name", {"name": name})
        return rows[0] if rows else None

    async def mappings(self) -> list[ColumnMapping]:
        return await self._mappings("", {})

    async def _mappings(self, where: str, parameters: dict[str, Any]) -> list[ColumnMapping]:
        rows = await self._connection.execute(
            text(
                f"SELECT DISTINCT ON (name) name, dataset, headers FROM national_mapping {where} "
                "ORDER BY name, recorded_at DESC"
            ),
            parameters,
        )
        return [ColumnMapping(row.name, NationalDataset(row.dataset), row.headers) for row in rows]

    async def record_import(
        self,
        dataset: NationalDataset,
        content_sha256: str,
        file_name: str | None,
        mapping: ColumnMapping,
        rows: Sequence[NationalRow],
        imported_by: str,
        imported_at: datetime,
    ) -> NationalImportSummary:
        """A new version of the dataset, unless its latest version is the same file read through
        the same mapping (then that one is answered, `created` false). `imported_at` comes from the
        service's clock, as submissions' instants do, so that as-of reads (D1) order both alike."""
        await self._connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"national/{dataset.value}"}
        )
        headers = json.dumps(dict(mapping.headers), sort_keys=True)
        latest = (
            await self._connection.execute(
                text(
                    "SELECT id, version, content_sha256 = :sha AND mapping_headers = CAST(:headers AS jsonb) AS same "
                    "FROM national_import WHERE dataset = :dataset ORDER BY version DESC LIMIT 1"
                ),
                {"dataset": dataset.value, "sha": content_sha256, "headers": headers},
            )
        ).first()
        if latest is not None and latest.same:
            summary = await self.summary(latest.id)
            assert summary is not None
            return _not_created(summary)
        import_id = (
            await self._connection.execute(
                text(
                    "INSERT INTO national_import (dataset, version, content_sha256, file_name, mapping_name, "
                    "mapping_headers, row_count, imported_by, imported_at) VALUES (:dataset, :version, :sha, "
                    ":file_name, :mapping_name, CAST(:headers AS jsonb), :row_count, :by, :at) RETURNING id"
                ),
                {
                    "dataset": dataset.value,
                    "version": (latest.version if latest else 0) + 1,
                    "sha": content_sha256,
                    "file_name": file_name,
                    "mapping_name": mapping.name or None,
                    "headers": headers,
                    "row_count": len(rows),
                    "by": imported_by,
                    "at": imported_at,
                },
            )
        ).scalar_one()
        raw = await asyncpg_connection(self._connection)
        await raw.copy_records_to_table(
            "national_row", records=[_record(import_id, row) for row in rows], columns=_ROW_COLUMNS
        )
        summary = await self.summary(import_id)
        assert summary is not None
        return summary

    async def summary(self, import_id: int) -> NationalImportSummary | None:
        row = (
            await self._connection.execute(
                text(f"SELECT {_IMPORT_COLUMNS} FROM national_import i WHERE i.id = :id"),
                {"id": import_id},
            )
        ).first()
        return _summary(row, await self._unmatched(import_id)) if row else None

    async def imports(self, dataset: NationalDataset) -> list[NationalImportSummary]:
        rows = await self._connection.execute(
            text(f"SELECT {_IMPORT_COLUMNS} FROM national_import i WHERE i.dataset = :dataset ORDER BY i.version"),
            {"dataset": dataset.value},
        )
        return [_summary(row, await self._unmatched(row.id)) for row in rows.all()]

    async def _unmatched(self, import_id: int) -> tuple[UnmatchedFiness, ...]:
        rows = await self._connection.execute(
            text(
                f"SELECT finess, finess_kind, count(*) AS n FROM ({ROWS_WITH_ENTITY}) r "
                "WHERE r.import_id = :id AND r.finess IS NOT NULL AND r.finess_ej IS NULL "
                "GROUP BY finess, finess_kind ORDER BY finess, finess_kind"
            ),
            {"id": import_id},
        )
        return tuple(UnmatchedFiness(row.finess, FinessKind(row.finess_kind), row.n) for row in rows)


def _record(import_id: int, row: NationalRow) -> tuple[Any, ...]:
    return (
        import_id,
        row.line,
        row.period.label,
        row.finess,
        row.finess_kind.value if row.finess_kind else None,
        row.area,
        row.type_code,
        *(row.counts.get(name) for name in NATIONAL_COUNT_COLUMNS),
        row.rate,
    )


def _summary(row: Any, unmatched: tuple[UnmatchedFiness, ...]) -> NationalImportSummary:
    imported_at: datetime = row.imported_at
    return NationalImportSummary(
        row.id,
        NationalDataset(row.dataset),
        row.version,
        row.content_sha256,
        row.file_name,
        row.mapping_name,
        row.row_count,
        tuple(row.periods),
        row.imported_by,
        imported_at,
        unmatched,
    )


def _not_created(summary: NationalImportSummary) -> NationalImportSummary:
    return replace(summary, created=False)
