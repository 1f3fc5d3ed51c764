"""Values a request names in its path or query: one of a closed set (unknown values answer 404,
naming the known ones), or a stored id (a PostgreSQL bigint: a larger number is refused at the edge)."""

from enum import StrEnum
from typing import TypeVar

from domain.errors import NotFound

Member = TypeVar("Member", bound=StrEnum)
BIGINT_MAX = 2**63 - 1


def path_member(kind: type[Member], value: str, noun: str) -> Member:
    try:
        return kind(value)
    except ValueError:
        raise NotFound(f"no {noun} '{value}'; known: {', '.join(member.value for member in kind)}") from None
