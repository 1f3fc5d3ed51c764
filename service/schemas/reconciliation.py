"""Response bodies of the reconciliation with national counts (indicators.md §7)."""

from datetime import datetime
from typing import Literal

import msgspec

Status = Literal["consistent", "local_higher", "national_higher", "national_missing", "not_comparable"]
Cause = Literal[
    "several_documents_per_unit",
    "prescription_lots",
    "late_sending",
    "dmp_rejections",
    "without_qualified_ins",
    "unmatched_national_rows",
    "insi_calls_not_per_patient",
]


class LikelyCauseView(msgspec.Struct, kw_only=True):
    cause: Cause
    count: int


class ReconciliationLineView(msgspec.Struct, kw_only=True):
    indicator_id: str
    local_numerator: int
    local_denominator: int
    local_rate: float | None  # percent
    national_count: int | None
    national_lots: int | None  # prescriptions, when the national file gives them
    national_rate: float | None  # national count / local denominator, percent
    gap_points: float | None  # national rate − local rate
    relative_gap: float | None  # (national count − local numerator) / local numerator
    tolerance_points: float
    status: Status
    causes: list[LikelyCauseView]


class EntityReconciliationView(msgspec.Struct, kw_only=True):
    finess_ej: str
    name: str
    period: str
    as_of: datetime
    lines: list[ReconciliationLineView]
    mes_profile_rate: float | None  # the imported MES profile rate of the department, for information (D9)


class GhtReconciliationView(msgspec.Struct, kw_only=True):
    ght_id: str
    period: str
    as_of: datetime
    members: list[EntityReconciliationView]
    ght: list[ReconciliationLineView]  # the members' figures and national counts summed
