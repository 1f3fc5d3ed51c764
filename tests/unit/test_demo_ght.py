"""The demo GHT generator: deterministic, valid per the data contract, and rich enough to exercise
every indicator (tests run at a reduced scale; one checks the full-scale monthly volume)."""

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.demo.demo_ght import DemoFile, DemoGht, write_demo_ght
from domain.identifiers import is_valid_finess, is_valid_ins

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ("2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01")
SCALE = 0.05
KINDS = ("patients", "encounters", "consultations", "documents", "messages")
INDICATORS = {"P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O3", "P1.O4", "P1.O5", "P1.O6", "P1.O7",
              "P1.O8"}  # fmt: skip
SUNES = {"DS1.1", "DS1.2", "DS1.3", "DS2.1", "DS3.1", "DS4.1", "DS4.2"}

# field -> (type, required); types: text, enum values, bool, int, datetime, finess, ins
TEXT, BOOL, INT, STAMP = "text", "bool", "int", "datetime"
CONTRACT: dict[str, dict[str, tuple[Any, bool]]] = {
    "patients": {
        "patient_id": (TEXT, True), "ins": ("ins", False),
        "identity_status": ({"PROV", "RECUP", "VALI", "QUAL"}, True),
        "identity_doubtful": (BOOL, False), "identity_fictitious": (BOOL, False),
        "mes_status": ({"OPEN", "NONE", "OPPOSED", "CLOSED", "UNKNOWN"}, False),
    },
    "encounters": {
        "encounter_id": (TEXT, True), "patient_id": (TEXT, True), "finess_et": (TEXT, True),
        "activity": ({"MCO", "SMR", "PSY", "HAD", "RADIOTHERAPIE", "CHIMIOTHERAPIE", "DIALYSE",
                      "URGENCES"}, True),
        "kind": ({"HOSPITALISATION", "SEANCE", "VENUE", "PASSAGE"}, True),
        "admitted_at": (STAMP, True), "discharged_at": (STAMP, False),
        "stay_group_id": (TEXT, False), "age_at_admission": (INT, False),
        "surgical_act": (BOOL, False), "eligible_pathway": (TEXT, False), "unit": (TEXT, False),
    },
    "consultations": {
        "consultation_id": (TEXT, True), "patient_id": (TEXT, True), "finess_et": (TEXT, True),
        "occurred_at": (STAMP, True), "ace_billed": (BOOL, True), "eligible_pathway": (TEXT, False),
    },
    "documents": {
        "document_id": (TEXT, True), "version": (INT, False), "report_id": (TEXT, False),
        "patient_id": (TEXT, True), "encounter_id": (TEXT, False),
        "consultation_id": (TEXT, False), "stay_group_id": (TEXT, False),
        "type_code": (TEXT, True), "produced_at": (STAMP, True),
        "format": ({"CDA_R2_N1", "CDA_R2_N3", "PDF", "SCAN", "OTHER"}, True),
        "ins_qualified": (BOOL, True), "datamatrix": (BOOL, False),
        "dmp_status": ({"NOT_SENT", "PENDING", "ACCEPTED", "REJECTED"}, False),
        "dmp_sent_at": (STAMP, False), "dmp_lot_id": (TEXT, False),
        "subcontracted": (BOOL, False), "no_transmission": (BOOL, False),
        "discipline": ({"GENERALE", "ACP", "GENETIQUE"}, False),
        "modality": ({"RADIO", "MAMMO", "SCANNER", "IRM", "ECHO", "AUTRE"}, False),
        "unit": (TEXT, False),
    },
    "messages": {
        "message_id": (TEXT, True), "patient_id": (TEXT, True),
        "channel": ({"PRO", "CITOYENNE"}, True), "sent_at": (STAMP, True),
        "sender_finess": (TEXT, True), "to_health_correspondent": (BOOL, False),
        "has_cda_xdm": (BOOL, False), "attachment_ins_qualified": (BOOL, False),
    },
}  # fmt: skip
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "oui": True, "non": False}
MAIN_DATE = {"encounters": "admitted_at", "consultations": "occurred_at",
             "documents": "produced_at", "messages": "sent_at"}  # fmt: skip
LINKS = ("encounter_id", "consultation_id", "stay_group_id")
PRESCRIPTIONS = {"57833-6", "57832-8", "57828-6", "PRESC-KINE", "PRESC-INF"}

