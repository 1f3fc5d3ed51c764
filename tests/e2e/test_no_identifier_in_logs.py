"""Identifiers of patients are never logged: the logs of accepted and refused uploads hold none."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, SITE_A1

IPPS = ["IPP-LOG-0001", "IPP-LOG-0002"]
INS = ["185057512345673", "290027512345720"]


async def test_upload_logs_hold_no_patient_identifier(
    client: AsyncTestClient[Litestar], keys: dict, capfd: pytest.CaptureFixture[str]
) -> None:
    base = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions"
    headers = {**keys["member_a"], "content-type": "text/csv"}
    patients = "patient_id,ins,identity_status\n" + "".join(f"{i},{n},QUAL\n" for i, n in zip(IPPS, INS, strict=True))
    bad = "patient_id,ins,identity_status\n" + f"{IPPS[0]},{INS[0][:-1]}0,QUAL\n"
    encounters = f"encounter_id,patient_id,finess_et,activity,kind,admitted_at\nE1,{IPPS[1]},{SITE_A1},MCO,SEANCE,2025-13-01\n"
    assert (await client.post(f"{base}/patients", content=patients, headers=headers)).status_code == 201
    assert (await client.post(f"{base}/patients", content=bad, headers=headers)).status_code == 422
    assert (await client.post(f"{base}/encounters", content=encounters, headers=headers)).status_code == 422
    logs = "".join(capfd.readouterr())
    assert "submission_received" in logs
    for identifier in IPPS + INS:
        assert identifier not in logs
