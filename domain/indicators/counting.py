"""The raw outcome of counting one indicator: numerator, denominator, and why units dropped out."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.strata import Dimension, Stratum


@dataclass(frozen=True, slots=True)
class Counting:
    numerator: int
    denominator: int  # before any weighting
    unit: Unit
    explanation: tuple[tuple[Exclusion, int], ...]  # count removed by each rule, in the rules' order (D16)


class Tally:
    """Accumulates one counting: each unit is counted in the numerator or under one exclusion,
    in the total and in the strata (D17) it is attributed to."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.numerator = 0
        self.denominator = 0
        self.excluded: Counter[Exclusion] = Counter()
        self._strata: dict[Stratum, Tally] = {}

    def exclude(self, reason: Exclusion, strata: Iterable[Stratum] = ()) -> None:
        """A unit removed before the denominator (population rule)."""
        self.excluded[reason] += 1
        for stratum in strata:
            self.stratum(stratum).exclude(reason)

    def judge(self, failure: Exclusion | None, strata: Iterable[Stratum] = ()) -> None:
        """A denominator unit: in the numerator when nothing failed, else under its failure."""
        self.denominator += 1
        if failure is None:
            self.numerator += 1
        else:
            self.excluded[failure] += 1
        for stratum in strata:
            self.stratum(stratum).judge(failure)

    def stratum(self, stratum: Stratum) -> "Tally":
        """The stratum's own tally, for units judged differently there than in the total."""
        return self._strata.setdefault(stratum, Tally(self.unit))

    def stratified(self, dimension: Dimension) -> dict[str | None, Counting]:
        return {
            stratum.key: tally.counting() for stratum, tally in self._strata.items() if stratum.dimension is dimension
        }

    def counting(self) -> Counting:
        order = list(Exclusion)
        explanation = tuple(sorted(self.excluded.items(), key=lambda item: order.index(item[0])))
        return Counting(self.numerator, self.denominator, self.unit, explanation)


@dataclass(frozen=True, slots=True)
class MonthCounting:
    """The nine countings of an entity-month, and the one fact of the month judging needs besides
    them; what results storage keeps (judging is cheap and depends on the referential chosen)."""

    countings: dict[str, Counting]  # by indicator id, in the catalogue's order
    prescription_produced: bool  # any discharge prescription produced in the month (HAD_NO_ODS, D11)
    patients_missing_from_file: int = 0  # referenced this month, absent from its patients file (D4)
