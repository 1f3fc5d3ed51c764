"""Store domain records straight into the record tables, as one accepted file per kind, so that
the SQL counting and the domain's reference computation can be run on the very same month."""

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.tables import record_table_name, storage_columns
from domain.indicators.entity_month import EntityMonth
from domain.records import Consultation, Document, Encounter, Message, PatientState
from domain.submissions.record_kinds import RecordKind
from tests.support.database import EMPTY_ALL_TABLES


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _rows(kind: RecordKind, records: Sequence[Any]) -> list[tuple[Any, ...]]:
    if kind is RecordKind.PATIENTS:
        return [
            (uuid.UUID(p.patient), None, p.identity_status.value, p.doubtful, p.fictitious, p.mes_status.value)
            for p in records
        ]
    if kind is RecordKind.ENCOUNTERS:
        return [
            (
                e.encounter_id,
                uuid.UUID(e.patient),
                e.site,
                e.activity.value,
                e.kind.value,
                e.admitted_at,
                e.discharged_at,
                e.stay_group_id,
                e.age_at_admission,
                e.surgical_act,
                e.eligible_pathway,
                e.unit,
            )
            for e in records
        ]
    if kind is RecordKind.CONSULTATIONS:
        return [
            (c.consultation_id, uuid.UUID(c.patient), c.site, c.occurred_at, c.ace_billed, c.eligible_pathway)
            for c in records
        ]
    if kind is RecordKind.DOCUMENTS:
        return [
            (
                d.document_id,
                d.version,
                d.report,
                uuid.UUID(d.patient),
                d.encounter_id,
                d.consultation_id,
                d.stay_group_id,
                d.type_code,
                d.produced_at,
                d.format.value,
                d.ins_qualified,
                d.datamatrix,
                d.dmp_status.value,
                d.dmp_sent_at,
                d.dmp_lot_id,
                d.subcontracted,
                d.no_transmission,
                _value(d.discipline),
                _value(d.modality),
                d.unit,
            )
            for d in records
        ]
    return [
        (
            m.message_id,
            uuid.UUID(m.patient),
            m.channel.value,
            m.sent_at,
            m.sender_finess,
            m.to_health_correspondent,
            m.has_cda_xdm,
            m.attachment_ins_qualified,
        )
        for m in records
    ]


async def store_month(
    connection: asyncpg.Connection,
    finess_ej: str,
    period: str,
    received_at: datetime,
    *,
    patients: Sequence[PatientState] = (),
    encounters: Sequence[Encounter] = (),
    consultations: Sequence[Consultation] = (),
    documents: Sequence[Document] = (),
    messages: Sequence[Message] = (),
    version: int = 1,
) -> None:
    by_kind: dict[RecordKind, Sequence[Any]] = {
        RecordKind.PATIENTS: patients,
        RecordKind.ENCOUNTERS: encounters,
        RecordKind.CONSULTATIONS: consultations,
        RecordKind.DOCUMENTS: documents,
        RecordKind.MESSAGES: messages,
    }
    for kind, records in by_kind.items():
        submission_id = await connection.fetchval(
            """INSERT INTO submission (finess_ej, period, kind, status, version, content_sha256, size_bytes,
                   row_count, file_format, uploaded_by, received_at)
               VALUES ($1, $2, $3, 'accepted', $7, $4, 0, $5, 'csv', 'test', $6) RETURNING id""",
            finess_ej,
            period,
            kind.value,
            uuid.uuid4().hex,
            len(records),
            received_at,
            version,
        )
        rows = [(submission_id, line, *row) for line, row in enumerate(_rows(kind, records), start=2)]
        await connection.copy_records_to_table(
            record_table_name(kind), records=rows, columns=["submission_id", "line_no", *storage_columns(kind)]
        )


def with_uuid_patients(month: EntityMonth) -> EntityMonth:
    """The unit scenario names its patients pA…pF; stored pseudonyms are UUIDs."""
    ids = {name: str(uuid.uuid5(uuid.NAMESPACE_OID, name)) for name in ("pA", "pB", "pC", "pD", "pE", "pF")}
    return replace(
        month,
        patients={ids[name]: replace(state, patient=ids[name]) for name, state in month.patients.items()},
        encounters=tuple(replace(e, patient=ids[e.patient]) for e in month.encounters),
        consultations=tuple(replace(c, patient=ids[c.patient]) for c in month.consultations),
        documents=tuple(replace(d, patient=ids[d.patient]) for d in month.documents),
        messages=tuple(replace(m, patient=ids[m.patient]) for m in month.messages),
    )


async def store_entity_month(connection: asyncpg.Connection, month: EntityMonth, received_at: datetime) -> None:
    """Every record of `month`, stored as the entity's files of that month."""
    await store_month(
        connection,
        month.entity.finess_ej,
        month.month.label,
        received_at,
        patients=list(month.patients.values()),
        encounters=month.encounters,
        consultations=month.consultations,
        documents=month.documents,
        messages=month.messages,
    )


@asynccontextmanager
async def stored_month(engine: AsyncEngine, month: EntityMonth, received_at: datetime) -> AsyncIterator[Any]:
    """A transaction on the emptied database holding `month`'s records as its files; yields the
    transaction's asyncpg connection, which the counting adapters take."""
    async with engine.begin() as connection:
        await connection.execute(text(EMPTY_ALL_TABLES))
        raw = (await connection.get_raw_connection()).driver_connection
        await store_entity_month(raw, month, received_at)
        yield raw
