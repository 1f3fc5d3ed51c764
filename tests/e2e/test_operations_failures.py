"""Start-up and failure behaviour: the first admin key, oversized uploads, an unreachable database."""

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine
from service.app import create_app
from service.settings import Settings
from tests.e2e.conftest import NOW, SECRET
from tests.support.referential import ENTITY_A, SITE_A1


async def test_the_first_start_prints_an_admin_key_once(
    database_url: str, engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET)
    async with AsyncTestClient(create_app(settings)) as client:
        printed = capsys.readouterr().out
        secret = printed.split("again:\n")[1].split()[0]
        assert (await client.get("/api/v1/api-keys", headers={"authorization": f"Bearer {secret}"})).status_code == 200
    async with AsyncTestClient(create_app(settings)):
        assert "admin API key" not in capsys.readouterr().out


async def test_an_upload_over_the_limit_answers_413(
    database_url: str, referential: AsyncEngine, tmp_path: Path
) -> None:
    from tests.e2e.conftest import issue_key

    settings = Settings(
        database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET, max_upload_bytes=200
    )
    key = await issue_key(referential, "member_a")
    content = "encounter_id,patient_id,finess_et,activity,kind,admitted_at\n" + "".join(
        f"E{i},P{i},{SITE_A1},MCO,HOSPITALISATION,2025-03-01\n" for i in range(20)
    )
    async with AsyncTestClient(create_app(settings, clock=lambda: NOW)) as client:
        answer = await client.post(
            f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/encounters",
            content=content,
            headers={**key, "content-type": "text/csv"},
        )
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/upload-too-large")
    assert list((tmp_path / "spool").glob("*")) == []


async def test_an_unreachable_database_answers_503_then_recovers(
    app: Litestar, client: AsyncTestClient[Litestar], keys: dict, tmp_path: Path
) -> None:
    runtime = app.state.runtime
    working = runtime.engine
    runtime.engine = create_engine(f"postgresql://nobody@/none?host={tmp_path}", pool_size=1)
    try:
        assert (await client.get("/ready")).status_code == 503
        answer = await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["member_a"])
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"
        assert answer.json()["type"].endswith("/storage-unavailable")
    finally:
        await runtime.engine.dispose()
        runtime.engine = working
    assert (await client.get(f"/api/v1/legal-entities/{ENTITY_A}", headers=keys["member_a"])).status_code == 200


async def test_uploads_left_by_a_crash_are_removed_at_start(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    leftover = tmp_path / "spool" / "upload-crashed.part"
    leftover.parent.mkdir()
    leftover.write_text("patient_id\nIPP-IN-CLEAR\n")
    settings = Settings(database_url=database_url, data_dir=tmp_path, pseudonymisation_secret=SECRET)
    async with AsyncTestClient(create_app(settings)):
        assert not leftover.exists()


async def test_a_nul_character_or_an_id_beyond_64_bits_answers_422_not_500(
    client: AsyncTestClient[Litestar], keys: dict
) -> None:
    nul = await client.get("/api/v1/ghts/GHT%00X", headers=keys["admin"])
    assert (nul.status_code, nul.json()["type"].rsplit("/", 1)[1]) == (422, "invalid-input")
    assert "NUL" in nul.json()["detail"]
    too_large = await client.get(f"/api/v1/submissions/{2**63}/errors", headers=keys["admin"])
    assert too_large.status_code == 422, too_large.text
    paging = await client.get("/api/v1/audit", params={"before_id": 2**64}, headers=keys["admin"])
    assert paging.status_code == 422, paging.text
