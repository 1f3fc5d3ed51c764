"""Request and response bodies of the referential (data-contract.md §1)."""

from datetime import date, datetime
from typing import Literal

import msgspec

from domain.referential import INDICATOR_IDS

IndicatorId = Literal["P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O3", "P1.O4", "P1.O5", "P1.O6", "P1.O7", "P1.O8"]
SunesAnalogue = Literal["DS1.1", "DS1.2", "DS1.3", "DS2.1", "DS3.1", "DS4.1", "DS4.2"]


class GhtBody(msgspec.Struct, kw_only=True):
    name: str
    region: str
    support_finess_ej: str
    valid_from: date | None = None


class GhtView(msgspec.Struct, kw_only=True):
    ght_id: str
    name: str
    region: str
    support_finess_ej: str
    valid_from: date
    recorded_at: datetime | None


class PoliciesBody(msgspec.Struct, kw_only=True):
    mes_mode: Literal["exact", "weighted"] = "exact"
    unit_override: dict[Literal["P1.O2.LDL", "P1.O2.ODS"], Literal["patients"]] = {}
    eligibility: Literal["flagged", "all_patients"] = "flagged"
    feeding_grace_months: int = 1
    require_datamatrix: bool = True
    mss_weighting: Literal["off", "region", "department"] = "off"


class LegalEntityBody(msgspec.Struct, kw_only=True):
    name: str
    ght_id: str
    department: str
    candidate_indicators: list[IndicatorId] = msgspec.field(
        default_factory=lambda: list(INDICATOR_IDS)  # type: ignore[arg-type]
    )
    sunes_achieved: list[SunesAnalogue] = []
    has_surgery: bool = False
    has_ace: bool = False
    has_internal_lab: bool = False
    has_imaging: bool = False
    is_had: bool = False
    had_no_ods_attestation: bool = False
    active: bool = True
    policies: PoliciesBody = msgspec.field(default_factory=PoliciesBody)
    valid_from: date | None = None


class LegalEntityView(LegalEntityBody, kw_only=True):
    finess_ej: str
    recorded_at: datetime | None


class SiteBody(msgspec.Struct, kw_only=True):
    finess_ej: str
    name: str
    active: bool = True
    valid_from: date | None = None


class SiteView(SiteBody, kw_only=True):
    finess_et: str
    recorded_at: datetime | None


class LineIssueView(msgspec.Struct, kw_only=True):
    line: int
    reason: str


class FinessImportView(msgspec.Struct, kw_only=True):
    sites_recorded: int
    sites_unchanged: int
    sites_of_unknown_entities: int
    issue_total: int
    issues: list[LineIssueView]
