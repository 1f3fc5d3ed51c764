"""Identifiers of patients are never logged: the logs of a full run (the five files of a month
uploaded, refused uploads, the indicators computed and read, the GHT view, samples) hold none of
the files' raw patient ids and INS values, even at the debug level."""

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.settings import Settings
from tests.e2e.conftest import NOW, SECRET
from tests.support.referential import ENTITY_A, GHT_A, SITE_A1
from tests.support.uploads import upload_csv_files

IPPS = ["IPP-LOG-0001", "IPP-LOG-0002"]
INS = ["185057512345673", "290027512345720"]
MONTH = "2025-03"
BASE = f"/api/v1/legal-entities/{ENTITY_A}/periods/{MONTH}"
FILES = {
    "patients": "patient_id,ins,identity_status,mes_status\n"
    f"{IPPS[0]},{INS[0]},QUAL,OPEN\n{IPPS[1]},{INS[1]},PROV,OPEN\n",
    "encounters": "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
    f"E1,{IPPS[0]},{SITE_A1},MCO,HOSPITALISATION,2025-03-01,2025-03-04T10:00\n"
    f"E2,{IPPS[1]},{SITE_A1},MCO,HOSPITALISATION,2025-03-10,2025-03-12T10:00\n",
    "consultations": "consultation_id,patient_id,finess_et,occurred_at,ace_billed\n"
    f"C1,{IPPS[1]},{SITE_A1},2025-03-15T10:00,true\n",
    "documents": "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
    "dmp_status,dmp_sent_at\n"
    f"D1,{IPPS[0]},E1,11490-0,2025-03-04T11:00,CDA_R2_N1,true,true,ACCEPTED,2025-03-05T09:00\n"
    f"D2,{IPPS[1]},E2,11490-0,2025-03-12T11:00,SCAN,true,true,ACCEPTED,2025-03-13T09:00\n",
    "messages": "message_id,patient_id,channel,sent_at,sender_finess,to_health_correspondent\n"
    f"M1,{IPPS[0]},PRO,2025-03-04T12:00,{SITE_A1},true\n"
    f"M2,{IPPS[1]},CITOYENNE,2025-03-12T12:00,{SITE_A1},\n",
}


@pytest.fixture
def app(database_url: str, tmp_path: Path, referential: AsyncEngine) -> Litestar:
    """The app of conftest, logging at the debug level so that every log line is scanned."""
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        pseudonymisation_secret=SECRET,
        upload_batch_rows=50,
        log_level="DEBUG",
    )
    return create_app(settings, clock=lambda: NOW)


async def test_a_full_run_logs_no_patient_identifier(
    app: Litestar, client: AsyncTestClient[Litestar], keys: dict, capfd: pytest.CaptureFixture[str]
) -> None:
    member, csv = keys["member_a"], {**keys["member_a"], "content-type": "text/csv"}
    await upload_csv_files(client, member, ENTITY_A, MONTH, FILES)
    bad_patients = "patient_id,ins,identity_status\n" + f"{IPPS[0]},{INS[0][:-1]}0,QUAL\n"
    bad_encounters = (
        f"encounter_id,patient_id,finess_et,activity,kind,admitted_at\nE1,{IPPS[1]},{SITE_A1},MCO,SEANCE,2025-13-01\n"
    )
    assert (await client.post(f"{BASE}/submissions/patients", content=bad_patients, headers=csv)).status_code == 422
    assert (await client.post(f"{BASE}/submissions/encounters", content=bad_encounters, headers=csv)).status_code == 422
    dry = await client.post(
        f"{BASE}/submissions/patients", params={"dry_run": "true"}, content=FILES["patients"], headers=csv
    )
    assert dry.status_code == 200
    await app.state.runtime.refresher.idle()

    reads = [
        (f"{BASE}/indicators", member, {}),
        (f"{BASE}/indicators/strata", member, {"by": "site"}),
        (f"/api/v1/legal-entities/{ENTITY_A}/indicators", member, {"from": MONTH, "to": MONTH}),
        (f"/api/v1/ghts/{GHT_A}/periods/{MONTH}/indicators", keys["support"], {}),
        (f"{BASE}/samples/P1.O1", keys["auditor"], {"side": "numerator"}),
        (f"{BASE}/samples/P1.O2.LDL", keys["support"], {"side": "denominator"}),
        (f"{BASE}/submissions", member, {}),
    ]
    for path, headers, params in reads:
        answer = await client.get(path, headers=headers, params=params)
        assert answer.status_code == 200, (path, answer.text)
        assert not any(identifier in answer.text for identifier in IPPS + INS)

    logs = "".join(capfd.readouterr())
    assert "submission_received" in logs and "results_refreshed" in logs
    for identifier in IPPS + INS:
        assert identifier not in logs
