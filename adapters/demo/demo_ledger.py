"""A member's ledger across the generated months: identifiers, and where each record goes.

Every stay, session and consultation is made once, when it starts, with what it will produce
(documents, in the month they are produced). An encounter is written in the file of every
generated month it overlaps, in its state as known at the end of the last generated month;
a document in the file of the month it was produced in.
"""

import random
from collections import defaultdict

from adapters.demo.demo_calendar import BEYOND, Timeline
from adapters.demo.demo_documents import DocumentMaker
from adapters.demo.demo_files import MonthFiles, Row
from adapters.demo.demo_patients import PatientPool
from adapters.demo.demo_referential import Member

PATHWAYS = (
    "DIABETE",
    "INSUF-CARDIAQUE",
    "ONCOLOGIE",
    "IRC-DIALYSE",
    "MATERNITE",
    "CHIR-AMBU",
    "BPCO",
    "SANTE-MENTALE",
)


def _clamped(index: int | None, month_count: int) -> int | None:
    return None if index is None else min(index, month_count - 1)


class MemberLedger:
    """Identifier counters, the encounters and documents waiting for a later month's file, and
    what the month being generated has referenced so far (patients, cared-for, emergency)."""

    def __init__(self, member: Member, timeline: Timeline, pool: PatientPool, seed: int, scale: float) -> None:
        self.member = member
        self.profile = profile = member.profile
        self.timeline = timeline
        self.pool = pool
        self._seed = seed
        self._scale = scale
        count = len(timeline.months)
        self._quiet_month = _clamped(profile.quiet_consultation_month, count)
        self._offsets = profile.style.with_offsets
        self._prefix = profile.key.upper()
        self._all_eligible = profile.policies.get("eligibility") == "all_patients"
        self.documents = DocumentMaker(
            profile,
            pool,
            timeline,
            self._emit_document,
            _clamped(profile.no_prescription_month, count),
            _clamped(profile.flow_break_month, count),
        )
        self._serial = {"E": 0, "C": 0, "M": 0, "G": 0}
        self._appearances: defaultdict[int, list[Row]] = defaultdict(list)
        self._later_documents: defaultdict[int, list[Row]] = defaultdict(list)
        self._month = -timeline.warmup_months
        self._files: MonthFiles | None = None
        self._referenced: set[str] = set()
        self._cared: dict[str, bool] = {}
        self._emergency: set[str] = set()

    def _id(self, letter: str) -> str:
        self._serial[letter] += 1
        return f"{self._prefix}-{letter}{self._serial[letter]:08d}"

    def _volume(self, monthly: int) -> int:
        return 0 if monthly == 0 else max(1, round(monthly * self._scale))

    def _emit_document(self, row: Row, month: int) -> None:
        if month == self._month and self._files is not None:
            self._files.documents.write(row)
            self._referenced.add(str(row["patient_id"]))
        elif month > self._month:
            self._later_documents[month].append(row)

    def _write_encounter(self, row: Row) -> None:
        assert self._files is not None
        self._files.encounters.write(row)
        patient = str(row["patient_id"])
        self._referenced.add(patient)
        if row["kind"] == "PASSAGE":
            self._emergency.add(patient)
        else:
            self._cared[patient] = self._cared.get(patient, False) or bool(row["eligible_pathway"])

    def _place(self, row: Row, start: int, end: int | None) -> None:
        """Writes the encounter now and/or in each later generated month it overlaps."""
        timeline = self.timeline
        first = max(timeline.month_of(start), 0)
        final = len(timeline.months) - 1
        last = final if end is None else min(timeline.month_of(end), final)
        if first == BEYOND or last < 0:
            return
        for month in range(first, last + 1):
            if month == self._month and self._files is not None:
                self._write_encounter(row)
            else:
                self._appearances[month].append(row)

    def _encounter(
        self,
        rng: random.Random,
        patient: int,
        activity: str,
        kind: str,
        unit_key: str,
        start: tuple[int, int],
        end: tuple[int, int] | None,
        explicit_end: bool = False,
    ) -> Row:
        timeline, profile = self.timeline, self.profile
        year, month = timeline.year_month_of(start[0])
        pathway = None
        if kind != "PASSAGE" and rng.random() < profile.practice.pathway:
            pathway = PATHWAYS[rng.randrange(len(PATHWAYS))]
        return {
            "encounter_id": self._id("E"),
            "patient_id": self.pool.ipp[patient],
            "finess_et": self.member.sites[rng.randrange(len(self.member.sites))],
            "activity": activity,
            "kind": kind,
            "admitted_at": timeline.stamp(start[0], start[1], self._offsets),
            "discharged_at": None if end is None else timeline.stamp(end[0], end[1], self._offsets or explicit_end),
            "age_at_admission": self.pool.age(patient, year, month),
            "surgical_act": False if profile.has_surgery else None,
            "eligible_pathway": pathway,
            "unit": rng.choice(profile.units[unit_key]),
        }
