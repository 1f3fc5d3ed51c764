"""Stored submissions read back as the domain's month, figures computed, as-of reproducible."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_entity_month_reader import PgEntityMonthReader
from adapters.persistence.pg_submission_store import PgSubmissionStore
from adapters.uploads.arrow_record_validator import UploadContext
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser
from adapters.uploads.storage_chunks import FileFormat
from adapters.uploads.text_dialect import resolve_encoding
from adapters.uploads.upload_spool import spool_upload
from domain.indicators.results import compute_month
from domain.indicators.targets import target_referential
from domain.periods import Period
from domain.submissions.record_kinds import RecordKind
from domain.submissions.submission import SubmissionRequest
from tests.support.referential import ENTITIES, ENTITY_A, SITE_A1

T0 = datetime(2025, 5, 2, 8, 0, tzinfo=UTC)
CONTEXT = UploadContext(ENTITY_A, frozenset({SITE_A1}), HmacPseudonymiser(b"k" * 32))
FILES = {
    RecordKind.PATIENTS: "patient_id,ins,identity_status,mes_status\nP1,,QUAL,OPEN\nP2,,PROV,OPEN\n",
    RecordKind.ENCOUNTERS: ("encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
                            f"E1,P1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00\n"
                            f"E2,P2,{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00\n"),
    RecordKind.DOCUMENTS: ("document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,"
                           "datamatrix,dmp_status,dmp_sent_at\n"
                           "D1,P1,E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00\n"),
}


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _upload(engine: AsyncEngine, folder: Path, kind: RecordKind, content: str, at: datetime) -> None:
    spooled = await spool_upload(_chunks(content.encode()), folder, 10**9)
    store = PgSubmissionStore(engine, lambda: at, max_listed_errors=1000, batch_rows=100)
    dialect = resolve_encoding(None, spooled.is_valid_utf8, spooled.sample)
    await store.receive(SubmissionRequest(ENTITY_A, Period(2025, 3), kind, "k"), spooled, FileFormat.CSV,
                        dialect, CONTEXT)


async def _letters(engine: AsyncEngine, as_of: datetime) -> tuple[int, int]:
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        month = await PgEntityMonthReader(raw).read(ENTITIES[0], Period(2025, 3), as_of)  # type: ignore[arg-type]
    ldl = {result.indicator_id: result for result in compute_month(month, target_referential())}["P1.O2.LDL"]
    return ldl.numerator, ldl.denominator


async def test_a_month_read_back_gives_the_figures_of_its_files(referential: AsyncEngine, tmp_path: Path) -> None:
    for kind, content in FILES.items():
        await _upload(referential, tmp_path, kind, content, T0)
    assert await _letters(referential, T0 + timedelta(hours=1)) == (1, 2)


async def test_an_upload_after_the_as_of_instant_does_not_change_the_figures(
    referential: AsyncEngine, tmp_path: Path
) -> None:
    for kind, content in FILES.items():
        await _upload(referential, tmp_path, kind, content, T0)
    letter_for_e2 = FILES[RecordKind.DOCUMENTS] + (
        "D2,P2,E2,11490-0,2025-03-12T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-13T09:00\n")
    await _upload(referential, tmp_path, RecordKind.DOCUMENTS, letter_for_e2, T0 + timedelta(days=1))
    assert await _letters(referential, T0 + timedelta(hours=1)) == (1, 2)
    assert await _letters(referential, T0 + timedelta(days=2)) == (2, 2)
