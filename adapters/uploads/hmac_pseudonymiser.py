"""Keyed pseudonymisation of patient identifiers (HMAC-SHA256), one key per GHT.

The per-GHT key is derived from the deployment's master secret with HKDF and the GHT id, so
that a GHT sharing an identity domain keeps joinable pseudonyms while two GHTs never do.
"""

import hmac

import pyarrow as pa
import pyarrow.compute as pc
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"hopen2-pseudonymisation-v1"
_CACHE_LIMIT = 500_000


def derive_ght_key(master_secret: bytes, ght_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=ght_id.encode()).derive(master_secret)


class HmacPseudonymiser:
    """Turns identifier values into pseudonyms; `namespace` keeps IPPs and INS apart.

    Recent pseudonyms are cached per namespace (bounded), because one patient's id recurs in
    every batch of a file and in every file of a month: each distinct value is hashed once.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._cache: dict[str, dict[str, str]] = {}

    def pseudonym(self, namespace: str, value: str) -> bytes:
        """The first 128 bits of the HMAC: collision-free at any hospital scale, half the width."""
        return hmac.digest(self._key, f"{namespace}:{value}".encode(), "sha256")[:16]

    def pseudonymise_column(self, namespace: str, column: pa.Array) -> pa.Array:
        """Pseudonyms as 32 hex digits (PostgreSQL `uuid` input), hashing each distinct value once."""
        encoded = pc.dictionary_encode(column)
        cache = self._cache.setdefault(namespace, {})
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        known = cache.get
        texts = []
        for value in encoded.dictionary.to_pylist():
            text = known(value)
            if text is None:
                text = cache[value] = self.pseudonym(namespace, value).hex()
            texts.append(text)
        return pc.take(pa.array(texts, pa.string()), encoded.indices)
