"""P1.O4 (consultation reports), P1.O5 (lab reports) and P1.O6 (imaging reports).

Strata (D17): a consultation counts in its site (consultations carry no care unit); a report in
the unit of its first document and the site of what that document is linked to.
"""

from collections import defaultdict

from domain.indicators.catalogue import Exclusion, IndicatorDefinition, Unit
from domain.indicators.counting import Tally
from domain.indicators.document_eligibility import by_report, deduplicated, group_failure
from domain.indicators.entity_month import EntityMonth
from domain.indicators.populations import has_mes_profile, occurs_in, state_of
from domain.indicators.strata import Stratum, strata_of
from domain.records import Document, ImagingModality, LabDiscipline
from domain.referential import MesMode

EXCLUDED_DISCIPLINES = frozenset({LabDiscipline.ACP, LabDiscipline.GENETIQUE})
COUNTED_MODALITIES = frozenset(
    {ImagingModality.RADIO, ImagingModality.MAMMO, ImagingModality.SCANNER, ImagingModality.IRM, ImagingModality.ECHO}
)


def tally_consultation_reports(data: EntityMonth, definition: IndicatorDefinition) -> Tally:
    """ACE-billed consultations of the month; a report linked by `consultation_id` sent."""
    tally = Tally(Unit.CONSULTATION)
    linked: dict[str, list[Document]] = defaultdict(list)
    for document in deduplicated(data.documents):
        if document.consultation_id:
            linked[document.consultation_id].append(document)
    for consultation in data.consultations:
        if not (consultation.ace_billed and occurs_in(consultation, data.month)):
            continue
        strata = strata_of(consultation.site, None)
        if not _has_profile(data, consultation.patient):
            tally.exclude(Exclusion.NO_MES_PROFILE, strata)
            continue
        tally.judge(_failure(data, definition, linked.get(consultation.consultation_id, [])), strata)
    return tally


def tally_reports(data: EntityMonth, definition: IndicatorDefinition) -> Tally:
    """Lab (P1.O5) or imaging (P1.O6) reports produced in the month: an N3 report and its N1
    rendering are one report (D15), sent if any of its documents is."""
    tally = Tally(Unit.DOCUMENT)
    documents = [document for document in deduplicated(data.documents) if document.type_code in definition.type_codes]
    for report in by_report(documents).values():
        produced = min(document.produced_at for document in report)
        if not data.month.starts_at <= produced < data.month.ends_at:
            continue
        reason = _report_exclusion(data, definition, report)
        strata = _report_strata(data, _first_of(report))
        if reason is None:
            tally.judge(_failure(data, definition, report), strata)
        else:
            tally.exclude(reason, strata)
    return tally


def _report_exclusion(data: EntityMonth, definition: IndicatorDefinition, report: list[Document]) -> Exclusion | None:
    """The first denominator rule the report fails, in the catalogue's order (D16)."""
    if not _has_profile(data, _first_of(report).patient):
        return Exclusion.NO_MES_PROFILE
    if any(document.subcontracted for document in report):
        return Exclusion.SUBCONTRACTED
    if any(document.no_transmission for document in report):
        return Exclusion.NON_TRANSMISSION
    if Exclusion.EXCLUDED_DISCIPLINE in definition.exclusions and any(
        document.discipline in EXCLUDED_DISCIPLINES for document in report
    ):
        return Exclusion.EXCLUDED_DISCIPLINE
    if Exclusion.EXCLUDED_MODALITY in definition.exclusions and not any(
        document.modality in COUNTED_MODALITIES for document in report
    ):
        return Exclusion.EXCLUDED_MODALITY
    return None


def _first_of(report: list[Document]) -> Document:
    """The report's first document (by production instant, then id): its patient and strata."""
    return min(report, key=lambda document: (document.produced_at, document.document_id))


def _report_strata(data: EntityMonth, first: Document) -> tuple[Stratum, Stratum]:
    """The site of the encounter the document is linked to, else of its consultation."""
    site = next(
        (encounter.site for encounter in data.encounters if encounter.encounter_id == first.encounter_id), None
    ) or next(
        (
            consultation.site
            for consultation in data.consultations
            if consultation.consultation_id == first.consultation_id
        ),
        None,
    )
    return strata_of(site, first.unit)


def _has_profile(data: EntityMonth, patient: str) -> bool:
    """In the weighted MES mode the entity cannot know profiles: nobody is removed (D9)."""
    return data.entity.policies.mes_mode is MesMode.WEIGHTED or has_mes_profile(state_of(data.patients, patient))


def _failure(data: EntityMonth, definition: IndicatorDefinition, documents: list[Document]) -> Exclusion | None:
    policies = data.entity.policies
    return group_failure(
        documents,
        definition,
        measured_month=data.month,
        as_of=data.as_of,
        grace_months=policies.feeding_grace_months,
        require_datamatrix=policies.require_datamatrix,
    )
