"""Strata of the results (D17): the site or care unit each counted unit is attributed to, so that
a member can find the service where feeding broke down.

A stay counts in the stratum of its last encounter, a consultation in its site, a lab or imaging
report in the unit of its first document and the site of the encounter or consultation that
document is linked to; a patient counts in every site and unit where they had contact in the
month, so patient strata need not add up to the total. A key is None where the upload did not
give it (`unit` is optional, consultations have no unit, a report may link nothing).

Decisions where D17 is silent: a consultation is not given its report's unit, or the
consultations without a report would all fall under None and hide where reports are missing; a
report linked only to a PSY group (`stay_group_id`) has no site, as a group may span sites.
"""

from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    SITE = "site"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class Stratum:
    dimension: Dimension
    key: str | None


def strata_of(site: str | None, unit: str | None) -> tuple[Stratum, Stratum]:
    """The two strata, by site and by care unit, of one counted unit."""
    return Stratum(Dimension.SITE, site), Stratum(Dimension.UNIT, unit)
