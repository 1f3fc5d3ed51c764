"""All nine indicators for a large GHT month in PostgreSQL, against DuckDB doing the same counting.

What it measures, in one run:

1. an embedded PostgreSQL in a temporary folder, migrated, with an admin key (`bench_upload.prepare_database`),
   and a GHT of 10 legal entities (1–3 sites each, every capability, a few policy variants);
2. a deterministic month (2025-03, `random.Random(--seed)`) written as CSV files: 600,000 patients,
   1,000,000 encounters (MCO/SMR/PSY/HAD stays, PSY venue groups, radiotherapy, chemotherapy and
   dialysis series with their earlier sessions, emergency passages), 500,000 consultations,
   3,000,000 documents (letters, prescriptions, operative and consultation reports, lab and imaging
   reports, linked to encounters, PSY groups and consultations; versions, N3+N1 pairs, DMP statuses
   and formats mixed), 1,000,000 messages (PRO and CITOYENNE), spread unevenly over the members and
   multiplied by `--scale`; loaded through the service's own upload endpoint (`hopen2 serve`);
3. after a `VACUUM (ANALYZE)` of the tables read (what autovacuum does soon after such a load),
   `PgIndicatorEngine.count` for every member on asyncpg connections: once with the members one
   after the other (per-statement times) and once on two connections at once (both cores busy);
   every statement the engine sends is recorded (SQL, arguments, rows, seconds) by a proxy of the
   connection. The resident memory of the PostgreSQL server (postmaster and every child) is sampled;
4. the tables those statements read (`submission` and the `*_record` tables) exported from
   PostgreSQL to Parquet, DuckDB views of the same names over the files, and the recorded
   statements replayed in DuckDB (2 threads, one statement at a time) after a minimal mechanical
   translation (`to_duckdb`), then a second time with `DISTINCT ON` also written as `QUALIFY
   row_number() ... = 1` (`distinct_on_as_qualify`: the same rows, in the form DuckDB runs much
   faster). DuckDB's rows must equal PostgreSQL's for every statement (same multiset), else the
   run fails; the target is judged against the faster DuckDB;
5. `EXPLAIN (ANALYZE, BUFFERS)` of the slowest PostgreSQL statements (plans saved as JSON, the
   nodes with the most time of their own printed);
6. the GHT view of the month over HTTP: a first read (counts and stores every member in the
   service), then `--requests` reads (200 by default) from stored countings: p50, p99, max.

Targets printed beside the figures: PostgreSQL <= 1.5 x DuckDB for all nine indicators of the
whole GHT; GHT-view read p99 < 20 ms; PostgreSQL server RSS < 1 GB during the computation (RSS
summed over the postmaster and all its children, which counts the shared buffers once per
process; the summed PSS, which counts them once, is printed beside it).

Run on demand (pytest does not collect this folder); DuckDB is a dev-only dependency:

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python tests/benchmarks/bench_indicators_duckdb.py --scale 0.05   # a quick try
    .venv/bin/python tests/benchmarks/bench_indicators_duckdb.py                # full size
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import pickle
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import psutil

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ght_view import _figures, percentile  # noqa: E402
from bench_upload import MB, RssSampler, file_chunks, prepare_database, serving  # noqa: E402

from adapters.demo.demo_referential import draw_finess  # noqa: E402
from adapters.embedded_postgres_server import start_embedded_postgres  # noqa: E402
from adapters.persistence.database import create_engine  # noqa: E402
from adapters.persistence.pg_indicator_engine import PgIndicatorEngine  # noqa: E402
from adapters.persistence.pg_referential_store import PgReferentialStore  # noqa: E402
from adapters.persistence.tables import record_table_name  # noqa: E402
from domain.identifiers import nir_key  # noqa: E402
from domain.indicators.catalogue import CATALOGUE  # noqa: E402
from domain.indicators.counting import MonthCounting  # noqa: E402
from domain.periods import Period  # noqa: E402
from domain.referential import (  # noqa: E402
    Capabilities,
    CountingUnit,
    Eligibility,
    Ght,
    LegalEntity,
    MesMode,
    Policies,
    Site,
)
from domain.submissions.record_kinds import RecordKind  # noqa: E402
from tests.support.referential import RECORDED, SINCE  # noqa: E402

PERIOD = "2025-03"
MONTH = Period.parse(PERIOD)
GHT_ID = "GHT-IDF-BENCH"
TARGET_RATIO = 1.5
TARGET_P99_MS = 20.0
TARGET_SERVER_RSS_MB = 1024.0
SAMPLE_SECONDS = 0.1
GB = 1024 * MB

TOTALS = {
    RecordKind.PATIENTS: 600_000,
    RecordKind.ENCOUNTERS: 1_000_000,
    RecordKind.CONSULTATIONS: 500_000,
    RecordKind.DOCUMENTS: 3_000_000,
    RecordKind.MESSAGES: 1_000_000,
}
LOAD_ORDER = (
    RecordKind.PATIENTS,
    RecordKind.ENCOUNTERS,
    RecordKind.CONSULTATIONS,
    RecordKind.DOCUMENTS,
    RecordKind.MESSAGES,
)  # documents' links are checked against the encounters and consultations
SHARES = (0.22, 0.17, 0.13, 0.11, 0.09, 0.08, 0.07, 0.055, 0.045, 0.03)  # of every volume, member by member
DEPARTMENTS = ("93", "93", "75", "92", "94", "77", "95", "91", "78", "60")
TABLES = ("submission", *(record_table_name(kind) for kind in RecordKind))

# --- the referential --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    entity: LegalEntity
    sites: tuple[str, ...]
    share: float


def _policies(index: int) -> Policies:
    """A few members use policy variants, so that every variant of the counting SQL runs."""
    variants = {
        2: Policies(unit_override={"P1.O2.LDL": CountingUnit.PATIENTS, "P1.O2.ODS": CountingUnit.PATIENTS}),
        4: Policies(mes_mode=MesMode.WEIGHTED),
        6: Policies(eligibility=Eligibility.ALL_PATIENTS, require_datamatrix=False),
        8: Policies(feeding_grace_months=2),
    }
    return variants.get(index, Policies())


def bench_members(seed: int) -> tuple[Member, ...]:
    rng = random.Random(seed)
    taken: set[str] = set()
    members = []
    for index, (share, department) in enumerate(zip(SHARES, DEPARTMENTS, strict=True)):
        finess_ej = draw_finess(rng, department, taken)
        sites = tuple(draw_finess(rng, department, taken) for _ in range(1 + index % 3))
        entity = LegalEntity(
            finess_ej,
            f"CH Bench {index + 1}",
            GHT_ID,
            department,
            SINCE,
            Capabilities(True, True, True, True, is_had=index == 9),
            _policies(index),
            recorded_at=RECORDED,
        )
        members.append(Member(entity, sites, share))
    return tuple(members)


async def record_referential(url: str, members: Sequence[Member]) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            referential = PgReferentialStore(connection)
            await referential.put_ght(
                Ght(GHT_ID, "GHT benchmark (10 members)", "11", members[0].entity.finess_ej, SINCE, RECORDED)
            )
            for member in members:
                await referential.put_legal_entity(member.entity)
                for number, finess_et in enumerate(member.sites):
                    await referential.put_site(
                        Site(finess_et, member.entity.finess_ej, f"Site {number + 1}", SINCE, recorded_at=RECORDED)
                    )
    finally:
        await engine.dispose()


# --- the month's files ------------------------------------------------------------------------

DAY, HOUR = 86_400, 3_600
START, END = int(MONTH.starts_at.timestamp()), int(MONTH.ends_at.timestamp())  # Paris month, as instants
_BASE = START - 200 * DAY
_DAYS = [(datetime.fromtimestamp(_BASE, UTC) + timedelta(days=n)).strftime("%Y-%m-%d") for n in range(500)]

COLUMNS = {
    RecordKind.PATIENTS: "patient_id,ins,identity_status,identity_doubtful,identity_fictitious,mes_status",
    RecordKind.ENCOUNTERS: "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at,stay_group_id,"
    "age_at_admission,surgical_act,eligible_pathway,unit",
    RecordKind.CONSULTATIONS: "consultation_id,patient_id,finess_et,occurred_at,ace_billed,eligible_pathway",
    RecordKind.DOCUMENTS: "document_id,version,report_id,patient_id,encounter_id,consultation_id,stay_group_id,"
    "type_code,produced_at,format,ins_qualified,datamatrix,dmp_status,dmp_sent_at,dmp_lot_id,"
    "subcontracted,no_transmission,discipline,modality,unit",
    RecordKind.MESSAGES: "message_id,patient_id,channel,sent_at,sender_finess,to_health_correspondent,has_cda_xdm,"
    "attachment_ins_qualified",
}
# (activity, kind, share of a member's encounters); the last one takes the rounding remainder.
ENCOUNTER_MIX = (
    ("MCO", "HOSPITALISATION", 0.30),
    ("SMR", "HOSPITALISATION", 0.05),
    ("PSY", "HOSPITALISATION", 0.03),
    ("PSY", "VENUE", 0.05),
    ("HAD", "HOSPITALISATION", 0.02),
    ("MCO", "VENUE", 0.04),
    ("MCO", "SEANCE", 0.02),
    ("RADIOTHERAPIE", "SEANCE", 0.07),
    ("CHIMIOTHERAPIE", "SEANCE", 0.07),
    ("DIALYSE", "SEANCE", 0.10),
    ("URGENCES", "PASSAGE", 0.25),
)
MEAN_STAY_DAYS = {"MCO": 4.0, "SMR": 21.0, "PSY": 24.0, "HAD": 20.0}
SERIES_MONTHS = {"RADIOTHERAPIE": 3, "CHIMIOTHERAPIE": 3, "DIALYSE": 4}
LETTER, PRESCRIPTION, OPERATIVE, CONSULTATION_REPORT, LAB, IMAGING = (
    "11490-0",
    "57833-6",
    "34874-8",
    "11488-4",
    "11502-2",
    "18748-4",
)
FORMATS = ("CDA_R2_N1", "PDF", "SCAN", "OTHER", "CDA_R2_N3")
FORMAT_WEIGHTS = (74, 10, 8, 4, 4)
DMP_STATUSES = ("ACCEPTED", "NOT_SENT", "PENDING", "REJECTED")
DMP_WEIGHTS = (74, 12, 4, 10)
IDENTITY_STATUSES = ("QUAL", "VALI", "RECUP", "PROV")
IDENTITY_WEIGHTS = (70, 10, 5, 15)
MES_STATUSES = ("OPEN", "UNKNOWN", "NONE", "OPPOSED", "CLOSED", "")
MES_WEIGHTS = (55, 25, 5, 4, 3, 8)
DISCIPLINES = ("GENERALE", "ACP", "GENETIQUE")
MODALITIES = ("RADIO", "SCANNER", "ECHO", "IRM", "MAMMO", "AUTRE")
PATHWAYS = ("ONCO", "DIABETE", "INSUF-CARD", "MATERNITE")
UNITS = ("CARDIO", "PNEUMO", "URGENCES", "CHIR-DIG", "ORTHO", "PEDIATRIE", "MATERNITE", "GERIATRIE", "ONCO", "PSY")
BATCH = 10_000


def iso(instant: int) -> str:
    """An instant as ISO 8601 in UTC (the month boundaries above are Paris ones)."""
    days, seconds = divmod(instant - _BASE, DAY)
    hours, seconds = divmod(seconds, HOUR)
    return f"{_DAYS[days]}T{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}Z"


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def volumes(member: Member, scale: float) -> dict[RecordKind, int]:
    return {kind: max(20, round(total * scale * member.share)) for kind, total in TOTALS.items()}


class _Csv:
    """One file written in batches of lines."""

    def __init__(self, path: Path, header: str) -> None:
        self._out = path.open("w", encoding="utf-8", newline="", buffering=1024 * 1024)
        self._out.write(header + "\n")
        self._lines: list[str] = []
        self.rows = 0

    def add(self, line: str) -> None:
        self._lines.append(line)
        self.rows += 1
        if len(self._lines) >= BATCH:
            self._out.writelines(self._lines)
            self._lines.clear()

    def close(self) -> None:
        self._out.writelines(self._lines)
        self._out.close()


@dataclass(slots=True)
class _Stay:
    encounter_id: str
    patient: int
    admitted: int
    discharged: int | None
    surgical: bool


@dataclass(slots=True)
class _Links:
    """What the documents of the month are written about."""

    closed_stays: list[_Stay] = field(default_factory=list)  # discharged within the month
    open_stays: list[_Stay] = field(default_factory=list)  # ongoing, or discharged after the month
    closed_groups: list[tuple[str, int, int]] = field(default_factory=list)  # (group, patient, last exit)
    series: list[tuple[int, str, list[int]]] = field(default_factory=list)  # (patient, activity, sessions)
    encounter_patients: array[int] = field(default_factory=lambda: array("i"))
    consultations: list[tuple[int, int]] = field(default_factory=list)  # (patient, occurred at), ACE billed


class MemberMonth:
    """The five files of one member for the month, from its own `random.Random`."""

    def __init__(self, folder: Path, member: Member, counts: dict[RecordKind, int], seed: int) -> None:
        self._folder = folder
        self._member = member
        self._counts = counts
        self._rng = random.Random(seed)
        self._pool = counts[RecordKind.PATIENTS] + counts[RecordKind.PATIENTS] // 50  # 2 % not in the file
        self._links = _Links()

    def write(self) -> dict[RecordKind, int]:
        self._folder.mkdir(parents=True, exist_ok=True)
        return {
            RecordKind.PATIENTS: self._patients(),
            RecordKind.ENCOUNTERS: self._encounters(),
            RecordKind.CONSULTATIONS: self._consultations(),
            RecordKind.DOCUMENTS: self._documents(),
            RecordKind.MESSAGES: self._messages(),
        }

    def path(self, kind: RecordKind) -> Path:
        return self._folder / f"{kind.value}.csv"

    def _open(self, kind: RecordKind) -> _Csv:
        return _Csv(self.path(kind), COLUMNS[kind])

    def _ipp(self, patient: int) -> str:
        return f"IPP{patient:07d}"

    def _site(self) -> str:
        return self._rng.choice(self._member.sites)

    # patients

    def _patients(self) -> int:
        rng, out = self._rng, self._open(RecordKind.PATIENTS)
        statuses = rng.choices(IDENTITY_STATUSES, IDENTITY_WEIGHTS, k=self._counts[RecordKind.PATIENTS])
        mes = rng.choices(MES_STATUSES, MES_WEIGHTS, k=len(statuses))
        for patient, status in enumerate(statuses):
            ins = ""
            if status == "QUAL" and rng.random() < 0.2:
                body = (
                    f"{rng.choice('12')}{rng.randrange(30, 99)}{rng.randrange(1, 13):02d}"
                    f"{self._member.entity.department}{rng.randrange(1, 990):03d}{rng.randrange(1, 999):03d}"
                )
                ins = f"{body}{nir_key(body):02d}"
            out.add(
                f"{self._ipp(patient)},{ins},{status},{_bool(rng.random() < 0.02)},"
                f"{_bool(rng.random() < 0.005) if rng.random() < 0.5 else ''},{mes[patient]}\n"
            )
        out.close()
        return out.rows

    # encounters

    def _encounters(self) -> int:
        out = self._open(RecordKind.ENCOUNTERS)
        total = self._counts[RecordKind.ENCOUNTERS]
        planned = [round(total * share) for _, _, share in ENCOUNTER_MIX[:-1]]
        planned.append(total - sum(planned))
        for (activity, kind, _), count in zip(ENCOUNTER_MIX, planned, strict=True):
            target = out.rows + count
            while out.rows < target:
                if kind == "HOSPITALISATION":
                    self._hospitalisation(out, activity)
                elif activity == "PSY":
                    self._psy_group(out, target - out.rows)
                elif activity in SERIES_MONTHS:
                    self._series(out, activity, target - out.rows)
                else:
                    self._visit(out, activity, kind)
        out.close()
        return out.rows

    def _encounter(
        self,
        out: _Csv,
        patient: int,
        activity: str,
        kind: str,
        admitted: int,
        discharged: int | None,
        group: str = "",
        surgical: bool = False,
        age: int | None = None,
    ) -> str:
        rng = self._rng
        encounter_id = f"E{out.rows:08d}"
        self._links.encounter_patients.append(patient)
        if age is None and rng.random() < 0.8:
            age = rng.randrange(0, 95)
        pathway = rng.choice(PATHWAYS) if rng.random() < 0.3 else ""
        out.add(
            f"{encounter_id},{self._ipp(patient)},{self._site()},{activity},{kind},{iso(admitted)},"
            f"{'' if discharged is None else iso(discharged)},{group},{'' if age is None else age},"
            f"{_bool(surgical)},{pathway},{rng.choice(UNITS)}\n"
        )
        return encounter_id

    def _hospitalisation(self, out: _Csv, activity: str) -> None:
        rng = self._rng
        days = min(rng.expovariate(1 / MEAN_STAY_DAYS[activity]), 120.0)
        length = int(days * DAY) + rng.randrange(2 * HOUR, 10 * HOUR)
        admitted = rng.randrange(max(START - length, START - 150 * DAY), END)
        discharged: int | None = admitted + length
        if discharged is not None and discharged >= END and rng.random() < 0.5:
            discharged = None  # still in the hospital when the file was extracted
        surgical = rng.random() < (0.35 if activity == "MCO" else 0.03)
        age = (rng.randrange(0, 18) if rng.random() < 0.08 else rng.randrange(18, 99)) if activity == "HAD" else None
        patient = rng.randrange(self._pool)
        encounter_id = self._encounter(
            out, patient, activity, "HOSPITALISATION", admitted, discharged, surgical=surgical, age=age
        )
        stay = _Stay(encounter_id, patient, admitted, discharged, surgical)
        closed = discharged is not None and START <= discharged < END
        (self._links.closed_stays if closed else self._links.open_stays).append(stay)

    def _psy_group(self, out: _Csv, room: int) -> None:
        """PSY venues sharing a `stay_group_id`: one stay, closed when every venue is discharged."""
        rng = self._rng
        group = f"G{out.rows:08d}"
        patient = rng.randrange(self._pool)
        admitted = rng.randrange(START - 25 * DAY, END - 6 * HOUR)
        last_exit: int | None = None
        for venue in range(min(room, rng.randint(2, 6))):
            if venue and admitted >= END - 6 * HOUR:
                break
            discharged = None if rng.random() < 0.03 else admitted + rng.randrange(2 * HOUR, 6 * HOUR)
            self._encounter(out, patient, "PSY", "VENUE", admitted, discharged, group=group)
            last_exit = discharged if venue == 0 or last_exit is not None else None
            admitted += rng.randint(2, 5) * DAY
        if last_exit is not None and START <= last_exit < END:
            self._links.closed_groups.append((group, patient, last_exit))

    def _series(self, out: _Csv, activity: str, room: int) -> None:
        """Sessions of one patient from an anchor up to a few months before the month to its end."""
        rng = self._rng
        patient = rng.randrange(self._pool)
        months = SERIES_MONTHS[activity]
        session = rng.randrange(START - months * 30 * DAY, END - DAY)
        session -= (session - _BASE) % DAY - 8 * HOUR  # 08:00 UTC
        limit = {"RADIOTHERAPIE": rng.randint(5, 35), "CHIMIOTHERAPIE": rng.randint(2, 8)}.get(activity, 10_000)
        sessions = []
        while session < END and len(sessions) < min(limit, room):
            start = session + rng.randrange(0, 6 * HOUR)
            self._encounter(
                out,
                patient,
                activity,
                "SEANCE",
                start,
                start + rng.randrange(HOUR, 4 * HOUR),
                surgical=activity == "RADIOTHERAPIE" and rng.random() < 0.01,
            )
            sessions.append(start)
            gap = {"RADIOTHERAPIE": rng.choice((1, 1, 1, 3)), "CHIMIOTHERAPIE": rng.randint(7, 21)}
            session += gap.get(activity, rng.choice((2, 2, 3))) * DAY
        if sessions[-1] >= START:
            self._links.series.append((patient, activity, sessions))

    def _visit(self, out: _Csv, activity: str, kind: str) -> None:
        rng = self._rng
        admitted = rng.randrange(START, END)
        discharged = admitted + rng.randrange(HOUR, (10 if kind == "PASSAGE" else 6) * HOUR)
        self._encounter(out, rng.randrange(self._pool), activity, kind, admitted, discharged)

    # consultations

    def _consultations(self) -> int:
        rng, out = self._rng, self._open(RecordKind.CONSULTATIONS)
        for number in range(self._counts[RecordKind.CONSULTATIONS]):
            patient, occurred, billed = rng.randrange(self._pool), rng.randrange(START, END), rng.random() < 0.85
            pathway = rng.choice(PATHWAYS) if rng.random() < 0.2 else ""
            out.add(f"C{number:08d},{self._ipp(patient)},{self._site()},{iso(occurred)},{_bool(billed)},{pathway}\n")
            self._links.consultations.append((patient, occurred))
        out.close()
        return out.rows

    # documents

    def _documents(self) -> int:
        rng, links = self._rng, self._links
        out = self._open(RecordKind.DOCUMENTS)
        budget = self._counts[RecordKind.DOCUMENTS]
        for stay in links.closed_stays:
            assert stay.discharged is not None
            if rng.random() < 0.85:
                for _ in range(2 if rng.random() < 0.05 else 1):
                    self._document(
                        out,
                        budget,
                        LETTER,
                        stay.patient,
                        stay.discharged + rng.randrange(0, 2 * DAY),
                        encounter=stay.encounter_id,
                    )
            if rng.random() < 0.6:
                lot = f"LOT{out.rows:08d}" if rng.random() < 0.5 else ""
                for _ in range(rng.randint(1, 2)):
                    self._document(
                        out,
                        budget,
                        PRESCRIPTION,
                        stay.patient,
                        max(stay.admitted, stay.discharged - rng.randrange(0, 6 * HOUR)),
                        encounter=stay.encounter_id,
                        lot=lot,
                    )
            if stay.surgical and rng.random() < 0.9:
                self._document(
                    out,
                    budget,
                    OPERATIVE,
                    stay.patient,
                    stay.admitted + rng.randrange(0, min(stay.discharged - stay.admitted, 2 * DAY) + 1),
                    encounter=stay.encounter_id,
                )
        for stay in links.open_stays:
            if rng.random() < 0.3:
                self._document(
                    out,
                    budget,
                    PRESCRIPTION,
                    stay.patient,
                    rng.randrange(max(stay.admitted, START), END),
                    encounter=stay.encounter_id,
                )
        for group, patient, last_exit in links.closed_groups:
            if rng.random() < 0.8:
                self._document(out, budget, LETTER, patient, last_exit + rng.randrange(0, DAY), group=group)
        for patient, activity, sessions in links.series:  # linked by patient and the window's dates
            in_month = [session for session in sessions if session >= START]
            if rng.random() < 0.7:
                self._document(out, budget, LETTER, patient, rng.choice(in_month) + 4 * HOUR)
            if activity == "CHIMIOTHERAPIE" and rng.random() < 0.4:
                self._document(out, budget, PRESCRIPTION, patient, rng.choice(in_month) + 2 * HOUR)
        for number, (patient, occurred) in enumerate(links.consultations):
            if rng.random() < 0.75:
                self._document(
                    out,
                    budget,
                    CONSULTATION_REPORT,
                    patient,
                    occurred + rng.randrange(0, 3 * DAY),
                    consultation=f"C{number:08d}",
                )
        while out.rows < budget:  # lab and imaging reports fill the rest
            patient, encounter = rng.randrange(self._pool), ""
            if rng.random() < 0.4:
                index = rng.randrange(len(links.encounter_patients))
                patient, encounter = links.encounter_patients[index], f"E{index:08d}"
            produced = rng.randrange(START, END)
            if rng.random() < 0.68:
                report = f"R{out.rows:08d}"
                discipline = rng.choices(DISCIPLINES, (85, 10, 5))[0]
                pair = rng.random() < 0.15 and out.rows + 2 <= budget
                self._document(
                    out,
                    budget,
                    LAB,
                    patient,
                    produced,
                    encounter=encounter,
                    report=report,
                    discipline=discipline,
                    fmt="CDA_R2_N3" if pair else None,
                )
                if pair:  # its N1 rendering, the same report
                    self._document(
                        out,
                        budget,
                        LAB,
                        patient,
                        produced + 60,
                        encounter=encounter,
                        report=report,
                        discipline=discipline,
                        fmt="CDA_R2_N1",
                    )
            else:
                self._document(
                    out,
                    budget,
                    IMAGING,
                    patient,
                    produced,
                    encounter=encounter,
                    modality=rng.choices(MODALITIES, (30, 20, 20, 15, 10, 5))[0],
                )
        out.close()
        return out.rows

    def _document(
        self,
        out: _Csv,
        budget: int,
        type_code: str,
        patient: int,
        produced: int,
        *,
        encounter: str = "",
        consultation: str = "",
        group: str = "",
        report: str = "",
        lot: str = "",
        discipline: str = "",
        modality: str = "",
        fmt: str | None = None,
    ) -> None:
        rng = self._rng
        if out.rows >= budget:
            return
        produced = min(produced, END - 1)
        document_id = f"D{out.rows:08d}"
        fmt = fmt or rng.choices(FORMATS, FORMAT_WEIGHTS)[0]
        lab_or_imaging = type_code in (LAB, IMAGING)
        subcontracted = _bool(rng.random() < 0.05) if lab_or_imaging else ""
        no_transmission = _bool(rng.random() < 0.02) if lab_or_imaging or rng.random() < 0.1 else ""
        for version in (1, 2) if rng.random() < 0.03 and out.rows + 2 <= budget else (1,):
            status = rng.choices(DMP_STATUSES, DMP_WEIGHTS)[0]
            sent = ""
            if status != "NOT_SENT":
                delay = rng.choices(
                    (rng.randrange(60, 3 * DAY), rng.randrange(3 * DAY, 40 * DAY), rng.randrange(40 * DAY, 80 * DAY)),
                    (80, 15, 5),
                )[0]
                sent = iso(produced + delay)  # after the grace month for some: late
            datamatrix = rng.random()
            out.add(
                f"{document_id},{version},{report},{self._ipp(patient)},{encounter},{consultation},{group},"
                f"{type_code},{iso(produced)},{fmt},{_bool(rng.random() < 0.85)},"
                f"{'' if datamatrix < 0.1 else _bool(datamatrix < 0.88)},{status},{sent},{lot},"
                f"{subcontracted},{no_transmission},{discipline},{modality},{rng.choice(UNITS)}\n"
            )

    # messages

    def _messages(self) -> int:
        rng, out = self._rng, self._open(RecordKind.MESSAGES)
        senders = (self._member.entity.finess_ej, *self._member.sites)
        for number in range(self._counts[RecordKind.MESSAGES]):
            pro = rng.random() < 0.6
            attachment = rng.choices((None, True, False), (40, 45, 15))[0] if not pro else None
            out.add(
                f"M{number:08d},{self._ipp(rng.randrange(self._pool))},{'PRO' if pro else 'CITOYENNE'},"
                f"{iso(rng.randrange(START, END))},{rng.choice(senders)},"
                f"{_bool(rng.random() < 0.8) if pro else ''},{_bool(rng.random() < 0.65)},{_bool(attachment)}\n"
            )
        out.close()
        return out.rows


def write_month(folder: Path, members: Sequence[Member], scale: float, seed: int) -> dict[str, dict[RecordKind, int]]:
    written = {}
    for index, member in enumerate(members):
        month = MemberMonth(folder / member.entity.finess_ej, member, volumes(member, scale), seed * 1000 + index)
        written[member.entity.finess_ej] = month.write()
    return written


# --- the load ---------------------------------------------------------------------------------


def load_month(
    base_url: str, api_key: str, folder: Path, members: Sequence[Member], written: dict[str, dict[RecordKind, int]]
) -> dict[RecordKind, float]:
    """Uploads every file, one at a time, through the service; seconds spent per kind."""
    headers = {"authorization": f"Bearer {api_key}", "content-type": "text/csv"}
    seconds = dict.fromkeys(LOAD_ORDER, 0.0)
    with httpx.Client(timeout=httpx.Timeout(3600.0)) as client:
        for member in members:
            finess_ej = member.entity.finess_ej
            for kind in LOAD_ORDER:
                url = f"{base_url}/api/v1/legal-entities/{finess_ej}/periods/{PERIOD}/submissions/{kind.value}"
                started = time.perf_counter()
                answer = client.post(
                    url, content=file_chunks(folder / finess_ej / f"{kind.value}.csv"), headers=headers
                )
                seconds[kind] += time.perf_counter() - started
                expected = written[finess_ej][kind]
                if answer.status_code != 201 or answer.json().get("row_count") != expected:
                    raise RuntimeError(
                        f"upload of {finess_ej} {kind.value} failed ({answer.status_code}, "
                        f"{expected} rows expected): {answer.text[:3000]}"
                    )
    return seconds


async def vacuum_analyze(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for table in TABLES:
            await connection.execute(f"VACUUM (ANALYZE) {table}")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


# --- counting in PostgreSQL, every statement recorded -----------------------------------------


@dataclass(slots=True)
class Statement:
    """One statement the engine sent, its arguments, its rows and its time."""

    member: str
    method: str  # execute | fetch | fetchval
    sql: str
    args: tuple[Any, ...]
    rows: list[tuple[Any, ...]]
    seconds: float
    label: str = ""


class RecordingConnection:
    """Delegates to an asyncpg connection and records what `fetch`, `fetchval` and `execute` send."""

    def __init__(self, connection: asyncpg.Connection, member: str, log: list[Statement]) -> None:
        self._connection = connection
        self._member = member
        self._log = log

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        started = time.perf_counter()
        rows = await self._connection.fetch(query, *args)
        self._log.append(
            Statement(self._member, "fetch", query, args, [tuple(row) for row in rows], time.perf_counter() - started)
        )
        return rows

    async def fetchval(self, query: str, *args: Any) -> Any:
        started = time.perf_counter()
        value = await self._connection.fetchval(query, *args)
        self._log.append(Statement(self._member, "fetchval", query, args, [(value,)], time.perf_counter() - started))
        return value

    async def execute(self, query: str, *args: Any) -> str:
        started = time.perf_counter()
        status = await self._connection.execute(query, *args)
        self._log.append(Statement(self._member, "execute", query, args, [], time.perf_counter() - started))
        return cast(str, status)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


PREPARE_LABEL, PRESCRIPTION_LABEL = "latest state and stays", "ODS: prescription produced"
MISSING_LABEL, SETTINGS_LABEL = "patients missing from file", "settings"
LABELS = (PREPARE_LABEL, PRESCRIPTION_LABEL, *CATALOGUE, MISSING_LABEL)


def _is_setting(statement: Statement) -> bool:
    """PostgreSQL's own bookkeeping: planner settings and the marker of the counting tables."""
    return statement.sql.startswith(("SET LOCAL", "RESET")) or any(
        word in statement.sql for word in ("to_regclass", "counting_state_of")
    )


