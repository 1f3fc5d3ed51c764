"""The nine HOP'EN2 phase 1 indicators as declarative data (indicators.md §2, §4, §5).

Modelled on OpenPrescribing's measure definitions: the computation, the explanation of a result
and the methodology text exported for the ARS all read the same definition.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from domain.records import DocumentFormat
from domain.referential import Capabilities


class Unit(StrEnum):
    PATIENT = "patient"
    STAY = "stay"
    CONSULTATION = "consultation"
    DOCUMENT = "document"


UNIT_LABELS_FR = {
    Unit.PATIENT: "patient",
    Unit.STAY: "séjour",
    Unit.CONSULTATION: "consultation",
    Unit.DOCUMENT: "compte-rendu",
}


class Stage(StrEnum):
    """Which side an exclusion removes a record from: out of the denominator, or kept in the
    denominator but out of the numerator."""

    DENOMINATOR = "denominator"
    NUMERATOR = "numerator"


class Exclusion(StrEnum):
    """Every reason a record is left out of a count (§6 explanation). The values are stable codes.

    The declaration order is the order of application (D16): denominator exclusions first (§3 stay
    rules, then the MES profile of §4, then §5), then numerator exclusions (§4 rules 1-5, §5) —
    so a record is counted once, under the first rule it fails, and the counts add up.
    """

    HAD_SHORTER_THAN_8_DAYS = "had_shorter_than_8_days"
    HAD_MINOR = "had_minor"
    NO_MES_PROFILE = "no_mes_profile"
    DOUBTFUL_OR_FICTITIOUS_IDENTITY = "doubtful_or_fictitious_identity"
    EMERGENCY_ONLY = "emergency_only"
    NOT_ELIGIBLE_PATHWAY = "not_eligible_pathway"
    SUBCONTRACTED = "subcontracted"
    NON_TRANSMISSION = "non_transmission"
    EXCLUDED_DISCIPLINE = "excluded_discipline"
    EXCLUDED_MODALITY = "excluded_modality"
    WRONG_TYPE_CODE = "wrong_type_code"
    NO_DOCUMENT_OF_TYPE = "no_document_of_type"
    SCANNED = "scanned"
    NOT_CDA_N1 = "not_cda_n1"
    NOT_CDA_N1_OR_N3 = "not_cda_n1_or_n3"
    NO_QUALIFIED_INS = "no_qualified_ins"
    NOT_ACCEPTED_BY_DMP = "not_accepted_by_dmp"
    ACCEPTED_AFTER_AS_OF = "accepted_after_as_of"
    LATE = "late"
    NO_DATAMATRIX = "no_datamatrix"
    IDENTITY_NOT_QUALIFIED = "identity_not_qualified"
    NO_MSS_PRO_MESSAGE = "no_mss_pro_message"
    MSS_NOT_TO_CORRESPONDENT = "mss_not_to_correspondent"
    MSS_WITHOUT_CDA_DOCUMENT = "mss_without_cda_document"
    NO_MES_MESSAGE = "no_mes_message"
    ATTACHMENT_WITHOUT_QUALIFIED_INS = "attachment_without_qualified_ins"

    @property
    def label_fr(self) -> str:
        return _EXCLUSION_LABELS[self]

    @property
    def stage(self) -> Stage:
        return Stage.NUMERATOR if self in _NUMERATOR_SIDE else Stage.DENOMINATOR


_EXCLUSION_LABELS: Mapping[Exclusion, str] = {
    Exclusion.HAD_SHORTER_THAN_8_DAYS: "séjour HAD de moins de 8 jours (D7)",
    Exclusion.HAD_MINOR: "patient mineur à l'admission en HAD (D7)",
    Exclusion.NO_MES_PROFILE: "patient sans profil Mon espace santé (absent, opposé ou clôturé ; D9)",
    Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY: "identité douteuse ou fictive",
    Exclusion.EMERGENCY_ONLY: "patient vu uniquement aux urgences dans le mois (D3)",
    Exclusion.NOT_ELIGIBLE_PATHWAY: "parcours non éligible à la messagerie de Mon espace santé",
    Exclusion.SUBCONTRACTED: "compte-rendu produit en sous-traitance",
    Exclusion.NON_TRANSMISSION: "décision de non-transmission",
    Exclusion.EXCLUDED_DISCIPLINE: "discipline exclue (anatomo-cyto-pathologie, génétique)",
    Exclusion.EXCLUDED_MODALITY: "modalité exclue (hors radiologie, mammographie, scanner, IRM, échographie)",
    Exclusion.WRONG_TYPE_CODE: "typeCode différent de celui de l'indicateur",
    Exclusion.NO_DOCUMENT_OF_TYPE: "aucun document du typeCode de l'indicateur",
    Exclusion.SCANNED: "document numérisé (scanné)",
    Exclusion.NOT_CDA_N1: "format autre que CDA R2 N1",
    Exclusion.NOT_CDA_N1_OR_N3: "format autre que CDA R2 N1 ou N3",
    Exclusion.NO_QUALIFIED_INS: "document sans INS qualifiée",
    Exclusion.NOT_ACCEPTED_BY_DMP: "document non accepté par le DMP",
    Exclusion.ACCEPTED_AFTER_AS_OF: "acceptation par le DMP postérieure à la date d'arrêté du calcul (D1)",
    Exclusion.LATE: "acceptation par le DMP après la date limite d'alimentation (D2)",
    Exclusion.NO_DATAMATRIX: "PDF sans DataMatrix INS",
    Exclusion.IDENTITY_NOT_QUALIFIED: "identité non qualifiée (statut autre que QUAL) en fin de mois (D4)",
    Exclusion.NO_MSS_PRO_MESSAGE: "aucun message MSSanté professionnelle dans le mois",
    Exclusion.MSS_NOT_TO_CORRESPONDENT: "message MSSanté non adressé à un correspondant de santé",
    Exclusion.MSS_WITHOUT_CDA_DOCUMENT: "message MSSanté sans document CDA en enveloppe IHE XDM",
    Exclusion.NO_MES_MESSAGE: "aucun message via la messagerie de Mon espace santé dans le mois",
    Exclusion.ATTACHMENT_WITHOUT_QUALIFIED_INS: "pièce jointe sans INS qualifiée",
}
_NUMERATOR_SIDE = frozenset(list(Exclusion)[list(Exclusion).index(Exclusion.WRONG_TYPE_CODE) :])


class Capability(StrEnum):
    """The `Capabilities` flag an indicator requires (D11); the values are the field names."""

    HAS_SURGERY = "has_surgery"
    HAS_ACE = "has_ace"
    HAS_INTERNAL_LAB = "has_internal_lab"
    HAS_IMAGING = "has_imaging"


LDL_TYPE_CODE = "11490-0"
DEFAULT_PRESCRIPTION_TYPE_CODES = frozenset(
    {
        "57833-6",
        "57832-8",
        "57828-6",
        "PRESC-BIO",
        "PRESC-KINE",
        "PRESC-INF",
        "PRESC-PEDI",
        "PRESC-ORTHOPHO",
        "PRESC-ORTHOPTIE",
    }
)
"""§5 ODS: DMP class 42 codes and CI-SIS local codes (1.2.250.1.213.1.1.4.12); referential data."""
DEFAULT_CONSULTATION_TYPE_CODES = frozenset({"11488-4"})
"""§5 P1.O4: the guide's "typecode principal"; the accepted list is referential data."""
CRO_TYPE_CODE = "34874-8"
LAB_TYPE_CODE = "11502-2"
IMAGING_TYPE_CODE = "18748-4"

