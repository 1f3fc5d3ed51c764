"""A path segment naming one value of a closed set: unknown values answer 404, naming the known ones."""

from enum import StrEnum
from typing import TypeVar

from domain.errors import NotFound

Member = TypeVar("Member", bound=StrEnum)


def path_member(kind: type[Member], value: str, noun: str) -> Member:
    try:
        return kind(value)
    except ValueError:
        raise NotFound(f"no {noun} '{value}'; known: {', '.join(member.value for member in kind)}") from None
