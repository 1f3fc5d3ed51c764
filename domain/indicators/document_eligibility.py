"""§4: when a document produced for a DMP indicator counts as sent, and why it does not.

Rules are applied in the order of §4 and the first failed one is the reason (D16).
"""

from collections.abc import Iterable
from datetime import datetime

from domain.indicators.catalogue import Exclusion, IndicatorDefinition
from domain.periods import PARIS, Period
from domain.records import DmpStatus, Document, DocumentFormat


def paris_instant(instant: datetime) -> datetime:
    """An instant as an aware datetime; a datetime without offset is read as Paris time (§3)."""
    return instant.replace(tzinfo=PARIS) if instant.tzinfo is None else instant


def feeding_deadline(measured_month: Period, grace_months: int) -> datetime:
    """Exclusive deadline: the first Paris instant after month M + grace (D2)."""
    return measured_month.shifted(grace_months).ends_at


def first_failed_rule(
    document: Document,
    definition: IndicatorDefinition,
    *,
    measured_month: Period,
    as_of: datetime,
    grace_months: int,
    require_datamatrix: bool,
) -> Exclusion | None:
    """The first §4 rule the document fails, or None when it counts as sent for `measured_month`."""
    if document.type_code not in definition.type_codes:
        return Exclusion.WRONG_TYPE_CODE
    if document.format not in definition.accepted_formats:
        return Exclusion.SCANNED if document.format is DocumentFormat.SCAN else definition.format_exclusion
    if not document.ins_qualified:
        return Exclusion.NO_QUALIFIED_INS
    if document.dmp_status is not DmpStatus.ACCEPTED or document.dmp_sent_at is None:
        return Exclusion.NOT_ACCEPTED_BY_DMP
    accepted_at = paris_instant(document.dmp_sent_at)
    if accepted_at > paris_instant(as_of):
        return Exclusion.ACCEPTED_AFTER_AS_OF
    if accepted_at >= feeding_deadline(measured_month, grace_months):
        return Exclusion.LATE
    if document.datamatrix is False and require_datamatrix and not definition.datamatrix_exempt:
        return Exclusion.NO_DATAMATRIX
    return None


def datamatrix_unknown(document: Document, definition: IndicatorDefinition, *, require_datamatrix: bool) -> bool:
    """Whether the document's unknown DataMatrix must be reported as a data-quality warning:
    `None` never excludes (§4 rule 5) but is worth a warning where the DataMatrix is required."""
    return (
        document.datamatrix is None
        and require_datamatrix
        and not definition.datamatrix_exempt
        and document.type_code in definition.type_codes
    )


def deduplicated(documents: Iterable[Document]) -> list[Document]:
    """One document per `document_id`, in its highest version (D15), in first-seen order."""
    latest: dict[str, Document] = {}
    for document in documents:
        kept = latest.get(document.document_id)
        if kept is None or document.version > kept.version:
            latest[document.document_id] = document
    return list(latest.values())


def by_report(documents: Iterable[Document]) -> dict[str, list[Document]]:
    """Documents grouped by the report they render (`report_id`, default `document_id`): an N3
    report and its N1 rendering are one report for P1.O5/P1.O6 (D15). Deduplicate first."""
    reports: dict[str, list[Document]] = {}
    for document in documents:
        reports.setdefault(document.report, []).append(document)
    return reports


def group_failure(
    documents: Iterable[Document],
    definition: IndicatorDefinition,
    *,
    measured_month: Period,
    as_of: datetime,
    grace_months: int,
    require_datamatrix: bool,
) -> Exclusion | None:
    """Why a stay, a consultation or a report has no eligible document sent, or None when at least
    one of its documents counts (a report counts once, sent if any rendering is sent).

    Documents of another type code are ignored; with none of the indicator's type the group fails
    with NO_DOCUMENT_OF_TYPE. Otherwise it is reported under the failure of its document that went
    furthest through §4 (a late letter says more than a scanned one), so each group is counted
    once, under one reason (D16).
    """
    failures: list[Exclusion] = []
    for document in documents:
        failure = first_failed_rule(
            document,
            definition,
            measured_month=measured_month,
            as_of=as_of,
            grace_months=grace_months,
            require_datamatrix=require_datamatrix,
        )
        if failure is None:
            return None
        if failure is not Exclusion.WRONG_TYPE_CODE:
            failures.append(failure)
    if not failures:
        return Exclusion.NO_DOCUMENT_OF_TYPE
    order = list(Exclusion)
    return max(failures, key=order.index)
