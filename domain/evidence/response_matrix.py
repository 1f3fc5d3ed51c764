"""The response matrix of an entity's month (api.md, Evidence): one row per indicator with the
figures an ARS auditor checks, labelled in French. The ARS template is not public: these columns
are ours, chosen so that a rate is never given without its numerator and denominator (§2)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.indicators.catalogue import CATALOGUE
from domain.indicators.results import IndicatorResult
from domain.indicators.targets import Status, Tier
from domain.periods import Period
from domain.referential import LegalEntity

RESPONSE_MATRIX_HEADERS = (
    "FINESS juridique",
    "Établissement",
    "Mois",
    "Indicateur",
    "Libellé",
    "Numérateur",
    "Dénominateur",
    "Taux (%)",
    "Cible (%)",
    "Palier",
    "Statut",
    "Référentiel",
)

Cell = str | int | Decimal | None


@dataclass(frozen=True, slots=True)
class ResponseMatrixRow:
    finess_ej: str
    entity_name: str
    month: str  # YYYY-MM
    indicator_id: str
    label_fr: str
    numerator: int
    denominator: int  # after any weighting, as judged
    rate: Decimal | None  # percent, one decimal (D14); None without activity or when not applicable (D10)
    target: int  # percent
    tier: Tier
    status: Status
    referential_version: str

    def cells(self) -> tuple[Cell, ...]:
        """The row's values in the order of `RESPONSE_MATRIX_HEADERS`; tier and status as their codes."""
        return (
            self.finess_ej,
            self.entity_name,
            self.month,
            self.indicator_id,
            self.label_fr,
            self.numerator,
            self.denominator,
            self.rate,
            self.target,
            self.tier.value,
            self.status.value,
            self.referential_version,
        )


def response_matrix(
    entity: LegalEntity, month: Period, results: Iterable[IndicatorResult]
) -> tuple[ResponseMatrixRow, ...]:
    """One row per result, in the order given (the catalogue's, for a computed month)."""
    return tuple(
        ResponseMatrixRow(
            finess_ej=entity.finess_ej,
            entity_name=entity.name,
            month=month.label,
            indicator_id=result.indicator_id,
            label_fr=CATALOGUE[result.indicator_id].label_fr,
            numerator=result.numerator,
            denominator=result.denominator,
            rate=result.rate,
            target=result.target,
            tier=result.tier,
            status=result.status,
            referential_version=result.referential_version,
        )
        for result in results
    )