N1_ONLY = frozenset({DocumentFormat.CDA_R2_N1})
N1_OR_N3 = frozenset({DocumentFormat.CDA_R2_N1, DocumentFormat.CDA_R2_N3})


@dataclass(frozen=True, slots=True)
class IndicatorDefinition:
    id: str
    label_fr: str
    objective_fr: str
    denominator_fr: str
    numerator_fr: str
    numerator_unit: Unit
    denominator_unit: Unit
    type_codes: frozenset[str]
    accepted_formats: frozenset[DocumentFormat]
    exclusions: tuple[Exclusion, ...]
    sunes_analogue: str | None
    national_check_fr: str
    applicability: Capability | None = None
    datamatrix_exempt: bool = False
    unit_override_allowed: bool = False

    @property
    def format_exclusion(self) -> Exclusion:
        """How a non-scanned document in a non-accepted format is reported (§4 rule 2)."""
        return Exclusion.NOT_CDA_N1_OR_N3 if DocumentFormat.CDA_R2_N3 in self.accepted_formats else Exclusion.NOT_CDA_N1

    def is_applicable(self, capabilities: Capabilities) -> bool:
        return self.applicability is None or bool(getattr(capabilities, self.applicability.value))


def _dmp_rules(*, by_unit: bool, formats: frozenset[DocumentFormat], datamatrix: bool = True) -> tuple[Exclusion, ...]:
    """§4 rules 1-5 in order; a stay or a consultation without any document of the type is
    reported as NO_DOCUMENT_OF_TYPE, a report is of the type by construction."""
    return tuple(
        rule
        for rule in (
            Exclusion.NO_DOCUMENT_OF_TYPE if by_unit else None,
            Exclusion.SCANNED,
            Exclusion.NOT_CDA_N1_OR_N3 if DocumentFormat.CDA_R2_N3 in formats else Exclusion.NOT_CDA_N1,
            Exclusion.NO_QUALIFIED_INS,
            Exclusion.NOT_ACCEPTED_BY_DMP,
            Exclusion.ACCEPTED_AFTER_AS_OF,
            Exclusion.LATE,
            Exclusion.NO_DATAMATRIX if datamatrix else None,
        )
        if rule is not None
    )