def label_statements(statements: list[Statement]) -> None:
    """The engine's order: settings and the counting tables (executed statements), the ODS
    prescription check, the nine indicators in catalogue order, then the patients missing from
    the file. Anything else fails loudly."""
    for statement in statements:
        if _is_setting(statement):
            statement.label = SETTINGS_LABEL
        elif statement.method == "execute":
            statement.label = PREPARE_LABEL
    queries = [statement for statement in statements if not statement.label]
    shape = [statement.method for statement in queries]
    expected = ["fetchval", *(["fetch"] * len(CATALOGUE)), "fetchval"]
    if shape != expected:
        raise RuntimeError(f"the engine sent {shape}, the benchmark expects {expected}: update `label_statements`")
    for statement, label in zip(queries, LABELS[1:], strict=True):
        statement.label = label


@dataclass(slots=True)
class PgRun:
    seconds: float
    statements: list[Statement]
    countings: dict[str, MonthCounting]
    memory: TreeRssSampler
    pss_peak: int


class TreeRssSampler(RssSampler):
    """`RssSampler` (summed RSS of a process and its children, as `peak`) that also keeps each
    process's own peak RSS and title, and how many processes the tree held at most."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(pid, interval)
        self.by_process: dict[int, tuple[int, str]] = {}
        self.most_processes = 0

    def rss(self) -> int:
        processes = [self._process, *self._process.children(recursive=True)]
        self.most_processes = max(self.most_processes, len(processes))
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                rss = process.memory_info().rss
                total += rss
                if rss > self.by_process.get(process.pid, (0, ""))[0]:
                    self.by_process[process.pid] = (rss, " ".join(process.cmdline())[:60])
        return total

    def largest(self) -> tuple[int, str]:
        return max(self.by_process.values(), default=(0, ""))


class PssSampler(RssSampler):
    """Summed proportional set size of a process tree: shared pages (PostgreSQL's shared buffers)
    split among the processes that map them instead of counted in each. Reading it costs about
    2 ms a process, so it is sampled every second only."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(pid, interval)

    def rss(self) -> int:
        total = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += process.memory_full_info().pss
        return total


async def count_in_postgres(
    url: str, members: Sequence[Member], as_of: datetime, connections: int, postmaster: int
) -> PgRun:
    """Every member's nine indicators, members taken in turn by `connections` connections."""
    pool = [await asyncpg.connect(url) for _ in range(connections)]
    queue: asyncio.Queue[Member] = asyncio.Queue()
    for member in members:
        queue.put_nowait(member)
    logs: dict[str, list[Statement]] = {member.entity.finess_ej: [] for member in members}
    countings: dict[str, MonthCounting] = {}

    async def worker(connection: asyncpg.Connection) -> None:
        while not queue.empty():
            entity = queue.get_nowait().entity
            proxy = RecordingConnection(connection, entity.finess_ej, logs[entity.finess_ej])
            engine = PgIndicatorEngine(cast(asyncpg.Connection, proxy))
            countings[entity.finess_ej] = await engine.count(entity, MONTH, as_of)

    try:
        with TreeRssSampler(postmaster) as rss, PssSampler(postmaster) as pss:
            started = time.perf_counter()
            await asyncio.gather(*(worker(connection) for connection in pool))
            seconds = time.perf_counter() - started
    finally:
        for connection in pool:
            await connection.close()
    statements = []
    for member in members:
        label_statements(logs[member.entity.finess_ej])
        statements += logs[member.entity.finess_ej]
    return PgRun(seconds, statements, countings, rss, pss.peak)


# --- the same counting in DuckDB --------------------------------------------------------------

_DUCKDB_TYPES = {
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
    "timestamp with time zone": "TIMESTAMPTZ",
    "uuid": "UUID",
    "jsonb": "VARCHAR",
}


async def export_to_parquet(url: str, folder: Path, duck: Any) -> dict[str, tuple[int, int]]:
    """Each table to CSV by `COPY` (UTC instants), then to Parquet by DuckDB: rows and bytes per table."""
    folder.mkdir(parents=True, exist_ok=True)
    connection = await asyncpg.connect(url)
    exported = {}
    try:
        await connection.execute("SET TimeZone = 'UTC'")
        for table in TABLES:
            columns = await connection.fetch(
                "SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute "
                "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                table,
            )
            types = {}
            for column in columns:
                if column["type"] not in _DUCKDB_TYPES:
                    raise RuntimeError(f"{table}.{column['attname']}: no DuckDB type for {column['type']}")
                types[column["attname"]] = _DUCKDB_TYPES[column["type"]]
            csv_path, parquet_path = folder / f"{table}.csv", folder / f"{table}.parquet"
            await connection.copy_from_query(f"SELECT * FROM {table}", output=csv_path, format="csv")
            duck.execute(
                f"COPY (SELECT * FROM read_csv('{csv_path}', header = false, columns = {types!r}, "
                f"allow_quoted_nulls = false)) TO '{parquet_path}' (FORMAT parquet)"
            )
            csv_path.unlink()
            rows = duck.execute(f"SELECT count(*) FROM read_parquet('{parquet_path}')").fetchone()[0]
            exported[table] = (rows, parquet_path.stat().st_size)
            duck.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet('{parquet_path}')")
    finally:
        await connection.close()
    return exported


_MAKE_INTERVAL = re.compile(r"make_interval\(months => ([^()]+)\)")
_EMPTY_TEMP_TABLE = re.compile(r"CREATE TEMP TABLE (\w+) ON COMMIT DROP AS (.*) WITH NO DATA", re.DOTALL)
_TEMP_TABLE = re.compile(r"CREATE TEMP TABLE (\w+) ON COMMIT DROP AS")


def to_duckdb(sql: str) -> str:
    """The minimal mechanical translation of the engine's PostgreSQL to DuckDB's dialect: DuckDB
    has `to_months` for `make_interval(months => n)`, and its temporary tables know neither
    `ON COMMIT DROP` nor `WITH NO DATA` (replaced, as the next member's are, and `LIMIT 0`); the
    `ANALYZE a, b` is one statement a table, and `COLLATE "C"` goes (DuckDB compares by code
    point); the rest (DISTINCT ON, FILTER, AT TIME ZONE with ICU, recursive CTEs,
    `NOT MATERIALIZED`, `$n` parameters, `::` casts) runs as it is."""
    if sql.startswith("ANALYZE "):  # DuckDB analyses one table a statement
        return "; ".join(f"ANALYZE {table.strip()}" for table in sql.removeprefix("ANALYZE ").split(","))
    sql = sql.replace(' COLLATE "C"', "")  # DuckDB compares strings by code point already
    sql = _EMPTY_TEMP_TABLE.sub(r"CREATE OR REPLACE TEMP TABLE \1 AS \2 LIMIT 0", sql)
    sql = _TEMP_TABLE.sub(r"CREATE OR REPLACE TEMP TABLE \1 AS", sql)
    return _MAKE_INTERVAL.sub(r"to_months(\1)", sql)


def _depths(sql: str, start: int) -> Iterator[tuple[int, int]]:
    """(index, parenthesis depth) of every character from `start` outside string literals."""
    depth, quoted = 0, False
    for index in range(start, len(sql)):
        char = sql[index]
        if char == "'":
            quoted = not quoted
        elif not quoted:
            depth += {"(": 1, ")": -1}.get(char, 0)
            yield index, depth


def distinct_on_as_qualify(sql: str) -> str:
    """`SELECT DISTINCT ON (k) … [ORDER BY o]` written `SELECT … QUALIFY row_number() OVER
    (PARTITION BY k [ORDER BY o]) = 1`: the same rows (the first of each k in the order o), in the
    form DuckDB runs much faster than its DISTINCT ON (an `arg_min` aggregate per column)."""
    marker = "SELECT DISTINCT ON ("
    while (start := sql.find(marker)) >= 0:
        keys_end = next(index for index, depth in _depths(sql, start + len(marker) - 1) if depth == 0)
        body_end = next((index for index, depth in _depths(sql, keys_end + 1) if depth < 0), len(sql))
        body = sql[keys_end + 1 : body_end]
        mask = [" "] * len(body)  # the body's text at depth 0, the rest blanked, for keyword searches
        for index, depth in _depths(body, 0):
            if depth == 0:
                mask[index] = body[index]
        top_level = "".join(mask)
        for keyword in ("UNION", "INTERSECT", "EXCEPT", "LIMIT", "GROUP BY"):
            if re.search(rf"\b{keyword}\b", top_level):
                raise ValueError(f"DISTINCT ON with a top-level {keyword}: not rewritten")
        window = f"PARTITION BY {sql[start + len(marker) : keys_end]}"
        if (order := top_level.rfind("ORDER BY")) >= 0:
            window += f" ORDER BY {body[order + len('ORDER BY') :].strip()}"
            body = body[:order]
        sql = f"{sql[:start]}SELECT{body.rstrip()}\nQUALIFY row_number() OVER ({window}) = 1\n{sql[body_end:]}"
    return sql


@dataclass(slots=True)
class DuckRun:
    seconds: dict[int, float]  # by index of the PostgreSQL statement
    mismatches: list[str]
    skipped: Counter[str]
    rss_peak: int


def replay_in_duckdb(duck: Any, statements: Sequence[Statement], translate: Callable[[str], str]) -> DuckRun:
    """Every recorded statement in order, the counting tables built too; PostgreSQL's settings and
    the marker of its counting tables are skipped."""
    seconds: dict[int, float] = {}
    mismatches = []
    skipped: Counter[str] = Counter()
    with RssSampler(os.getpid(), SAMPLE_SECONDS) as rss:
        for index, statement in enumerate(statements):
            if statement.label == SETTINGS_LABEL:
                skipped[" ".join(statement.sql.split())[:60]] += 1
                continue
            sql = translate(statement.sql)
            started = time.perf_counter()
            rows = duck.execute(sql, list(statement.args)).fetchall()
            seconds[index] = time.perf_counter() - started
            got = rows[:1] if statement.method == "fetchval" else rows
            if statement.method != "execute" and Counter(map(tuple, got)) != Counter(statement.rows):
                mismatches.append(
                    f"{statement.member} {statement.label}: PostgreSQL {sorted(statement.rows)} "
                    f"DuckDB {sorted(map(tuple, got))}"
                )
    return DuckRun(seconds, mismatches, skipped, rss.peak)


# --- EXPLAIN ANALYZE of the slowest statements ------------------------------------------------


def _node_name(node: dict[str, Any], temp_written_mb: float) -> str:
    name = node["Node Type"]
    target = node.get("Relation Name") or node.get("CTE Name") or node.get("Subplan Name")
    if target:
        name += f" {target}"
    if node.get("Sort Method"):
        name += f" [{node['Sort Method']}, {node.get('Sort Space Used')} kB {node.get('Sort Space Type')}]"
    if node.get("Hash Batches", 1) > 1:
        name += f" [{node['Hash Batches']} batches]"
    if node.get("Workers Launched"):
        name += f" [{node['Workers Launched']} workers]"
    if temp_written_mb >= 1:
        name += f" [temp written {temp_written_mb:.0f} MB]"
    return name


def own_times(plan: dict[str, Any]) -> list[tuple[float, str, float, int]]:
    """(ms of its own, node, rows, loops) for every node, most first: its total (per loop x loops,
    so summed over parallel workers) minus its children's. A CTE is counted where it is computed,
    not in the scans that pull it, and so are its temp writes (approximate when several scans
    pull one CTE)."""
    ctes: dict[str, dict[str, Any]] = {}

    def total(node: dict[str, Any]) -> tuple[float, float]:
        loops = max(1, int(node.get("Actual Loops", 1)))
        return float(node.get("Actual Total Time", 0.0)) * loops, node.get("Temp Written Blocks", 0) * 8 / 1024

    def is_cte(node: dict[str, Any]) -> bool:
        return str(node.get("Subplan Name", "")).startswith("CTE ")

    def collect(node: dict[str, Any]) -> None:
        for child in node.get("Plans", []):
            if is_cte(child):
                ctes[child["Subplan Name"][4:]] = child
            collect(child)

    nodes: list[tuple[float, str, float, int]] = []

    def walk(node: dict[str, Any]) -> None:
        subtracted = [child for child in node.get("Plans", []) if not is_cte(child)]
        if node["Node Type"] == "CTE Scan" and node.get("CTE Name") in ctes:
            subtracted.append(ctes[node["CTE Name"]])
        own_ms, own_temp = total(node)
        for child in subtracted:
            child_ms, child_temp = total(child)
            own_ms, own_temp = own_ms - child_ms, own_temp - child_temp
        nodes.append(
            (
                max(own_ms, 0.0),
                _node_name(node, own_temp),
                float(node.get("Actual Rows", 0)),
                int(node.get("Actual Loops", 1)),
            )
        )
        for child in node.get("Plans", []):
            walk(child)

    collect(plan)
    walk(plan)
    return sorted(nodes, key=lambda item: item[0], reverse=True)


async def explain_slowest(url: str, statements: Sequence[Statement], count: int, folder: Path) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each of the `count` slowest kinds of
    statement (indicators), after the settings and counting tables its member's transaction made."""
    folder.mkdir(parents=True, exist_ok=True)
    by_label: dict[str, Statement] = {}
    for statement in sorted(statements, key=lambda s: s.seconds, reverse=True):
        if statement.method != "execute" and statement.label != SETTINGS_LABEL:
            by_label.setdefault(statement.label, statement)
    slowest = list(by_label.values())[:count]
    lines = []
    connection = await asyncpg.connect(url)
    try:
        for rank, statement in enumerate(slowest, 1):
            prepared = [s for s in statements if s.member == statement.member and s.method == "execute"]
            async with connection.transaction():
                for setting in prepared:
                    await connection.execute(setting.sql, *setting.args)
                raw = await connection.fetchval(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement.sql}", *statement.args
                )
            explained = json.loads(raw)[0]
            path = folder / f"plan-{rank}-{statement.label.replace(' ', '_').replace(':', '')}.json"
            path.write_text(
                json.dumps(
                    {
                        "member": statement.member,
                        "label": statement.label,
                        "sql": statement.sql,
                        "args": [str(arg) for arg in statement.args],
                        "plan": explained,
                    },
                    indent=1,
                )
            )
            jit = explained.get("JIT", {}).get("Timing", {}).get("Total")
            lines.append(
                f"{rank}. {statement.label} of {statement.member}: {statement.seconds:.2f} s in the run; "
                f"EXPLAIN ANALYZE execution {explained['Execution Time'] / 1000:.2f} s, planning "
                f"{explained['Planning Time']:.0f} ms" + (f", JIT {jit:.0f} ms" if jit else "") + f" ({path.name})"
            )
            for own, name, rows, loops in own_times(explained["Plan"])[:6]:
                lines.append(f"     {own / 1000:7.2f} s own  {name}  (rows {rows:,.0f} x {loops} loops)")
            if jit:
                lines.append(f"     {jit / 1000:7.2f} s JIT (generation, inlining, optimisation, emission)")
    finally:
        await connection.close()
    return lines


