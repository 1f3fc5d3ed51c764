"""§4 eligibility of a document sent to the DMP, its versions and its report identity (D1, D2, D15, D16)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.indicators.catalogue import CATALOGUE, DEFAULT_PRESCRIPTION_TYPE_CODES, Exclusion, IndicatorDefinition
from domain.indicators.document_eligibility import (
    by_report,
    datamatrix_unknown,
    deduplicated,
    feeding_deadline,
    first_failed_rule,
    group_failure,
)
from domain.periods import PARIS, Period
from domain.records import DmpStatus, Document, DocumentFormat

LDL = CATALOGUE["P1.O2.LDL"]
ODS = CATALOGUE["P1.O2.ODS"]
LAB = CATALOGUE["P1.O5"]
DECEMBER = Period(2024, 12)
AS_OF = datetime(2025, 3, 15, 12, 0, tzinfo=PARIS)


def letter(**changes: object) -> Document:
    """A discharge letter that counts for December 2024: every test changes one thing."""
    document = Document(
        document_id="doc-1",
        patient="p-1",
        type_code="11490-0",
        produced_at=datetime(2024, 12, 20, 10, 0, tzinfo=PARIS),
        format=DocumentFormat.CDA_R2_N1,
        ins_qualified=True,
        datamatrix=True,
        dmp_status=DmpStatus.ACCEPTED,
        dmp_sent_at=datetime(2024, 12, 21, 9, 0, tzinfo=PARIS),
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def failure(
    document: Document,
    definition: IndicatorDefinition = LDL,
    *,
    as_of: datetime = AS_OF,
    grace_months: int = 1,
    require_datamatrix: bool = True,
) -> Exclusion | None:
    return first_failed_rule(
        document,
        definition,
        measured_month=DECEMBER,
        as_of=as_of,
        grace_months=grace_months,
        require_datamatrix=require_datamatrix,
    )


def group(documents: list[Document], definition: IndicatorDefinition = LDL) -> Exclusion | None:
    return group_failure(
        documents, definition, measured_month=DECEMBER, as_of=AS_OF, grace_months=1, require_datamatrix=True
    )


def test_discharge_letter_meeting_every_rule_counts_as_sent() -> None:
    assert failure(letter()) is None


def test_hospital_report_34112_3_is_never_a_discharge_letter() -> None:
    assert failure(letter(type_code="34112-3")) is Exclusion.WRONG_TYPE_CODE


def test_discharge_letter_is_never_a_prescription_and_a_prescription_never_a_letter() -> None:
    assert failure(letter(), ODS) is Exclusion.WRONG_TYPE_CODE
    assert failure(letter(type_code="57833-6"), LDL) is Exclusion.WRONG_TYPE_CODE


@pytest.mark.parametrize("type_code", sorted(DEFAULT_PRESCRIPTION_TYPE_CODES))
def test_every_prescription_type_code_counts_as_a_discharge_prescription(type_code: str) -> None:
    assert failure(letter(type_code=type_code), ODS) is None


def test_scanned_discharge_letter_does_not_count() -> None:
    assert failure(letter(format=DocumentFormat.SCAN)) is Exclusion.SCANNED


@pytest.mark.parametrize("document_format", [DocumentFormat.PDF, DocumentFormat.OTHER])
def test_pdf_or_other_discharge_letter_is_not_cda_n1(document_format: DocumentFormat) -> None:
    assert failure(letter(format=document_format)) is Exclusion.NOT_CDA_N1


def test_n3_discharge_letter_does_not_count() -> None:
    assert failure(letter(format=DocumentFormat.CDA_R2_N3)) is Exclusion.NOT_CDA_N1


def test_n3_lab_report_counts() -> None:
    assert failure(letter(type_code="11502-2", format=DocumentFormat.CDA_R2_N3), LAB) is None


def test_pdf_lab_report_is_neither_cda_n1_nor_n3() -> None:
    assert failure(letter(type_code="11502-2", format=DocumentFormat.PDF), LAB) is Exclusion.NOT_CDA_N1_OR_N3


def test_scanned_lab_report_is_reported_as_scanned() -> None:
    assert failure(letter(type_code="11502-2", format=DocumentFormat.SCAN), LAB) is Exclusion.SCANNED


def test_document_without_qualified_ins_does_not_count() -> None:
    assert failure(letter(ins_qualified=False)) is Exclusion.NO_QUALIFIED_INS


@pytest.mark.parametrize("status", [DmpStatus.NOT_SENT, DmpStatus.PENDING, DmpStatus.REJECTED])
def test_document_not_accepted_by_the_dmp_does_not_count(status: DmpStatus) -> None:
    assert failure(letter(dmp_status=status)) is Exclusion.NOT_ACCEPTED_BY_DMP


def test_accepted_status_without_acceptance_instant_is_not_accepted() -> None:
    assert failure(letter(dmp_sent_at=None)) is Exclusion.NOT_ACCEPTED_BY_DMP


def test_dmp_acceptance_after_as_of_does_not_count() -> None:
    as_of = datetime(2024, 12, 21, 8, 59, tzinfo=PARIS)
    assert failure(letter(), as_of=as_of) is Exclusion.ACCEPTED_AFTER_AS_OF


def test_dmp_acceptance_exactly_at_as_of_counts() -> None:
    assert failure(letter(), as_of=datetime(2024, 12, 21, 8, 0, tzinfo=UTC)) is None


def test_document_accepted_after_the_end_of_the_following_month_is_late() -> None:
    assert failure(letter(dmp_sent_at=datetime(2025, 2, 3, 10, 0, tzinfo=PARIS))) is Exclusion.LATE


def test_document_accepted_at_2359_paris_on_the_deadline_day_is_on_time() -> None:
    # 31 January 23:59 in Paris is 22:59 UTC (UTC+1 in winter)
    assert failure(letter(dmp_sent_at=datetime(2025, 1, 31, 22, 59, tzinfo=UTC))) is None


def test_document_accepted_at_0030_paris_after_the_deadline_is_late_although_utc_still_says_january() -> None:
    # 31 January 23:30 UTC is already 1 February 00:30 in Paris
    assert failure(letter(dmp_sent_at=datetime(2025, 1, 31, 23, 30, tzinfo=UTC))) is Exclusion.LATE


def test_summer_deadline_follows_paris_summer_time() -> None:
    assert feeding_deadline(Period(2025, 3), 1) == datetime(2025, 4, 30, 22, 0, tzinfo=UTC)


def test_naive_acceptance_instant_is_read_as_paris_time() -> None:
    assert failure(letter(dmp_sent_at=datetime(2025, 1, 31, 23, 59))) is None
    assert failure(letter(dmp_sent_at=datetime(2025, 2, 1, 0, 0))) is Exclusion.LATE


def test_grace_policy_moves_the_feeding_deadline() -> None:
    in_january = letter(dmp_sent_at=datetime(2025, 1, 10, tzinfo=PARIS))
    in_february = letter(dmp_sent_at=datetime(2025, 2, 10, tzinfo=PARIS))
    assert failure(in_january, grace_months=0) is Exclusion.LATE
    assert failure(in_february, grace_months=2) is None


def test_pdf_without_datamatrix_does_not_count_when_the_policy_requires_it() -> None:
    assert failure(letter(datamatrix=False)) is Exclusion.NO_DATAMATRIX


def test_pdf_without_datamatrix_counts_when_the_policy_does_not_require_it() -> None:
    assert failure(letter(datamatrix=False), require_datamatrix=False) is None


def test_missing_datamatrix_flag_never_excludes() -> None:
    assert failure(letter(datamatrix=None)) is None


def test_discharge_prescription_without_datamatrix_still_counts() -> None:
    assert failure(letter(type_code="57833-6", datamatrix=False), ODS) is None


def test_missing_datamatrix_flag_is_a_warning_only_where_the_datamatrix_is_required() -> None:
    assert datamatrix_unknown(letter(datamatrix=None), LDL, require_datamatrix=True)
    assert not datamatrix_unknown(letter(datamatrix=None), LDL, require_datamatrix=False)
    assert not datamatrix_unknown(letter(type_code="57833-6", datamatrix=None), ODS, require_datamatrix=True)
    assert not datamatrix_unknown(letter(datamatrix=True), LDL, require_datamatrix=True)


def test_first_failed_rule_is_reported_once() -> None:
    document = letter(format=DocumentFormat.SCAN, ins_qualified=False, dmp_status=DmpStatus.NOT_SENT, dmp_sent_at=None)
    assert failure(document) is Exclusion.SCANNED


def test_late_document_without_datamatrix_is_counted_as_late() -> None:
    document = letter(datamatrix=False, dmp_sent_at=datetime(2025, 2, 3, tzinfo=PARIS))
    assert failure(document) is Exclusion.LATE


def test_every_reason_a_document_fails_is_listed_among_its_indicator_exclusions() -> None:
    variants = [letter(format=f) for f in DocumentFormat] + [
        letter(ins_qualified=False),
        letter(dmp_status=DmpStatus.REJECTED),
        letter(datamatrix=False),
        letter(dmp_sent_at=datetime(2025, 3, 16, tzinfo=PARIS)),
        letter(dmp_sent_at=datetime(2025, 2, 3, tzinfo=PARIS)),
    ]
    for definition in CATALOGUE.values():
        code = next(iter(sorted(definition.type_codes)), None)
        if code is None:
            continue
        for variant in variants:
            reason = failure(replace(variant, type_code=code), definition)
            assert reason is None or reason in definition.exclusions, (definition.id, reason)


def test_two_versions_of_one_document_count_once() -> None:
    documents = deduplicated([letter(version=1), letter(version=2), letter(document_id="doc-2")])
    assert [(d.document_id, d.version) for d in documents] == [("doc-1", 2), ("doc-2", 1)]


def test_highest_version_is_the_state_of_a_document_whatever_the_input_order() -> None:
    replaced_by_a_scan = [letter(version=2, format=DocumentFormat.SCAN), letter(version=1)]
    (state,) = deduplicated(replaced_by_a_scan)
    assert failure(state) is Exclusion.SCANNED


def test_n1_and_n3_renderings_of_a_report_are_one_report() -> None:
    n3 = letter(document_id="lab-n3", type_code="11502-2", format=DocumentFormat.CDA_R2_N3, report_id="r-1")
    n1 = letter(document_id="lab-n1", type_code="11502-2", report_id="r-1")
    alone = letter(document_id="lab-2", type_code="11502-2")
    reports = by_report([n3, n1, alone])
    assert reports == {"r-1": [n3, n1], "lab-2": [alone]}


def test_report_is_sent_if_any_of_its_renderings_is_sent() -> None:
    unsent_n3 = letter(
        document_id="a",
        type_code="11502-2",
        format=DocumentFormat.CDA_R2_N3,
        report_id="r",
        dmp_status=DmpStatus.NOT_SENT,
        dmp_sent_at=None,
    )
    sent_n1 = letter(document_id="b", type_code="11502-2", report_id="r")
    assert group([unsent_n3, sent_n1], LAB) is None
    assert group([unsent_n3], LAB) is Exclusion.NOT_ACCEPTED_BY_DMP


def test_stay_without_a_document_of_the_indicator_type_has_no_document_of_type() -> None:
    assert group([]) is Exclusion.NO_DOCUMENT_OF_TYPE
    assert group([letter(type_code="34112-3")]) is Exclusion.NO_DOCUMENT_OF_TYPE


def test_stay_is_counted_under_the_failure_of_its_most_advanced_letter() -> None:
    scanned = letter(document_id="a", format=DocumentFormat.SCAN)
    late = letter(document_id="b", dmp_sent_at=datetime(2025, 2, 3, tzinfo=PARIS))
    assert group([scanned, late]) is Exclusion.LATE
    assert group([late, scanned, letter(document_id="c")]) is None
