"""What an import of a national file answers and keeps: its version, its periods, and the rows
whose FINESS the referential does not know (kept, never dropped: data-contract.md §3)."""

from dataclasses import dataclass
from datetime import datetime

from domain.national.datasets import FinessKind, NationalDataset


@dataclass(frozen=True, slots=True)
class UnmatchedFiness:
    """A FINESS of the file that maps to no legal entity of the referential, with its rows."""

    finess: str
    finess_kind: FinessKind
    rows: int


@dataclass(frozen=True, slots=True)
class NationalImportSummary:
    import_id: int
    dataset: NationalDataset
    version: int
    content_sha256: str
    file_name: str | None
    mapping_name: str | None
    row_count: int
    periods: tuple[str, ...]
    imported_by: str
    imported_at: datetime
    unmatched: tuple[UnmatchedFiness, ...] = ()
    created: bool = True

    @property
    def unmatched_rows(self) -> int:
        return sum(finess.rows for finess in self.unmatched)
