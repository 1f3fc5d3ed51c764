"""The national statistics files (data-contract.md §3): six datasets, their canonical fields, and
the named column mappings that read next year's layout without new code."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from domain.periods import Period


class NationalDataset(StrEnum):
    DMP_FEEDS = "dmp_feeds"
    INSI_CALLS = "insi_calls"
    MSS_PRO = "mss_pro"
    MSS_CITIZEN = "mss_citizen"
    MSS_EQUIPMENT = "mss_equipment"
    MES_PROFILE_RATE = "mes_profile_rate"


class FinessKind(StrEnum):
    EJ = "EJ"  # FINESS juridique: a legal entity
    ET = "ET"  # FINESS géographique: a site, mapped to its legal entity through the referential


class FieldKind(StrEnum):
    FINESS = "finess"
    FINESS_KIND = "finess_kind"
    PERIOD = "period"
    AREA = "area"  # a region or department code
    CODE = "code"  # a document type code
    COUNT = "count"  # a non-negative integer
    RATE = "rate"  # a share between 0 and 1


@dataclass(frozen=True, slots=True)
class CanonicalField:
    name: str
    kind: FieldKind
    required: bool = True


def _fields(*specs: tuple[str, FieldKind, bool]) -> tuple[CanonicalField, ...]:
    return tuple(CanonicalField(name, kind, required) for name, kind, required in specs)


_FINESS = (
    ("finess", FieldKind.FINESS, True),
    ("finess_kind", FieldKind.FINESS_KIND, True),
    ("period", FieldKind.PERIOD, True),
)
_AREA = (("area", FieldKind.AREA, True), ("period", FieldKind.PERIOD, True), ("rate", FieldKind.RATE, True))

CANONICAL_FIELDS: Mapping[NationalDataset, tuple[CanonicalField, ...]] = {
    NationalDataset.DMP_FEEDS: _fields(
        *_FINESS,
        ("type_code", FieldKind.CODE, True),
        ("documents", FieldKind.COUNT, True),
        ("documents_ins_qualified", FieldKind.COUNT, False),
        ("lots", FieldKind.COUNT, False),
    ),
    NationalDataset.INSI_CALLS: _fields(*_FINESS, ("calls", FieldKind.COUNT, True)),
    NationalDataset.MSS_PRO: _fields(
        *_FINESS, ("messages", FieldKind.COUNT, True), ("messages_with_documents", FieldKind.COUNT, True)
    ),
    NationalDataset.MSS_CITIZEN: _fields(
        *_FINESS, ("patients_messaged", FieldKind.COUNT, True), ("messages", FieldKind.COUNT, True)
    ),
    NationalDataset.MSS_EQUIPMENT: _fields(*_AREA),
    NationalDataset.MES_PROFILE_RATE: _fields(*_AREA),
}
"""Per dataset, its canonical fields in the canonical layout's column order."""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which header of a producer's file holds each canonical field; fields not named are read
    under their canonical name. Stored under `name` and reused from one import to the next."""

    name: str
    dataset: NationalDataset
    headers: Mapping[str, str] = field(default_factory=dict)  # canonical field -> header in the file

    def header_of(self, canonical: str) -> str:
        return self.headers.get(canonical, canonical)


@dataclass(frozen=True, slots=True)
class NationalRow:
    """One line of a national file, read into canonical fields. `finess` and `finess_kind` are
    None for area datasets; `area` and `rate` are None for FINESS datasets."""

    line: int
    period: Period
    finess: str | None = None
    finess_kind: FinessKind | None = None
    area: str | None = None
    type_code: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)  # the COUNT fields present on the line
    rate: Decimal | None = None
