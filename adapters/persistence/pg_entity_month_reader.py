"""Reads one legal entity's month from PostgreSQL into the domain's `EntityMonth`.

The records are their latest state as of the as-of instant (data-contract.md, D1); the patients
are the month's own patients file (D4). This feeds the domain's reference computation; the
set-based SQL counting must agree with it.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from adapters.persistence.latest_state import CURRENT_FILES, latest_records_sql
from domain.indicators.entity_month import EntityMonth
from domain.periods import Period
from domain.records import (
    Activity,
    Channel,
    Consultation,
    DmpStatus,
    Document,
    DocumentFormat,
    Encounter,
    EncounterKind,
    IdentityStatus,
    ImagingModality,
    LabDiscipline,
    Message,
    MesStatus,
    PatientState,
)
from domain.referential import LegalEntity
from domain.submissions.record_kinds import RecordKind

_T = TypeVar("_T")

_MONTH_PATIENTS = f"""
WITH month_file AS ({CURRENT_FILES.format(finess_ej="$1", kind="'patients'", as_of="$3")})
SELECT r.* FROM patient_record r JOIN month_file f ON f.id = r.submission_id
JOIN submission s ON s.id = f.id WHERE s.period = $2
"""


class PgEntityMonthReader:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def read(self, entity: LegalEntity, month: Period, as_of: datetime) -> EntityMonth:
        """`entity` is its referential version in force for the month as known at `as_of` (D19)."""
        ej = entity.finess_ej
        patients = {
            str(row["patient_pseudonym"]): _patient(row)
            for row in await self._connection.fetch(_MONTH_PATIENTS, ej, month.label, as_of)
        }
        return EntityMonth(
            entity=entity, month=month, as_of=as_of, patients=patients,
            encounters=await self._latest(RecordKind.ENCOUNTERS, ej, as_of, _encounter),
            consultations=await self._latest(RecordKind.CONSULTATIONS, ej, as_of, _consultation),
            documents=await self._latest(RecordKind.DOCUMENTS, ej, as_of, _document),
            messages=await self._latest(RecordKind.MESSAGES, ej, as_of, _message),
        )

    async def _latest(self, kind: RecordKind, finess_ej: str, as_of: datetime,
                      build: Callable[[Mapping[str, Any]], _T]) -> tuple[_T, ...]:
        rows = await self._connection.fetch(latest_records_sql(kind), finess_ej, as_of)
        return tuple(build(row) for row in rows)


def _patient(row: Mapping[str, Any]) -> PatientState:
    return PatientState(str(row["patient_pseudonym"]), IdentityStatus(row["identity_status"]),
                        bool(row["identity_doubtful"]), bool(row["identity_fictitious"]),
                        MesStatus(row["mes_status"] or MesStatus.UNKNOWN))


def _encounter(row: Mapping[str, Any]) -> Encounter:
    return Encounter(
        row["encounter_id"], str(row["patient_pseudonym"]), row["finess_et"], Activity(row["activity"]),
        EncounterKind(row["kind"]), row["admitted_at"], row["discharged_at"], row["stay_group_id"],
        row["age_at_admission"], bool(row["surgical_act"]), row["eligible_pathway"], row["unit"],
    )


def _consultation(row: Mapping[str, Any]) -> Consultation:
    return Consultation(row["consultation_id"], str(row["patient_pseudonym"]), row["finess_et"],
                        row["occurred_at"], row["ace_billed"], row["eligible_pathway"])


def _document(row: Mapping[str, Any]) -> Document:
    return Document(
        document_id=row["document_id"], patient=str(row["patient_pseudonym"]), type_code=row["type_code"],
        produced_at=row["produced_at"], format=DocumentFormat(row["format"]), ins_qualified=row["ins_qualified"],
        version=row["version"], report_id=row["report_id"], encounter_id=row["encounter_id"],
        consultation_id=row["consultation_id"], stay_group_id=row["stay_group_id"], datamatrix=row["datamatrix"],
        dmp_status=DmpStatus(row["dmp_status"] or DmpStatus.NOT_SENT), dmp_sent_at=row["dmp_sent_at"],
        dmp_lot_id=row["dmp_lot_id"], subcontracted=bool(row["subcontracted"]),
        no_transmission=bool(row["no_transmission"]),
        discipline=LabDiscipline(row["discipline"]) if row["discipline"] else None,
        modality=ImagingModality(row["modality"]) if row["modality"] else None, unit=row["unit"],
    )


def _message(row: Mapping[str, Any]) -> Message:
    return Message(row["message_id"], str(row["patient_pseudonym"]), Channel(row["channel"]), row["sent_at"],
                   row["sender_finess"], row["to_health_correspondent"], bool(row["has_cda_xdm"]),
                   row["attachment_ins_qualified"])