# --- the GHT view -----------------------------------------------------------------------------


@dataclass(slots=True)
class ViewRun:
    first_seconds: float
    service_rss_peak: int
    pg_rss_peak: int
    samples_ms: list[float]


def read_ght_view(base_url: str, api_key: str, requests: int, server_pid: int, postmaster: int) -> ViewRun:
    view = f"{base_url}/api/v1/ghts/{GHT_ID}/periods/{PERIOD}/indicators"
    with httpx.Client(headers={"authorization": f"Bearer {api_key}"}, timeout=3600.0) as client:
        with RssSampler(server_pid, SAMPLE_SECONDS) as service, RssSampler(postmaster, SAMPLE_SECONDS) as database:
            started = time.perf_counter()
            first = client.get(view)
            first_seconds = time.perf_counter() - started
        if first.status_code != 200:
            raise RuntimeError(f"GHT view failed: {first.status_code} {first.text[:2000]}")
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.get(view)
            samples.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200 or _figures(answer.json()) != _figures(first.json()):
                raise RuntimeError(f"a stored read differs from the first one: {answer.status_code}")
    return ViewRun(first_seconds, service.peak, database.peak, samples)


# --- the report -------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def _by_label(statements: Sequence[Statement], seconds: Callable[[int], float]) -> dict[str, float]:
    totals = dict.fromkeys(LABELS, 0.0)
    for index, statement in enumerate(statements):
        if statement.label != SETTINGS_LABEL:
            totals[statement.label] += seconds(index)
    return totals


