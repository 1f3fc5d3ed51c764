"""Encoding and delimiter detection of uploaded CSV files."""

import pytest

from adapters.uploads.text_dialect import detect_delimiter, header_line, resolve_encoding
from domain.errors import UnreadableFile


def test_semicolon_is_detected_from_the_header() -> None:
    assert detect_delimiter("encounter_id;patient_id;finess_et") == ";"


def test_comma_is_detected_from_the_header() -> None:
    assert detect_delimiter("encounter_id,patient_id,finess_et") == ","


def test_utf8_without_declaration_is_read_as_utf8() -> None:
    assert resolve_encoding(None, True, b"a,b\n").encoding == "utf-8"


def test_bytes_that_are_not_utf8_are_read_as_latin1() -> None:
    assert resolve_encoding(None, False, "unit\nMédecine\n".encode("latin-1")).encoding == "latin-1"


def test_declared_charset_wins() -> None:
    assert resolve_encoding("ISO-8859-1", True, b"a\n").encoding == "latin-1"


def test_a_file_declared_utf8_with_latin1_bytes_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="declared UTF-8"):
        resolve_encoding("utf-8", False, b"\xe9\n")


def test_unknown_charset_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="not supported"):
        resolve_encoding("ebcdic", True, b"a\n")


def test_the_bom_is_not_part_of_the_first_field_name() -> None:
    sample = "\ufeffpatient_id;ins\r\nx;y\n".encode()
    dialect = resolve_encoding(None, True, sample)
    assert dialect.has_bom
    assert header_line(sample, dialect) == "patient_id;ins"
