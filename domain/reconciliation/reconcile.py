"""The local figures beside the national count, the gap, a status and the likely causes
(indicators.md §7), for one indicator of one entity and month. Pure: the figures come in."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from domain.indicators.targets import display_rate
from domain.reconciliation.national_checks import NationalCheck

DEFAULT_TOLERANCE_POINTS = Decimal(5)
"""§7: "rapprochement approximatif" in the guide; 5 rate points unless configured per indicator."""


class ReconciliationStatus(StrEnum):
    CONSISTENT = "consistent"
    LOCAL_HIGHER = "local_higher"
    NATIONAL_HIGHER = "national_higher"
    NATIONAL_MISSING = "national_missing"
    NOT_COMPARABLE = "not_comparable"


class LikelyCause(StrEnum):
    SEVERAL_DOCUMENTS_PER_UNIT = "several_documents_per_unit"
    PRESCRIPTION_LOTS = "prescription_lots"
    LATE_SENDING = "late_sending"
    DMP_REJECTIONS = "dmp_rejections"
    WITHOUT_QUALIFIED_INS = "without_qualified_ins"
    UNMATCHED_NATIONAL_ROWS = "unmatched_national_rows"
    INSI_CALLS_NOT_PER_PATIENT = "insi_calls_not_per_patient"


@dataclass(frozen=True, slots=True)
class NationalFigure:
    """The national side for one entity and month, after FINESS géographique → juridique mapping."""

    count: int | None  # None: the national file has no row for the entity and month
    lots: int | None = None  # prescriptions, when the file gives them
    unmatched_rows: int = 0  # rows of the same dataset, month (and types) whose FINESS maps to no entity


@dataclass(frozen=True, slots=True)
class LocalDocumentFacts:
    """The documents of the indicator's types produced in the month, as the local data shows them."""

    eligible_sent: int = 0  # passing every §4 rule
    late: int = 0  # accepted by the DMP after the feeding deadline
    rejected: int = 0  # refused by the DMP
    sent_without_qualified_ins: int = 0  # accepted by the DMP without a qualified INS


@dataclass(frozen=True, slots=True)
class ReconciliationLine:
    indicator_id: str
    local_numerator: int
    local_denominator: int
    local_rate: Decimal | None
    national_count: int | None
    national_lots: int | None
    national_rate: Decimal | None  # national count / local denominator, in percent
    gap_points: Decimal | None  # national rate − local rate
    relative_gap: Decimal | None  # (national count − local numerator) / local numerator
    tolerance_points: Decimal
    status: ReconciliationStatus
    causes: tuple[tuple[LikelyCause, int], ...]


def reconcile(
    check: NationalCheck,
    numerator: int,
    denominator: int,
    national: NationalFigure,
    local: LocalDocumentFacts,
    tolerance_points: Decimal = DEFAULT_TOLERANCE_POINTS,
) -> ReconciliationLine:
    """`denominator` is the result's own (weighted when the entity's policy weights it), so that the
    local rate is the rate the result reports."""
    count = national.count
    comparable = count is not None and denominator > 0
    return ReconciliationLine(
        indicator_id=check.indicator_id,
        local_numerator=numerator,
        local_denominator=denominator,
        local_rate=display_rate(numerator, denominator),
        national_count=count,
        national_lots=national.lots,
        national_rate=display_rate(count, denominator) if comparable and count is not None else None,
        gap_points=_points(count - numerator, denominator) if comparable and count is not None else None,
        relative_gap=_relative(count - numerator, numerator) if count is not None else None,
        tolerance_points=tolerance_points,
        status=_status(count, numerator, denominator, tolerance_points),
        causes=_causes(check, numerator, national, local),
    )


def _status(count: int | None, numerator: int, denominator: int, tolerance: Decimal) -> ReconciliationStatus:
    """Compared exactly, not on rounded rates: |gap| ≤ tolerance ⇔ |count − numerator| × 100 ≤
    tolerance × denominator."""
    if count is None:
        return ReconciliationStatus.NATIONAL_MISSING
    if denominator == 0:
        return ReconciliationStatus.NOT_COMPARABLE
    if abs(count - numerator) * 100 <= tolerance * denominator:
        return ReconciliationStatus.CONSISTENT
    return ReconciliationStatus.NATIONAL_HIGHER if count > numerator else ReconciliationStatus.LOCAL_HIGHER


def _causes(
    check: NationalCheck, numerator: int, national: NationalFigure, local: LocalDocumentFacts
) -> tuple[tuple[LikelyCause, int], ...]:
    """Every cause the data shows, with its count, in a fixed order; none with a count of 0."""
    causes: list[tuple[LikelyCause, int]] = []
    if check.per_document_type:
        causes.append((LikelyCause.SEVERAL_DOCUMENTS_PER_UNIT, max(local.eligible_sent - numerator, 0)))
        if national.lots is not None and national.lots != numerator:
            causes.append((LikelyCause.PRESCRIPTION_LOTS, national.lots))
        causes += [
            (LikelyCause.LATE_SENDING, local.late),
            (LikelyCause.DMP_REJECTIONS, local.rejected),
            (LikelyCause.WITHOUT_QUALIFIED_INS, local.sent_without_qualified_ins),
        ]
    causes.append((LikelyCause.UNMATCHED_NATIONAL_ROWS, national.unmatched_rows))
    if check.indicator_id == "P1.O1" and national.count is not None:
        causes.append((LikelyCause.INSI_CALLS_NOT_PER_PATIENT, national.count))
    return tuple((cause, count) for cause, count in causes if count > 0)


def _points(difference: int, denominator: int) -> Decimal:
    with localcontext(prec=60):
        return (Decimal(difference * 100) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _relative(difference: int, numerator: int) -> Decimal | None:
    if numerator == 0:
        return None
    with localcontext(prec=60):
        return (Decimal(difference) / Decimal(numerator)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
