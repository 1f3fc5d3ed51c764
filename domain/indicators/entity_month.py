"""What the nine indicators of one legal entity and month are computed from."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.periods import Period
from domain.records import Consultation, Document, Encounter, Message, PatientState
from domain.referential import LegalEntity


@dataclass(frozen=True, slots=True)
class EntityMonth:
    """The records' latest state as of `as_of` (D1), and the entity's referential version in
    force for the month (D19). `patients` is the month's patients file (D4)."""

    entity: LegalEntity
    month: Period
    as_of: datetime
    patients: Mapping[str, PatientState] = field(default_factory=dict)
    encounters: tuple[Encounter, ...] = ()
    consultations: tuple[Consultation, ...] = ()
    documents: tuple[Document, ...] = ()
    messages: tuple[Message, ...] = ()
    mss_equipment_rate: Decimal | None = None  # P1.O7's optional weighting, when the entity asks for it
