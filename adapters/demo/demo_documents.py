"""Demo documents: what a member produces for a stay, a session or a consultation, and what became
of it in the DMP (formats, qualified INS, DataMatrix, statuses, late acceptance, versions, lots)."""

import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from adapters.demo.demo_calendar import BEYOND, Timeline, clamp_minute
from adapters.demo.demo_members import MemberProfile
from adapters.demo.demo_patients import PatientPool

LETTER, HOSPITAL_REPORT, OPERATIVE_REPORT = "11490-0", "34112-3", "34874-8"
CONSULTATION_REPORT, LAB_REPORT, IMAGING_REPORT = "11488-4", "11502-2", "18748-4"
PRESCRIPTIONS = ("57833-6", "57832-8", "57828-6", "PRESC-KINE", "PRESC-INF")
_PRESCRIPTION_CUMULATIVE = tuple(accumulate((62, 22, 10, 4, 2)))
_VERSIONED = frozenset({LETTER, HOSPITAL_REPORT, OPERATIVE_REPORT, CONSULTATION_REPORT})
_FORMATS = ("CDA_R2_N1", "PDF", "SCAN", "OTHER")
_FORMAT_CUMULATIVE = {
    LETTER: tuple(accumulate((90, 4, 3, 3))),
    HOSPITAL_REPORT: tuple(accumulate((80, 18, 2, 0))),
    OPERATIVE_REPORT: tuple(accumulate((92, 5, 3, 0))),
    CONSULTATION_REPORT: tuple(accumulate((84, 10, 5, 1))),
    IMAGING_REPORT: tuple(accumulate((86, 9, 0, 5))),
    "prescription": tuple(accumulate((90, 7, 3, 0))),
}
_DISCIPLINES = ("GENERALE", "ACP", "GENETIQUE")
_DISCIPLINE_CUMULATIVE = tuple(accumulate((90, 7, 3)))
_MODALITIES = ("RADIO", "SCANNER", "ECHO", "IRM", "MAMMO", "AUTRE")
_MODALITY_CUMULATIVE = tuple(accumulate((35, 25, 20, 12, 5, 3)))

Row = dict[str, object]
Link = tuple[str, str]


def _pick(rng: random.Random, values: tuple[str, ...], cumulative: tuple[int, ...]) -> str:
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


def later(day: int, minute: int, delta: int) -> tuple[int, int]:
    """The wall-clock moment `delta` minutes after (day, minute), outside the 02:00 hour."""
    total = minute + delta
    return day + total // 1440, clamp_minute(total % 1440)


def daytime(rng: random.Random) -> int:
    return rng.randrange(7 * 60, 20 * 60)


