"""The declarative catalogue of the nine indicators (indicators.md §2, §4, §5) and its methodology text."""

import re

import pytest

from domain.indicators.catalogue import (
    CATALOGUE,
    DEFAULT_PRESCRIPTION_TYPE_CODES,
    Capability,
    Exclusion,
    Stage,
    Unit,
    build_catalogue,
    methodology_fr,
)
from domain.records import DocumentFormat
from domain.referential import INDICATOR_IDS, SUNES_ANALOGUES, UNIT_OVERRIDE_INDICATORS, Capabilities

N1 = frozenset({DocumentFormat.CDA_R2_N1})


def test_catalogue_holds_the_nine_indicators_of_the_referential() -> None:
    assert tuple(CATALOGUE) == INDICATOR_IDS
    assert all(definition.id == key for key, definition in CATALOGUE.items())


def test_catalogue_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["P1.O9"] = CATALOGUE["P1.O1"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("indicator", "codes"),
    [
        ("P1.O2.LDL", {"11490-0"}),
        ("P1.O3", {"34874-8"}),
        ("P1.O4", {"11488-4"}),
        ("P1.O5", {"11502-2"}),
        ("P1.O6", {"18748-4"}),
        ("P1.O1", set()),
        ("P1.O7", set()),
        ("P1.O8", set()),
    ],
)
def test_each_indicator_has_its_type_codes(indicator: str, codes: set[str]) -> None:
    assert CATALOGUE[indicator].type_codes == codes


def test_discharge_prescriptions_are_the_dmp_class_42_and_ci_sis_local_codes() -> None:
    assert CATALOGUE["P1.O2.ODS"].type_codes == {
        "57833-6",
        "57832-8",
        "57828-6",
        "PRESC-BIO",
        "PRESC-KINE",
        "PRESC-INF",
        "PRESC-PEDI",
        "PRESC-ORTHOPHO",
        "PRESC-ORTHOPTIE",
    }


def test_hospital_report_34112_3_is_not_a_discharge_document_type() -> None:
    assert "34112-3" not in CATALOGUE["P1.O2.LDL"].type_codes | CATALOGUE["P1.O2.ODS"].type_codes


def test_a_discharge_letter_code_is_never_a_prescription_code() -> None:
    assert not CATALOGUE["P1.O2.LDL"].type_codes & CATALOGUE["P1.O2.ODS"].type_codes


def test_prescription_and_consultation_type_codes_are_replaceable_referential_data() -> None:
    catalogue = build_catalogue(
        prescription_type_codes=DEFAULT_PRESCRIPTION_TYPE_CODES | {"PRESC-NEW"},
        consultation_type_codes=frozenset({"11488-4", "LOCAL-CR"}),
    )
    assert "PRESC-NEW" in catalogue["P1.O2.ODS"].type_codes
    assert catalogue["P1.O4"].type_codes == {"11488-4", "LOCAL-CR"}
    assert "PRESC-NEW" not in CATALOGUE["P1.O2.ODS"].type_codes


def test_only_the_lab_report_indicator_accepts_cda_n3() -> None:
    assert CATALOGUE["P1.O5"].accepted_formats == {DocumentFormat.CDA_R2_N1, DocumentFormat.CDA_R2_N3}
    assert CATALOGUE["P1.O5"].format_exclusion is Exclusion.NOT_CDA_N1_OR_N3
    for definition in CATALOGUE.values():
        if definition.id != "P1.O5" and definition.type_codes:
            assert definition.accepted_formats == N1, definition.id
            assert definition.format_exclusion is Exclusion.NOT_CDA_N1


def test_only_discharge_prescriptions_are_exempt_from_the_datamatrix() -> None:
    assert [d.id for d in CATALOGUE.values() if d.datamatrix_exempt] == ["P1.O2.ODS"]
    assert Exclusion.NO_DATAMATRIX not in CATALOGUE["P1.O2.ODS"].exclusions
    assert Exclusion.NO_DATAMATRIX in CATALOGUE["P1.O2.LDL"].exclusions


