"""Bearer tokens checked against an issuer's JWKS: real keys generated here, the JWKS served from
memory by a local HTTP server (127.0.0.1, no network), tokens made by PyJWT."""

import socket
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.identity.jwt_token_verifier import ClaimNames, JwtTokenVerifier
from domain.access import Principal, Role
from domain.errors import NotAuthenticated
from tests.support.fake_issuer import ABSENT, AUDIENCE, ISSUER, FakeIssuer
from tests.support.referential import ENTITY_A, ENTITY_A2


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer()
    yield fake
    fake.close()


def verifier_of(issuer: FakeIssuer, **options: Any) -> JwtTokenVerifier:
    return JwtTokenVerifier(ISSUER, AUDIENCE, issuer.jwks_url, **options)


def refusal(verifier: JwtTokenVerifier, token: str) -> str:
    with pytest.raises(NotAuthenticated) as refused:
        verifier.verify_blocking(token)
    assert token not in refused.value.detail
    return refused.value.detail


async def test_a_good_token_of_a_member_gives_its_finess_juridiques(issuer: FakeIssuer) -> None:
    token = issuer.token(hopen2_finess_ej=[ENTITY_A, ENTITY_A2], hopen2_ght="GHT-X", hopen2_region="11")
    principal = await verifier_of(issuer).verify(token)
    assert principal == Principal("oidc:f3a9c2e1-user", Role.MEMBER, finess_ejs=frozenset({ENTITY_A, ENTITY_A2}))


def test_each_role_gets_only_the_scope_it_uses(issuer: FakeIssuer) -> None:
    verifier = verifier_of(issuer)
    scopes = {"hopen2_ght": "GHT-X", "hopen2_region": "11", "hopen2_finess_ej": ENTITY_A}
    assert verifier.verify_blocking(issuer.token(hopen2_role="ght_support", **scopes)) == Principal(
        "oidc:f3a9c2e1-user", Role.GHT_SUPPORT, ght_id="GHT-X"
    )
    assert verifier.verify_blocking(issuer.token(hopen2_role="ars_auditor", **scopes)) == Principal(
        "oidc:f3a9c2e1-user", Role.ARS_AUDITOR, region="11"
    )
    assert verifier.verify_blocking(issuer.token(hopen2_role="member", **scopes)) == Principal(
        "oidc:f3a9c2e1-user", Role.MEMBER, finess_ejs=frozenset({ENTITY_A})
    )
    assert verifier.verify_blocking(issuer.token(hopen2_role="admin", **scopes)) == Principal(
        "oidc:f3a9c2e1-user", Role.ADMIN
    )


def test_the_claims_read_are_configurable(issuer: FakeIssuer) -> None:
    claims = ClaimNames(role="roles", ght="ght", finess="finess", region="region")
    token = issuer.token(roles=["offline_access", "ght_support"], ght="GHT-Y", hopen2_role=ABSENT)
    principal = verifier_of(issuer, claims=claims).verify_blocking(token)
    assert principal == Principal("oidc:f3a9c2e1-user", Role.GHT_SUPPORT, ght_id="GHT-Y")


def test_an_es256_token_signed_by_a_published_ec_key_is_accepted(issuer: FakeIssuer) -> None:
    issuer.publish("ec-1", "ES256")
    assert verifier_of(issuer).verify_blocking(issuer.token("ec-1")).role is Role.MEMBER


def test_a_token_signed_by_another_key_under_a_published_kid_is_refused(issuer: FakeIssuer) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "signature" in refusal(verifier_of(issuer), issuer.token(signing_key=forger))


def test_a_token_of_another_issuer_is_refused(issuer: FakeIssuer) -> None:
    assert "another issuer" in refusal(verifier_of(issuer), issuer.token(iss="https://evil.test/realms/hopen2"))


def test_a_token_for_another_audience_is_refused(issuer: FakeIssuer) -> None:
    assert "another audience" in refusal(verifier_of(issuer), issuer.token(aud="another-api"))


def test_an_expired_token_is_refused(issuer: FakeIssuer) -> None:
    assert "expired" in refusal(verifier_of(issuer), issuer.token(exp=int(time.time()) - 120))


def test_a_token_expired_within_the_leeway_is_still_accepted(issuer: FakeIssuer) -> None:
    assert verifier_of(issuer).verify_blocking(issuer.token(exp=int(time.time()) - 5)).role is Role.MEMBER


def test_a_token_not_valid_yet_is_refused(issuer: FakeIssuer) -> None:
    assert "not valid yet" in refusal(verifier_of(issuer), issuer.token(nbf=int(time.time()) + 120))


def test_a_token_without_expiry_is_refused(issuer: FakeIssuer) -> None:
    assert "'exp'" in refusal(verifier_of(issuer), issuer.token(exp=ABSENT))


