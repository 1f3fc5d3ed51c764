"""FINESS and INS checks of data-contract.md §1."""

from domain.identifiers import finess_problem, ins_problem, is_valid_finess, is_valid_ins, nir_key


def test_real_aphp_finess_passes_the_luhn_check() -> None:
    assert is_valid_finess("750712184")


def test_a_wrong_finess_check_digit_is_refused_with_the_reason() -> None:
    assert finess_problem("750712185") == "the FINESS check digit (Luhn) does not match"


def test_corsican_finess_is_checked_for_format_only() -> None:
    assert is_valid_finess("2A0000001") and is_valid_finess("2B9999999")
    assert not is_valid_finess("2C0000001")


def test_finess_must_be_nine_characters() -> None:
    assert finess_problem("75071218") is not None and finess_problem("7507121840") is not None


def test_ins_key_is_97_minus_the_first_13_digits_mod_97() -> None:
    assert nir_key("1850575123456") == 97 - 1850575123456 % 97
    assert is_valid_ins("185057512345673")
    assert ins_problem("185057512345674") == "the INS key does not match the first 13 characters"


def test_corsican_ins_maps_2a_to_19_before_the_key() -> None:
    assert nir_key("185052A123456") == 97 - 1850519123456 % 97
    assert is_valid_ins("185052A12345633")


def test_ins_must_be_fifteen_characters() -> None:
    assert ins_problem("18505751234567") is not None
