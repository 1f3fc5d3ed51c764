"""Demo patients: people with a valid INS, and each member's pool of local identities (IPP).

A person may be a patient of several members: two IPPs, one INS. Each identity has a fixed rank
drawn once; its RNIV status in a month follows from the member's qualification rate that month,
so identities only ever progress (PROV -> RECUP -> VALI -> QUAL) as the rate improves.
"""

import random
from bisect import bisect
from itertools import accumulate

from adapters.demo.demo_members import MemberProfile
from domain.identifiers import nir_key

_PLACES = ("93", "95", "75", "94", "77", "92", "78", "59", "13", "2A", "2B", "99")
_PLACE_CUMULATIVE = tuple(accumulate((35, 10, 15, 8, 7, 5, 3, 3, 2, 1, 1, 10)))
_MES = ("UNKNOWN", "OPEN", "NONE", "OPPOSED", "CLOSED")
_MES_CUMULATIVE = tuple(accumulate((52, 36, 5, 4, 3)))
_AGES: dict[str, tuple[tuple[int, int, int], ...]] = {
    # (weight, youngest, oldest)
    "general": ((18, 0, 17), (45, 18, 59), (37, 60, 95)),
    "elderly": ((6, 0, 17), (14, 18, 59), (80, 60, 98)),
    "adult": ((8, 12, 17), (80, 18, 65), (12, 66, 90)),
    "senior": ((25, 18, 59), (75, 60, 92)),
}
_DOUBTFUL, _FICTITIOUS = 1, 2


def _weighted(rng: random.Random, values: tuple[str, ...], cumulative: tuple[int, ...]) -> str:
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


class Persons:
    """People of the territory: sex, month and place of birth, and the INS they give."""

    def __init__(self, reference_year: int) -> None:
        self.reference_year = reference_year
        self._sex: list[int] = []
        self._birth: list[int] = []
        self._place: list[str] = []
        self._serial: list[int] = []
        self._ins: dict[int, str] = {}
        self._taken: set[tuple[int, int, str, int]] = set()

    def add(self, rng: random.Random, ages: str) -> int:
        bands = _AGES[ages]
        pick = rng.random() * sum(band[0] for band in bands)
        youngest, oldest = bands[-1][1:]
        for weight, low, high in bands:
            if pick < weight:
                youngest, oldest = low, high
                break
            pick -= weight
        age = rng.randint(youngest, oldest)
        self._birth.append((self.reference_year - age - 1) * 12 + rng.randrange(12))
        place = _weighted(rng, _PLACES, _PLACE_CUMULATIVE)
        born_abroad_nia = place == "99" and rng.random() < 0.1
        sex = (7 if born_abroad_nia else 1) + rng.randrange(2)
        serial = rng.randrange(1, 1000) * 1000 + rng.randrange(1, 1000)
        while (sex, self._birth[-1], place, serial) in self._taken:  # one INS, one person
            serial = rng.randrange(1, 1000) * 1000 + rng.randrange(1, 1000)
        self._taken.add((sex, self._birth[-1], place, serial))
        self._sex.append(sex)
        self._place.append(place)
        self._serial.append(serial)
        return len(self._sex) - 1

    def birth(self, person: int) -> tuple[int, int]:
        """(year, month) of birth."""
        return divmod(self._birth[person], 12)[0], self._birth[person] % 12 + 1

    def ins(self, person: int) -> str:
        cached = self._ins.get(person)
        if cached is None:
            year, month = self.birth(person)
            first13 = f"{self._sex[person]}{year % 100:02d}{month:02d}{self._place[person]}{self._serial[person]:06d}"
            cached = self._ins[person] = f"{first13}{nir_key(first13):02d}"
        return cached


class PatientPool:
    """A member's local identities: patients `0..general_size-1` are picked for ordinary care;
    patients of series courses are added one per course so that each has a single course."""

    def __init__(
        self,
        rng: random.Random,
        persons: Persons,
        profile: MemberProfile,
        general_size: int,
        month_count: int,
        shared_from: "PatientPool | None",
    ) -> None:
        self.persons = persons
        self.profile = profile
        self.general_size = general_size
        self._month_count = month_count
        self._shared_from = shared_from
        self.person: list[int] = []
        self.rank: list[float] = []
        self.flags: list[int] = []
        self.mes: list[str] = []
        self.ipp: list[str] = []
        self._known: set[int] = set()
        for _ in range(general_size):
            self.add(rng)

    def add(self, rng: random.Random) -> int:
        """A new local identity (sometimes of a person already known to the shared pool)."""
        source = self._shared_from
        person = -1
        if source is not None and rng.random() < self.profile.shared_with_chu:
            person = source.person[rng.randrange(source.general_size)]
        if person < 0 or person in self._known:  # one local identity per person
            person = self.persons.add(rng, self.profile.ages)
        self._known.add(person)
        draw = rng.random()
        self.person.append(person)
        self.rank.append(rng.random())
        self.flags.append(_FICTITIOUS if draw < 0.003 else _DOUBTFUL if draw < 0.009 else 0)
        self.mes.append(_weighted(rng, _MES, _MES_CUMULATIVE))
        self.ipp.append(f"IPP{self.profile.ipp_base + len(self.ipp):07d}")
        return len(self.person) - 1

    def pick(self, rng: random.Random) -> int:
        return rng.randrange(self.general_size)

    def qualified_share(self, month: int) -> float:
        practice = self.profile.practice
        if self._month_count == 1:
            return practice.identity_end
        progress = min(max(month, 0), self._month_count - 1) / (self._month_count - 1)
        return practice.identity_start + (practice.identity_end - practice.identity_start) * progress

    def status(self, patient: int, month: int) -> str:
        if self.flags[patient]:
            return "PROV"
        share = self.qualified_share(month)
        rank = self.rank[patient]
        if rank < share:
            return "QUAL"
        remaining = (rank - share) / (1.0 - share)
        return "VALI" if remaining < 0.35 else "RECUP" if remaining < 0.55 else "PROV"

    def is_qualified(self, patient: int, month: int) -> bool:
        return not self.flags[patient] and self.rank[patient] < self.qualified_share(month)

    def age(self, patient: int, year: int, month: int) -> int:
        birth_year, birth_month = self.persons.birth(self.person[patient])
        return max(0, year - birth_year - (1 if month < birth_month else 0))

    def row(self, patient: int, month: int) -> dict[str, object]:
        """The patient's line of the month's patients file (a snapshot at month end)."""
        status = self.status(patient, month)
        flags = self.flags[patient]
        person = self.person[patient]
        has_ins = status != "PROV" and person % 41 != 0
        return {
            "patient_id": self.ipp[patient],
            "ins": self.persons.ins(person) if has_ins else None,
            "identity_status": status,
            "identity_doubtful": flags == _DOUBTFUL,
            "identity_fictitious": flags == _FICTITIOUS,
            "mes_status": self.mes[patient],
        }
