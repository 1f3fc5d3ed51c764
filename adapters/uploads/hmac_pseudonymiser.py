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
_EMPTY = pa.array([], pa.string())


def derive_ght_key(master_secret: bytes, ght_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=ght_id.encode()).derive(master_secret)


def rekeyed(key: bytes, pseudonym: bytes) -> bytes:
    """A pseudonym carried to the next key of a rotation: HMAC(new key, old pseudonym), 128 bits.
    Raw identifiers are never stored, so a rotation can only re-key the pseudonyms themselves."""
    return hmac.digest(key, pseudonym, "sha256")[:16]


class HmacPseudonymiser:
    """Turns identifier values into pseudonyms; `namespace` keeps IPPs and INS apart.

    Recent pseudonyms are cached per namespace as two Arrow arrays (bounded), because one
    patient's id recurs in every batch of a file and in every file of a month; the lookup is
    one vectorised `index_in`, so only never-seen values cost a Python call.
    """

    def __init__(self, key: bytes, *rotations: bytes) -> None:
        """`rotations`: the keys of later rotations, oldest first; a value goes through the whole
        chain, so that it meets the pseudonyms the rotations re-keyed in the database."""
        self._key = key
        self._rotations = rotations
        self._cache: dict[str, tuple[pa.Array, pa.Array]] = {}

    def pseudonym(self, namespace: str, value: str) -> bytes:
        """The first 128 bits of the HMAC: collision-free at any hospital scale, half the width."""
        pseudonym = hmac.digest(self._key, f"{namespace}:{value}".encode(), "sha256")[:16]
        for key in self._rotations:
            pseudonym = rekeyed(key, pseudonym)
        return pseudonym

    def pseudonymise_column(self, namespace: str, column: pa.Array) -> pa.Array:
        """Pseudonyms as 32 hex digits (PostgreSQL `uuid` input), hashing each distinct value once."""
        encoded = pc.dictionary_encode(column)
        distinct = encoded.dictionary
        known, known_texts = self._cache.get(namespace, (_EMPTY, _EMPTY))
        positions = pc.index_in(distinct, value_set=known)
        unseen_mask = pc.is_null(positions)
        unseen = distinct.filter(unseen_mask)
        unseen_texts = pa.array([self.pseudonym(namespace, value).hex() for value in unseen.to_pylist()], pa.string())
        unseen_positions = pc.add(pc.cumulative_sum(pc.cast(unseen_mask, pa.int64())), len(known) - 1)
        texts = pc.take(
            pa.concat_arrays([known_texts, unseen_texts]),
            pc.if_else(unseen_mask, unseen_positions, pc.cast(positions, pa.int64())),
        )
        if len(known) + len(unseen) > _CACHE_LIMIT:
            known, known_texts = _EMPTY, _EMPTY
        self._cache[namespace] = (pa.concat_arrays([known, unseen]), pa.concat_arrays([known_texts, unseen_texts]))
        return pc.take(texts, encoded.indices)
