"""One cell of a national file read as a value of its field's kind (data-contract.md §3).

Producers write the same value in many ways (Excel exports, French or English number formats);
each kind accepts the common ones and gives the reason when a cell fits none.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors import InvalidPeriod
from domain.identifiers import finess_problem
from domain.national.datasets import FieldKind, FinessKind
from domain.periods import Period

NationalValue = str | FinessKind | Period | int | Decimal


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a cell holds no value of its field's kind."""

    reason: str


def parse_value(kind: FieldKind, text: str) -> NationalValue | Invalid:
    """`text` is a cell's text, stripped and not empty."""
    return _PARSERS[kind](text)


_EIGHT_DIGITS = re.compile(r"\d{8}", re.ASCII)


def _finess(text: str) -> str | Invalid:
    finess = "".join(text.split()).upper()
    if _EIGHT_DIGITS.fullmatch(finess) and finess_problem("0" + finess) is None:
        return "0" + finess  # a numeric spreadsheet cell drops the leading zero of departments 01-09
    problem = finess_problem(finess)
    return finess if problem is None else Invalid(problem)


_FINESS_KINDS = {
    "ej": FinessKind.EJ,
    "juridique": FinessKind.EJ,
    "et": FinessKind.ET,
    "géographique": FinessKind.ET,
    "geographique": FinessKind.ET,
}


def _finess_kind(text: str) -> FinessKind | Invalid:
    kind = _FINESS_KINDS.get(text.casefold())
    return Invalid("a FINESS kind is EJ (juridique) or ET (géographique)") if kind is None else kind


_YEAR_MONTH = re.compile(r"(\d{4})-?(\d{2})", re.ASCII)  # YYYY-MM, YYYYMM
_YEAR_SLASH_MONTH = re.compile(r"(\d{4})/(\d{1,2})", re.ASCII)
_MONTH_SLASH_YEAR = re.compile(r"(\d{1,2})/(\d{4})", re.ASCII)
_FRENCH_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)  # DD/MM/YYYY, as a French Excel writes a date
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].+)?", re.ASCII)


def _period(text: str) -> Period | Invalid:
    if french := _FRENCH_DATE.fullmatch(text):
        text = f"{french[3]}-{french[2]}-{french[1]}"
    if match := (_YEAR_MONTH.fullmatch(text) or _YEAR_SLASH_MONTH.fullmatch(text)):
        year, month = int(match[1]), int(match[2])
    elif match := _MONTH_SLASH_YEAR.fullmatch(text):
        year, month = int(match[2]), int(match[1])
    elif _ISO_DATE.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return Invalid("not a real date")
        year, month = moment.year, moment.month
    else:
        return Invalid("a month is written YYYY-MM, YYYYMM, MM/YYYY, YYYY/MM or as a date")
    try:
        return Period.parse(f"{year:04d}-{month:02d}")
    except InvalidPeriod as error:
        return Invalid(error.detail)


_AREA = re.compile(r"0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6]", re.ASCII)  # regions fall in 01-95 too


def _area(text: str) -> str | Invalid:
    area = text.upper()
    if len(area) == 1:
        area = "0" + area  # a numeric cell drops the leading zero of departments 01-09
    if _AREA.fullmatch(area):
        return area
    return Invalid("an area is a region or department code: 01 to 95, 2A, 2B or 971 to 976")


_WITHOUT_THOUSANDS_SEPARATORS = str.maketrans("", "", " \u00a0\u202f.")
_COUNT = re.compile(
    r"(?P<sign>-?)"
    r"(?P<whole>\d{1,3}(?P<separator>[ \u00a0\u202f.])\d{3}(?:(?P=separator)\d{3})*|\d+)"  # grouped or not
    r"(?:[.,]0{1,2})?",  # a zero fraction, as "12,0"; never three digits: "1,000" could be 1 or 1000
    re.ASCII,
)


def _count(text: str) -> int | Invalid:
    match = _COUNT.fullmatch(text)
    if match is None:
        return Invalid("a count is a whole number")
    if match["sign"]:
        return Invalid("a count cannot be negative")
    return int(match["whole"].translate(_WITHOUT_THOUSANDS_SEPARATORS))


_RATE = re.compile(r"(?P<number>-?\d+(?:[.,]\d+)?)[ \u00a0\u202f]*(?P<percent>%?)", re.ASCII)


def _rate(text: str) -> Decimal | Invalid:
    match = _RATE.fullmatch(text)
    if match is None:
        return Invalid("a rate is a number between 0 and 1, or a percentage")
    rate = Decimal(match["number"].replace(",", "."))
    if match["percent"]:
        rate = rate.scaleb(-2)
    if not 0 <= rate <= 1:
        return Invalid("a rate lies between 0 and 1 (0 % and 100 %)")
    return rate


_PARSERS: Mapping[FieldKind, Callable[[str], NationalValue | Invalid]] = {
    FieldKind.FINESS: _finess,
    FieldKind.FINESS_KIND: _finess_kind,
    FieldKind.PERIOD: _period,
    FieldKind.AREA: _area,
    FieldKind.CODE: lambda text: text,
    FieldKind.COUNT: _count,
    FieldKind.RATE: _rate,
}
