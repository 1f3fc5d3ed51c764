"""Encoding and delimiter of an uploaded text file (data-contract.md §2)."""

from dataclasses import dataclass

from domain.errors import UnreadableFile

_BOM = b"\xef\xbb\xbf"
_CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso8859-1": "latin-1",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
}
DELIMITERS = (";", ",")


@dataclass(frozen=True, slots=True)
class TextDialect:
    encoding: str  # a Python codec name: utf-8, latin-1 or cp1252
    has_bom: bool
    delimiter: str = ","


def resolve_encoding(declared_charset: str | None, is_valid_utf8: bool, sample: bytes) -> TextDialect:
    """The declared charset wins; otherwise UTF-8 when every byte of the file decodes, else Latin-1."""
    has_bom = sample.startswith(_BOM)
    if declared_charset:
        encoding = _CHARSETS.get(declared_charset.strip().lower())
        if encoding is None:
            allowed = ", ".join(sorted(_CHARSETS))
            raise UnreadableFile(f"charset '{declared_charset}' is not supported (use one of {allowed})")
        if encoding == "utf-8" and not is_valid_utf8:
            raise UnreadableFile("the file is declared UTF-8 but holds bytes that are not UTF-8")
        return TextDialect(encoding, has_bom)
    return TextDialect("utf-8" if is_valid_utf8 else "latin-1", has_bom)


def header_line(sample: bytes, dialect: TextDialect) -> str:
    body = sample[len(_BOM) :] if dialect.has_bom else sample
    line, newline, _ = body.partition(b"\n")
    if not newline and len(body) >= 65536:
        raise UnreadableFile("the header line is missing or too long")
    return line.rstrip(b"\r").decode(dialect.encoding, errors="replace")


def detect_delimiter(header: str) -> str:
    """The delimiter that splits the header into the most fields (`;` wins a tie)."""
    return max(DELIMITERS, key=header.count)