@pytest.mark.parametrize(
    ("indicator", "unit"),
    [
        ("P1.O1", Unit.PATIENT),
        ("P1.O2.LDL", Unit.STAY),
        ("P1.O2.ODS", Unit.STAY),
        ("P1.O3", Unit.STAY),
        ("P1.O4", Unit.CONSULTATION),
        ("P1.O5", Unit.DOCUMENT),
        ("P1.O6", Unit.DOCUMENT),
        ("P1.O7", Unit.PATIENT),
        ("P1.O8", Unit.PATIENT),
    ],
)
def test_each_indicator_counts_its_unit_on_both_sides(indicator: str, unit: Unit) -> None:
    assert CATALOGUE[indicator].numerator_unit is unit and CATALOGUE[indicator].denominator_unit is unit


def test_only_discharge_indicators_allow_the_patient_unit_override() -> None:
    assert tuple(d.id for d in CATALOGUE.values() if d.unit_override_allowed) == UNIT_OVERRIDE_INDICATORS


def test_sunes_analogues_follow_the_guide_and_new_indicators_have_none() -> None:
    analogues = {d.id: d.sunes_analogue for d in CATALOGUE.values()}
    assert analogues == {
        "P1.O1": None,
        "P1.O2.LDL": "DS1.1",
        "P1.O2.ODS": "DS1.2",
        "P1.O3": "DS1.3",
        "P1.O4": None,
        "P1.O5": "DS2.1",
        "P1.O6": "DS3.1",
        "P1.O7": "DS4.1",
        "P1.O8": "DS4.2",
    }
    assert sorted(a for a in analogues.values() if a) == sorted(SUNES_ANALOGUES)


@pytest.mark.parametrize(
    ("indicator", "capability"),
    [
        ("P1.O3", Capability.HAS_SURGERY),
        ("P1.O4", Capability.HAS_ACE),
        ("P1.O5", Capability.HAS_INTERNAL_LAB),
        ("P1.O6", Capability.HAS_IMAGING),
    ],
)
def test_an_indicator_needing_a_capability_applies_only_to_entities_having_it(
    indicator: str, capability: Capability
) -> None:
    definition = CATALOGUE[indicator]
    assert definition.applicability is capability
    assert not definition.is_applicable(Capabilities())
    assert definition.is_applicable(Capabilities(**{capability.value: True}))


def test_indicators_without_capability_apply_to_every_entity() -> None:
    for indicator in ("P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O7", "P1.O8"):
        assert CATALOGUE[indicator].applicability is None
        assert CATALOGUE[indicator].is_applicable(Capabilities())


def test_every_indicator_lists_its_exclusions_in_the_order_of_application() -> None:
    order = list(Exclusion)
    for definition in CATALOGUE.values():
        positions = [order.index(exclusion) for exclusion in definition.exclusions]
        assert positions == sorted(set(positions)), definition.id


def test_denominator_exclusions_come_before_numerator_exclusions() -> None:
    for definition in CATALOGUE.values():
        stages = [exclusion.stage for exclusion in definition.exclusions]
        assert stages == sorted(stages, key=[Stage.DENOMINATOR, Stage.NUMERATOR].index), definition.id
        assert Stage.NUMERATOR in stages, definition.id


def test_dmp_rules_follow_section_4_order_in_stay_indicators() -> None:
    assert CATALOGUE["P1.O2.LDL"].exclusions == (
        Exclusion.HAD_SHORTER_THAN_8_DAYS,
        Exclusion.HAD_MINOR,
        Exclusion.NO_MES_PROFILE,
        Exclusion.NO_DOCUMENT_OF_TYPE,
        Exclusion.SCANNED,
        Exclusion.NOT_CDA_N1,
        Exclusion.NO_QUALIFIED_INS,
        Exclusion.NOT_ACCEPTED_BY_DMP,
        Exclusion.ACCEPTED_AFTER_AS_OF,
        Exclusion.LATE,
        Exclusion.NO_DATAMATRIX,
    )


