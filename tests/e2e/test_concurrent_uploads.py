"""Two uploads of the same (entity, month, kind) at once are serialised, never interleaved."""

import asyncio

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, SITE_A1

URL = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/encounters"


def _file(prefix: str, rows: int) -> str:
    lines = [f"{prefix}{index},IPP-{index},{SITE_A1},MCO,HOSPITALISATION,2025-03-01," for index in range(rows)]
    return "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n" + "\n".join(lines) + "\n"


async def test_two_concurrent_uploads_get_two_whole_versions(client: AsyncTestClient[Litestar], keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    first, second = await asyncio.gather(
        client.post(URL, content=_file("A", 3000), headers=headers),
        client.post(URL, content=_file("B", 2000), headers=headers),
    )
    assert {first.status_code, second.status_code} == {201}
    assert {first.json()["version"], second.json()["version"]} == {1, 2}
    listing = (
        await client.get(f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions", headers=keys["member_a"])
    ).json()
    assert sorted((item["version"], item["row_count"]) for item in listing) in (
        [(1, 3000), (2, 2000)],
        [(1, 2000), (2, 3000)],
    )
    latest_rows = max(listing, key=lambda item: item["version"])["row_count"]
    counts = await client.get(f"/api/v1/legal-entities/{ENTITY_A}/records", headers=keys["member_a"])
    assert counts.json()["records"]["encounters"] == latest_rows
