"""Which documents belong to which stay (indicators.md §3, last paragraph).

A document belongs to a stay when the upload links it to one of the stay's encounters or to its
PSY group; for a series stay (radiotherapy, chemotherapy, dialysis) a document of the same
patient produced within the stay's window belongs to it too.
"""

from collections import defaultdict
from collections.abc import Iterable

from domain.records import Document
from domain.stays import Stay, StayRule


def documents_by_stay(stays: Iterable[Stay], documents: Iterable[Document]) -> dict[str, list[Document]]:
    stays = list(stays)
    by_encounter = {encounter_id: stay.stay_id for stay in stays for encounter_id in stay.encounter_ids}
    by_group = {stay.group_id: stay.stay_id for stay in stays if stay.rule is StayRule.PSY_GROUP and stay.group_id}
    series: dict[str, list[Stay]] = defaultdict(list)
    for stay in stays:
        if stay.rule is StayRule.SERIES_WINDOW:
            series[stay.patient].append(stay)
    linked: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        owners = set()
        if document.encounter_id in by_encounter:
            owners.add(by_encounter[document.encounter_id])
        if document.stay_group_id in by_group:
            owners.add(by_group[document.stay_group_id])
        owners.update(
            stay.stay_id
            for stay in series.get(document.patient, ())
            if stay.exit is not None and stay.entry <= document.produced_at < stay.exit
        )
        for owner in owners:
            linked[owner].append(document)
    return dict(linked)
