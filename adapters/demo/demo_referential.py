"""The demo GHT's referential: valid FINESS numbers for members and sites, and `referential.json`."""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.demo.demo_members import MemberProfile
from domain.identifiers import is_valid_finess

GHT_ID = "GHT-IDF-DEMO"
GHT_NAME = "GHT Grand Paris Nord-Est (démonstration)"
GHT_REGION = "11"


@dataclass(frozen=True)
class Member:
    """A member profile with the FINESS numbers drawn for it."""

    profile: MemberProfile
    finess_ej: str
    sites: tuple[str, ...]
    """FINESS géographiques, in the order of `profile.site_names`."""


def draw_finess(rng: random.Random, department: str, taken: set[str]) -> str:
    """A new Luhn-valid FINESS number of `department` (the last digit is the check digit)."""
    while True:
        body = department + "0" + "".join(str(rng.randrange(10)) for _ in range(5))
        for check in "0123456789":
            candidate = body + check
            if is_valid_finess(candidate):
                break
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def draw_members(rng: random.Random, profiles: Sequence[MemberProfile]) -> tuple[Member, ...]:
    taken: set[str] = set()
    members = []
    for profile in profiles:
        finess_ej = draw_finess(rng, profile.department, taken)
        sites = tuple(draw_finess(rng, profile.department, taken) for _ in profile.site_names)
        members.append(Member(profile, finess_ej, sites))
    return tuple(members)


def referential_document(members: Sequence[Member], valid_from: str) -> dict[str, object]:
    """The referential in the shape the API accepts; the first member is the support."""
    entities = []
    sites = []
    for member in members:
        profile = member.profile
        entities.append(
            {
                "finess_ej": member.finess_ej,
                "name": profile.name,
                "ght_id": GHT_ID,
                "department": profile.department,
                "candidate_indicators": list(profile.candidates),
                "sunes_achieved": list(profile.sunes),
                "has_surgery": profile.has_surgery,
                "has_ace": profile.has_ace,
                "has_internal_lab": profile.has_internal_lab,
                "has_imaging": profile.has_imaging,
                "is_had": profile.is_had,
                "had_no_ods_attestation": profile.had_no_ods_attestation,
                "policies": dict(profile.policies),
                "valid_from": valid_from,
            }
        )
        for finess_et, name in zip(member.sites, profile.site_names, strict=True):
            sites.append(
                {
                    "finess_et": finess_et,
                    "finess_ej": member.finess_ej,
                    "name": name,
                    "valid_from": valid_from,
                }
            )
    return {
        "ght": {
            "ght_id": GHT_ID,
            "name": GHT_NAME,
            "region": GHT_REGION,
            "support_finess_ej": members[0].finess_ej,
        },
        "legal_entities": entities,
        "sites": sites,
    }


def write_referential(path: Path, members: Sequence[Member], valid_from: str) -> None:
    text = json.dumps(referential_document(members, valid_from), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
