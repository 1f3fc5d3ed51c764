"""OpenID Connect bearer tokens: a JWT checked against the issuer's JWKS, mapped to a Principal.

The signature is checked with a key the issuer publishes (RS256, ES256 or PS256 only: never
`none`, never a shared-secret HS*; the token's algorithm must be its key's), then the issuer, the
audience, the expiry (required) and not-before, with a small leeway for clock skew. The JWKS is
cached for `jwks_cache_seconds`; a token naming a key id the cached set lacks makes the set be
fetched again once (the issuer rotated its keys) before it is refused, at most once per
`refresh_cooldown_seconds`, so that tokens with made-up key ids cannot make this service hammer
the issuer (a key first used within the cooldown of the last fetch is accepted once it ends).

Role and scopes come from configurable top-level claims. The role must be one of
`domain.access.Role` (a claim holding a list of roles must hold exactly one of them), and the
token must carry the scope that role needs (a member its FINESS juridiques, a GHT support its
GHT, an auditor its region). The caller's `key_id`, which the audit trail records, is
`oidc:<sub>`: the subject identifier, never a name or an e-mail address.

Every refusal raises NotAuthenticated with a short reason that never repeats the token.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWTError,
)

from domain.access import Principal, Role
from domain.errors import NotAuthenticated
from domain.identifiers import finess_problem

ALGORITHMS = ("RS256", "ES256", "PS256")
REQUIRED_CLAIMS = ("exp", "iss", "aud", "sub")
_ROLES = frozenset(role.value for role in Role)


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """The claims a token's role and scopes are read from."""

    role: str = "hopen2_role"
    ght: str = "hopen2_ght"
    finess: str = "hopen2_finess_ej"  # a FINESS juridique or a list of them
    region: str = "hopen2_region"


class JwtTokenVerifier:
    """Checks bearer tokens of one issuer and audience; one instance per app (it holds the JWKS cache)."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str,
        *,
        claims: ClaimNames | None = None,
        jwks_cache_seconds: float = 300,
        refresh_cooldown_seconds: float = 30,
        leeway_seconds: float = 30,
        fetch_timeout_seconds: float = 5,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._claims = claims or ClaimNames()
        self._leeway = leeway_seconds
        self._jwks = PyJWKClient(
            jwks_url,
            cache_jwk_set=jwks_cache_seconds > 0,
            lifespan=jwks_cache_seconds or 300,
            timeout=fetch_timeout_seconds,
            cooldown_duration=refresh_cooldown_seconds,
        )

    async def verify(self, token: str) -> Principal:
        """The caller a token stands for. Fetching the JWKS blocks, so the check runs in a thread."""
        return await asyncio.to_thread(self.verify_blocking, token)

    def verify_blocking(self, token: str) -> Principal:
        claims = self._checked_claims(token, self._signing_key(token))
        return principal_of(claims, self._claims)

    def _signing_key(self, token: str) -> PyJWK:
        try:
            header = jwt.get_unverified_header(token)
        except DecodeError as exc:
            raise NotAuthenticated("the bearer token is not a well-formed JWT") from exc
        if header.get("alg") not in ALGORITHMS:
            raise NotAuthenticated(f"the token's signing algorithm is not accepted ({', '.join(ALGORITHMS)})")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise NotAuthenticated("the token names no signing key (kid)")
        try:
            return self._jwks.get_signing_key(kid)
        except PyJWKClientConnectionError as exc:
            raise NotAuthenticated("the identity provider's keys cannot be fetched; retry shortly") from exc
        except PyJWKClientError as exc:
            raise NotAuthenticated("the token's signing key is not among the issuer's published keys") from exc
        except (PyJWTError, ValueError) as exc:  # a JWKS document that is not JSON or holds no usable key
            raise NotAuthenticated("the identity provider's keys cannot be read") from exc

    def _checked_claims(self, token: str, key: PyJWK) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except ExpiredSignatureError as exc:
            raise NotAuthenticated("the token has expired") from exc
        except ImmatureSignatureError as exc:
            raise NotAuthenticated("the token is not valid yet") from exc
        except InvalidIssuerError as exc:
            raise NotAuthenticated("the token comes from another issuer") from exc
        except InvalidAudienceError as exc:
            raise NotAuthenticated("the token is meant for another audience") from exc
        except MissingRequiredClaimError as exc:
            raise NotAuthenticated(f"the token lacks the claim '{exc.claim}'") from exc
        except InvalidSignatureError as exc:
            raise NotAuthenticated("the token's signature does not match the issuer's key") from exc
        except InvalidAlgorithmError as exc:
            raise NotAuthenticated("the token's algorithm is not its signing key's") from exc
        except InvalidTokenError as exc:
            raise NotAuthenticated("the token is invalid") from exc
        return claims


def principal_of(claims: Mapping[str, Any], names: ClaimNames) -> Principal:
    """The caller of verified claims, with only the scope its role uses; refused when that scope is missing."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise NotAuthenticated("the token has no subject (sub)")
    key_id = f"oidc:{subject}"
    role = _role(claims.get(names.role), names.role)
    match role:
        case Role.ADMIN:
            return Principal(key_id, role)
        case Role.GHT_SUPPORT:
            return Principal(key_id, role, ght_id=_scope_text(claims, names.ght, role))
        case Role.MEMBER:
            return Principal(key_id, role, finess_ejs=_finess_ejs(claims.get(names.finess), names.finess))
        case Role.ARS_AUDITOR:
            return Principal(key_id, role, region=_scope_text(claims, names.region, role))


def _role(value: object, claim: str) -> Role:
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    known = {item for item in values if isinstance(item, str) and item in _ROLES}
    if len(known) != 1:
        raise NotAuthenticated(f"the claim '{claim}' must name exactly one role of {', '.join(sorted(_ROLES))}")
    return Role(known.pop())


def _scope_text(claims: Mapping[str, Any], claim: str, role: Role) -> str:
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        raise NotAuthenticated(f"a {role} token needs its scope in the claim '{claim}'")
    return value.strip()


def _finess_ejs(value: object, claim: str) -> frozenset[str]:
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    if not values:
        raise NotAuthenticated(f"a member token needs its FINESS juridique(s) in the claim '{claim}'")
    if any(not isinstance(item, str) or finess_problem(item) for item in values):
        raise NotAuthenticated(f"the claim '{claim}' holds a value that is not a FINESS number")
    return frozenset(values)
