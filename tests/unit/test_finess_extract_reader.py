from datetime import date
from pathlib import Path

from adapters.referential.finess_extract_reader import (
    STRUCTUREET_FIELDS,
    FinessExtractIssue,
    FinessSite,
    read_finess_extract,
    read_finess_extract_file,
)

METADATA = "finess;etalab;95;2024-01-09"
GEOLOCALISATION = "geolocalisation;750100018;652475.2;6862288.1;1,ATLASANTE,100,IGN;2024-01-05"
APHP_EJ = "750712184"


def structureet(
    et: str,
    ej: str,
    rs: str,
    *,
    rslongue: str = "",
    departement: str = "75",
    categetab: str = "101",
    libcategetab: str = "Centre Hospitalier Régional (C.H.R.)",
    dateouv: str = "1970-01-01",
    extra: tuple[str, ...] = (),
) -> str:
    values = dict.fromkeys(STRUCTUREET_FIELDS, "")
    values.update(
        structureet="structureet",
        nofinesset=et,
        nofinessej=ej,
        rs=rs,
        rslongue=rslongue,
        departement=departement,
        libdepartement="SOMEWHERE",
        categetab=categetab,
        libcategetab=libcategetab,
        dateouv=dateouv,
    )
    return ";".join([*values.values(), *extra])


def extract_bytes(lines: list[str], encoding: str, *, bom: bool = False) -> bytes:
    content = "".join(f"{line}\r\n" for line in lines).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + content


def read_bytes(content: bytes) -> list[FinessSite | FinessExtractIssue]:
    return list(read_finess_extract(content.splitlines(keepends=True)))


def sample_lines() -> list[str]:
    return [
        METADATA,
        structureet("750100018", APHP_EJ, "HOPITAL NECKER", dateouv="1802-05-01"),
        GEOLOCALISATION,
        structureet(
            "2A0000020",
            "2A0000013",
            "",
            rslongue="CENTRE HOSPITALIER D'AJACCIO",
            departement="2A",
            dateouv="",
        ),
        structureet("340780006", "340000017", "Hôpital Saint-Éloi", departement="34"),
    ]


def test_structureet_lines_are_read_and_other_record_types_skipped() -> None:
    records = read_bytes(extract_bytes(sample_lines(), "utf-8"))

    assert records == [
        FinessSite(
            finess_et="750100018",
            finess_ej=APHP_EJ,
            name="HOPITAL NECKER",
            department="75",
            category_code="101",
            category_label="Centre Hospitalier Régional (C.H.R.)",
            opened_on=date(1802, 5, 1),
        ),
        FinessSite(
            finess_et="2A0000020",
            finess_ej="2A0000013",
            name="CENTRE HOSPITALIER D'AJACCIO",
            department="2A",
            category_code="101",
            category_label="Centre Hospitalier Régional (C.H.R.)",
            opened_on=None,
        ),
        FinessSite(
            finess_et="340780006",
            finess_ej="340000017",
            name="Hôpital Saint-Éloi",
            department="34",
            category_code="101",
            category_label="Centre Hospitalier Régional (C.H.R.)",
            opened_on=date(1970, 1, 1),
        ),
    ]


def test_latin1_file_is_detected_and_accented_names_decoded(tmp_path: Path) -> None:
    path = tmp_path / "finess.csv"
    path.write_bytes(extract_bytes(sample_lines(), "latin-1"))

    sites = [record for record in read_finess_extract_file(path) if isinstance(record, FinessSite)]

    assert [site.name for site in sites] == [
        "HOPITAL NECKER",
        "CENTRE HOSPITALIER D'AJACCIO",
        "Hôpital Saint-Éloi",
    ]
    assert sites[0].category_label == "Centre Hospitalier Régional (C.H.R.)"


def test_utf8_file_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "finess.csv"
    lines = [structureet("340780006", "340000017", "Hôpital Saint-Éloi"), *sample_lines()]
    path.write_bytes(extract_bytes(lines, "utf-8", bom=True))

    records = list(read_finess_extract_file(path))

    assert len(records) == 4
    assert all(isinstance(record, FinessSite) for record in records)
    assert isinstance(records[0], FinessSite)
    assert records[0].finess_et == "340780006"
    assert records[0].name == "Hôpital Saint-Éloi"


def test_invalid_finess_is_reported_with_its_line_number() -> None:
    lines = [*sample_lines(), structureet("750100012", APHP_EJ, "HOPITAL FAUX")]

    records = read_bytes(extract_bytes(lines, "utf-8"))

    assert len([record for record in records if isinstance(record, FinessSite)]) == 3
    issue = records[-1]
    assert isinstance(issue, FinessExtractIssue)
    assert issue.line == 6
    assert "nofinesset '750100012'" in issue.reason
    assert "Luhn" in issue.reason


def test_malformed_legal_entity_number_is_reported() -> None:
    lines = [METADATA, structureet("750100018", "75071218", "HOPITAL")]

    assert read_bytes(extract_bytes(lines, "utf-8")) == [
        FinessExtractIssue(
            2,
            "nofinessej '75071218': a FINESS number is 9 characters: "
            "a department code (2 digits, 2A or 2B) and 7 digits",
        ),
    ]


def test_short_line_is_reported_and_reading_goes_on() -> None:
    short = ";".join(structureet("750100018", APHP_EJ, "HOPITAL").split(";")[:20])
    lines = [METADATA, short, structureet("130780018", "130780018", "CHU", departement="13")]

    records = read_bytes(extract_bytes(lines, "utf-8"))

    assert records[0] == FinessExtractIssue(2, "a structureet line has 32 fields, this one 20")
    assert isinstance(records[1], FinessSite)
    assert records[1].finess_et == "130780018"


def test_trailing_extra_fields_are_tolerated() -> None:
    lines = [METADATA, structureet("750100018", APHP_EJ, "HOPITAL", extra=("x", "y"))]

    [site] = read_bytes(extract_bytes(lines, "utf-8"))

    assert isinstance(site, FinessSite)
    assert site.name == "HOPITAL"


def test_opening_date_not_in_iso_format_is_reported() -> None:
    lines = [METADATA, structureet("750100018", APHP_EJ, "HOPITAL", dateouv="01/05/1802")]

    [issue] = read_bytes(extract_bytes(lines, "utf-8"))

    assert issue == FinessExtractIssue(2, "dateouv '01/05/1802' is not a YYYY-MM-DD date")


def test_line_without_any_name_is_reported() -> None:
    lines = [METADATA, structureet("750100018", APHP_EJ, "")]

    [issue] = read_bytes(extract_bytes(lines, "utf-8"))

    assert isinstance(issue, FinessExtractIssue)
    assert "no name" in issue.reason


def test_lines_without_line_endings_are_accepted() -> None:
    records = list(read_finess_extract(line.encode() for line in sample_lines()))

    assert [record.finess_et for record in records if isinstance(record, FinessSite)] == [
        "750100018",
        "2A0000020",
        "340780006",
    ]
