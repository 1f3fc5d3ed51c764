"""Uploading monthly files through the API: receipts, refusals with line numbers, versions."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import ENTITY_A, SITE_A1

Client = AsyncTestClient[Litestar]
ENCOUNTERS = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/encounters"
HEADER = "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
GOOD = HEADER + (
    f"E1,IPP-1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01T10:00:00,2025-03-04\n"
    f"E2,IPP-2,{SITE_A1},URGENCES,PASSAGE,2025-03-02T23:30:00+01:00,\n"
)


async def test_a_valid_file_is_stored_as_version_one(client: Client, keys: dict) -> None:
    answer = await client.post(ENCOUNTERS, content=GOOD, headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["version"], body["row_count"], body["created"]) == (1, 2, True)


async def test_a_refused_file_lists_every_error_with_line_and_field(client: Client, keys: dict) -> None:
    bad = HEADER + (
        f"E1,IPP-1,{SITE_A1},MCX,HOSPITALISATION,2025-03-01,\n"
        f"E2,IPP-2,999999999,MCO,HOSPITALISATION,2025-02-30,\n"
        f"E1,IPP-3,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,\n"
        f"E1,IPP-4,{SITE_A1},MCO,HOSPITALISATION,2025-03-05,\n"
    )
    answer = await client.post(ENCOUNTERS, content=bad, headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"].endswith("/submission-refused")
    found = {(error["line"], error["field"], error["reason"].split(":")[0]) for error in problem["errors"]}
    assert found == {
        (2, "activity", "not one of MCO, SMR, PSY, HAD, RADIOTHERAPIE, CHIMIOTHERAPIE, DIALYSE, URGENCES"),
        (3, "finess_et", f"not a site of the legal entity {ENTITY_A}"),
        (3, "admitted_at", "not an ISO 8601 date or date-time (2025-03-14 or 2025-03-14T08"),
        (5, "encounter_id", "duplicate id"),
    }
    assert problem["error_total"] == 4
    stored = await client.get(f"/api/v1/submissions/{problem['submission_id']}/errors", headers=keys["member_a"])
    assert stored.json()["error_total"] == 4


async def test_identifier_values_never_appear_in_errors(client: Client, keys: dict) -> None:
    patients = "patient_id,ins,identity_status\nIPP-SECRET-1,185057512345699,QUAL\n"
    answer = await client.post(
        f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/patients",
        content=patients,
        headers={**keys["member_a"], "content-type": "text/csv"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"line": 2, "field": "ins", "reason": "not an INS matricule (15 characters, NIR key)"}
    ]
    assert "IPP-SECRET-1" not in answer.text and "185057512345699" not in answer.text


async def test_resending_the_same_file_is_idempotent(client: Client, keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    first = await client.post(ENCOUNTERS, content=GOOD, headers=headers)
    again = await client.post(ENCOUNTERS, content=GOOD, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["submission_id"] == first.json()["submission_id"]
    assert again.json()["created"] is False
    listing = await client.get(
        f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions", headers=keys["member_a"]
    )
    assert [item["version"] for item in listing.json()] == [1]


async def test_a_new_file_becomes_version_two_and_replaces_the_records(client: Client, keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    await client.post(ENCOUNTERS, content=GOOD, headers=headers)
    smaller = HEADER + f"E1,IPP-1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01T10:00:00,2025-03-05\n"
    second = await client.post(ENCOUNTERS, content=smaller, headers=headers)
    assert second.json()["version"] == 2
    counts = await client.get(f"/api/v1/legal-entities/{ENTITY_A}/records", headers=keys["member_a"])
    assert counts.json()["records"]["encounters"] == 1


async def test_dry_run_validates_and_stores_nothing(client: Client, keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    answer = await client.post(ENCOUNTERS, params={"dry_run": "true"}, content=GOOD, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["dry_run"] is True and answer.json()["submission_id"] is None
    assert answer.json()["row_count"] == 2
    listing = await client.get(
        f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions", headers=keys["member_a"]
    )
    assert listing.json() == []


async def test_a_header_without_rows_is_refused_unless_declared_empty(client: Client, keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    refused = await client.post(ENCOUNTERS, content=HEADER, headers=headers)
    assert refused.status_code == 422
    assert "allow_empty=true" in refused.json()["errors"][0]["reason"]
    declared = await client.post(ENCOUNTERS, params={"allow_empty": "true"}, content=HEADER, headers=headers)
    assert declared.status_code == 201 and declared.json()["row_count"] == 0


async def test_a_zero_byte_body_is_refused(client: Client, keys: dict) -> None:
    answer = await client.post(ENCOUNTERS, content=b"", headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 422
    assert answer.json()["type"].endswith("/unreadable-file")


async def test_future_and_invalid_months_are_refused(client: Client, keys: dict) -> None:
    headers = {**keys["member_a"], "content-type": "text/csv"}
    for month in ("2025-05", "2025-13", "03-2025"):
        url = f"/api/v1/legal-entities/{ENTITY_A}/periods/{month}/submissions/encounters"
        answer = await client.post(url, content=GOOD, headers=headers)
        assert answer.status_code == 422, month
        assert answer.json()["type"].endswith("/invalid-period")


async def test_an_unknown_kind_is_refused(client: Client, keys: dict) -> None:
    url = f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions/prescriptions"
    answer = await client.post(url, content=GOOD, headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 422
    assert answer.json()["type"].endswith("/unknown-record-kind")


async def test_an_unknown_field_is_refused(client: Client, keys: dict) -> None:
    content = "encounter_id,patient_id,finess_et,activity,kind,admitted_at,colour\n"
    answer = await client.post(ENCOUNTERS, content=content, headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 422
    assert {"line": 1, "field": "colour", "reason": "unknown field"} in answer.json()["errors"]


async def test_latin1_semicolon_file_is_read(client: Client, keys: dict) -> None:
    content = (
        "encounter_id;patient_id;finess_et;activity;kind;admitted_at;unit\n"
        f"E9;IPP-9;{SITE_A1};MCO;HOSPITALISATION;2025-03-03;Médecine\n"
    ).encode("latin-1")
    answer = await client.post(ENCOUNTERS, content=content, headers={**keys["member_a"], "content-type": "text/csv"})
    assert answer.status_code == 201, answer.text
    listing = await client.get(
        f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions", headers=keys["member_a"]
    )
    assert (listing.json()[0]["encoding"], listing.json()[0]["delimiter"]) == ("latin-1", ";")


async def test_ndjson_upload_as_a_multipart_part(client: Client, keys: dict) -> None:
    lines = (
        f'{{"encounter_id": "E1", "patient_id": "IPP-1", "finess_et": "{SITE_A1}", "activity": "HAD", '
        '"kind": "HOSPITALISATION", "admitted_at": "2025-03-01", "age_at_admission": 80, "surgical_act": false}\n'
    )
    answer = await client.post(
        ENCOUNTERS, files={"file": ("march.ndjson", lines, "application/x-ndjson")}, headers=keys["member_a"]
    )
    assert answer.status_code == 201, answer.text


async def test_a_utf8_bom_is_not_part_of_the_first_field(client: Client, keys: dict) -> None:
    answer = await client.post(
        ENCOUNTERS, content="\ufeff".encode() + GOOD.encode(), headers={**keys["member_a"], "content-type": "text/csv"}
    )
    assert answer.status_code == 201, answer.text


async def test_a_declared_charset_is_used(client: Client, keys: dict) -> None:
    content = (
        "encounter_id,patient_id,finess_et,activity,kind,admitted_at,unit\n"
        f"E1,IPP-1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01,Médecine – œnologie\n"
    ).encode("cp1252")
    answer = await client.post(
        ENCOUNTERS, content=content, headers={**keys["member_a"], "content-type": "text/csv; charset=windows-1252"}
    )
    assert answer.status_code == 201
    listing = await client.get(
        f"/api/v1/legal-entities/{ENTITY_A}/periods/2025-03/submissions", headers=keys["member_a"]
    )
    assert listing.json()[0]["encoding"] == "cp1252"
    refused = await client.post(
        ENCOUNTERS,
        content="unit\né\n".encode("latin-1"),
        headers={**keys["member_a"], "content-type": "text/csv; charset=utf-8"},
    )
    assert refused.status_code == 422 and "declared UTF-8" in refused.json()["detail"]


async def test_ndjson_errors_name_their_line(client: Client, keys: dict) -> None:
    lines = (
        f'{{"encounter_id": "E1", "patient_id": "P1", "finess_et": "{SITE_A1}", "activity": "MCO", '
        '"kind": "HOSPITALISATION", "admitted_at": "2025-03-01"}\n'
        "\n"
        "not json\n"
        f'{{"encounter_id": "E2", "patient_id": "P2", "finess_et": "{SITE_A1}", "activity": "MCO", '
        '"kind": "HOSPITALISATION", "admitted_at": "2025-03-01", "colour": "blue", "unit": ["a"]}\n'
    )
    answer = await client.post(
        ENCOUNTERS, content=lines, headers={**keys["member_a"], "content-type": "application/x-ndjson"}
    )
    assert answer.status_code == 422
    assert {(e["line"], e["field"], e["reason"]) for e in answer.json()["errors"]} == {
        (3, "", "not a JSON object"),
        (4, "colour", "unknown field"),
        (4, "unit", "must be a single value, not an object or a list"),
    }


async def test_an_unsupported_content_type_is_refused(client: Client, keys: dict) -> None:
    answer = await client.post(
        ENCOUNTERS, content=b"%PDF-1.7", headers={**keys["member_a"], "content-type": "application/pdf"}
    )
    assert answer.status_code == 422
    assert "unsupported content type" in answer.json()["detail"]


async def test_the_error_list_is_capped_with_the_total(client: Client, keys: dict) -> None:
    rows = "".join(f"E{i},P{i},{SITE_A1},MCO,HOSPITALISATION,not-a-date,\n" for i in range(1200))
    answer = await client.post(
        ENCOUNTERS, content=HEADER + rows, headers={**keys["member_a"], "content-type": "text/csv"}
    )
    problem = answer.json()
    assert problem["error_total"] == 1200
    assert len(problem["errors"]) == 1000
    assert [error["line"] for error in problem["errors"]][:3] == [2, 3, 4]
