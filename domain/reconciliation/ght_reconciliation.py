"""The GHT's reconciliation for one month: its members' local figures and national counts summed
per indicator, then reconciled as one (§7, "per GHT/month")."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from domain.reconciliation.national_checks import NATIONAL_CHECKS
from domain.reconciliation.reconcile import (
    LocalDocumentFacts,
    NationalFigure,
    ReconciliationLine,
    reconcile,
)


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """One member's inputs to one indicator's reconciliation."""

    numerator: int
    denominator: int
    national: NationalFigure
    local: LocalDocumentFacts


def reconcile_ght(
    members: Sequence[Mapping[str, MemberFigures]], tolerances: Mapping[str, Decimal]
) -> tuple[ReconciliationLine, ...]:
    """By indicator, in the catalogue's order. The national count sums the members that have one
    (national_missing when none has); unmatched national rows are the month's, the same for every
    member, so they are counted once."""
    lines = []
    for indicator_id, check in NATIONAL_CHECKS.items():
        figures = [member[indicator_id] for member in members if indicator_id in member]
        counts = [figure.national.count for figure in figures if figure.national.count is not None]
        lots = [figure.national.lots for figure in figures if figure.national.lots is not None]
        national = NationalFigure(
            sum(counts) if counts else None,
            sum(lots) if lots else None,
            max((figure.national.unmatched_rows for figure in figures), default=0),
        )
        local = LocalDocumentFacts(
            *(sum(getattr(figure.local, fact.name) for figure in figures) for fact in fields(LocalDocumentFacts))
        )
        lines.append(
            reconcile(
                check,
                sum(figure.numerator for figure in figures),
                sum(figure.denominator for figure in figures),
                national,
                local,
                tolerances[indicator_id],
            )
        )
    return tuple(lines)
