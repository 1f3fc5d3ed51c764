"""The five monthly record kinds of data-contract.md §2, declared field by field.

Parsers validate against these declarations and the store derives its columns from them, so a
field is described once.
"""

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import UnknownRecordKind
from domain.records import (
    Activity,
    Channel,
    DmpStatus,
    DocumentFormat,
    EncounterKind,
    IdentityStatus,
    ImagingModality,
    LabDiscipline,
    MesStatus,
)


class FieldType(StrEnum):
    TEXT = "text"
    PATIENT_ID = "patient_id"  # pseudonymised on arrival
    INS = "ins"  # checked with the NIR key, then pseudonymised
    ENUM = "enum"
    BOOL = "bool"
    INT = "int"
    DATETIME = "datetime"
    SITE_FINESS = "site_finess"  # a site of the uploading entity
    SENDER_FINESS = "sender_finess"  # a site of the entity, or the entity itself


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool = False
    values: tuple[str, ...] = ()
    max_length: int = 200
    default: str | None = None  # value stored when the cell is empty
    default_from: str | None = None  # or: the value of this other field of the row

    @property
    def is_identifier(self) -> bool:
        """Identifier values are never echoed in errors, logs or answers."""
        return self.type in (FieldType.PATIENT_ID, FieldType.INS)


@dataclass(frozen=True, slots=True)
class RequiredWhen:
    """`field` is required when `condition_field` holds one of `condition_values`."""

    field: str
    condition_field: str
    condition_values: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class NotBefore:
    """`later` must not be before `earlier` when both are given."""

    later: str
    earlier: str


class RecordKind(StrEnum):
    PATIENTS = "patients"
    ENCOUNTERS = "encounters"
    CONSULTATIONS = "consultations"
    DOCUMENTS = "documents"
    MESSAGES = "messages"

    @classmethod
    def parse(cls, value: str) -> "RecordKind":
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(kind.value for kind in cls)
            raise UnknownRecordKind(f"'{value}' is not a record kind (allowed: {allowed})") from None


@dataclass(frozen=True, slots=True)
class Link:
    """A reference from this kind to records of another kind of the same entity."""

    field: str
    target_kind: RecordKind
    target_field: str