class DocumentMaker:
    """Makes a member's documents; `emit(row, month)` files each one in its production month's
    documents file. Documents produced outside the generated months are not made."""

    def __init__(
        self,
        profile: MemberProfile,
        pool: PatientPool,
        timeline: Timeline,
        emit: Callable[[Row, int], None],
        no_prescription_month: int | None,
        flow_break_month: int | None,
    ) -> None:
        self._profile = profile
        self._no_prescription_month = no_prescription_month
        self._flow_break_month = flow_break_month
        self._pool = pool
        self._timeline = timeline
        self._emit = emit
        self._prefix = f"{profile.key.upper()}-D"
        self._count = 0
        self._lots = 0
        self._offsets = profile.style.with_offsets
        self._internal_lab = profile.has_internal_lab
        self._lab_unit = profile.units.get("lab", ("LABO",))[0]
        self._imaging_unit = profile.units.get("imaging", ("IMAGERIE",))[0]

    def _new(
        self,
        rng: random.Random,
        patient: int,
        code: str,
        day: int,
        minute: int,
        link: Link | None,
        unit: str | None,
        fmt: str,
    ) -> tuple[Row, int] | None:
        month = self._timeline.month_of(day)
        if month < 0 or month == BEYOND:
            return None
        if month == self._no_prescription_month and code in PRESCRIPTIONS:
            return None
        self._count += 1
        qualified = self._pool.is_qualified(patient, month) and rng.random() > 0.015
        datamatrix: bool | None = None
        if fmt in ("CDA_R2_N1", "PDF"):
            draw = rng.random()
            datamatrix = True if draw < 0.82 else False if draw < 0.9 else None
        elif fmt == "SCAN" and rng.random() < 0.5:
            datamatrix = False
        row: Row = {
            "document_id": f"{self._prefix}{self._count:08d}",
            "patient_id": self._pool.ipp[patient],
            "type_code": code,
            "produced_at": self._timeline.stamp(day, minute, self._offsets),
            "format": fmt,
            "ins_qualified": qualified,
            "datamatrix": datamatrix,
            "unit": unit,
        }
        if link is not None:
            row[link[0]] = link[1]
        return row, month

    def _feed(self, rng: random.Random, row: Row, day: int, minute: int, month: int) -> None:
        """Sets what the DMP did with the document, as known at the end of the last month."""
        row["dmp_status"] = "NOT_SENT"
        if row.get("no_transmission") or (row["format"] in ("SCAN", "OTHER") and rng.random() < 0.85):
            return
        code = row["type_code"]
        accept = self._profile.practice.dmp_accept
        if code in PRESCRIPTIONS:
            accept *= 0.85
        elif code == LETTER and month == self._flow_break_month:
            accept *= 0.1
        if not row["ins_qualified"]:
            accept *= 0.1
        draw = rng.random()
        if draw >= accept + 0.07:
            return
        status = "ACCEPTED" if draw < accept else "REJECTED" if draw < accept + 0.04 else "PENDING"
        timeline = self._timeline
        lateness = rng.random()
        if lateness < 0.04 and month + 2 < len(timeline.months):
            sent_day, sent_minute = timeline.first(month + 2) + rng.randrange(25), daytime(rng)
        elif lateness < 0.14:
            sent_day, sent_minute = day + rng.randint(1, 20), daytime(rng)
        else:
            sent_day, sent_minute = later(day, minute, rng.randint(2, 600))
        if sent_day > timeline.last_day:
            return
        row["dmp_status"] = status
        row["dmp_sent_at"] = timeline.stamp(sent_day, sent_minute, self._offsets)

    def document(
        self,
        rng: random.Random,
        patient: int,
        code: str,
        day: int,
        minute: int,
        link: Link | None,
        unit: str | None,
    ) -> None:
        """A letter or report (sometimes in two versions), with its DMP fate."""
        made = self._new(rng, patient, code, day, minute, link, unit, _pick(rng, _FORMATS, _FORMAT_CUMULATIVE[code]))
        if made is None:
            return
        row, month = made
        row["no_transmission"] = rng.random() < 0.01
        if code in _VERSIONED and rng.random() < 0.025:
            second_day, second_minute = later(day, minute, rng.randint(30, 240))
            second_month = self._timeline.month_of(second_day)
            if second_month != BEYOND:
                second = dict(row, version=2)
                second["produced_at"] = self._timeline.stamp(second_day, second_minute, self._offsets)
                row["version"] = 1
                self._feed(rng, second, second_day, second_minute, second_month)
                self._emit(second, second_month)
        self._feed(rng, row, day, minute, month)
        self._emit(row, month)

    def prescriptions(
        self,
        rng: random.Random,
        patient: int,
        day: int,
        minute: int,
        link: Link | None,
        unit: str | None,
    ) -> None:
        """One to three prescriptions of the same moment, usually sent together as one lot."""
        count = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.75 else 3
        together = rng.random() < 0.8
        shared: Row | None = None
        for _ in range(count):
            code = _pick(rng, PRESCRIPTIONS, _PRESCRIPTION_CUMULATIVE)
            fmt = _pick(rng, _FORMATS, _FORMAT_CUMULATIVE["prescription"])
            made = self._new(rng, patient, code, day, minute, link, unit, fmt)
            if made is None:
                return
            row, month = made
            if together and shared is not None and fmt == "CDA_R2_N1":
                for name in ("dmp_status", "dmp_sent_at", "dmp_lot_id"):
                    row[name] = shared.get(name)
            else:
                self._feed(rng, row, day, minute, month)
                if row.get("dmp_sent_at") is not None:
                    self._lots += 1
                    row["dmp_lot_id"] = f"{self._prefix}LOT{self._lots:07d}"
                if together and shared is None and fmt == "CDA_R2_N1":
                    shared = row
            self._emit(row, month)

    def lab_report(self, rng: random.Random, patient: int, day: int, minute: int, link: Link | None) -> None:
        """A lab report: internal (N3, N1, N3 + N1 rendering sharing a report id) or subcontracted."""
        discipline = _pick(rng, _DISCIPLINES, _DISCIPLINE_CUMULATIVE)
        draw = rng.random()
        pair = self._internal_lab and draw < 0.25
        fmt = "CDA_R2_N3" if draw < 0.45 else "CDA_R2_N1" if draw < 0.9 else "PDF"
        made = self._new(rng, patient, LAB_REPORT, day, minute, link, self._lab_unit, fmt)
        if made is None:
            return
        row, month = made
        row["discipline"] = discipline
        row["subcontracted"] = not self._internal_lab or rng.random() < 0.05
        row["no_transmission"] = rng.random() < (0.25 if discipline == "GENETIQUE" else 0.02)
        self._feed(rng, row, day, minute, month)
        if pair:
            row["report_id"] = row["document_id"]
            made = self._new(rng, patient, LAB_REPORT, day, minute, link, self._lab_unit, "CDA_R2_N1")
            if made is not None:
                rendering = made[0]
                for name in ("report_id", "discipline", "subcontracted", "no_transmission"):
                    rendering[name] = row[name]
                if rng.random() < 0.8:
                    rendering["dmp_status"] = row["dmp_status"]
                    rendering["dmp_sent_at"] = row.get("dmp_sent_at")
                else:
                    self._feed(rng, rendering, day, minute, month)
                self._emit(rendering, month)
        self._emit(row, month)

    def imaging_report(self, rng: random.Random, patient: int, day: int, minute: int, link: Link | None) -> None:
        made = self._new(
            rng,
            patient,
            IMAGING_REPORT,
            day,
            minute,
            link,
            self._imaging_unit,
            _pick(rng, _FORMATS, _FORMAT_CUMULATIVE[IMAGING_REPORT]),
        )
        if made is None:
            return
        row, month = made
        row["modality"] = _pick(rng, _MODALITIES, _MODALITY_CUMULATIVE)
        row["subcontracted"] = rng.random() < 0.04
        row["no_transmission"] = False
        self._feed(rng, row, day, minute, month)
        self._emit(row, month)