_STAYS = (Exclusion.HAD_SHORTER_THAN_8_DAYS, Exclusion.HAD_MINOR, Exclusion.NO_MES_PROFILE)
_REPORTS = (Exclusion.NO_MES_PROFILE, Exclusion.SUBCONTRACTED, Exclusion.NON_TRANSMISSION)
_DISCHARGE = "documents de sortie d'hospitalisation dans le DMP"
_CNAM = "(CNAM) / même dénominateur"


def build_catalogue(
    prescription_type_codes: frozenset[str] = DEFAULT_PRESCRIPTION_TYPE_CODES,
    consultation_type_codes: frozenset[str] = DEFAULT_CONSULTATION_TYPE_CODES,
) -> Mapping[str, IndicatorDefinition]:
    """The catalogue, with the type-code lists that are referential data (§5 ODS, §5 P1.O4)."""
    definitions = (
        IndicatorDefinition(
            "P1.O1",
            "Patients de la file active avec une INS qualifiée",
            "qualification de l'INS",
            "patients uniques de la file active du mois (y compris urgences et soins non programmés)",
            "patients dont l'identité est qualifiée (QUAL) en fin de mois",
            Unit.PATIENT,
            Unit.PATIENT,
            frozenset(),
            frozenset(),
            (Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY, Exclusion.IDENTITY_NOT_QUALIFIED),
            None,
            "appels au téléservice INSi dans le mois (CNAM) / même dénominateur",
        ),
        IndicatorDefinition(
            "P1.O2.LDL",
            "Lettres de liaison de sortie alimentées dans le DMP",
            _DISCHARGE,
            "séjours clôturés dans le mois",
            "séjours avec au moins une lettre de liaison envoyée",
            Unit.STAY,
            Unit.STAY,
            frozenset({LDL_TYPE_CODE}),
            N1_ONLY,
            _STAYS + _dmp_rules(by_unit=True, formats=N1_ONLY),
            "DS1.1",
            f"lettres de liaison (11490-0, INS qualifiée, CDA R2 N1) reçues {_CNAM}",
            unit_override_allowed=True,
        ),
        IndicatorDefinition(
            "P1.O2.ODS",
            "Ordonnances de sortie alimentées dans le DMP",
            _DISCHARGE,
            "séjours clôturés dans le mois avec au moins une ordonnance de sortie produite",
            "séjours avec au moins une ordonnance de sortie envoyée",
            Unit.STAY,
            Unit.STAY,
            prescription_type_codes,
            N1_ONLY,
            _STAYS + _dmp_rules(by_unit=True, formats=N1_ONLY, datamatrix=False),
            "DS1.2",
            f"lots d'ordonnances reçus {_CNAM}",
            datamatrix_exempt=True,
            unit_override_allowed=True,
        ),
        IndicatorDefinition(
            "P1.O3",
            "Comptes-rendus opératoires alimentés dans le DMP",
            "comptes-rendus opératoires dans le DMP",
            "séjours clôturés dans le mois avec au moins un acte chirurgical",
            "séjours avec au moins un compte-rendu opératoire envoyé",
            Unit.STAY,
            Unit.STAY,
            frozenset({CRO_TYPE_CODE}),
            N1_ONLY,
            _STAYS + _dmp_rules(by_unit=True, formats=N1_ONLY),
            "DS1.3",
            f"comptes-rendus opératoires reçus {_CNAM}",
            Capability.HAS_SURGERY,
        ),
        IndicatorDefinition(
            "P1.O4",
            "Comptes-rendus de consultation alimentés dans le DMP",
            "comptes-rendus de consultation dans le DMP",
            "consultations du mois facturées en ACE",
            "consultations avec un compte-rendu de consultation envoyé",
            Unit.CONSULTATION,
            Unit.CONSULTATION,
            consultation_type_codes,
            N1_ONLY,
            (Exclusion.NO_MES_PROFILE, *_dmp_rules(by_unit=True, formats=N1_ONLY)),
            None,
            f"comptes-rendus de consultation reçus {_CNAM}",
            Capability.HAS_ACE,
        ),
        IndicatorDefinition(
            "P1.O5",
            "Comptes-rendus de biologie médicale alimentés dans le DMP",
            "comptes-rendus de biologie médicale dans le DMP",
            "comptes-rendus de biologie produits dans le mois par le laboratoire interne",
            "comptes-rendus envoyés (un CR N3 et son rendu N1 forment un seul compte-rendu)",
            Unit.DOCUMENT,
            Unit.DOCUMENT,
            frozenset({LAB_TYPE_CODE}),
            N1_OR_N3,
            (*_REPORTS, Exclusion.EXCLUDED_DISCIPLINE, *_dmp_rules(by_unit=False, formats=N1_OR_N3)),
            "DS2.1",
            f"comptes-rendus de biologie reçus {_CNAM}",
            Capability.HAS_INTERNAL_LAB,
        ),
        IndicatorDefinition(
            "P1.O6",
            "Comptes-rendus d'imagerie alimentés dans le DMP",
            "comptes-rendus d'imagerie dans le DMP",
            "comptes-rendus d'imagerie produits dans le mois par le plateau interne",
            "comptes-rendus envoyés",
            Unit.DOCUMENT,
            Unit.DOCUMENT,
            frozenset({IMAGING_TYPE_CODE}),
            N1_ONLY,
            (*_REPORTS, Exclusion.EXCLUDED_MODALITY, *_dmp_rules(by_unit=False, formats=N1_ONLY)),
            "DS3.1",
            f"comptes-rendus d'imagerie reçus {_CNAM}",
            Capability.HAS_IMAGING,
        ),
        IndicatorDefinition(
            "P1.O7",
            "Patients ayant eu un document adressé par MSSanté professionnelle",
            "échanges par MSSanté entre professionnels",
            "patients pris en charge dans le mois",
            "patients avec au moins un document CDA adressé à un correspondant par MSSanté",
            Unit.PATIENT,
            Unit.PATIENT,
            frozenset(),
            frozenset(),
            (
                Exclusion.EMERGENCY_ONLY,
                Exclusion.NO_MSS_PRO_MESSAGE,
                Exclusion.MSS_NOT_TO_CORRESPONDENT,
                Exclusion.MSS_WITHOUT_CDA_DOCUMENT,
            ),
            "DS4.1",
            "messages avec document envoyés depuis les BAL de l'établissement (ANS, FINESS géographiques "
            "rapportés à l'entité juridique) / même dénominateur",
        ),
        IndicatorDefinition(
            "P1.O8",
            "Patients ayant reçu un message via la messagerie de Mon espace santé",
            "échanges avec les patients par la messagerie de Mon espace santé",
            "patients pris en charge dans le mois dont le parcours est éligible",
            "patients avec au moins un message reçu via la messagerie de Mon espace santé",
            Unit.PATIENT,
            Unit.PATIENT,
            frozenset(),
            frozenset(),
            (
                Exclusion.EMERGENCY_ONLY,
                Exclusion.NOT_ELIGIBLE_PATHWAY,
                Exclusion.NO_MES_MESSAGE,
                Exclusion.ATTACHMENT_WITHOUT_QUALIFIED_INS,
            ),
            "DS4.2",
            "patients destinataires de messages de l'établissement via Mon espace santé (CNAM) / patients éligibles",
        ),
    )
    return MappingProxyType({definition.id: definition for definition in definitions})