@dataclass(frozen=True, slots=True)
class RecordKindSpec:
    kind: RecordKind
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]  # unique within one file
    dated_by: str  # the date that may not fall after the file's month
    required_when: tuple[RequiredWhen, ...] = ()
    not_before: tuple[NotBefore, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def identity(self) -> tuple[str, ...]:
        """The record's identity across files: versions of one document are one record (D15)."""
        return tuple(name for name in self.key if name != "version")

    def field(self, name: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.name == name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


def _enum(name: str, values: type[StrEnum], required: bool = False) -> FieldSpec:
    return FieldSpec(name, FieldType.ENUM, required=required, values=tuple(value.value for value in values))


_PATIENTS = RecordKindSpec(
    kind=RecordKind.PATIENTS,
    key=("patient_id",),
    dated_by="",
    fields=(
        FieldSpec("patient_id", FieldType.PATIENT_ID, required=True),
        FieldSpec("ins", FieldType.INS),
        _enum("identity_status", IdentityStatus, required=True),
        FieldSpec("identity_doubtful", FieldType.BOOL),
        FieldSpec("identity_fictitious", FieldType.BOOL),
        _enum("mes_status", MesStatus),
    ),
)

_ENCOUNTERS = RecordKindSpec(
    kind=RecordKind.ENCOUNTERS,
    key=("encounter_id",),
    dated_by="admitted_at",
    fields=(
        FieldSpec("encounter_id", FieldType.TEXT, required=True),
        FieldSpec("patient_id", FieldType.PATIENT_ID, required=True),
        FieldSpec("finess_et", FieldType.SITE_FINESS, required=True),
        _enum("activity", Activity, required=True),
        _enum("kind", EncounterKind, required=True),
        FieldSpec("admitted_at", FieldType.DATETIME, required=True),
        FieldSpec("discharged_at", FieldType.DATETIME),
        FieldSpec("stay_group_id", FieldType.TEXT),
        FieldSpec("age_at_admission", FieldType.INT),
        FieldSpec("surgical_act", FieldType.BOOL),
        FieldSpec("eligible_pathway", FieldType.TEXT),
        FieldSpec("unit", FieldType.TEXT),
    ),
    required_when=(RequiredWhen("age_at_admission", "activity", ("HAD",), "required for HAD encounters"),),
    not_before=(NotBefore("discharged_at", "admitted_at"),),
)

_CONSULTATIONS = RecordKindSpec(
    kind=RecordKind.CONSULTATIONS,
    key=("consultation_id",),
    dated_by="occurred_at",
    fields=(
        FieldSpec("consultation_id", FieldType.TEXT, required=True),
        FieldSpec("patient_id", FieldType.PATIENT_ID, required=True),
        FieldSpec("finess_et", FieldType.SITE_FINESS, required=True),
        FieldSpec("occurred_at", FieldType.DATETIME, required=True),
        FieldSpec("ace_billed", FieldType.BOOL, required=True),
        FieldSpec("eligible_pathway", FieldType.TEXT),
    ),
)

_DOCUMENTS = RecordKindSpec(
    kind=RecordKind.DOCUMENTS,
    key=("document_id", "version"),
    dated_by="produced_at",
    fields=(
        FieldSpec("document_id", FieldType.TEXT, required=True),
        FieldSpec("version", FieldType.INT, default="1"),
        FieldSpec("report_id", FieldType.TEXT, default_from="document_id"),
        FieldSpec("patient_id", FieldType.PATIENT_ID, required=True),
        FieldSpec("encounter_id", FieldType.TEXT),
        FieldSpec("consultation_id", FieldType.TEXT),
        FieldSpec("stay_group_id", FieldType.TEXT),
        FieldSpec("type_code", FieldType.TEXT, required=True, max_length=64),
        FieldSpec("produced_at", FieldType.DATETIME, required=True),
        _enum("format", DocumentFormat, required=True),
        FieldSpec("ins_qualified", FieldType.BOOL, required=True),
        FieldSpec("datamatrix", FieldType.BOOL),
        _enum("dmp_status", DmpStatus),
        FieldSpec("dmp_sent_at", FieldType.DATETIME),
        FieldSpec("dmp_lot_id", FieldType.TEXT),
        FieldSpec("subcontracted", FieldType.BOOL),
        FieldSpec("no_transmission", FieldType.BOOL),
        _enum("discipline", LabDiscipline),
        _enum("modality", ImagingModality),
        FieldSpec("unit", FieldType.TEXT),
    ),
    required_when=(
        RequiredWhen(
            "dmp_sent_at", "dmp_status", ("PENDING", "ACCEPTED", "REJECTED"), "required when dmp_status is not NOT_SENT"
        ),
    ),
    not_before=(NotBefore("dmp_sent_at", "produced_at"),),
    links=(
        Link("encounter_id", RecordKind.ENCOUNTERS, "encounter_id"),
        Link("consultation_id", RecordKind.CONSULTATIONS, "consultation_id"),
        Link("stay_group_id", RecordKind.ENCOUNTERS, "stay_group_id"),
    ),
)

_MESSAGES = RecordKindSpec(
    kind=RecordKind.MESSAGES,
    key=("message_id",),
    dated_by="sent_at",
    fields=(
        FieldSpec("message_id", FieldType.TEXT, required=True),
        FieldSpec("patient_id", FieldType.PATIENT_ID, required=True),
        _enum("channel", Channel, required=True),
        FieldSpec("sent_at", FieldType.DATETIME, required=True),
        FieldSpec("sender_finess", FieldType.SENDER_FINESS, required=True),
        FieldSpec("to_health_correspondent", FieldType.BOOL),
        FieldSpec("has_cda_xdm", FieldType.BOOL),
        FieldSpec("attachment_ins_qualified", FieldType.BOOL),
    ),
    required_when=(RequiredWhen("to_health_correspondent", "channel", ("PRO",), "required for PRO messages"),),
)

RECORD_KINDS: dict[RecordKind, RecordKindSpec] = {
    spec.kind: spec for spec in (_PATIENTS, _ENCOUNTERS, _CONSULTATIONS, _DOCUMENTS, _MESSAGES)
}
