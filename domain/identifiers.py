"""Checks of the national identifiers the data contract names: FINESS numbers and INS matricules."""

import re

_FINESS = re.compile(r"^(?:\d{2}|2A|2B)\d{7}$")
_INS = re.compile(r"^[1-8]\d{4}(?:\d{2}|2A|2B)\d{8}$")
_CORSICA_NIR = {"2A": "19", "2B": "18"}


def luhn_is_valid(digits: str) -> bool:
    """Luhn checksum over a string of decimal digits (the last one being the check digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def finess_problem(value: str) -> str | None:
    """Why `value` is not a FINESS number, or None when it is one.

    All-digit numbers must pass the Luhn check; Corsican numbers (`2A`/`2B`) are checked for
    format only because how their letters enter the check digit is not published.
    """
    if not _FINESS.match(value):
        return "a FINESS number is 9 characters: a department code (2 digits, 2A or 2B) and 7 digits"
    if value[:2] in _CORSICA_NIR:
        return None
    if not luhn_is_valid(value):
        return "the FINESS check digit (Luhn) does not match"
    return None


def is_valid_finess(value: str) -> bool:
    return finess_problem(value) is None


def nir_key(first_thirteen: str) -> int:
    """The NIR key: 97 - (the first 13 characters as a number, Corsica mapped) mod 97."""
    digits = first_thirteen[:5] + _CORSICA_NIR.get(first_thirteen[5:7], first_thirteen[5:7])
    digits += first_thirteen[7:]
    return 97 - int(digits) % 97


def ins_problem(value: str) -> str | None:
    """Why `value` is not an INS matricule (NIR or NIA), or None when it is one."""
    if len(value) != 15 or not _INS.match(value):
        return "an INS matricule is 15 characters (13 of the NIR or NIA, 2 of key)"
    if nir_key(value[:13]) != int(value[13:]):
        return "the INS key does not match the first 13 characters"
    return None


def is_valid_ins(value: str) -> bool:
    return ins_problem(value) is None