def indicator_table(sequential: PgRun, plain: DuckRun, qualify: DuckRun) -> list[str]:
    statements = sequential.statements
    pg = _by_label(statements, lambda index: statements[index].seconds)
    as_sent, rewritten = (
        _by_label(statements, plain.seconds.__getitem__),
        _by_label(statements, qualify.seconds.__getitem__),
    )
    lines = [
        f"{'statement, 10 members':<28}{'PostgreSQL':>11}{'DuckDB':>9}{'DuckDB Q':>10}{'PG/DuckDB':>11}"
        f"{'PG/DuckDB Q':>13}"
    ]
    for label in [*LABELS, "sum of statements"]:
        if label == "sum of statements":
            p, d, q = sum(pg.values()), sum(as_sent.values()), sum(rewritten.values())
        else:
            p, d, q = pg[label], as_sent[label], rewritten[label]
        lines.append(f"{label:<28}{p:>10.2f}s{d:>8.2f}s{q:>9.2f}s{p / d:>11.2f}{p / q:>13.2f}")
    return lines


def counted_table(countings: dict[str, MonthCounting]) -> list[str]:
    """The GHT's sums, so that a reader sees that no indicator counts nothing."""
    lines = [f"{'indicator (sum of members)':<30}{'numerator':>12}{'denominator':>13}  first exclusions"]
    for indicator_id in CATALOGUE:
        numerator = sum(counting.countings[indicator_id].numerator for counting in countings.values())
        denominator = sum(counting.countings[indicator_id].denominator for counting in countings.values())
        excluded: Counter[str] = Counter()
        for counting in countings.values():
            excluded.update({exclusion.value: n for exclusion, n in counting.countings[indicator_id].explanation})
        lines.append(
            f"{indicator_id:<30}{numerator:>12,}{denominator:>13,}  "
            + ", ".join(f"{name} {n:,}" for name, n in excluded.most_common(4))
        )
    missing = sum(counting.patients_missing_from_file for counting in countings.values())
    produced = sum(counting.prescription_produced for counting in countings.values())
    lines.append(f"patients missing from the file {missing:,}; members with a prescription produced {produced}")
    return lines