CATALOGUE: Mapping[str, IndicatorDefinition] = build_catalogue()

_FORMAT_LABELS = {DocumentFormat.CDA_R2_N1: "CDA R2 N1", DocumentFormat.CDA_R2_N3: "CDA R2 N3"}


def methodology_fr(definition: IndicatorDefinition) -> str:
    """The French methodology paragraph of one indicator, generated from its definition only."""
    unit = UNIT_LABELS_FR[definition.denominator_unit]
    if definition.numerator_unit != definition.denominator_unit:
        unit = f"{UNIT_LABELS_FR[definition.numerator_unit]} / {unit}"
    lines = [
        f"{definition.id} — {definition.label_fr} (objectif : {definition.objective_fr}).",
        f"Unité : {unit} ; taux = numérateur / dénominateur × 100, par entité juridique et par mois "
        "calendaire (heure de Paris).",
        f"Dénominateur : {definition.denominator_fr}.",
        f"Numérateur : {definition.numerator_fr}.",
    ]
    if definition.type_codes:  # the DMP indicators
        formats = " ou ".join(_FORMAT_LABELS[f] for f in sorted(definition.accepted_formats))
        datamatrix = (
            "non exigé (ordonnances de sortie)"
            if definition.datamatrix_exempt
            else "exigé sauf politique contraire de l'établissement ; absence non renseignée signalée sans exclure"
        )
        lines += [
            f"typeCode retenus : {', '.join(sorted(definition.type_codes))}.",
            f"Formats acceptés : {formats} ; documents scannés non éligibles.",
            f"DataMatrix INS : {datamatrix}.",
            "Un document compte une seule fois quelles que soient ses versions (D15).",
        ]
    if definition.unit_override_allowed:
        lines.append("Sur justification, l'unité peut être le patient au lieu du séjour (D12).")
    lines.append(
        "Exclusions, dans l'ordre d'application ; un enregistrement est compté sous la "
        "première règle qu'il ne satisfait pas (D16) :"
    )
    lines += [
        f"  {rank}. {exclusion.label_fr} [{exclusion.value}]"
        for rank, exclusion in enumerate(definition.exclusions, start=1)
    ]
    analogue = (
        f"{definition.sunes_analogue} (cible supérieure si l'établissement a atteint cet analogue, D18)"
        if definition.sunes_analogue
        else "aucun (nouvel indicateur, cible unique)"
    )
    lines += [f"Analogue SUN-ES : {analogue}.", f"Contrôle national : {definition.national_check_fr}."]
    return "\n".join(lines)
