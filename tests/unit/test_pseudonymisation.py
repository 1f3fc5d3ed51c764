"""Keyed pseudonyms: one key per GHT derived from the master secret (HKDF)."""

from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser, derive_ght_key

MASTER = b"m" * 32


def test_the_same_ipp_gets_the_same_pseudonym_within_a_ght() -> None:
    key = derive_ght_key(MASTER, "GHT-A")
    assert HmacPseudonymiser(key).pseudonym("ipp", "123") == HmacPseudonymiser(key).pseudonym("ipp", "123")


def test_two_ghts_never_share_pseudonyms() -> None:
    first = HmacPseudonymiser(derive_ght_key(MASTER, "GHT-A")).pseudonym("ipp", "123")
    second = HmacPseudonymiser(derive_ght_key(MASTER, "GHT-B")).pseudonym("ipp", "123")
    assert first != second


def test_ipp_and_ins_namespaces_differ() -> None:
    pseudonymiser = HmacPseudonymiser(derive_ght_key(MASTER, "GHT-A"))
    assert pseudonymiser.pseudonym("ipp", "185057512345673") != pseudonymiser.pseudonym("ins", "185057512345673")


def test_another_master_secret_gives_other_pseudonyms() -> None:
    assert derive_ght_key(MASTER, "GHT-A") != derive_ght_key(b"n" * 32, "GHT-A")