def test_lab_and_imaging_reports_exclude_subcontracting_non_transmission_and_their_discipline_or_modality() -> None:
    lab, imaging = CATALOGUE["P1.O5"].exclusions, CATALOGUE["P1.O6"].exclusions
    assert lab[:4] == (
        Exclusion.NO_MES_PROFILE,
        Exclusion.SUBCONTRACTED,
        Exclusion.NON_TRANSMISSION,
        Exclusion.EXCLUDED_DISCIPLINE,
    )
    assert imaging[:4] == (
        Exclusion.NO_MES_PROFILE,
        Exclusion.SUBCONTRACTED,
        Exclusion.NON_TRANSMISSION,
        Exclusion.EXCLUDED_MODALITY,
    )


def test_mssante_indicators_have_no_mes_profile_filter_and_exclude_emergency_only_patients() -> None:
    for indicator in ("P1.O7", "P1.O8"):
        assert Exclusion.NO_MES_PROFILE not in CATALOGUE[indicator].exclusions
        assert CATALOGUE[indicator].exclusions[0] is Exclusion.EMERGENCY_ONLY
    assert Exclusion.NO_QUALIFIED_INS not in CATALOGUE["P1.O7"].exclusions


def test_ins_rate_excludes_doubtful_or_fictitious_identities_but_keeps_emergency_patients() -> None:
    assert CATALOGUE["P1.O1"].exclusions == (
        Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY,
        Exclusion.IDENTITY_NOT_QUALIFIED,
    )


def test_every_exclusion_has_a_stable_snake_case_code_and_a_french_label() -> None:
    for exclusion in Exclusion:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", exclusion.value)
        assert exclusion.value == exclusion.name.lower()
        assert exclusion.label_fr.strip()
    assert len({exclusion.label_fr for exclusion in Exclusion}) == len(Exclusion)


def test_every_exclusion_serves_an_indicator_except_the_document_level_type_check() -> None:
    used = {exclusion for definition in CATALOGUE.values() for exclusion in definition.exclusions}
    assert set(Exclusion) - used == {Exclusion.WRONG_TYPE_CODE}


def test_methodology_text_names_each_exclusion_label_in_order() -> None:
    for definition in CATALOGUE.values():
        text = methodology_fr(definition)
        positions = [text.index(exclusion.label_fr) for exclusion in definition.exclusions]
        assert positions == sorted(positions), definition.id


def test_methodology_text_names_unit_type_codes_formats_analogue_and_national_check() -> None:
    text = methodology_fr(CATALOGUE["P1.O5"])
    for expected in (
        "Unité : compte-rendu",
        "11502-2",
        "CDA R2 N1 ou CDA R2 N3",
        "DS2.1",
        CATALOGUE["P1.O5"].national_check_fr,
        "D16",
    ):
        assert expected in text


def test_methodology_of_a_new_indicator_says_it_has_no_sunes_analogue() -> None:
    assert "nouvel indicateur" in methodology_fr(CATALOGUE["P1.O4"])
    assert "nouvel indicateur" not in methodology_fr(CATALOGUE["P1.O3"])


def test_methodology_of_discharge_prescriptions_states_the_datamatrix_exemption() -> None:
    assert "non exigé" in methodology_fr(CATALOGUE["P1.O2.ODS"])
    assert "non exigé" not in methodology_fr(CATALOGUE["P1.O2.LDL"])


def test_methodology_follows_the_catalogue_data() -> None:
    catalogue = build_catalogue(prescription_type_codes=frozenset({"PRESC-ONLY"}))
    assert "PRESC-ONLY" in methodology_fr(catalogue["P1.O2.ODS"])
