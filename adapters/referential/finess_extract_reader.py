"""Streaming reader of the public FINESS extract (the etalab "stock" file).

The file is `;`-separated, without quoting. Its first line is metadata (`finess;etalab;…`),
then come lines of several record types, each naming its type in the first field. Only
`structureet` lines (one per establishment, "ET") are read; the others (`geolocalisation`, …)
are skipped. A `structureet` line has the 32 fields of `STRUCTUREET_FIELDS`; trailing extra
fields are tolerated (later layouts may add some), fewer fields make the line malformed.

Encoding detection works line by line, so that the ~100 MB file is never held in memory: lines
are decoded as UTF-8 until one is not valid UTF-8; that line and every later one are then
decoded as Latin-1. The lines decoded before the switch were valid UTF-8, which for a Latin-1
file in practice means pure ASCII, decoded identically by both encodings (a French accented
letter in Latin-1 is a lone byte >= 0x80, never a valid UTF-8 sequence). A UTF-8 byte order
mark at the start of the first line is removed.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from domain.identifiers import finess_problem

STRUCTUREET_FIELDS: tuple[str, ...] = (
    "structureet",
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
    "numuai",
)

_COLUMN = {name: index for index, name in enumerate(STRUCTUREET_FIELDS)}
_UTF8_BOM = b"\xef\xbb\xbf"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class FinessSite:
    """One establishment (FINESS ET) of the extract, with its legal entity (FINESS EJ)."""

    finess_et: str
    finess_ej: str
    name: str
    department: str
    category_code: str
    category_label: str
    opened_on: date | None


@dataclass(frozen=True, slots=True)
class FinessExtractIssue:
    """A `structureet` line that could not be read; `line` is 1-based, metadata line included."""

    line: int
    reason: str


class _StreamingDecoder:
    """UTF-8 until a line is not valid UTF-8, Latin-1 from that line on."""

    def __init__(self) -> None:
        self.encoding = "utf-8"

    def decode(self, raw: bytes) -> str:
        if self.encoding == "utf-8":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                self.encoding = "latin-1"
        return raw.decode("latin-1")


def read_finess_extract(lines: Iterable[bytes]) -> Iterator[FinessSite | FinessExtractIssue]:
    """Yield a `FinessSite` per valid `structureet` line and a `FinessExtractIssue` per bad one.

    `lines` are raw lines (a file opened in binary mode iterates that way), with or without
    their line ending. Blank lines, the metadata line and other record types are skipped.
    """
    decoder = _StreamingDecoder()
    for number, raw in enumerate(lines, start=1):
        if number == 1 and raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM) :]
        if not raw.startswith(b"structureet;"):
            continue
        yield _parse_structureet(number, decoder.decode(raw.rstrip(b"\r\n")))


def read_finess_extract_file(path: Path) -> Iterator[FinessSite | FinessExtractIssue]:
    """`read_finess_extract` over a file opened in binary mode, streamed line by line."""
    with path.open("rb") as extract:
        yield from read_finess_extract(extract)


def _parse_structureet(number: int, text: str) -> FinessSite | FinessExtractIssue:
    fields = [field.strip() for field in text.split(";")]
    if len(fields) < len(STRUCTUREET_FIELDS):
        return FinessExtractIssue(
            number,
            f"a structureet line has {len(STRUCTUREET_FIELDS)} fields, this one {len(fields)}",
        )

    def column(name: str) -> str:
        return fields[_COLUMN[name]]

    problems = [
        f"{name} {column(name)!r}: {problem}"
        for name in ("nofinesset", "nofinessej")
        if (problem := finess_problem(column(name))) is not None
    ]
    name = column("rs") or column("rslongue")
    if not name:
        problems.append("no name (rs and rslongue are empty)")
    opening = column("dateouv")
    opened_on: date | None = None
    if opening:
        try:
            if not _ISO_DATE.match(opening):
                raise ValueError(opening)
            opened_on = date.fromisoformat(opening)
        except ValueError:
            problems.append(f"dateouv {opening!r} is not a YYYY-MM-DD date")
    if problems:
        return FinessExtractIssue(number, "; ".join(problems))
    return FinessSite(
        finess_et=column("nofinesset"),
        finess_ej=column("nofinessej"),
        name=name,
        department=column("departement"),
        category_code=column("categetab"),
        category_label=column("libcategetab"),
        opened_on=opened_on,
    )
