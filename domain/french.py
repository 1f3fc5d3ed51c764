"""What a person reads, in French: the labels of the stable codes and the French formats of numbers
and instants (issue #12 C13).

JSON answers keep their stable codes and carry these labels beside them as `*_fr` fields; XLSX, CSV
and texts carry the labels only. The tables are keyed by the codes' string values (every code is a
`StrEnum`), so that any layer can label a code without importing the module that defines it; a test
proves every code has its label.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal

PARIS = ZoneInfo("Europe/Paris")
_LOCALE = "fr_FR"

STATUS_FR: Mapping[str, str] = MappingProxyType(
    {
        "achieved": "atteint",
        "not_achieved": "non atteint",
        "not_applicable": "non applicable",
        "no_activity": "sans activité",
        "no_data": "données manquantes",
    }
)
TIER_FR: Mapping[str, str] = MappingProxyType(
    {
        "sunes": "palier des établissements ayant atteint l'indicateur SUN-ES analogue",
        "other": "palier des autres établissements",
    }
)
GHT_STATUS_FR: Mapping[str, str] = MappingProxyType(
    {
        "satisfied": "satisfait (chaque membre candidat atteint la cible)",
        "not_satisfied": "non satisfait (au moins un membre candidat n'atteint pas la cible)",
        "undetermined": "indéterminé (aucun membre candidat n'a de résultat jugé)",
    }
)
NOT_APPLICABLE_REASON_FR: Mapping[str, str] = MappingProxyType(
    {
        "NO_HAS_SURGERY": "l'entité n'a pas d'activité de chirurgie",
        "NO_HAS_ACE": "l'entité n'a pas d'activité de consultations externes (ACE)",
        "NO_HAS_INTERNAL_LAB": "l'entité n'a pas de laboratoire de biologie médicale interne",
        "NO_HAS_IMAGING": "l'entité n'a pas d'activité d'imagerie",
        "HAD_NO_ODS": "établissement d'HAD sans ordonnance de sortie produite dans le mois",
    }
)
STAGE_FR: Mapping[str, str] = MappingProxyType(
    {
        "denominator": "retiré du dénominateur",
        "numerator": "gardé au dénominateur, retiré du numérateur",
    }
)
UNIT_FR: Mapping[str, str] = MappingProxyType(
    {
        "patient": "patient",
        "stay": "séjour",
        "consultation": "consultation",
        "document": "compte-rendu",
    }
)
UNIT_PLURAL_FR: Mapping[str, str] = MappingProxyType(
    {
        "patient": "patients",
        "stay": "séjours",
        "consultation": "consultations",
        "document": "comptes-rendus",
    }
)
RECORD_KIND_FR: Mapping[str, str] = MappingProxyType(
    {
        "patients": "patients",
        "encounters": "séjours et venues",
        "consultations": "consultations",
        "documents": "documents",
        "messages": "messages",
    }
)
MONTH_STATE_FR: Mapping[str, str] = MappingProxyType(
    {
        "draft": "brouillon",
        "submitted": "soumis",
        "validated": "validé",
        "locked": "verrouillé",
    }
)
SUBMISSION_STATUS_FR: Mapping[str, str] = MappingProxyType({"accepted": "accepté", "refused": "refusé"})
RECONCILIATION_STATUS_FR: Mapping[str, str] = MappingProxyType(
    {
        "consistent": "cohérent (écart dans la tolérance)",
        "local_higher": "chiffre local supérieur au chiffre national",
        "national_higher": "chiffre national supérieur au chiffre local",
        "national_missing": "absent du fichier national",
        "not_comparable": "non comparable",
    }
)
LIKELY_CAUSE_FR: Mapping[str, str] = MappingProxyType(
    {
        "several_documents_per_unit": "plusieurs documents pour une même unité comptée",
        "prescription_lots": "ordonnances envoyées par lots",
        "late_sending": "envois tardifs au DMP",
        "dmp_rejections": "documents refusés par le DMP",
        "without_qualified_ins": "documents sans INS qualifiée",
        "unmatched_national_rows": "lignes nationales sans correspondance locale",
        "insi_calls_not_per_patient": "appels INSi comptés par appel et non par patient",
    }
)
WARNING_FR: Mapping[str, str] = MappingProxyType(
    {
        "numerator_above_denominator": "numérateur supérieur au dénominateur",
        "kind_missing": "fichier manquant pour le mois",
        "patients_missing_from_patients_file": "patients absents du fichier des patients",
        "rate_drop": "rupture de flux : chute du taux",
        "numerator_drop": "rupture de flux : chute du numérateur",
        "unknown_datamatrix": "PDF dont la présence du DataMatrix INS est inconnue",
    }
)


def label_fr(labels: Mapping[str, str], code: str | None) -> str | None:
    """The French label of `code`, None for no code; an unknown code is a programming error."""
    return None if code is None else labels[code]


def number_fr(value: int | Decimal | float, decimals: int | None = None) -> str:
    """A number as a French reader writes it: "3 843", "0,93", "70,0" (with `decimals=1`)."""
    if decimals is None:
        return str(format_decimal(value, locale=_LOCALE))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=_LOCALE, decimal_quantization=True))


def percent_fr(rate: Decimal | float | None) -> str:
    """A rate in percent, one decimal: "70,3 %"; "—" when there is no rate (denominator 0)."""
    return "—" if rate is None else f"{number_fr(rate, 1)}\u00a0%"


def instant_fr(at: datetime) -> str:
    """An instant in Paris time as a French reader writes it: "05/12/2026 14:32, heure de Paris"."""
    return f"{format_datetime(at, 'dd/MM/yyyy HH:mm', tzinfo=PARIS, locale=_LOCALE)}, heure de Paris"


def date_fr(at: datetime) -> str:
    """A day in Paris time: "05/12/2026"."""
    return str(format_datetime(at, "dd/MM/yyyy", tzinfo=PARIS, locale=_LOCALE))
