"""One member's activity, month after month: stays, sessions, passages, consultations, then the
month's messages and patients. Months before the first generated one (warm-up) only make the
stays and series that reach into it.
"""

import random

from adapters.demo.demo_calendar import clamp_minute
from adapters.demo.demo_documents import (
    CONSULTATION_REPORT,
    HOSPITAL_REPORT,
    LETTER,
    OPERATIVE_REPORT,
    Link,
    daytime,
    later,
)
from adapters.demo.demo_files import MonthFiles, Row
from adapters.demo.demo_ledger import PATHWAYS, MemberLedger
from adapters.demo.demo_messages import write_messages
from adapters.demo.demo_schedules import (
    chemotherapy_days,
    dialysis_days,
    length_of_stay,
    radiotherapy_days,
    series_window_ends,
    venue_group_days,
)

# per session: (letter, prescription, lab, imaging) chances, window months, pathway
_SERIES = {
    "DIALYSE": ((0.06, 0.03, 0.08, 0.0), 4, "IRC-DIALYSE"),
    "CHIMIOTHERAPIE": ((0.25, 0.4, 0.3, 0.1), 3, "ONCOLOGIE"),
    "RADIOTHERAPIE": ((0.04, 0.02, 0.0, 0.03), 3, "ONCOLOGIE"),
}


def _draws(rng: random.Random, rate: float) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


