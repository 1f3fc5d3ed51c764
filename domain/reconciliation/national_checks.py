"""Which national count checks which indicator (indicators.md §7), as declarative data.

Decisions where §7 is silent, written here once:
- P1.O1 is checked against the INSi calls (`calls`), P1.O7 against the professional MSSanté
  messages carrying documents (`messages_with_documents`), P1.O8 against the patients messaged
  through MSSanté citoyenne (`patients_messaged`): the national figure closest to each numerator.
- The DMP indicators sum the `dmp_feeds` rows of the indicator's own type codes; their count is
  `documents_ins_qualified` when the file gives it, else `documents`. For prescriptions the
  national `lots` are reported beside it and explain a gap (`prescription_lots`), but do not
  replace the count.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from domain.indicators.catalogue import CATALOGUE
from domain.national.datasets import NationalDataset


@dataclass(frozen=True, slots=True)
class NationalCheck:
    indicator_id: str
    dataset: NationalDataset
    count_field: str  # the national count; for DMP feeds, the documents with a qualified INS
    fallback_field: str | None = None  # read when the file does not give `count_field`
    type_codes: frozenset[str] = frozenset()  # DMP feeds: the rows summed; empty otherwise

    @property
    def per_document_type(self) -> bool:
        return self.dataset is NationalDataset.DMP_FEEDS


def _dmp(indicator_id: str) -> NationalCheck:
    return NationalCheck(
        indicator_id,
        NationalDataset.DMP_FEEDS,
        "documents_ins_qualified",
        "documents",
        CATALOGUE[indicator_id].type_codes,
    )


NATIONAL_CHECKS: Mapping[str, NationalCheck] = {
    check.indicator_id: check
    for check in (
        NationalCheck("P1.O1", NationalDataset.INSI_CALLS, "calls"),
        *(_dmp(indicator_id) for indicator_id in ("P1.O2.LDL", "P1.O2.ODS", "P1.O3", "P1.O4", "P1.O5", "P1.O6")),
        NationalCheck("P1.O7", NationalDataset.MSS_PRO, "messages_with_documents"),
        NationalCheck("P1.O8", NationalDataset.MSS_CITIZEN, "patients_messaged"),
    )
}
"""Every indicator has a national check, in the catalogue's order."""