def member_table(members: Sequence[Member], sequential: PgRun, plain: DuckRun, qualify: DuckRun) -> list[str]:
    lines = [f"{'member':<12}{'share':>7}{'PostgreSQL':>12}{'DuckDB':>9}{'DuckDB Q':>10}"]
    for member in members:
        finess_ej = member.entity.finess_ej
        indexes = [
            i for i, s in enumerate(sequential.statements) if s.member == finess_ej and s.label != SETTINGS_LABEL
        ]
        pg = sum(sequential.statements[i].seconds for i in indexes)
        lines.append(
            f"{finess_ej:<12}{member.share:>7.3f}{pg:>11.2f}s{sum(plain.seconds[i] for i in indexes):>8.2f}s"
            f"{sum(qualify.seconds[i] for i in indexes):>9.2f}s"
        )
    return lines


def save_statements(statements: Sequence[Statement], path: Path) -> None:
    """The recorded statements as plain tuples, for replaying or explaining one later."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        pickle.dump([(s.member, s.label, s.method, s.sql, s.args, s.rows, s.seconds) for s in statements], out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every volume (0.05 for a quick try)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="GHT-view reads timed")
    parser.add_argument("--explain", type=int, default=3, help="slowest PostgreSQL statements to EXPLAIN ANALYZE")
    parser.add_argument(
        "--out", type=Path, default=REPO / "tests/benchmarks/out/indicators-duckdb", help="where the plans go"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    import duckdb  # dev-only: `pip install -e '.[bench]'`

    work = Path(tempfile.mkdtemp(prefix="bench-indicators-"))
    if not options.keep:
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    print(f"working folder: {work}", flush=True)
    url = start_embedded_postgres(work, "bench")
    api_key = asyncio.run(prepare_database(url))
    members = bench_members(options.seed)
    asyncio.run(record_referential(url, members))
    postmaster = int((work / "postgres" / "postmaster.pid").read_text().split()[0])

    started = time.perf_counter()
    written = write_month(work / "files", members, options.scale, options.seed)
    generate_seconds = time.perf_counter() - started
    rows = Counter[RecordKind]()
    for by_kind in written.values():
        rows.update(by_kind)
    print(
        f"generated {sum(rows.values()):,} rows in {generate_seconds:.1f} s: "
        + ", ".join(f"{rows[kind]:,} {kind.value}" for kind in LOAD_ORDER),
        flush=True,
    )

    with serving(url, work) as (base_url, server):
        started = time.perf_counter()
        load_seconds = load_month(base_url, api_key, work / "files", members, written)
        load_total = time.perf_counter() - started
        print(
            f"loaded through the API in {load_total:.1f} s ("
            + ", ".join(f"{kind.value} {seconds:.1f} s" for kind, seconds in load_seconds.items())
            + ")",
            flush=True,
        )
        shutil.rmtree(work / "files")
        started = time.perf_counter()
        asyncio.run(vacuum_analyze(url))
        vacuum_seconds = time.perf_counter() - started
        print(f"VACUUM (ANALYZE) and CHECKPOINT in {vacuum_seconds:.1f} s", flush=True)

        as_of = datetime.now(UTC)
        sequential = asyncio.run(count_in_postgres(url, members, as_of, 1, postmaster))
        print(f"PostgreSQL, members one after the other: {sequential.seconds:.2f} s", flush=True)
        concurrent = asyncio.run(count_in_postgres(url, members, as_of, 2, postmaster))
        print(f"PostgreSQL, two connections: {concurrent.seconds:.2f} s", flush=True)
        if concurrent.countings != sequential.countings:
            raise RuntimeError("the two PostgreSQL passes counted differently")

        duck = duckdb.connect()
        timezone = asyncio.run(_server_timezone(url))
        duck.execute(f"SET TimeZone = '{timezone}'")  # as PostgreSQL's sessions (ICU, built into the wheel)
        started = time.perf_counter()
        exported = asyncio.run(export_to_parquet(url, work / "parquet", duck))
        export_seconds = time.perf_counter() - started
        print(
            f"exported to Parquet in {export_seconds:.1f} s: "
            + ", ".join(f"{table} {n:,} rows {size / MB:.0f} MB" for table, (n, size) in exported.items()),
            flush=True,
        )
        plain = replay_in_duckdb(duck, sequential.statements, to_duckdb)
        print(
            f"DuckDB, statements as sent: {sum(plain.seconds.values()):.2f} s, {len(plain.mismatches)} mismatches",
            flush=True,
        )
        qualify = replay_in_duckdb(duck, sequential.statements, lambda sql: distinct_on_as_qualify(to_duckdb(sql)))
        print(
            f"DuckDB, DISTINCT ON as QUALIFY: {sum(qualify.seconds.values()):.2f} s, "
            f"{len(qualify.mismatches)} mismatches",
            flush=True,
        )
        save_statements(sequential.statements, options.out / "statements.pickle")

        plans = (
            asyncio.run(explain_slowest(url, sequential.statements, options.explain, options.out))
            if options.explain
            else []
        )
        view = read_ght_view(base_url, api_key, options.requests, server.pid, postmaster)

    duck_best = min(sum(plain.seconds.values()), sum(qualify.seconds.values()))
    pg_rss_peak = max(sequential.memory.peak, concurrent.memory.peak)
    largest_rss, largest_title = max(sequential.memory.largest(), concurrent.memory.largest())
    p50, p99 = statistics.median(view.samples_ms), percentile(view.samples_ms, 0.99)
    ratio_ok, p99_ok = concurrent.seconds / duck_best <= TARGET_RATIO, p99 < TARGET_P99_MS
    # The target is the server's memory while it computes: the service and its database, during
    # the first GHT-view read, which counts and stores every member. The timing runs add the
    # benchmark's own connections beside the service's idle ones; their peaks are shown as well.
    rss_ok = max(view.service_rss_peak, view.pg_rss_peak) / MB < TARGET_SERVER_RSS_MB
    mismatches = plain.mismatches + qualify.mismatches
    threads = duck.execute("SELECT current_setting('threads')").fetchone()[0]

    def ratio_line(label: str, pg: float, duck_seconds: float) -> str:
        return (
            f"{label:<46}{pg / duck_seconds:>9.2f}   target <= {TARGET_RATIO}  "
            f"{_verdict(pg / duck_seconds <= TARGET_RATIO)}"
        )

    lines = [
        "",
        "nine indicators, whole GHT: PostgreSQL against DuckDB",
        "-" * 53,
        f"{'scale':<46}{options.scale:>9}",
        f"{'rows loaded':<46}{sum(rows.values()):>9,}  ("
        + ", ".join(f"{kind.value} {rows[kind]:,}" for kind in LOAD_ORDER)
        + ")",
        f"{'generate the CSV files':<46}{generate_seconds:>9.1f} s",
        f"{'load through the API (50 uploads, one by one)':<46}{load_total:>9.1f} s",
        f"{'VACUUM (ANALYZE) after the load':<46}{vacuum_seconds:>9.1f} s",
        f"{'export to Parquet (not in DuckDB times)':<46}{export_seconds:>9.1f} s",
        "",
        f"{'PostgreSQL, members one at a time':<46}{sequential.seconds:>9.2f} s",
        f"{'PostgreSQL, members on 2 connections at once':<46}{concurrent.seconds:>9.2f} s",
        f"{'DuckDB, statements as sent':<46}{sum(plain.seconds.values()):>9.2f} s"
        f"  ({threads} threads, views over Parquet, one statement at a time)",
        f"{'DuckDB Q, DISTINCT ON written as QUALIFY':<46}{sum(qualify.seconds.values()):>9.2f} s",
        ratio_line("ratio PG (1 connection) / DuckDB as sent", sequential.seconds, sum(plain.seconds.values())),
        ratio_line("ratio PG (1 connection) / faster DuckDB", sequential.seconds, duck_best),
        ratio_line("ratio PG (2 connections) / faster DuckDB", concurrent.seconds, duck_best) + "  <- headline",
        f"{'rows compared, statement by statement':<46}{len(plain.seconds) + len(qualify.seconds):>9}  "
        + ("all equal" if not mismatches else f"{len(mismatches)} DIFFER"),
        f"{'skipped in DuckDB (PostgreSQL settings)':<46}"
        + "; ".join(f"{sql} x{n}" for sql, n in plain.skipped.items()),
        "",
        *indicator_table(sequential, plain, qualify),
        "",
        *member_table(members, sequential, plain, qualify),
        "",
        *counted_table(sequential.countings),
        "",
        f"{'PostgreSQL RSS peak in the timing runs, summed':<46}{pg_rss_peak / MB:>9.0f} MB  (the benchmark's "
        "connections beside the service's idle ones)",
        f"{'  1 / 2 connections (postmaster + children)':<46}{sequential.memory.peak / MB:>9.0f} / "
        f"{concurrent.memory.peak / MB:.0f} MB, up to {concurrent.memory.most_processes} processes "
        "(the service's pooled connections included)",
        f"{'  largest single process':<46}{largest_rss / MB:>9.0f} MB  ({largest_title})",
        f"{'PostgreSQL PSS peak, summed (each second)':<46}{sequential.pss_peak / MB:>9.0f} / "
        f"{concurrent.pss_peak / MB:.0f} MB  (shared buffers counted once)",
        f"{'benchmark process RSS peak in DuckDB':<46}{max(plain.rss_peak, qualify.rss_peak) / MB:>9.0f} MB",
        "",
        f"{'GHT view, first read (counts, stores 10)':<46}{view.first_seconds:>9.2f} s",
        f"{'  service RSS peak during it':<46}{view.service_rss_peak / MB:>9.0f} MB",
        f"{'  PostgreSQL RSS peak during it (summed)':<46}{view.pg_rss_peak / MB:>9.0f} MB  target (each) < "
        f"{TARGET_SERVER_RSS_MB:.0f} MB  {_verdict(rss_ok)}",
        f"{'GHT view, stored reads':<46}{len(view.samples_ms):>9}",
        f"{'  p50':<46}{p50:>9.1f} ms",
        f"{'  p99':<46}{p99:>9.1f} ms  target < {TARGET_P99_MS:.0f} ms  {_verdict(p99_ok)}",
        f"{'  max':<46}{max(view.samples_ms):>9.1f} ms",
    ]
    if plans:
        lines += [
            "",
            f"EXPLAIN (ANALYZE, BUFFERS), slowest statement of the {options.explain} slowest kinds "
            f"(plans in {options.out}):",
            *plans,
        ]
    if mismatches:
        lines += ["", "ROWS DIFFER (DuckDB did not count the same):", *mismatches[:20]]
    print("\n".join([*lines, ""]))
    if mismatches:
        return 2
    return 0 if ratio_ok and p99_ok and rss_ok else 1


async def _server_timezone(url: str) -> str:
    connection = await asyncpg.connect(url)
    try:
        return cast(str, await connection.fetchval("SHOW TimeZone"))
    finally:
        await connection.close()


if __name__ == "__main__":
    raise SystemExit(main())
