"""Uploading a month's CSV files through the API, as a member's interface would."""

from typing import Any

from tests.support.referential import SITE_A1


async def upload_csv_files(
    client: Any, headers: dict[str, str], finess_ej: str, period: str, files: dict[str, str]
) -> None:
    """Each file of `files` (by kind) uploaded for the entity and month; each must be accepted."""
    for kind, content in files.items():
        answer = await client.post(
            f"/api/v1/legal-entities/{finess_ej}/periods/{period}/submissions/{kind}",
            content=content,
            headers={**headers, "content-type": "text/csv"},
        )
        assert answer.status_code == 201, answer.text


def two_stays_with_letters(period: str, letters_sent: int, site: str = SITE_A1) -> dict[str, str]:
    """Two MCO stays of the month, each with a discharge letter: `letters_sent` of them as
    structured CDA accepted by the DMP, the others scanned (not counted)."""
    encounters = ["encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at"]
    documents = [
        "document_id,patient_id,encounter_id,type_code,produced_at,format,ins_qualified,datamatrix,"
        "dmp_status,dmp_sent_at"
    ]
    for stay in (1, 2):
        encounters.append(
            f"E{period}-{stay},P{stay},{site},MCO,HOSPITALISATION,{period}-0{stay},{period}-0{stay + 2}T10:00"
        )
        document_format = "CDA_R2_N1" if stay <= letters_sent else "SCAN"
        documents.append(
            f"D{period}-{stay},P{stay},E{period}-{stay},11490-0,{period}-0{stay + 2}T11:00,"
            f"{document_format},true,true,ACCEPTED,{period}-0{stay + 3}T09:00"
        )
    return {
        "patients": "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\nP2,QUAL,OPEN\n",
        "encounters": "\n".join(encounters) + "\n",
        "documents": "\n".join(documents) + "\n",
    }