Record = dict[str, Any]


# ---- reading the files back as an uploader would ---------------------------------------------


def parse_stamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def raw_rows(demo_file: DemoFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, raw values) of a file, decoded as its media type says."""
    data = demo_file.path.read_bytes()
    if demo_file.media_type == "application/x-ndjson":
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            yield number, json.loads(line)
        return
    charset = "latin-1" if "iso-8859-1" in demo_file.media_type else "utf-8-sig"
    text = data.decode(charset)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    assert set(reader.fieldnames or ()) <= set(CONTRACT[demo_file.kind]), demo_file.path
    for number, row in enumerate(reader, start=2):
        yield number, row


def typed(kind: str, raw: dict[str, Any], where: str) -> Record:
    """Checks one row against the contract and returns its typed values (None when empty)."""
    fields = CONTRACT[kind]
    assert set(raw) <= set(fields), (where, set(raw) - set(fields))
    record: Record = {}
    for name, (kind_of_value, required) in fields.items():
        value = raw.get(name)
        if value == "" or value is None:
            assert not required, (where, name)
            record[name] = None
            continue
        if kind_of_value == BOOL:
            value = value if isinstance(value, bool) else BOOLEANS[value]
        elif kind_of_value == INT:
            value = value if isinstance(value, int) else int(value)
        elif kind_of_value == STAMP:
            parse_stamp(value)
        elif kind_of_value == "ins":
            assert is_valid_ins(value), (where, "ins")
        elif isinstance(kind_of_value, set):
            assert value in kind_of_value, (where, name, value)
        record[name] = value
    return record


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoGht:
    return write_demo_ght(tmp_path_factory.mktemp("demo"), MONTHS, scale=SCALE)


@pytest.fixture(scope="module")
def referential(demo: DemoGht) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(demo.referential_path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def records(demo: DemoGht) -> dict[tuple[str, str, str], list[Record]]:
    """Every file of the demo, validated row by row and typed: (finess_ej, period, kind) -> rows."""
    loaded = {}
    for demo_file in demo.files:
        rows = [typed(demo_file.kind, raw, f"{demo_file.path}:{number}") for number, raw in raw_rows(demo_file)]
        assert len(rows) == demo_file.rows
        loaded[demo_file.finess_ej, demo_file.period, demo_file.kind] = rows
    return loaded


def month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = map(int, period.split("-"))
    start = datetime(year, month, 1, tzinfo=PARIS)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=PARIS)


def entity(referential: dict[str, Any], **capabilities: bool) -> dict[str, Any]:
    matches = [
        legal_entity
        for legal_entity in referential["legal_entities"]
        if all(legal_entity[name] is value for name, value in capabilities.items())
    ]
    assert matches, capabilities
    found: dict[str, Any] = matches[0]
    return found


# ---- determinism and shape -------------------------------------------------------------------


def test_same_seed_and_months_give_byte_identical_files(demo: DemoGht, tmp_path: Path) -> None:
    again = write_demo_ght(tmp_path, MONTHS, scale=SCALE)
    assert [f.path.relative_to(tmp_path) for f in again.files] == [
        f.path.relative_to(demo.referential_path.parent) for f in demo.files
    ]
    assert again.referential_path.read_bytes() == demo.referential_path.read_bytes()
    for first, second in zip(demo.files, again.files, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.path


def test_another_seed_gives_other_data(demo: DemoGht, tmp_path: Path) -> None:
    other = write_demo_ght(tmp_path, MONTHS[:1], seed=7, scale=0.01)
    assert other.finess_ejs != demo.finess_ejs


def test_months_must_be_consecutive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="consecutive"):
        write_demo_ght(tmp_path, ["2025-08", "2025-10"], scale=0.01)


def test_every_member_has_every_kind_for_every_month(demo: DemoGht) -> None:
    assert len(demo.finess_ejs) >= 5
    present = {(f.finess_ej, f.period, f.kind) for f in demo.files}
    expected = {(ej, m, kind) for ej in demo.finess_ejs for m in MONTHS for kind in KINDS}
    assert present == expected
    folder = demo.referential_path.parent
    for demo_file in demo.files:
        assert demo_file.path.parent == folder / demo_file.finess_ej / demo_file.period
        assert demo_file.path.stem == demo_file.kind
        assert demo_file.path.suffix in (".csv", ".ndjson")
    assert demo.rows_by_kind == {kind: demo.rows(kind) for kind in KINDS}


def test_only_the_quiet_consultation_month_is_empty(demo: DemoGht) -> None:
    empty = [f for f in demo.files if f.empty]
    assert [(f.kind, f.period) for f in empty] == [("consultations", MONTHS[2])]


# ---- referential -----------------------------------------------------------------------------


def test_referential_members_sites_and_finess(referential: dict[str, Any], demo: DemoGht) -> None:
    ght = referential["ght"]
    assert ght["ght_id"] == demo.ght_id == "GHT-IDF-DEMO"
    assert ght["region"] == "11"
    entities = referential["legal_entities"]
    assert [e["finess_ej"] for e in entities] == list(demo.finess_ejs)
    sites_by_entity = defaultdict(list)
    for site in referential["sites"]:
        sites_by_entity[site["finess_ej"]].append(site["finess_et"])
        assert site["valid_from"] == f"{MONTHS[0]}-01"
    numbers = [e["finess_ej"] for e in entities] + [s["finess_et"] for s in referential["sites"]]
    assert len(set(numbers)) == len(numbers)
    for legal_entity in entities:
        assert is_valid_finess(legal_entity["finess_ej"])
        assert legal_entity["finess_ej"].startswith(legal_entity["department"])
        assert legal_entity["ght_id"] == ght["ght_id"]
        assert legal_entity["valid_from"] == f"{MONTHS[0]}-01"
        assert set(legal_entity["candidate_indicators"]) <= INDICATORS
        assert set(legal_entity["sunes_achieved"]) <= SUNES
        assert set(legal_entity["policies"]) == {
            "mes_mode", "unit_override", "eligibility", "feeding_grace_months",
            "require_datamatrix", "mss_weighting",
        }  # fmt: skip
        sites = sites_by_entity[legal_entity["finess_ej"]]
        assert 1 <= len(sites) <= 3
        for finess_et in sites:
            assert is_valid_finess(finess_et)
            assert finess_et.startswith(legal_entity["department"])


def test_referential_has_the_member_kinds_and_policies(referential: dict[str, Any]) -> None:
    entities = referential["legal_entities"]
    chu = entity(referential, has_surgery=True, has_ace=True, has_internal_lab=True,
                 has_imaging=True)  # fmt: skip
    assert referential["ght"]["support_finess_ej"] == chu["finess_ej"]
    assert set(chu["candidate_indicators"]) == INDICATORS
    had = entity(referential, is_had=True)
    assert had["had_no_ods_attestation"] is True
    assert not any(had[name] for name in ("has_surgery", "has_ace", "has_internal_lab",
                                           "has_imaging"))  # fmt: skip
    assert sum(not e["has_surgery"] for e in entities) >= 2
    policies = [e["policies"] for e in entities]
    assert {"exact", "weighted"} == {p["mes_mode"] for p in policies}
    assert {"flagged", "all_patients"} == {p["eligibility"] for p in policies}
    assert {"P1.O2.LDL": "patients"} in [p["unit_override"] for p in policies]


# ---- rows ------------------------------------------------------------------------------------


def test_ids_are_unique_in_every_file(records: dict[tuple[str, str, str], list[Record]]) -> None:
    keys = {
        "patients": ("patient_id",), "encounters": ("encounter_id",),
        "consultations": ("consultation_id",), "documents": ("document_id", "version"),
        "messages": ("message_id",),
    }  # fmt: skip
    for (_, _, kind), rows in records.items():
        ids = [tuple(row[name] or 1 for name in keys[kind]) for row in rows]
        assert len(ids) == len(set(ids)), kind


def test_identifiers_sites_and_required_by_rule_fields(
    referential: dict[str, Any], records: dict[tuple[str, str, str], list[Record]]
) -> None:
    sites = defaultdict(set)
    for site in referential["sites"]:
        sites[site["finess_ej"]].add(site["finess_et"])
    had = entity(referential, is_had=True)["finess_ej"]
    ipp = re.compile(r"^IPP\d{7}$")
    ipps_by_entity = defaultdict(set)
    for (ej, _, kind), rows in records.items():
        for row in rows:
            assert ipp.match(row["patient_id"])
            ipps_by_entity[ej].add(row["patient_id"])
            if kind in ("encounters", "consultations"):
                assert row["finess_et"] in sites[ej]
            if kind == "encounters" and ej == had:
                assert row["activity"] == "HAD" and row["age_at_admission"] is not None
            if kind == "documents" and row["dmp_status"] not in (None, "NOT_SENT"):
                assert row["dmp_sent_at"] is not None
                assert parse_stamp(row["dmp_sent_at"]) >= parse_stamp(row["produced_at"])
            if kind == "messages":
                assert row["sender_finess"] in sites[ej] | {ej}
                if row["channel"] == "PRO":
                    assert row["to_health_correspondent"] is not None
    entities = list(ipps_by_entity)
    for index, first in enumerate(entities):
        for second in entities[index + 1 :]:
            assert not ipps_by_entity[first] & ipps_by_entity[second]


def test_shared_people_have_one_ins_and_two_ipps(
    records: dict[tuple[str, str, str], list[Record]],
) -> None:
    ipps_by_ins = defaultdict(set)
    for (ej, _, kind), rows in records.items():
        if kind == "patients":
            for row in rows:
                if row["ins"]:
                    ipps_by_ins[row["ins"]].add((ej, row["patient_id"]))
    shared = [ipps for ipps in ipps_by_ins.values() if len({ej for ej, _ in ipps}) > 1]
    assert shared
    assert all(len({ej for ej, _ in ipps}) == len(ipps) for ipps in shared)


def test_dates_belong_to_their_file_month_and_offsets_are_parisian(
    records: dict[tuple[str, str, str], list[Record]],
) -> None:
    for (_, period, kind), rows in records.items():
        start, end = month_bounds(period)
        for row in rows:
            for name in CONTRACT[kind]:
                text = row.get(name)
                if CONTRACT[kind][name][0] != STAMP or text is None:
                    continue
                written = datetime.fromisoformat(text)
                if written.tzinfo is None:
                    assert written.hour != 2  # never a missing or repeated Paris local time
                else:
                    local = written.replace(tzinfo=None).replace(tzinfo=PARIS)
                    assert written.utcoffset() == local.utcoffset(), text
            if kind == "patients":
                continue
            main = parse_stamp(row[MAIN_DATE[kind]])
            assert main < end, (period, kind, row)
            if kind in ("consultations", "documents", "messages"):
                assert main >= start
            elif row["kind"] != "SEANCE":
                discharged = row["discharged_at"]
                assert discharged is None or parse_stamp(discharged) >= start
            if kind == "encounters" and row["discharged_at"] is not None:
                assert parse_stamp(row["discharged_at"]) >= main


def test_document_links_resolve_within_the_entity_same_or_earlier_month(
    demo: DemoGht, records: dict[tuple[str, str, str], list[Record]]
) -> None:
    for ej in demo.finess_ejs:
        known: dict[str, set[str]] = defaultdict(set)
        for period in MONTHS:
            for row in records[ej, period, "encounters"]:
                known["encounter_id"].add(row["encounter_id"])
                if row["stay_group_id"]:
                    known["stay_group_id"].add(row["stay_group_id"])
            for row in records[ej, period, "consultations"]:
                known["consultation_id"].add(row["consultation_id"])
            for row in records[ej, period, "documents"]:
                links = [name for name in LINKS if row[name] is not None]
                assert len(links) <= 1
                for name in links:
                    assert row[name] in known[name], (ej, period, name)


def test_patients_files_list_every_referenced_patient(
    demo: DemoGht, records: dict[tuple[str, str, str], list[Record]]
) -> None:
    for ej in demo.finess_ejs:
        for period in MONTHS:
            listed = {row["patient_id"] for row in records[ej, period, "patients"]}
            referenced = {
                row["patient_id"]
                for kind in ("encounters", "consultations", "documents", "messages")
                for row in records[ej, period, kind]
            }
            assert referenced == listed


# ---- the cases the indicators need -----------------------------------------------------------


def test_identity_qualification_improves_month_after_month(
    demo: DemoGht, records: dict[tuple[str, str, str], list[Record]]
) -> None:
    shares = []
    for period in MONTHS:
        statuses = Counter(
            row["identity_status"] for ej in demo.finess_ejs
            for row in records[ej, period, "patients"]
        )  # fmt: skip
        assert set(statuses) == {"PROV", "RECUP", "VALI", "QUAL"}
        shares.append(statuses["QUAL"] / sum(statuses.values()))
    assert 0.64 <= shares[0] <= 0.76
    assert 0.8 <= shares[-1] <= 0.9
    assert shares[-1] - shares[0] >= 0.08
    patients = [row for (_, _, kind), rows in records.items() if kind == "patients" for row in rows]
    assert any(row["identity_doubtful"] for row in patients)
    assert any(row["identity_fictitious"] for row in patients)
    assert {row["mes_status"] for row in patients} == {None, "UNKNOWN", "OPEN", "NONE", "OPPOSED", "CLOSED"}


def test_documents_cover_every_type_format_status_and_flag(
    records: dict[tuple[str, str, str], list[Record]],
) -> None:
    documents = [row for (_, _, kind), rows in records.items() if kind == "documents" for row in rows]
    assert {row["type_code"] for row in documents} >= {
        "11490-0", "34112-3", "57833-6", "57832-8", "57828-6", "34874-8", "11488-4", "11502-2",
        "18748-4",
    }  # fmt: skip
    assert {row["format"] for row in documents} == CONTRACT["documents"]["format"][0]
    assert {row["dmp_status"] for row in documents} == CONTRACT["documents"]["dmp_status"][0]
    assert {row["datamatrix"] for row in documents} == {True, False, None}
    assert {row["ins_qualified"] for row in documents} == {True, False}
    assert sum(row["ins_qualified"] for row in documents) > 0.6 * len(documents)
    assert {row["discipline"] for row in documents} == {None, "GENERALE", "ACP", "GENETIQUE"}
    assert {row["modality"] for row in documents} == {None} | CONTRACT["documents"]["modality"][0]
    assert any(row["subcontracted"] for row in documents)
    assert any(row["no_transmission"] for row in documents)
    assert any(row["version"] == 2 for row in documents)
    assert all(row["type_code"] != "11490-0" or row["format"] != "CDA_R2_N3" for row in documents)
    pairs = Counter(row["report_id"] for row in documents if row["report_id"])
    assert any(count == 2 for count in pairs.values())
    lots = Counter(row["dmp_lot_id"] for row in documents if row["dmp_lot_id"])
    assert any(count >= 2 for count in lots.values())


def test_some_documents_are_accepted_in_the_month_after_next(
    records: dict[tuple[str, str, str], list[Record]],
) -> None:
    late = 0
    for (_, period, kind), rows in records.items():
        if kind != "documents":
            continue
        _, end = month_bounds(period)
        after_next = month_bounds(f"{end.year}-{end.month:02d}")[1]
        late += sum(
            1 for row in rows
            if row["dmp_status"] == "ACCEPTED" and parse_stamp(row["dmp_sent_at"]) >= after_next
        )  # fmt: skip
    assert late > 0


def test_encounters_span_months_and_some_stay_open(
    demo: DemoGht, records: dict[tuple[str, str, str], list[Record]]
) -> None:
    appearances = Counter(
        (ej, row["encounter_id"]) for (ej, _, kind), rows in records.items()
        if kind == "encounters" for row in rows
    )  # fmt: skip
    assert sum(count > 1 for count in appearances.values()) > 50
    encounters = [row for (_, _, kind), rows in records.items() if kind == "encounters" for row in rows]
    assert any(row["discharged_at"] is None for row in encounters)
    month_end_offsets = [
        row["discharged_at"] for row in encounters
        if row["discharged_at"] and re.search(r"T23:30:00\+0[12]:00$", row["discharged_at"])
        and (parse_stamp(row["discharged_at"]) + timedelta(days=1)).day == 1
    ]  # fmt: skip
    assert month_end_offsets
    passages = sum(row["kind"] == "PASSAGE" for row in encounters)
    assert 0.15 < passages / len(encounters) < 0.35
    assert any(row["surgical_act"] for row in encounters)
    assert any(row["eligible_pathway"] for row in encounters)
    assert {row["activity"] for row in encounters} == CONTRACT["encounters"]["activity"][0]
    assert {row["kind"] for row in encounters} == CONTRACT["encounters"]["kind"][0]


def test_had_stays_vary_and_one_month_has_no_prescription(
    referential: dict[str, Any], records: dict[tuple[str, str, str], list[Record]]
) -> None:
    had = entity(referential, is_had=True)["finess_ej"]
    stays = {row["encounter_id"]: row for period in MONTHS for row in records[had, period, "encounters"]}
    lengths = [
        (parse_stamp(row["discharged_at"]).date() - parse_stamp(row["admitted_at"]).date()).days
        for row in stays.values() if row["discharged_at"]
    ]  # fmt: skip
    assert any(length < 8 for length in lengths) and any(length >= 8 for length in lengths)
    assert any(row["age_at_admission"] < 18 for row in stays.values())
    prescriptions = [
        sum(row["type_code"] in PRESCRIPTIONS for row in records[had, period, "documents"]) for period in MONTHS
    ]
    assert prescriptions[1] == 0
    assert sum(count > 0 for count in prescriptions) >= 4


def test_psy_groups_and_series_sessions(
    referential: dict[str, Any], records: dict[tuple[str, str, str], list[Record]]
) -> None:
    encounters = [(ej, row) for (ej, _, kind), rows in records.items() if kind == "encounters" for row in rows]
    grouped = Counter(row["stay_group_id"] for _, row in encounters if row["stay_group_id"])
    assert any(count >= 3 for count in grouped.values())
    assert any(row["activity"] == "PSY" and row["kind"] == "HOSPITALISATION" for _, row in encounters)
    sessions: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for ej, row in encounters:
        if row["kind"] == "SEANCE":
            sessions[ej, row["patient_id"], row["activity"]].add(row["encounter_id"])
    for activity in ("DIALYSE", "CHIMIOTHERAPIE", "RADIOTHERAPIE"):
        counts = [len(ids) for (_, _, act), ids in sessions.items() if act == activity]
        assert any(count >= 3 for count in counts), activity
        assert any(count < 3 for count in counts), activity
    assert {ej for ej, _, _ in sessions} >= {
        entity(referential, is_had=False, has_ace=True, has_surgery=False,
               has_imaging=True)["finess_ej"],
    }  # fmt: skip


def test_messages_and_consultations_mix(
    referential: dict[str, Any], records: dict[tuple[str, str, str], list[Record]]
) -> None:
    messages = [row for (_, _, kind), rows in records.items() if kind == "messages" for row in rows]
    assert {row["channel"] for row in messages} == {"PRO", "CITOYENNE"}
    pro = [row for row in messages if row["channel"] == "PRO"]
    assert {row["to_health_correspondent"] for row in pro} == {True, False}
    assert {row["has_cda_xdm"] for row in pro} >= {True, False}
    assert {row["attachment_ins_qualified"] for row in messages} == {None, True, False}
    consultations = [row for (_, _, kind), rows in records.items() if kind == "consultations" for row in rows]
    assert {row["ace_billed"] for row in consultations} == {True, False}
    assert any(row["eligible_pathway"] for row in consultations)


def test_members_write_in_different_styles(demo: DemoGht) -> None:
    by_member = {
        ej: next(f for f in demo.files if f.finess_ej == ej and f.kind == "encounters") for ej in demo.finess_ejs
    }
    styles = {f.media_type for f in by_member.values()}
    assert styles == {"text/csv; charset=utf-8", "text/csv; charset=iso-8859-1",
                      "application/x-ndjson"}  # fmt: skip
    heads = {ej: f.path.read_bytes()[:3] for ej, f in by_member.items()}
    assert sum(head == b"\xef\xbb\xbf" for head in heads.values()) == 1
    latin = next(f for f in by_member.values() if "iso-8859-1" in f.media_type)
    content = latin.path.read_bytes()
    assert "é".encode("latin-1") in content and b";" in content.split(b"\n")[0]
    assert b";oui;" in content or b";non;" in content
    ndjson = next(f for f in by_member.values() if f.media_type == "application/x-ndjson")
    first = json.loads(ndjson.path.read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first["age_at_admission"], int)
    header_lengths = {len(f.path.read_text(encoding="latin-1").split("\n")[0].split(","))
                      for f in by_member.values() if f.path.suffix == ".csv"}  # fmt: skip
    assert len(header_lengths) > 1  # some members omit optional columns


def test_full_scale_month_has_about_fifty_thousand_encounters(tmp_path: Path) -> None:
    demo = write_demo_ght(tmp_path, ["2025-11"])
    assert 45_000 <= demo.rows("encounters", "2025-11") <= 55_000
    assert 22_000 <= demo.rows("consultations", "2025-11") <= 28_000
    assert 60_000 <= demo.rows("documents", "2025-11") <= 110_000
