"""Rotating the pseudonymisation key (issue 5): every stored pseudonym becomes HMAC(new key, old
pseudonym), the figures do not move, files uploaded afterwards (through the chain of keys) join
the re-keyed records, the service refuses a chain that does not match the stored pseudonyms, and
no key is ever printed."""

import asyncio
import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import asyncpg_connection
from adapters.persistence.pg_indicator_engine import PgIndicatorEngine
from adapters.persistence.pg_pseudonym_rotation import PSEUDONYM_COLUMNS
from adapters.persistence.pg_referential_store import PgReferentialStore
from adapters.uploads.hmac_pseudonymiser import derive_ght_key, rekeyed
from domain.periods import Period
from service.app import create_app
from service.cli_pseudonyms import pseudonyms
from service.settings import Settings
from tests.e2e.conftest import NOW, SECRET
from tests.support.referential import ENTITY_A, GHT_A, SITE_A1
from tests.support.uploads import upload_csv_files

NEW_SECRET = "a-second-pseudonymisation-secret-of-32+chars"
MARCH = Period(2025, 3)
FILES = {
    "patients": "patient_id,ins,identity_status,mes_status\n"
    "IPP1,185057512345673,QUAL,OPEN\nIPP2,290027512345720,PROV,NONE\n",
    "encounters": "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
    f"E1,IPP1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00\n"
    f"E2,IPP2,{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00\n",
    "documents": "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
    "dmp_status,dmp_sent_at\n"
    "D1,IPP1,E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00\n",
}


def _app(database_url: str, data_dir: Path, *rotations: str) -> Litestar:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        pseudonymisation_secret=SECRET,
        pseudonymisation_rotation_secrets=list(rotations),
    )
    return create_app(settings, clock=lambda: NOW)


async def _pseudonyms(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        union = " UNION ALL ".join(
            f"SELECT {column}::text FROM {table} WHERE {column} IS NOT NULL" for table, column in PSEUDONYM_COLUMNS
        )
        return sorted((await connection.execute(text(union))).scalars())


async def _counting(engine: AsyncEngine) -> object:
    async with engine.connect() as connection:
        entity = await PgReferentialStore(connection).legal_entity(ENTITY_A, day=MARCH.last_day, as_of=NOW)
        assert entity is not None
        raw = await asyncpg_connection(connection)
        async with raw.transaction():
            return await PgIndicatorEngine(raw).count(entity, MARCH, NOW)


async def _rotate(database_url: str, data_dir: Path, *rotations: str) -> object:
    environment = {
        "DATABASE_URL": database_url,
        "HOPEN2_DATA_DIR": str(data_dir),
        "HOPEN2_PSEUDONYMISATION_SECRET": SECRET,
        "HOPEN2_PSEUDONYMISATION_ROTATION_SECRETS": json.dumps(list(rotations)),
    }
    return await asyncio.to_thread(CliRunner().invoke, pseudonyms, ["rotate"], env=environment)


async def test_a_rotation_rekeys_every_pseudonym_and_changes_no_figure(
    database_url: str,
    tmp_path: Path,
    referential: AsyncEngine,
    keys: dict,
) -> None:
    async with AsyncTestClient(_app(database_url, tmp_path)) as client:
        await upload_csv_files(client, keys["member_a"], ENTITY_A, "2025-03", FILES)
    before, counted_before = await _pseudonyms(referential), await _counting(referential)

    rotated = await _rotate(database_url, tmp_path, NEW_SECRET)
    assert rotated.exit_code == 0, rotated.output
    assert "4 distinct, 2 keys applied" in rotated.output  # two IPPs and two INS
    assert SECRET not in rotated.output and NEW_SECRET not in rotated.output

    key = derive_ght_key(NEW_SECRET.encode(), GHT_A)
    after = await _pseudonyms(referential)
    assert after == sorted(str(uuid.UUID(bytes=rekeyed(key, uuid.UUID(old).bytes))) for old in before)
    assert not set(after) & set(before)
    assert await _counting(referential) == counted_before

    # A file uploaded after the rotation goes through the chain and meets the re-keyed encounter.
    async with AsyncTestClient(_app(database_url, tmp_path, NEW_SECRET)) as client:
        documents = FILES["documents"] + "D2,IPP2,E2,11490-0,2025-03-12T11:00,CDA_R2_N1,true,true,ACCEPTED,\n"
        answer = await client.post(
            f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/documents",
            content=documents.replace("ACCEPTED,\n", "ACCEPTED,2025-03-13T09:00\n"),
            headers={**keys["member_a"], "content-type": "text/csv"},
        )
        assert answer.status_code == 201, answer.text  # its links to E1 and E2 resolved
    async with referential.connect() as connection:
        joined = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM document_record d JOIN encounter_record e ON e.encounter_id = d.encounter_id "
                    "AND e.patient_pseudonym = d.patient_pseudonym WHERE d.document_id = 'D2'"
                )
            )
        ).scalar()
    assert joined == 1


async def test_the_service_refuses_a_chain_that_does_not_match_the_stored_pseudonyms(
    database_url: str,
    tmp_path: Path,
    referential: AsyncEngine,
) -> None:
    assert (await _rotate(database_url, tmp_path, NEW_SECRET)).exit_code == 0
    with pytest.raises(ExceptionGroup) as refused:  # the app's lifespan task group re-raises it
        async with AsyncTestClient(_app(database_url, tmp_path)):
            pass
    assert refused.group_contains(RuntimeError, match="holds 1 secrets but the stored pseudonyms went through 2 keys")
    again = await _rotate(database_url, tmp_path, NEW_SECRET)  # nothing new to apply
    assert again.exit_code != 0
    assert "add the new secret at the end of HOPEN2_PSEUDONYMISATION_ROTATION_SECRETS first" in again.output