def test_an_unsigned_token_alg_none_is_refused(issuer: FakeIssuer) -> None:
    token = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 300, "hopen2_role": "admin"},
        None,
        algorithm="none",
        headers={"kid": "key-1"},
    )
    assert "algorithm is not accepted" in refusal(verifier_of(issuer), token)
    assert issuer.fetches == 0  # refused before the issuer's keys are even looked at


def test_a_token_signed_with_a_shared_secret_hs256_is_refused(issuer: FakeIssuer) -> None:
    token = issuer.token(signing_key="a-shared-secret-of-at-least-32-bytes!", algorithm="HS256")
    assert "algorithm is not accepted" in refusal(verifier_of(issuer), token)


def test_a_token_whose_algorithm_is_not_its_keys_is_refused(issuer: FakeIssuer) -> None:
    private, _ = issuer.keys["key-1"]
    token = issuer.token(signing_key=private, algorithm="PS256")  # the JWKS binds key-1 to RS256
    assert "algorithm" in refusal(verifier_of(issuer), token)


def test_an_unknown_kid_refetches_the_jwks_once_and_a_rotated_key_is_accepted(issuer: FakeIssuer) -> None:
    verifier = verifier_of(issuer, refresh_cooldown_seconds=0.05)
    assert verifier.verify_blocking(issuer.token("key-1")).role is Role.MEMBER
    assert issuer.fetches == 1
    issuer.publish("key-2")
    issuer.published.remove("key-1")
    time.sleep(0.06)
    assert verifier.verify_blocking(issuer.token("key-2")).role is Role.MEMBER
    assert issuer.fetches == 2
    assert verifier.verify_blocking(issuer.token("key-2")).role is Role.MEMBER
    assert issuer.fetches == 2  # cached again


def test_a_kid_the_issuer_does_not_publish_is_refused_after_one_refetch(issuer: FakeIssuer) -> None:
    verifier = verifier_of(issuer, refresh_cooldown_seconds=0)
    verifier.verify_blocking(issuer.token("key-1"))
    assert "not among the issuer's published keys" in refusal(verifier, issuer.token("made-up"))
    assert issuer.fetches == 2


def test_made_up_kids_do_not_refetch_the_jwks_within_the_cooldown(issuer: FakeIssuer) -> None:
    verifier = verifier_of(issuer)
    verifier.verify_blocking(issuer.token("key-1"))
    for number in range(5):
        refusal(verifier, issuer.token(f"made-up-{number}"))
    assert issuer.fetches == 1


def test_the_jwks_is_fetched_again_when_its_cache_expires(issuer: FakeIssuer) -> None:
    verifier = verifier_of(issuer, jwks_cache_seconds=0.05)
    verifier.verify_blocking(issuer.token())
    verifier.verify_blocking(issuer.token())
    assert issuer.fetches == 1
    time.sleep(0.06)
    verifier.verify_blocking(issuer.token())
    assert issuer.fetches == 2


def test_an_unreachable_issuer_refuses_the_token_with_a_reason(issuer: FakeIssuer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    verifier = JwtTokenVerifier(ISSUER, AUDIENCE, f"http://127.0.0.1:{closed_port}/certs", fetch_timeout_seconds=1)
    assert "cannot be fetched" in refusal(verifier, issuer.token())


def test_an_unknown_role_is_refused(issuer: FakeIssuer) -> None:
    assert "exactly one role" in refusal(verifier_of(issuer), issuer.token(hopen2_role="superuser"))
    assert "exactly one role" in refusal(verifier_of(issuer), issuer.token(hopen2_role=["admin", "member"]))
    assert "exactly one role" in refusal(verifier_of(issuer), issuer.token(hopen2_role=ABSENT))


@pytest.mark.parametrize(
    ("role", "claims", "reason"),
    [
        ("member", {"hopen2_finess_ej": ABSENT}, "FINESS"),
        ("member", {"hopen2_finess_ej": []}, "FINESS"),
        ("member", {"hopen2_finess_ej": ["750712185"]}, "not a FINESS number"),
        ("ght_support", {}, "'hopen2_ght'"),
        ("ars_auditor", {}, "'hopen2_region'"),
    ],
)
def test_a_role_without_the_scope_it_needs_is_refused(
    issuer: FakeIssuer, role: str, claims: dict[str, Any], reason: str
) -> None:
    assert reason in refusal(verifier_of(issuer), issuer.token(hopen2_role=role, **claims))


def test_a_token_without_subject_is_refused(issuer: FakeIssuer) -> None:
    assert "'sub'" in refusal(verifier_of(issuer), issuer.token(sub=ABSENT))


def test_a_malformed_token_is_refused(issuer: FakeIssuer) -> None:
    assert "well-formed" in refusal(verifier_of(issuer), "abc.def.ghi")
