"""Who is who: GHTs, legal entities (FINESS juridique) and their sites (FINESS géographique).

Records are effective-dated: a version applies from `valid_from` until the next version of the
same key, and each version is stamped with the instant it was recorded so that a computation
with an earlier as-of instant never sees a later change (decision D19).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidInput
from domain.identifiers import finess_problem

INDICATOR_IDS = (
    "P1.O1",
    "P1.O2.LDL",
    "P1.O2.ODS",
    "P1.O3",
    "P1.O4",
    "P1.O5",
    "P1.O6",
    "P1.O7",
    "P1.O8",
)
SUNES_ANALOGUES = ("DS1.1", "DS1.2", "DS1.3", "DS2.1", "DS3.1", "DS4.1", "DS4.2")
UNIT_OVERRIDE_INDICATORS = ("P1.O2.LDL", "P1.O2.ODS")


class MesMode(StrEnum):
    EXACT = "exact"
    WEIGHTED = "weighted"


class Eligibility(StrEnum):
    FLAGGED = "flagged"
    ALL_PATIENTS = "all_patients"


class MssWeighting(StrEnum):
    OFF = "off"
    REGION = "region"
    DEPARTMENT = "department"


class CountingUnit(StrEnum):
    PATIENTS = "patients"


@dataclass(frozen=True, slots=True)
class Policies:
    mes_mode: MesMode = MesMode.EXACT
    unit_override: dict[str, CountingUnit] = field(default_factory=dict)
    eligibility: Eligibility = Eligibility.FLAGGED
    feeding_grace_months: int = 1
    require_datamatrix: bool = True
    mss_weighting: MssWeighting = MssWeighting.OFF

    def __post_init__(self) -> None:
        unknown = set(self.unit_override) - set(UNIT_OVERRIDE_INDICATORS)
        if unknown:
            raise InvalidInput(
                f"unit_override applies only to {', '.join(UNIT_OVERRIDE_INDICATORS)}, "
                f"not to {', '.join(sorted(unknown))}"
            )
        if not 0 <= self.feeding_grace_months <= 12:
            raise InvalidInput("feeding_grace_months must be between 0 and 12")


@dataclass(frozen=True, slots=True)
class Capabilities:
    has_surgery: bool = False
    has_ace: bool = False
    has_internal_lab: bool = False
    has_imaging: bool = False
    is_had: bool = False


@dataclass(frozen=True, slots=True)
class Ght:
    ght_id: str
    name: str
    region: str
    support_finess_ej: str
    valid_from: date
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.ght_id.strip() or len(self.ght_id) > 40:
            raise InvalidInput("ght_id must be a short non-empty code")
        _require_finess("support_finess_ej", self.support_finess_ej)


@dataclass(frozen=True, slots=True)
class LegalEntity:
    finess_ej: str
    name: str
    ght_id: str
    department: str
    valid_from: date
    capabilities: Capabilities = field(default_factory=Capabilities)
    policies: Policies = field(default_factory=Policies)
    candidate_indicators: tuple[str, ...] = INDICATOR_IDS
    sunes_achieved: frozenset[str] = frozenset()
    had_no_ods_attestation: bool = False
    active: bool = True
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_finess("finess_ej", self.finess_ej)
        _require_subset("candidate_indicators", self.candidate_indicators, INDICATOR_IDS)
        _require_subset("sunes_achieved", self.sunes_achieved, SUNES_ANALOGUES)


@dataclass(frozen=True, slots=True)
class Site:
    finess_et: str
    finess_ej: str
    name: str
    valid_from: date
    active: bool = True
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_finess("finess_et", self.finess_et)
        _require_finess("finess_ej", self.finess_ej)


@dataclass(frozen=True, slots=True)
class EntityScope:
    """Where a legal entity sits, as the access rules need it."""

    finess_ej: str
    ght_id: str
    region: str


def _require_finess(name: str, value: str) -> None:
    problem = finess_problem(value)
    if problem:
        raise InvalidInput(f"{name} '{value}' is not a valid FINESS number: {problem}")


def _require_subset(name: str, values: tuple[str, ...] | frozenset[str], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(f"{name}: unknown values {', '.join(unknown)} (allowed: {', '.join(allowed)})")
