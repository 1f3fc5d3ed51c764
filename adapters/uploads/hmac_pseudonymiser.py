"""Keyed pseudonymisation of patient identifiers (HMAC-SHA256), one key per GHT.

The per-GHT key is derived from the deployment's master secret with HKDF and the GHT id, so
that a GHT sharing an identity domain keeps joinable pseudonyms while two GHTs never do.
"""

import hashlib
import hmac

import pyarrow as pa
import pyarrow.compute as pc
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"hopen2-pseudonymisation-v1"
_CACHE_LIMIT = 200_000


def derive_ght_key(master_secret: bytes, ght_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=ght_id.encode()).derive(master_secret)


class HmacPseudonymiser:
    """Turns identifier values into pseudonyms; `namespace` keeps IPPs and INS apart."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._cache: dict[tuple[str, str], str] = {}

    def pseudonym(self, namespace: str, value: str) -> bytes:
        return hmac.new(self._key, f"{namespace}:{value}".encode(), hashlib.sha256).digest()

    def pseudonymise_column(self, namespace: str, column: pa.Array) -> pa.Array:
        """Pseudonyms as PostgreSQL bytea text (`\\x…`), hashing each distinct value once."""
        encoded = pc.dictionary_encode(column)
        distinct = encoded.dictionary.to_pylist()
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        texts = []
        for value in distinct:
            text = cache.get((namespace, value))
            if text is None:
                text = "\\x" + self.pseudonym(namespace, value).hex()
                cache[(namespace, value)] = text
            texts.append(text)
        return pc.take(pa.array(texts, pa.string()), encoded.indices)
