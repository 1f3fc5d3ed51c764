"""The ARS texts are generated from the rules and name the decisions applied."""

from dataclasses import replace
from datetime import date

from domain.indicators.justification import calculation_details_fr, stay_notion_fr
from domain.periods import Period
from domain.referential import CountingUnit, LegalEntity, MesMode, Policies

ENTITY = LegalEntity("750712184", "CHU Test", "GHT", "75", date(2024, 1, 1))


def test_the_stay_notion_names_every_activity_rule_and_its_decisions() -> None:
    text = stay_notion_fr(ENTITY)
    for expected in (
        "HOPEN2-SEJOURS-1",
        "18 ans",
        "8 jours",
        "3 séances",
        "fenêtres de 4 mois",
        "(D5)",
        "(D6)",
        "(D7)",
        "(D8)",
    ):
        assert expected in text
    assert "(D12)" not in text


def test_the_stay_notion_records_a_unit_override() -> None:
    entity = replace(ENTITY, policies=Policies(unit_override={"P1.O2.LDL": CountingUnit.PATIENTS}))
    assert "l'unité de compte est le patient pour : P1.O2.LDL (D12)" in stay_notion_fr(entity)


def test_calculation_details_give_the_policies_then_every_indicator() -> None:
    entity = replace(ENTITY, policies=Policies(mes_mode=MesMode.WEIGHTED, feeding_grace_months=2))
    text = calculation_details_fr(entity, Period(2025, 3), "HOPEN2-P1")
    assert "mois 2025-03, référentiel de cibles HOPEN2-P1" in text
    assert "pondéré" in text and "fin du mois M + 2 (D2)" in text
    for indicator in ("P1.O1", "P1.O2.LDL", "P1.O2.ODS", "P1.O3", "P1.O4", "P1.O5", "P1.O6", "P1.O7", "P1.O8"):
        assert f"{indicator} — " in text
