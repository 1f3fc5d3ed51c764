"""The monthly records as the indicator rules see them (data-contract.md §2), patients only by
pseudonym. Enumerations here are the single source of the allowed values of uploads too."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Activity(StrEnum):
    MCO = "MCO"
    SMR = "SMR"
    PSY = "PSY"
    HAD = "HAD"
    RADIOTHERAPIE = "RADIOTHERAPIE"
    CHIMIOTHERAPIE = "CHIMIOTHERAPIE"
    DIALYSE = "DIALYSE"
    URGENCES = "URGENCES"


class EncounterKind(StrEnum):
    HOSPITALISATION = "HOSPITALISATION"
    SEANCE = "SEANCE"
    VENUE = "VENUE"
    PASSAGE = "PASSAGE"


class IdentityStatus(StrEnum):
    PROV = "PROV"
    RECUP = "RECUP"
    VALI = "VALI"
    QUAL = "QUAL"


class MesStatus(StrEnum):
    OPEN = "OPEN"
    NONE = "NONE"
    OPPOSED = "OPPOSED"
    CLOSED = "CLOSED"
    UNKNOWN = "UNKNOWN"


class DocumentFormat(StrEnum):
    CDA_R2_N1 = "CDA_R2_N1"
    CDA_R2_N3 = "CDA_R2_N3"
    PDF = "PDF"
    SCAN = "SCAN"
    OTHER = "OTHER"


class DmpStatus(StrEnum):
    NOT_SENT = "NOT_SENT"
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class LabDiscipline(StrEnum):
    GENERALE = "GENERALE"
    ACP = "ACP"
    GENETIQUE = "GENETIQUE"


class ImagingModality(StrEnum):
    RADIO = "RADIO"
    MAMMO = "MAMMO"
    SCANNER = "SCANNER"
    IRM = "IRM"
    ECHO = "ECHO"
    AUTRE = "AUTRE"


class Channel(StrEnum):
    PRO = "PRO"
    CITOYENNE = "CITOYENNE"


@dataclass(frozen=True, slots=True)
class PatientState:
    """A patient as the month's patients file gives it (a snapshot at month end, D4)."""

    patient: str
    identity_status: IdentityStatus
    doubtful: bool = False
    fictitious: bool = False
    mes_status: MesStatus = MesStatus.UNKNOWN


@dataclass(frozen=True, slots=True)
class Encounter:
    encounter_id: str
    patient: str
    site: str
    activity: Activity
    kind: EncounterKind
    admitted_at: datetime
    discharged_at: datetime | None = None
    stay_group_id: str | None = None
    age_at_admission: int | None = None
    surgical_act: bool = False
    eligible_pathway: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Consultation:
    consultation_id: str
    patient: str
    site: str
    occurred_at: datetime
    ace_billed: bool
    eligible_pathway: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    document_id: str
    patient: str
    type_code: str
    produced_at: datetime
    format: DocumentFormat
    ins_qualified: bool
    version: int = 1
    report_id: str | None = None
    encounter_id: str | None = None
    consultation_id: str | None = None
    stay_group_id: str | None = None
    datamatrix: bool | None = None
    dmp_status: DmpStatus = DmpStatus.NOT_SENT
    dmp_sent_at: datetime | None = None
    dmp_lot_id: str | None = None
    subcontracted: bool = False
    no_transmission: bool = False
    discipline: LabDiscipline | None = None
    modality: ImagingModality | None = None
    unit: str | None = None

    @property
    def report(self) -> str:
        """The report this document renders: an N3 and its N1 copy are one report (D15)."""
        return self.report_id or self.document_id


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    patient: str
    channel: Channel
    sent_at: datetime
    sender_finess: str
    to_health_correspondent: bool | None = None
    has_cda_xdm: bool = False
    attachment_ins_qualified: bool | None = None
