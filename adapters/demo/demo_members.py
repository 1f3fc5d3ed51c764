"""The five members of the demo GHT: who they are, what they do, how much and how they write files."""

from collections.abc import Mapping
from dataclasses import dataclass, field

ALL_INDICATORS = (
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


@dataclass(frozen=True)
class FileStyle:
    """How a member's interface team writes its extracts."""

    fmt: str = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    true: str = "true"
    false: str = "false"
    line_end: str = "\n"
    with_offsets: bool = False
    omitted: frozenset[str] = frozenset()
    """Optional columns left out entirely, as `kind.field`."""

    @property
    def suffix(self) -> str:
        return ".ndjson" if self.fmt == "ndjson" else ".csv"

    @property
    def media_type(self) -> str:
        if self.fmt == "ndjson":
            return "application/x-ndjson"
        charset = "iso-8859-1" if self.encoding == "latin-1" else "utf-8"
        return f"text/csv; charset={charset}"


@dataclass(frozen=True)
class Volumes:
    """New records per month at scale 1 (stays spanning months come on top)."""

    pool: int
    passages: int = 0
    mco_stays: int = 0
    smr_stays: int = 0
    psy_stays: int = 0
    had_stays: int = 0
    psy_groups: int = 0
    psy_venues: int = 0
    dialysis_patients: int = 0
    dialysis_visitors: int = 0
    chemo_courses: int = 0
    radio_courses: int = 0
    consultations: int = 0


@dataclass(frozen=True)
class Practice:
    """Shares and rates describing a member's identity, documentation and feeding habits."""

    identity_start: float
    identity_end: float
    dmp_accept: float
    letter: float
    prescription: float
    consultation_report: float
    hospital_report: float = 0.0
    operative_report: float = 0.0
    surgical: float = 0.0
    lab_per_stay: float = 0.0
    imaging_per_stay: float = 0.0
    lab_per_consultation: float = 0.0
    imaging_per_consultation: float = 0.0
    lab_per_passage: float = 0.0
    imaging_per_passage: float = 0.0
    pathway: float = 0.15
    pro_messages: float = 0.35
    citizen_messages: float = 0.3
    ace_billed: float = 0.93


@dataclass(frozen=True)
class MemberProfile:
    key: str
    name: str
    department: str
    site_names: tuple[str, ...]
    has_surgery: bool
    has_ace: bool
    has_internal_lab: bool
    has_imaging: bool
    candidates: tuple[str, ...]
    sunes: tuple[str, ...]
    style: FileStyle
    volumes: Volumes
    practice: Practice
    units: Mapping[str, tuple[str, ...]]
    ages: str
    ipp_base: int
    policies: Mapping[str, object] = field(default_factory=dict)
    is_had: bool = False
    had_no_ods_attestation: bool = False
    shared_with_chu: float = 0.2
    quiet_consultation_month: int | None = None
    """Month index (clamped to the last month) without any consultation: P1.O4 is 0/0 there."""
    no_prescription_month: int | None = None
    """Month index without any prescription: the HAD's `HAD_NO_ODS` case."""
    flow_break_month: int | None = None
    """Month index in which discharge letters stop reaching the DMP (a *rupture de flux*)."""


def _policies(**changes: object) -> dict[str, object]:
    policies: dict[str, object] = {
        "mes_mode": "exact",
        "unit_override": {},
        "eligibility": "flagged",
        "feeding_grace_months": 1,
        "require_datamatrix": True,
        "mss_weighting": "off",
    }
    policies.update(changes)
    return policies


CHU = MemberProfile(
    key="chu",
    name="Centre Hospitalier Universitaire de Bondy-Plaine de l'Ourcq",
    department="93",
    site_names=(
        "Hôpital Paul-Langevin (Bondy)",
        "Hôpital Louise-Michel (Montreuil)",
        "Hôpital Marie-Curie (Aulnay-sous-Bois)",
    ),
    has_surgery=True,
    has_ace=True,
    has_internal_lab=True,
    has_imaging=True,
    candidates=ALL_INDICATORS,
    sunes=("DS1.1", "DS1.2", "DS1.3", "DS2.1", "DS3.1", "DS4.1"),
    style=FileStyle(),
    volumes=Volumes(
        pool=130_000,
        passages=8_000,
        mco_stays=13_600,
        smr_stays=420,
        dialysis_patients=40,
        chemo_courses=300,
        radio_courses=40,
        consultations=14_000,
    ),
    practice=Practice(
        identity_start=0.72,
        identity_end=0.87,
        dmp_accept=0.93,
        letter=0.97,
        prescription=0.55,
        consultation_report=0.85,
        hospital_report=0.25,
        operative_report=0.97,
        surgical=0.33,
        lab_per_stay=0.45,
        imaging_per_stay=0.25,
        lab_per_consultation=0.08,
        imaging_per_consultation=0.06,
        lab_per_passage=0.15,
        imaging_per_passage=0.12,
        pro_messages=0.85,
        citizen_messages=0.5,
    ),
    units={
        "mco": ("CARDIO", "CHIR-VISC", "ORTHO", "MED-INT", "PNEUMO", "NEURO", "PEDIA", "MATER"),
        "smr": ("SMR-GER", "SMR-LOCO"),
        "urgences": ("URG-ADU", "URG-PED"),
        "chimio": ("HDJ-ONCO",),
        "radio": ("RADIOTH",),
        "dialyse": ("NEPHRO-DIAL",),
        "consult": ("CS-CARDIO", "CS-CHIR", "CS-MED", "CS-PEDIA", "CS-GYNECO"),
        "lab": ("BIO-CENTRAL",),
        "imaging": ("IMAGERIE",),
    },
    ages="general",
    ipp_base=10_000,
    policies=_policies(),
    shared_with_chu=0.0,
)

CH = MemberProfile(
    key="ch",
    name="Centre Hospitalier Intercommunal de Montfermeil-Livry",
    department="93",
    site_names=("Site de Montfermeil", "Site de Livry-Gargan"),
    has_surgery=True,
    has_ace=True,
    has_internal_lab=False,
    has_imaging=True,
    candidates=tuple(code for code in ALL_INDICATORS if code != "P1.O5"),
    sunes=("DS1.1", "DS3.1"),
    style=FileStyle(
        delimiter=";",
        encoding="latin-1",
        true="oui",
        false="non",
        line_end="\r\n",
        omitted=frozenset(
            {
                "patients.mes_status",
                "encounters.age_at_admission",
                "encounters.stay_group_id",
                "documents.discipline",
                "documents.report_id",
            }
        ),
    ),
    volumes=Volumes(pool=70_000, passages=4_800, mco_stays=6_100, smr_stays=300, consultations=6_500),
    practice=Practice(
        identity_start=0.66,
        identity_end=0.82,
        dmp_accept=0.66,
        letter=0.82,
        prescription=0.5,
        consultation_report=0.55,
        hospital_report=0.15,
        operative_report=0.8,
        surgical=0.3,
        lab_per_stay=0.08,
        imaging_per_stay=0.3,
        imaging_per_consultation=0.08,
        imaging_per_passage=0.15,
        pathway=0.12,
    ),
    units={
        "mco": (
            "Médecine polyvalente",
            "Chirurgie viscérale",
            "Orthopédie",
            "Pédiatrie",
            "Maternité",
            "Gériatrie aiguë",
        ),
        "smr": ("SMR gériatrique",),
        "urgences": ("Urgences",),
        "consult": ("Consultations médecine", "Consultations chirurgie", "Consultations pédiatrie"),
        "lab": ("Laboratoire sous-traité",),
        "imaging": ("Imagerie médicale",),
    },
    ages="general",
    ipp_base=2_000_000,
    policies=_policies(mes_mode="weighted", mss_weighting="department"),
    flow_break_month=4,
)

HAD = MemberProfile(
    key="had",
    name="Hospitalisation à Domicile Est Francilien",
    department="93",
    site_names=("HAD Est Francilien - Noisy-le-Grand",),
    has_surgery=False,
    has_ace=False,
    has_internal_lab=False,
    has_imaging=False,
    candidates=("P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O7", "P1.O8"),
    sunes=(),
    style=FileStyle(fmt="ndjson", with_offsets=True),
    volumes=Volumes(pool=4_000, had_stays=210, consultations=150),
    practice=Practice(
        identity_start=0.8,
        identity_end=0.88,
        dmp_accept=0.85,
        letter=0.92,
        prescription=0.45,
        consultation_report=0.3,
        lab_per_stay=0.3,
        pathway=0.4,
        ace_billed=0.0,
        pro_messages=0.75,
    ),
    units={
        "had": ("HAD-NORD", "HAD-SUD", "HAD-PEDIA"),
        "consult": ("HAD-COORD",),
        "lab": ("LABO-VILLE",),
    },
    ages="elderly",
    ipp_base=3_000_000,
    policies=_policies(feeding_grace_months=2),
    is_had=True,
    had_no_ods_attestation=True,
    no_prescription_month=1,
)

PSY = MemberProfile(
    key="psy",
    name="Établissement Public de Santé Mentale Ville-Évrard Est",
    department="93",
    site_names=("EPSM site de Neuilly-sur-Marne", "Centre psychothérapique de Bobigny"),
    has_surgery=False,
    has_ace=True,
    has_internal_lab=False,
    has_imaging=False,
    candidates=("P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O4", "P1.O7", "P1.O8"),
    sunes=("DS4.2",),
    style=FileStyle(
        omitted=frozenset(
            {
                "patients.ins",
                "encounters.surgical_act",
                "documents.datamatrix",
                "documents.discipline",
                "documents.modality",
                "documents.report_id",
                "documents.subcontracted",
            }
        ),
    ),
    volumes=Volumes(
        pool=22_000,
        passages=400,
        psy_stays=260,
        psy_groups=150,
        psy_venues=300,
        consultations=2_200,
    ),
    practice=Practice(
        identity_start=0.58,
        identity_end=0.78,
        dmp_accept=0.5,
        letter=0.7,
        prescription=0.5,
        consultation_report=0.5,
        pathway=0.1,
        pro_messages=0.25,
        citizen_messages=0.2,
    ),
    units={
        "psy": ("93G01", "93G02", "93G03", "93I01"),
        "venue": ("HDJ-ADULTES", "CATTP"),
        "urgences": ("CAP-URGENCES",),
        "consult": ("CMP-BOBIGNY", "CMP-NOISY"),
    },
    ages="adult",
    ipp_base=4_000_000,
    policies=_policies(eligibility="all_patients", require_datamatrix=False),
)

ONCO = MemberProfile(
    key="onco",
    name="Centre de Dialyse et de Cancérologie du Val-d'Oise Est",
    department="95",
    site_names=("Site de Sarcelles", "Site de Gonesse"),
    has_surgery=False,
    has_ace=True,
    has_internal_lab=False,
    has_imaging=True,
    candidates=("P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O4", "P1.O6", "P1.O7", "P1.O8"),
    sunes=("DS1.2", "DS4.1"),
    style=FileStyle(encoding="utf-8-sig", with_offsets=True),
    volumes=Volumes(
        pool=9_000,
        dialysis_patients=270,
        dialysis_visitors=20,
        chemo_courses=230,
        radio_courses=30,
        consultations=2_000,
    ),
    practice=Practice(
        identity_start=0.78,
        identity_end=0.9,
        dmp_accept=0.8,
        letter=0.8,
        prescription=0.35,
        consultation_report=0.9,
        lab_per_stay=0.3,
        imaging_per_stay=0.05,
        imaging_per_consultation=0.15,
        pathway=0.7,
        citizen_messages=0.45,
    ),
    units={
        "dialyse": ("DIALYSE-SARCELLES", "DIALYSE-GONESSE"),
        "chimio": ("HDJ-ONCO",),
        "radio": ("RADIOTHERAPIE",),
        "consult": ("CS-ONCO", "CS-NEPHRO"),
        "lab": ("LABO-PARTENAIRE",),
        "imaging": ("IMAGERIE",),
    },
    ages="senior",
    ipp_base=5_000_000,
    policies=_policies(unit_override={"P1.O2.LDL": "patients"}, mss_weighting="region"),
    quiet_consultation_month=2,
)

MEMBERS = (CHU, CH, HAD, PSY, ONCO)
