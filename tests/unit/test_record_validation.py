"""Every validation rule of the data contract, checked column-wise on small batches (no database)."""

import pyarrow as pa

from adapters.uploads.arrow_line_batches import LineBatch
from adapters.uploads.arrow_record_validator import UploadContext, validated_batch
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser
from adapters.uploads.issue_sink import IssueSink
from domain.submissions.record_kinds import RECORD_KINDS, RecordKind

ENTITY, SITE = "750712184", "750100018"
CONTEXT = UploadContext(ENTITY, frozenset({SITE}), HmacPseudonymiser(b"k" * 32))


def _check(kind: RecordKind, rows: list[dict[str, str | None]]) -> tuple[set[tuple[int, str, str]], object]:
    names = RECORD_KINDS[kind].field_names
    batch = LineBatch(
        {name: pa.array([row.get(name) for row in rows], pa.string()) for name in names},
        pa.array(range(2, len(rows) + 2), pa.int64()),
    )
    sink = IssueSink(100)
    validated = validated_batch(batch, RECORD_KINDS[kind], CONTEXT, sink)
    return {(issue.line, issue.field, issue.reason) for issue in sink.report().issues}, validated


def _encounter(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "encounter_id": "E1",
        "patient_id": "IPP1",
        "finess_et": SITE,
        "activity": "MCO",
        "kind": "HOSPITALISATION",
        "admitted_at": "2025-03-01T08:00:00",
    }
    row.update(changes)
    return row


def _document(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "document_id": "D1",
        "patient_id": "IPP1",
        "type_code": "11490-0",
        "produced_at": "2025-03-02",
        "format": "CDA_R2_N1",
        "ins_qualified": "true",
    }
    row.update(changes)
    return row


def test_a_valid_row_has_no_issue() -> None:
    assert _check(RecordKind.ENCOUNTERS, [_encounter()])[0] == set()


def test_a_required_field_left_empty_is_an_error() -> None:
    assert (2, "admitted_at", "required") in _check(RecordKind.ENCOUNTERS, [_encounter(admitted_at="  ")])[0]


def test_an_unknown_enum_value_is_an_error() -> None:
    issues = _check(RecordKind.ENCOUNTERS, [_encounter(kind="SEJOUR")])[0]
    assert (2, "kind", "not one of HOSPITALISATION, SEANCE, VENUE, PASSAGE") in issues


def test_booleans_accept_true_false_one_zero_oui_non() -> None:
    rows = [_document(ins_qualified=value) for value in ("true", "FALSE", "1", "0", "oui", "Non")]
    issues, validated = _check(RecordKind.DOCUMENTS, rows)
    assert issues == set()
    assert validated.columns["ins_qualified"].to_pylist() == ["t", "f", "t", "f", "t", "f"]  # type: ignore[attr-defined]


def test_a_boolean_that_is_not_one_is_an_error() -> None:
    assert (2, "ins_qualified", "not a boolean (true/false, 1/0, oui/non, in lower, upper or title case)") in _check(
        RecordKind.DOCUMENTS, [_document(ins_qualified="peut-être")]
    )[0]


def test_dates_must_be_iso_8601_and_exist() -> None:
    good = [
        "2025-03-14",
        "2025-03-14T08:30:00+01:00",
        "2025-03-14T08:30:00",
        "2025-03-14T08:30Z",
        "2025-03-31 23:59:59",
    ]
    bad = ["14/03/2025", "2025-02-30", "2025-03-14T25:00:00", "2025-03-14T08:30:00+25:00"]
    issues, _ = _check(RecordKind.ENCOUNTERS, [_encounter(admitted_at=value) for value in good + bad])
    failing = {line for line, field, _ in issues if field == "admitted_at"}
    assert failing == {len(good) + 2 + index for index in range(len(bad))}


def test_a_site_of_another_entity_is_an_error() -> None:
    issues = _check(RecordKind.ENCOUNTERS, [_encounter(finess_et="130000011")])[0]
    assert (2, "finess_et", f"not a site of the legal entity {ENTITY}") in issues


def test_a_message_may_be_sent_from_the_entity_itself_or_one_of_its_sites() -> None:
    base = {"message_id": "M1", "patient_id": "P", "channel": "CITOYENNE", "sent_at": "2025-03-03"}
    rows = [{**base, "sender_finess": ENTITY}, {**base, "sender_finess": SITE}, {**base, "sender_finess": "340780006"}]
    issues = _check(RecordKind.MESSAGES, rows)[0]
    assert {line for line, field, _ in issues if field == "sender_finess"} == {4}


def test_age_is_required_for_had_encounters() -> None:
    issues = _check(
        RecordKind.ENCOUNTERS, [_encounter(activity="HAD"), _encounter(activity="HAD", age_at_admission="70")]
    )[0]
    assert issues == {(2, "age_at_admission", "required for HAD encounters")}


def test_the_dmp_sending_date_is_required_once_sent() -> None:
    issues = _check(RecordKind.DOCUMENTS, [_document(dmp_status="ACCEPTED"), _document(dmp_status="NOT_SENT")])[0]
    assert issues == {(2, "dmp_sent_at", "required when dmp_status is not NOT_SENT")}


def test_to_health_correspondent_is_required_for_pro_messages() -> None:
    row = {"message_id": "M1", "patient_id": "P", "channel": "PRO", "sent_at": "2025-03-03", "sender_finess": SITE}
    assert _check(RecordKind.MESSAGES, [row])[0] == {(2, "to_health_correspondent", "required for PRO messages")}


def test_a_document_version_defaults_to_one_and_its_report_to_itself() -> None:
    _, validated = _check(RecordKind.DOCUMENTS, [_document()])
    assert validated.columns["version"].to_pylist() == ["1"]  # type: ignore[attr-defined]
    assert validated.columns["report_id"].to_pylist() == ["D1"]  # type: ignore[attr-defined]


def test_a_bad_ins_key_is_an_error_and_an_empty_ins_is_not() -> None:
    rows = [
        {"patient_id": "P1", "ins": "185057512345674", "identity_status": "QUAL"},
        {"patient_id": "P2", "ins": None, "identity_status": "PROV"},
        {"patient_id": "P3", "ins": "185057512345673", "identity_status": "QUAL"},
    ]
    assert _check(RecordKind.PATIENTS, rows)[0] == {(2, "ins", "not an INS matricule (15 characters, NIR key)")}


def test_identifiers_leave_the_batch_only_as_pseudonyms() -> None:
    _, validated = _check(
        RecordKind.PATIENTS, [{"patient_id": "IPP-42", "ins": "185057512345673", "identity_status": "QUAL"}]
    )
    stored = validated.columns["patient_id"].to_pylist()[0]  # type: ignore[attr-defined]
    assert len(stored) == 32 and int(stored, 16) >= 0 and "IPP-42" not in stored
    assert "185057512345673" not in validated.columns["ins"].to_pylist()[0]  # type: ignore[attr-defined]


def test_too_long_values_are_errors() -> None:
    assert (2, "unit", "longer than 200 characters") in _check(RecordKind.ENCOUNTERS, [_encounter(unit="x" * 201)])[0]


def test_failing_rows_are_left_out_of_what_is_stored() -> None:
    _, validated = _check(RecordKind.ENCOUNTERS, [_encounter(), _encounter(kind="X"), _encounter()])
    columns, lines = validated.storable()  # type: ignore[attr-defined]
    assert lines.to_pylist() == [2, 4]
    assert columns["kind"].to_pylist() == ["HOSPITALISATION", "HOSPITALISATION"]