class MemberRun(MemberLedger):
    """Generates one member's records month after month (call `run_month` in month order)."""

    def run_month(self, month: int, files: MonthFiles | None) -> None:
        """Generates month `month` (negative: warm-up, nothing written) into `files`."""
        self._month, self._files = month, files
        self._referenced, self._cared, self._emergency = set(), {}, set()
        rng = random.Random(f"{self._seed}/{self.member.finess_ej}/{month}")  # noqa: S311 - demo data
        volumes = self.profile.volumes
        if files is not None:
            for row in self._appearances.pop(month, []):
                self._write_encounter(row)
            for row in self._later_documents.pop(month, []):
                files.documents.write(row)
                self._referenced.add(str(row["patient_id"]))
        if month == -self.timeline.warmup_months:
            for _ in range(self._volume(volumes.dialysis_patients)):
                self._chronic_dialysis(rng)
        for activity, monthly in (
            ("MCO", volumes.mco_stays),
            ("SMR", volumes.smr_stays),
            ("PSY", volumes.psy_stays),
            ("HAD", volumes.had_stays),
        ):
            for _ in range(self._volume(monthly)):
                self._stay(rng, month, activity)
        for _ in range(self._volume(volumes.psy_groups)):
            self._venue_group(rng, month)
        start_days = (self.timeline.first(month), self.timeline.last(month))
        for _ in range(self._volume(volumes.chemo_courses)):
            days = chemotherapy_days(rng, rng.randint(*start_days))
            self._series(rng, self.pool.add(rng), "CHIMIOTHERAPIE", days)
        for _ in range(self._volume(volumes.radio_courses)):
            days = radiotherapy_days(rng, self.timeline, rng.randint(*start_days))
            self._series(rng, self.pool.add(rng), "RADIOTHERAPIE", days)
        if files is None:
            return
        for _ in range(self._volume(volumes.dialysis_visitors)):
            first = rng.randint(*start_days)
            days = [first, first + 2] if rng.random() < 0.6 else [first]
            self._series(rng, self.pool.add(rng), "DIALYSE", days)
        for _ in range(self._volume(volumes.passages)):
            self._passage(rng, month)
        for _ in range(self._volume(volumes.psy_venues)):
            self._single_venue(rng, month)
        if month != self._quiet_month:
            for _ in range(self._volume(volumes.consultations)):
                self._consultation(rng, month, files)
        write_messages(
            rng,
            files,
            self.timeline,
            month,
            self.profile.practice,
            (*self.member.sites, self.member.finess_ej),
            self._cared,
            self._emergency.difference(self._cared),
            self._all_eligible,
            lambda: self._id("M"),
            self._offsets,
        )
        base = self.profile.ipp_base
        for patient_id in sorted(self._referenced):
            files.patients.write(self.pool.row(int(patient_id[3:]) - base, month))
        self._files = None

    # ---- stays and encounters ----------------------------------------------------------------

    def _stay(self, rng: random.Random, month: int, activity: str) -> None:
        timeline, practice = self.timeline, self.profile.practice
        day = rng.randint(timeline.first(month), timeline.last(month))
        end_day = day + length_of_stay(rng, activity)
        if end_day < timeline.first_day:
            return  # over before the first generated month: never written
        patient = self.pool.pick(rng)
        minute = clamp_minute(rng.randrange(6 * 60, 22 * 60))
        if end_day == day:
            end_day, end_minute = later(day, minute, rng.randint(120, 540))
        else:
            end_minute = rng.randrange(10 * 60, 19 * 60)
        explicit = timeline.is_last_day_of_month(end_day) and rng.random() < 0.3
        if explicit:
            end_minute = 23 * 60 + 30
        known = end_day <= timeline.last_day
        unit_key = activity.lower()
        row = self._encounter(
            rng,
            patient,
            activity,
            "HOSPITALISATION",
            unit_key,
            (day, minute),
            (end_day, end_minute) if known else None,
            explicit,
        )
        surgical_day = None
        if activity == "MCO" and rng.random() < practice.surgical:
            row["surgical_act"] = True
            surgical_day = min(end_day, day + rng.randint(0, 2))
        age = row["age_at_admission"]
        if activity == "HAD" and isinstance(age, int) and age < 18:
            row["unit"] = "HAD-PEDIA"
        self._place(row, day, end_day if known else None)
        link = ("encounter_id", str(row["encounter_id"]))
        self._stay_documents(rng, patient, (day, minute), (end_day, end_minute), link, row, surgical_day)

    def _stay_documents(
        self,
        rng: random.Random,
        patient: int,
        start: tuple[int, int],
        end: tuple[int, int],
        link: Link,
        row: Row,
        surgical_day: int | None,
    ) -> None:
        practice, documents = self.profile.practice, self.documents
        unit = str(row["unit"])
        for rate, make in (
            (practice.lab_per_stay, documents.lab_report),
            (practice.imaging_per_stay, documents.imaging_report),
        ):
            for _ in range(_draws(rng, rate)):
                day = rng.randint(start[0], end[0])
                if day == start[0]:
                    day, minute = later(*start, rng.randint(20, 240))
                else:
                    minute = daytime(rng)
                make(rng, patient, day, minute, link)
        if surgical_day is not None and rng.random() < practice.operative_report:
            day, minute = later(surgical_day, max(start[1], 12 * 60), rng.randint(30, 2000))
            documents.document(rng, patient, OPERATIVE_REPORT, day, minute, link, unit)
        if rng.random() < practice.letter:
            if rng.random() < 0.55:
                day, minute = later(*end, rng.randint(10, 240))
            else:
                day, minute = end[0] + rng.randint(1, 6), daytime(rng)
            documents.document(rng, patient, LETTER, day, minute, link, unit)
        if rng.random() < practice.hospital_report:
            day = end[0] + rng.randint(1, 10)
            documents.document(rng, patient, HOSPITAL_REPORT, day, daytime(rng), link, unit)
        if rng.random() < practice.prescription:
            documents.prescriptions(rng, patient, *later(*end, rng.randint(0, 30)), link, unit)

    def _passage(self, rng: random.Random, month: int) -> None:
        timeline, practice = self.timeline, self.profile.practice
        day = rng.randint(timeline.first(month), timeline.last(month))
        minute = clamp_minute(rng.randrange(1440))
        duration = rng.randint(60, 720)
        if 120 <= (minute + duration) % 1440 < 180:  # rather than a pile of 03:00 discharges
            duration += 60
        end = later(day, minute, duration)
        known = end[0] <= timeline.last_day
        patient = self.pool.pick(rng)
        row = self._encounter(rng, patient, "URGENCES", "PASSAGE", "urgences", (day, minute), end if known else None)
        self._place(row, day, end[0] if known else None)
        link = ("encounter_id", str(row["encounter_id"]))
        if rng.random() < practice.lab_per_passage:
            self.documents.lab_report(rng, patient, *later(day, minute, rng.randint(20, duration)), link)
        if rng.random() < practice.imaging_per_passage:
            self.documents.imaging_report(rng, patient, *later(day, minute, rng.randint(20, duration)), link)

    def _single_venue(self, rng: random.Random, month: int) -> None:
        day = rng.randint(self.timeline.first(month), self.timeline.last(month))
        minute = rng.randrange(9 * 60, 17 * 60)
        row = self._encounter(
            rng, self.pool.pick(rng), "PSY", "VENUE", "venue", (day, minute), later(day, minute, rng.randint(30, 120))
        )
        self._place(row, day, day)

    def _venue_group(self, rng: random.Random, month: int) -> None:
        """Day-hospital venues grouped into one PSY stay by `stay_group_id`."""
        timeline = self.timeline
        days = venue_group_days(rng, timeline, rng.randint(timeline.first(month), timeline.last(month)))
        if days[-1] < timeline.first_day:
            return
        patient = self.pool.pick(rng)
        group = self._id("G")
        template = self._encounter(rng, patient, "PSY", "VENUE", "venue", (days[0], 570), None)
        for day in days:
            if day > timeline.last_day:
                return  # the stay goes on after the last generated month: no discharge letter
            start, end = rng.randrange(8 * 60 + 30, 10 * 60 + 30), rng.randrange(16 * 60, 17 * 60 + 30)
            row = dict(template, encounter_id=self._id("E"), stay_group_id=group)
            row["admitted_at"] = timeline.stamp(day, start, self._offsets)
            row["discharged_at"] = timeline.stamp(day, end, self._offsets)
            self._place(row, day, day)
        link = ("stay_group_id", group)
        practice, unit = self.profile.practice, str(template["unit"])
        end_day = days[-1]
        if rng.random() < practice.letter:
            day = end_day + (0 if rng.random() < 0.4 else rng.randint(1, 8))
            minute = rng.randrange(16 * 60, 19 * 60)
            self.documents.document(rng, patient, LETTER, day, minute, link, unit)
        if rng.random() < practice.prescription:
            self.documents.prescriptions(rng, patient, end_day, 16 * 60, link, unit)

    def _chronic_dialysis(self, rng: random.Random) -> None:
        timeline = self.timeline
        start = rng.randint(0, timeline.first_day + (timeline.last_day - timeline.first_day) // 2)
        stop = timeline.last_day if rng.random() < 0.9 else rng.randint(start, timeline.last_day)
        self._series(rng, self.pool.add(rng), "DIALYSE", dialysis_days(rng, timeline, start, stop))

    def _series(self, rng: random.Random, patient: int, activity: str, days: list[int]) -> None:
        """Sessions of one course. A session before the first generated month is written in the
        file of the month its window (D6) closes in, as that month's stay needs it."""
        if not days:
            return
        timeline, documents = self.timeline, self.documents
        chances, window_months, pathway = _SERIES[activity]
        letter, prescription, lab, imaging = chances
        letter *= self.profile.practice.letter / 0.8
        if not self.profile.has_imaging:
            imaging = 0.0
        unit_key = {"DIALYSE": "dialyse", "CHIMIOTHERAPIE": "chimio"}.get(activity, "radio")
        ends = series_window_ends(timeline, days, window_months)
        template = self._encounter(rng, patient, activity, "SEANCE", unit_key, (days[0], 480), None)
        template["eligible_pathway"] = pathway if rng.random() < 0.8 else None
        for index, (day, window_end) in enumerate(zip(days, ends, strict=True)):
            if day > timeline.last_day:
                return
            if day < timeline.first_day and not timeline.first_day <= window_end <= timeline.last_day:
                continue  # its stay is not one of the generated months': never written
            start = rng.randrange(7 * 60, 15 * 60)
            end = start + rng.randint(150, 300)
            row = dict(template, encounter_id=self._id("E"))
            row["admitted_at"] = timeline.stamp(day, start, self._offsets)
            row["discharged_at"] = timeline.stamp(day, end, self._offsets)
            written_in = day if day >= timeline.first_day else window_end
            self._place(row, written_in, written_in)
            link, unit = ("encounter_id", str(row["encounter_id"])), str(row["unit"])
            last = index == len(days) - 1
            if rng.random() < (0.85 if activity == "RADIOTHERAPIE" and last else letter):
                documents.document(rng, patient, LETTER, day, end + 20, link, unit)
            if rng.random() < (prescription if index or activity != "CHIMIOTHERAPIE" else 0.9):
                documents.prescriptions(rng, patient, day, start + 30, link, unit)
            if rng.random() < lab:
                documents.lab_report(rng, patient, day, start + 60, link)
            if rng.random() < (imaging if index else 3 * imaging):
                documents.imaging_report(rng, patient, day, start + 90, link)

    # ---- consultations -------------------------------------------------------------

    def _consultation(self, rng: random.Random, month: int, files: MonthFiles) -> None:
        timeline, practice, documents = self.timeline, self.profile.practice, self.documents
        day = rng.randint(timeline.first(month), timeline.last(month))
        if timeline.weekday(day) >= 5 and rng.random() < 0.9:
            day = rng.randint(timeline.first(month), timeline.last(month))
        minute = rng.randrange(8 * 60, 19 * 60)
        patient = self.pool.pick(rng)
        pathway = PATHWAYS[rng.randrange(len(PATHWAYS))] if rng.random() < practice.pathway else None
        consultation_id = self._id("C")
        files.consultations.write(
            {
                "consultation_id": consultation_id,
                "patient_id": self.pool.ipp[patient],
                "finess_et": self.member.sites[rng.randrange(len(self.member.sites))],
                "occurred_at": timeline.stamp(day, minute, self._offsets),
                "ace_billed": rng.random() < practice.ace_billed,
                "eligible_pathway": pathway,
            }
        )
        patient_id = self.pool.ipp[patient]
        self._referenced.add(patient_id)
        self._cared[patient_id] = self._cared.get(patient_id, False) or pathway is not None
        link = ("consultation_id", consultation_id)
        if rng.random() < practice.consultation_report:
            if rng.random() < 0.7:
                report_day, report_minute = later(day, minute, rng.randint(15, 240))
            else:
                report_day, report_minute = day + rng.randint(1, 10), daytime(rng)
            unit = rng.choice(self.profile.units["consult"])
            documents.document(rng, patient, CONSULTATION_REPORT, report_day, report_minute, link, unit)
        if rng.random() < practice.lab_per_consultation:
            documents.lab_report(rng, patient, *later(day, minute, rng.randint(30, 600)), link)
        if rng.random() < practice.imaging_per_consultation:
            documents.imaging_report(rng, patient, *later(day, minute, rng.randint(30, 300)), link)
