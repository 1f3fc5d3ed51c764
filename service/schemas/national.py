"""Request and response bodies of the national statistics imports (data-contract.md §3)."""

from datetime import datetime
from typing import Literal

import msgspec

Dataset = Literal["dmp_feeds", "insi_calls", "mss_pro", "mss_citizen", "mss_equipment", "mes_profile_rate"]


class MappingBody(msgspec.Struct, kw_only=True):
    dataset: Dataset
    headers: dict[str, str]  # canonical field -> the header that holds it in the producer's file


class MappingView(msgspec.Struct, kw_only=True):
    name: str
    dataset: Dataset
    headers: dict[str, str]


class UnmatchedFinessView(msgspec.Struct, kw_only=True):
    finess: str
    finess_kind: Literal["EJ", "ET"]
    rows: int


class NationalImportView(msgspec.Struct, kw_only=True):
    import_id: int
    dataset: Dataset
    version: int
    created: bool
    content_sha256: str
    file_name: str | None
    mapping: str | None
    row_count: int
    periods: list[str]
    imported_by: str
    imported_at: datetime
    unmatched_rows: int
    unmatched: list[UnmatchedFinessView]
