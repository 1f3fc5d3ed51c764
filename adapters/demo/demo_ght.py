"""A deterministic synthetic GHT for demonstrations: its referential and six months of uploads.

`write_demo_ght(folder, months)` writes `folder/referential.json` and, for every member and
month, the five monthly files of the data contract under `folder/<finess_ej>/<YYYY-MM>/`.
The same seed and months always give byte-identical files (no clock, no global random state).

The files are written as the members' interface teams would have extracted them at the end of
the last month: stays still open then have no discharge, DMP statuses are those known then, and
each file holds the records of its month (an encounter overlapping several months is in each of
their files). Members write in their own styles: see `DemoFile.media_type` and the member
profiles in `demo_members`.
"""

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.demo.demo_calendar import Timeline
from adapters.demo.demo_files import KINDS, MonthFiles
from adapters.demo.demo_members import MEMBERS
from adapters.demo.demo_patients import PatientPool, Persons
from adapters.demo.demo_records import MemberRun
from adapters.demo.demo_referential import GHT_ID, draw_members, write_referential

WARMUP_MONTHS = 4
"""Months simulated before the first one so that it starts with stays and series under way."""
_TAIL_DAYS = 400


@dataclass(frozen=True)
class DemoFile:
    finess_ej: str
    period: str
    kind: str
    path: Path
    rows: int = 0
    media_type: str = "text/csv; charset=utf-8"
    """`text/csv; charset=utf-8` (with or without BOM), `text/csv; charset=iso-8859-1` or
    `application/x-ndjson`."""

    @property
    def empty(self) -> bool:
        """A header-only file: its upload must say `allow_empty=true`."""
        return self.rows == 0


@dataclass(frozen=True)
class DemoGht:
    ght_id: str
    support_finess_ej: str
    finess_ejs: tuple[str, ...]
    months: tuple[str, ...]
    referential_path: Path
    files: tuple[DemoFile, ...]
    """In upload order: month by month, member by member, patients first."""
    rows_by_kind: Mapping[str, int]
    """Rows written per kind, all members and months together."""

    def rows(self, kind: str, period: str | None = None, finess_ej: str | None = None) -> int:
        return sum(
            demo_file.rows
            for demo_file in self.files
            if demo_file.kind == kind
            and (period is None or demo_file.period == period)
            and (finess_ej is None or demo_file.finess_ej == finess_ej)
        )


def write_demo_ght(folder: Path, months: Sequence[str], seed: int = 2026, scale: float = 1.0) -> DemoGht:
    """Writes the demo GHT for `months` (consecutive `YYYY-MM` labels, ascending) into `folder`.

    `scale` multiplies every volume (1.0: about 50,000 encounters and 25,000 consultations a
    month); smaller scales keep every kind of case and serve fast tests.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    timeline = Timeline(months, WARMUP_MONTHS, _TAIL_DAYS)
    folder.mkdir(parents=True, exist_ok=True)
    members = draw_members(random.Random(f"{seed}/referential"), MEMBERS)  # noqa: S311 - demo data
    referential_path = folder / "referential.json"
    write_referential(referential_path, members, f"{timeline.months[0]}-01")
    persons = Persons(reference_year=timeline.year_month[WARMUP_MONTHS][0])
    runs: list[MemberRun] = []
    shared: PatientPool | None = None
    for member in members:
        pool_rng = random.Random(f"{seed}/{member.finess_ej}/pool")  # noqa: S311 - demo data
        size = max(50, round(member.profile.volumes.pool * scale))
        pool = PatientPool(pool_rng, persons, member.profile, size, len(timeline.months), shared)
        shared = shared or pool
        runs.append(MemberRun(member, timeline, pool, seed, scale))
    files: list[DemoFile] = []
    for month in range(-WARMUP_MONTHS, len(timeline.months)):
        for run in runs:
            if month < 0:
                run.run_month(month, None)
                continue
            period = timeline.months[month]
            style = run.profile.style
            month_files = MonthFiles(folder / run.member.finess_ej / period, style)
            try:
                run.run_month(month, month_files)
            finally:
                month_files.close()
            for kind in KINDS:
                record_file = month_files.by_kind[kind]
                files.append(
                    DemoFile(
                        run.member.finess_ej,
                        period,
                        kind,
                        record_file.path,
                        record_file.rows,
                        style.media_type,
                    )
                )
    totals: Counter[str] = Counter()
    for demo_file in files:
        totals[demo_file.kind] += demo_file.rows
    return DemoGht(
        ght_id=GHT_ID,
        support_finess_ej=members[0].finess_ej,
        finess_ejs=tuple(member.finess_ej for member in members),
        months=timeline.months,
        referential_path=referential_path,
        files=tuple(files),
        rows_by_kind={kind: totals[kind] for kind in KINDS},
    )
