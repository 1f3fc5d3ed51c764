"""The submission store on real PostgreSQL: atomic, idempotent, versioned, latest state per id."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_submission_history import PgSubmissionHistory
from adapters.persistence.pg_submission_store import PgSubmissionStore
from adapters.uploads.arrow_record_validator import UploadContext
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser
from adapters.uploads.storage_chunks import FileFormat
from adapters.uploads.text_dialect import resolve_encoding
from adapters.uploads.upload_spool import spool_upload
from domain.errors import SubmissionRefused
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionReceipt, SubmissionRequest
from tests.support.referential import ENTITY_A, SITE_A1

T0 = datetime(2025, 4, 2, 8, 0, tzinfo=UTC)
CONTEXT = UploadContext(ENTITY_A, frozenset({SITE_A1}), HmacPseudonymiser(b"k" * 32))
HEADER = "document_id,version,patient_id,type_code,produced_at,format,ins_qualified\n"


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _upload(
    engine: AsyncEngine,
    folder: Path,
    content: str,
    at: datetime = T0,
    kind: RecordKind = RecordKind.DOCUMENTS,
    month: str = "2025-03",
) -> SubmissionReceipt:
    spooled = await spool_upload(_chunks(content.encode()), folder, 10**9)
    request = SubmissionRequest(ENTITY_A, Period.parse(month), kind, "test-key")
    dialect = resolve_encoding(None, spooled.is_valid_utf8, spooled.sample)
    store = PgSubmissionStore(engine, lambda: at, max_listed_errors=1000, batch_rows=2)
    return await store.receive(request, spooled, FileFormat.CSV, dialect, CONTEXT)


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(sql))).all()]


async def _counts(engine: AsyncEngine, as_of: datetime) -> dict[RecordKind, int]:
    async with engine.connect() as connection:
        return await PgSubmissionHistory(connection).current_record_counts(ENTITY_A, as_of)


async def test_a_bad_row_stores_nothing_of_the_file(referential: AsyncEngine, tmp_path: Path) -> None:
    rows = "".join(f"D{i},1,P{i},11490-0,2025-03-02,CDA_R2_N1,true\n" for i in range(10))
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(referential, tmp_path, HEADER + rows + "D99,1,P99,11490-0,2025-03-02,WORD,true\n")
    assert refused.value.report.total == 1
    assert await _rows(referential, "SELECT count(*) FROM document_record") == [(0,)]
    assert await _rows(referential, "SELECT status, version, row_count FROM submission") == [("refused", None, 11)]


async def test_the_same_file_twice_is_stored_once(referential: AsyncEngine, tmp_path: Path) -> None:
    content = HEADER + "D1,1,P1,11490-0,2025-03-02,CDA_R2_N1,true\n"
    first = await _upload(referential, tmp_path, content)
    second = await _upload(referential, tmp_path, content, at=T0 + timedelta(hours=1))
    assert second.submission_id == first.submission_id and not second.created
    assert await _rows(referential, "SELECT count(*) FROM document_record") == [(1,)]


async def test_a_new_version_replaces_the_previous_which_stays_readable(
    referential: AsyncEngine, tmp_path: Path
) -> None:
    await _upload(
        referential,
        tmp_path,
        HEADER + "D1,1,P1,11490-0,2025-03-02,CDA_R2_N1,true\nD2,1,P2,11490-0,2025-03-02,CDA_R2_N1,true\n",
    )
    second = await _upload(
        referential, tmp_path, HEADER + "D1,1,P1,11490-0,2025-03-02,CDA_R2_N1,true\n", at=T0 + timedelta(days=1)
    )
    assert second.version == 2
    assert (await _counts(referential, T0 + timedelta(hours=1)))[RecordKind.DOCUMENTS] == 2
    assert (await _counts(referential, T0 + timedelta(days=2)))[RecordKind.DOCUMENTS] == 1
    kept = await _rows(
        referential,
        "SELECT s.version, count(*) FROM document_record r "
        "JOIN submission s ON s.id = r.submission_id GROUP BY 1 ORDER BY 1",
    )
    assert kept == [(1, 2), (2, 1)]


async def test_a_record_takes_its_state_from_the_latest_file_holding_it(
    referential: AsyncEngine, tmp_path: Path
) -> None:
    """An encounter of March still ongoing, then closed in April's file: April's state wins."""
    head = "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
    await _upload(
        referential,
        tmp_path,
        head + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-30,\n",
        kind=RecordKind.ENCOUNTERS,
        month="2025-03",
    )
    await _upload(
        referential,
        tmp_path,
        head + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-30,2025-04-02\n",
        kind=RecordKind.ENCOUNTERS,
        month="2025-04",
        at=T0 + timedelta(days=30),
    )
    assert (await _counts(referential, T0 + timedelta(days=31)))[RecordKind.ENCOUNTERS] == 1
    from adapters.persistence.latest_state import latest_records_sql

    async with referential.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        state = await raw.fetch(latest_records_sql(RecordKind.ENCOUNTERS), ENTITY_A, T0 + timedelta(days=31))
        before = await raw.fetch(latest_records_sql(RecordKind.ENCOUNTERS), ENTITY_A, T0)
    assert [row["discharged_at"] is not None for row in state] == [True]
    assert [row["discharged_at"] for row in before] == [None]


async def test_the_highest_document_version_is_its_state(referential: AsyncEngine, tmp_path: Path) -> None:
    await _upload(
        referential,
        tmp_path,
        HEADER + "D1,2,P1,11490-0,2025-03-02,CDA_R2_N1,true\nD1,1,P1,11490-0,2025-03-02,SCAN,true\n",
    )
    from adapters.persistence.latest_state import latest_records_sql

    async with referential.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        state = await raw.fetch(latest_records_sql(RecordKind.DOCUMENTS), ENTITY_A, T0)
    assert [(row["version"], row["format"]) for row in state] == [(2, "CDA_R2_N1")]


async def test_a_quoted_value_spanning_lines_keeps_exact_line_numbers(referential: AsyncEngine, tmp_path: Path) -> None:
    content = (
        HEADER + "D1,1,P1,11490-0,2025-03-02,CDA_R2_N1,true\n"
        '"D2\nsuite",1,P2,11490-0,2025-03-02,CDA_R2_N1,true\n'
        "D3,1,P3,11490-0,2025-03-02,CDA_R2_N1,maybe\n"
    )
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(referential, tmp_path, content)
    assert [(issue.line, issue.field) for issue in refused.value.report.issues] == [(5, "ins_qualified")]


async def test_links_to_unknown_encounters_are_errors_once_encounters_exist(
    referential: AsyncEngine, tmp_path: Path
) -> None:
    head = "encounter_id,patient_id,finess_et,activity,kind,admitted_at\n"
    await _upload(
        referential, tmp_path, head + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01\n", kind=RecordKind.ENCOUNTERS
    )
    documents = (
        "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified\n"
        "D1,P1,E1,11490-0,2025-03-02,CDA_R2_N1,true\nD2,P1,E404,11490-0,2025-03-02,CDA_R2_N1,true\n"
    )
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(referential, tmp_path, documents)
    assert [(issue.line, issue.field, issue.value) for issue in refused.value.report.issues] == [
        (3, "encounter_id", "E404")
    ]


async def test_duplicate_ids_alone_are_all_listed(referential: AsyncEngine, tmp_path: Path) -> None:
    """The unique index stops COPY at the first duplicate; the diagnostic copy then lists them all."""
    rows = "".join(f"D{i % 3},1,P{i},11490-0,2025-03-02,CDA_R2_N1,true\n" for i in range(7))
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(referential, tmp_path, HEADER + rows)
    listed = [(issue.line, issue.reason) for issue in refused.value.report.issues]
    assert listed == [
        (5, "duplicate id: already given at line 2"),
        (6, "duplicate id: already given at line 3"),
        (7, "duplicate id: already given at line 4"),
        (8, "duplicate id: already given at line 2"),
    ]
    assert await _rows(referential, "SELECT count(*) FROM document_record") == [(0,)]


ENCOUNTER_HEADER = "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"


async def test_a_datetime_without_offset_is_paris_time(referential: AsyncEngine, tmp_path: Path) -> None:
    """31 March 2025 23:30 in Paris (summer time since the 30th) is 21:30 UTC; with an offset it is kept."""
    await _upload(
        referential,
        tmp_path,
        ENCOUNTER_HEADER
        + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01T08:00:00,2025-03-31T23:30:00\n"
        + f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-31T23:30:00Z\n",
        kind=RecordKind.ENCOUNTERS,
    )
    stored = await _rows(
        referential, "SELECT encounter_id, admitted_at, discharged_at FROM encounter_record ORDER BY 1"
    )
    assert stored == [
        ("E1", datetime(2025, 3, 1, 7, 0, tzinfo=UTC), datetime(2025, 3, 31, 21, 30, tzinfo=UTC)),
        ("E2", datetime(2025, 2, 28, 23, 0, tzinfo=UTC), datetime(2025, 3, 31, 23, 30, tzinfo=UTC)),
    ]


async def test_a_record_dated_after_its_month_and_dates_out_of_order_are_errors(
    referential: AsyncEngine, tmp_path: Path
) -> None:
    content = (
        ENCOUNTER_HEADER
        + f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-09\n"
        + f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-04-01T00:30:00+02:00,\n"
        + f"E3,P3,{SITE_A1},MCO,HOSPITALISATION,2025-03-31T23:30:00+02:00,\n"
    )
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(referential, tmp_path, content, kind=RecordKind.ENCOUNTERS)
    assert [(issue.line, issue.field, issue.reason) for issue in refused.value.report.issues] == [
        (2, "discharged_at", "before admitted_at"),
        (3, "admitted_at", "after the end of the file's month"),
    ]


async def test_a_required_column_missing_from_the_header_is_an_error(referential: AsyncEngine, tmp_path: Path) -> None:
    with pytest.raises(SubmissionRefused) as refused:
        await _upload(
            referential,
            tmp_path,
            "encounter_id,patient_id,finess_et,activity,kind\nE1,P1,x,MCO,SEANCE\n",
            kind=RecordKind.ENCOUNTERS,
        )
    assert [(issue.line, issue.field, issue.reason) for issue in refused.value.report.issues] == [
        (1, "admitted_at", "required field missing from the header"),
    ]
