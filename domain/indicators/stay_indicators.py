"""P1.O2.LDL, P1.O2.ODS and P1.O3: stays closed in the month with an eligible document sent.

Counting unit: the stay, or the patient when the entity's policy says so (D12). A stay counts in
the strata of its last encounter (D17); a patient unit is formed in each stratum from the
patient's stays there.
"""

from collections import defaultdict

from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Tally
from domain.indicators.document_eligibility import deduplicated, group_failure
from domain.indicators.entity_month import EntityMonth
from domain.indicators.populations import has_mes_profile, state_of
from domain.indicators.stay_documents import documents_by_stay
from domain.indicators.strata import Stratum, strata_of
from domain.records import Document
from domain.referential import CountingUnit, MesMode
from domain.stays import Rejection, Stay, build_stays

_REJECTIONS = {
    Rejection.HAD_SHORTER_THAN_8_DAYS: Exclusion.HAD_SHORTER_THAN_8_DAYS,
    Rejection.HAD_MINOR: Exclusion.HAD_MINOR,
}


def tally_stay_indicator(data: EntityMonth, definition: IndicatorDefinition) -> Tally:
    """Stays closed in the month (D8); for ODS only those with a prescription produced, for
    P1.O3 only those with a surgical act; patients without a MES profile removed (exact mode)."""
    built = build_stays(data.encounters)
    tally_by_patient = data.entity.policies.unit_override.get(definition.id) is CountingUnit.PATIENTS
    tally = Tally(Unit.PATIENT if tally_by_patient else Unit.STAY)
    for rejected in built.rejected:
        if rejected.exit_month == data.month and rejected.reason in _REJECTIONS:
            tally.exclude(_REJECTIONS[rejected.reason], strata_of(rejected.last_site, rejected.last_unit))
    documents = documents_by_stay(built.stays, deduplicated(data.documents))
    exact = data.entity.policies.mes_mode is MesMode.EXACT  # weighted: nobody removed (D9)
    in_scope: list[Stay] = []
    for stay in built.stays:
        if not stay.closed_in(data.month, data.as_of) or not _in_population(stay, documents, definition):
            continue
        if exact and not has_mes_profile(state_of(data.patients, stay.patient)):
            tally.exclude(Exclusion.NO_MES_PROFILE, strata_of(stay.last_site, stay.last_unit))
            continue
        in_scope.append(stay)
    groups: dict[str, list[Document]] = defaultdict(list)
    stratum_groups: dict[tuple[Stratum, str], list[Document]] = defaultdict(list)
    for stay in in_scope:
        key = stay.patient if tally_by_patient else stay.stay_id
        groups[key].extend(documents.get(stay.stay_id, ()))
        for stratum in strata_of(stay.last_site, stay.last_unit):
            stratum_groups[(stratum, key)].extend(documents.get(stay.stay_id, ()))
    policies = data.entity.policies

    def failure(linked: list[Document]) -> Exclusion | None:
        return group_failure(
            linked,
            definition,
            measured_month=data.month,
            as_of=data.as_of,
            grace_months=policies.feeding_grace_months,
            require_datamatrix=policies.require_datamatrix,
        )

    for linked in groups.values():
        tally.judge(failure(linked))
    for (stratum, _), linked in stratum_groups.items():
        tally.stratum(stratum).judge(failure(linked))
    return tally


def _in_population(stay: Stay, documents: dict[str, list[Document]], definition: IndicatorDefinition) -> bool:
    if definition.id == "P1.O3":
        return stay.surgical
    if definition.id == "P1.O2.ODS":
        return any(document.type_code in definition.type_codes for document in documents.get(stay.stay_id, ()))
    return True
