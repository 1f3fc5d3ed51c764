"""The texts the ARS asks for, generated from the rules themselves: the justification of the stay
notion ("justification de la notion de séjour") and the calculation details of an entity's month
("détails sur les modalités de calcul"), naming the decisions applied."""

from domain.indicators.catalogue import CATALOGUE, methodology_fr
from domain.periods import Period
from domain.referential import CountingUnit, LegalEntity, MesMode
from domain.stays import (
    HAD_ADULT_AGE,
    HAD_MINIMUM_DAYS,
    SERIES_MINIMUM_SESSIONS,
    SERIES_WINDOW_MONTHS,
    STAY_POLICY_VERSION,
)

_SERIES_LABELS = {"RADIOTHERAPIE": "radiothérapie", "CHIMIOTHERAPIE": "chimiothérapie", "DIALYSE": "dialyse"}


def stay_notion_fr(entity: LegalEntity) -> str:
    series = "; ".join(
        f"{_SERIES_LABELS[activity.value]} : fenêtres de {months} mois"
        for activity, months in SERIES_WINDOW_MONTHS.items()
    )
    lines = [
        f"Justification de la notion de séjour — {entity.name} (FINESS juridique {entity.finess_ej}), "
        f"politique {STAY_POLICY_VERSION}.",
        "- MCO et SMR : une hospitalisation (complète ou partielle, y compris ambulatoire) = un séjour, de "
        "l'admission à la sortie.",
        "- Psychiatrie : les venues partageant un identifiant de regroupement forment un séjour (entrée = "
        "première admission, sortie = dernière sortie, clos quand toutes les venues sont sorties) ; sans "
        "regroupement, chaque hospitalisation est un séjour (D5).",
        f"- HAD : séjour retenu si le patient a {HAD_ADULT_AGE} ans ou plus à l'admission et si la durée "
        f"(date de sortie - date d'entrée, jours calendaires à Paris) atteint {HAD_MINIMUM_DAYS} jours (D7).",
        f"- Séances ({series}) : par patient et par activité, une fenêtre commence à la première séance non "
        f"encore regroupée ; au moins {SERIES_MINIMUM_SESSIONS} séances dans la fenêtre forment un séjour, "
        "dont la sortie est le dernier jour de la fenêtre (D6).",
        "- Les passages aux urgences sans hospitalisation ne sont jamais des séjours (D5).",
        "- Un séjour clos appartient au mois de sa date de sortie, heure de Paris (D8).",
    ]
    overridden = [
        indicator for indicator, unit in entity.policies.unit_override.items() if unit is CountingUnit.PATIENTS
    ]
    if overridden:
        lines.append(
            f"- Sur justification de l'établissement, l'unité de compte est le patient pour : "
            f"{', '.join(sorted(overridden))} (D12)."
        )
    return "\n".join(lines)


def calculation_details_fr(entity: LegalEntity, month: Period, referential_version: str) -> str:
    """Per entity and month: the policies in force, then each indicator's methodology."""
    policies = entity.policies
    mes = (
        "exact : statut du profil Mon espace santé par patient, statut inconnu compté comme profil existant (D9)"
        if policies.mes_mode is MesMode.EXACT
        else "pondéré : dénominateur multiplié par le taux de profils de la phase, arrondi à l'inférieur (D9)"
    )
    header = [
        f"Détails sur les modalités de calcul — {entity.name} (FINESS juridique {entity.finess_ej}), "
        f"mois {month.label}, référentiel de cibles {referential_version}.",
        f"Mode profil MES : {mes}.",
        f"Délai d'alimentation : document accepté par le DMP au plus tard à la fin du mois M + "
        f"{policies.feeding_grace_months} (D2).",
        f"DataMatrix INS : {'exigé' if policies.require_datamatrix else 'non exigé'} pour les PDF (hors ordonnances).",
        "Calcul reproductible : seules comptent les transmissions reçues avant l'instant de calcul, et les "
        "statuts DMP acceptés avant lui (D1) ; statut atteint si numérateur × 100 ≥ cible × dénominateur (D14).",
        "",
    ]
    return "\n".join(header) + "\n\n".join(methodology_fr(definition) for definition in CATALOGUE.values())
