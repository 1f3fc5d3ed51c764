"""Strata of the results (D17): the site or care unit each counted unit is attributed to, so that
a member can find the service where feeding broke down.

A stay counts in the stratum of its last encounter, a consultation in its site, a lab or imaging
report in the unit of its first document and the site of the encounter or consultation that
document is linked to; a patient counts in every site and unit where they had contact in the
month, so patient strata need not add up to the total. A key is None where the upload did not
give it (`unit` is optional, consultations have no unit, a report may link nothing).
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
