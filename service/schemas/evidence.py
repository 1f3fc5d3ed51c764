"""Parameters and bodies of the evidence pack (api.md, Evidence)."""

from datetime import datetime
from enum import StrEnum
from typing import Literal

import msgspec

from adapters.persistence.pg_indicator_samples import SampleSide

UnitKind = Literal["stay", "consultation", "report", "patient"]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class SampledUnitView(msgspec.Struct, kw_only=True):
    unit: UnitKind
    unit_id: str  # as stored: a stay, consultation or report id; for a patient unit, the patient's pseudonym
    patient_pseudonym: str  # the stored pseudonym (a UUID), never the patient's identifier
    outcome: str  # "counted", or the code of the first rule the unit fails (D16), an exclusion code


class IndicatorSampleView(msgspec.Struct, kw_only=True):
    finess_ej: str
    period: str
    as_of: datetime
    indicator_id: str
    unit: UnitKind
    side: SampleSide
    seed: int
    size: int  # as asked; fewer items when the population is smaller
    population: int  # the units on the side: the numerator, or the denominator before any weighting
    items: list[SampledUnitView]
