"""P1.O1 (qualified INS), P1.O7 (MSSanté professionnelle) and P1.O8 (MES messaging): patients.

A patient is judged once for the entity and counted so in every stratum where they had contact
in the month (D17).
"""

from collections import defaultdict

from domain.indicators.catalogue import Exclusion, Unit
from domain.indicators.counting import Tally
from domain.indicators.entity_month import EntityMonth
from domain.indicators.populations import (
    active_file,
    contact_strata,
    emergency_only,
    occurs_in,
    overlaps,
    state_of,
)
from domain.indicators.strata import Stratum
from domain.periods import Period
from domain.records import Channel, IdentityStatus, Message
from domain.referential import Eligibility


def tally_qualified_ins(data: EntityMonth) -> Tally:
    """Active-file patients without doubtful or fictitious identity; qualified at month end (D3, D4)."""
    tally = Tally(Unit.PATIENT)
    strata = contact_strata(data.encounters, data.consultations, data.month)
    for patient in sorted(active_file(data.encounters, data.consultations, data.month)):
        state = state_of(data.patients, patient)
        if state.doubtful or state.fictitious:
            tally.exclude(Exclusion.DOUBTFUL_OR_FICTITIOUS_IDENTITY, strata[patient])
        else:
            tally.judge(
                None if state.identity_status is IdentityStatus.QUAL else Exclusion.IDENTITY_NOT_QUALIFIED,
                strata[patient],
            )
    return tally


def tally_mss_pro(data: EntityMonth) -> Tally:
    """Cared-for patients with a CDA document in an XDM envelope sent by MSSanté professionnelle
    to a health correspondent in the month; no MES-profile filter, no INS requirement."""
    tally = Tally(Unit.PATIENT)
    messages = _messages_of_month(data.messages, data.month, Channel.PRO)
    strata = contact_strata(data.encounters, data.consultations, data.month)
    for patient in sorted(_cared_for(data, tally, strata)):
        tally.judge(_mss_pro_failure(messages.get(patient, [])), strata[patient])
    return tally


def tally_mes_messaging(data: EntityMonth) -> Tally:
    """Eligible cared-for patients who received a MES message in the month; an attachment must
    carry the qualified INS (a message without attachment counts)."""
    tally = Tally(Unit.PATIENT)
    messages = _messages_of_month(data.messages, data.month, Channel.CITOYENNE)
    eligible = _eligible_pathway_patients(data)
    strata = contact_strata(data.encounters, data.consultations, data.month)
    for patient in sorted(_cared_for(data, tally, strata)):
        if data.entity.policies.eligibility is Eligibility.FLAGGED and patient not in eligible:
            tally.exclude(Exclusion.NOT_ELIGIBLE_PATHWAY, strata[patient])
        else:
            tally.judge(_mes_message_failure(messages.get(patient, [])), strata[patient])
    return tally


def _mes_message_failure(received: list[Message]) -> Exclusion | None:
    if not received:
        return Exclusion.NO_MES_MESSAGE
    if all(message.attachment_ins_qualified is False for message in received):
        return Exclusion.ATTACHMENT_WITHOUT_QUALIFIED_INS
    return None


def _cared_for(data: EntityMonth, tally: Tally, strata: dict[str, set[Stratum]]) -> set[str]:
    """The active file without emergency-only patients, who are counted as excluded (D3)."""
    emergency = emergency_only(data.encounters, data.consultations, data.month)
    for patient in emergency:
        tally.exclude(Exclusion.EMERGENCY_ONLY, strata[patient])
    return active_file(data.encounters, data.consultations, data.month) - emergency


def _mss_pro_failure(messages: list[Message]) -> Exclusion | None:
    if not messages:
        return Exclusion.NO_MSS_PRO_MESSAGE
    to_correspondent = [message for message in messages if message.to_health_correspondent]
    if not to_correspondent:
        return Exclusion.MSS_NOT_TO_CORRESPONDENT
    if not any(message.has_cda_xdm for message in to_correspondent):
        return Exclusion.MSS_WITHOUT_CDA_DOCUMENT
    return None


def _messages_of_month(messages: tuple[Message, ...], month: Period, channel: Channel) -> dict[str, list[Message]]:
    by_patient: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        if message.channel is channel and month.starts_at <= message.sent_at < month.ends_at:
            by_patient[message.patient].append(message)
    return by_patient


def _eligible_pathway_patients(data: EntityMonth) -> set[str]:
    eligible = {
        encounter.patient
        for encounter in data.encounters
        if encounter.eligible_pathway and overlaps(encounter, data.month)
    }
    eligible.update(
        consultation.patient
        for consultation in data.consultations
        if consultation.eligible_pathway and occurs_in(consultation, data.month)
    )
    return eligible
