"""Upload files, then scan every text and binary column of the database for the raw identifiers."""

from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.referential import ENTITY_A, SITE_A1

IPPS = ["IPP-0001-DUPONT", "IPP-0002-MARTIN", "IPP-0003-DURAND"]
INS = ["185057512345673", "290027512345720", "185052A12345633"]


async def test_raw_patient_ids_and_ins_are_nowhere_in_the_database(
    client: AsyncTestClient[Litestar], keys: dict, referential: AsyncEngine, tmp_path: Path
) -> None:
    base = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions"
    headers = {**keys["member_a"], "content-type": "text/csv"}
    patients = "patient_id,ins,identity_status\n" + "".join(f"{i},{n},QUAL\n" for i, n in zip(IPPS, INS, strict=True))
    encounters = "encounter_id,patient_id,finess_et,activity,kind,admitted_at\n" + "".join(
        f"E{k},{ipp},{SITE_A1},MCO,HOSPITALISATION,2025-03-0{k + 1}\n" for k, ipp in enumerate(IPPS)
    )
    assert (await client.post(f"{base}/patients", content=patients, headers=headers)).status_code == 201
    assert (await client.post(f"{base}/encounters", content=encounters, headers=headers)).status_code == 201
    refused = "patient_id,ins,identity_status\n" + f"{IPPS[0]},{INS[0]},NOPE\n"
    assert (await client.post(f"{base}/patients", content=refused, headers=headers)).status_code == 422

    async with referential.connect() as connection:
        columns = (
            await connection.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND data_type IN ('text', 'character varying', 'bytea', 'jsonb', 'ARRAY', 'uuid')"
                )
            )
        ).all()
        assert len(columns) > 20
        for table, column in columns:
            for secret in IPPS + INS:
                found = await connection.execute(
                    text(
                        f'SELECT count(*) FROM "{table}" WHERE position(:needle in "{column}"::text) > 0 '
                        f"OR position(convert_to(:needle, 'UTF8') in convert_to(\"{column}\"::text, 'UTF8')) > 0"
                    ),
                    {"needle": secret},
                )
                assert found.scalar() == 0, f"{secret} found in {table}.{column}"
