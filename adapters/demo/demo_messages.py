"""A member's MSSanté messages of a month: PRO to correspondents, CITOYENNE to patients."""

import random
from collections.abc import Callable, Mapping, Set

from adapters.demo.demo_calendar import Timeline
from adapters.demo.demo_documents import daytime
from adapters.demo.demo_files import MonthFiles
from adapters.demo.demo_members import Practice


def write_messages(
    rng: random.Random,
    files: MonthFiles,
    timeline: Timeline,
    month: int,
    practice: Practice,
    senders: tuple[str, ...],
    cared: Mapping[str, bool],
    emergency_only: Set[str],
    all_eligible: bool,
    new_id: Callable[[], str],
    with_offsets: bool,
) -> None:
    """Messages to the month's patients: `cared` maps each cared-for patient to whether their
    pathway is eligible to MES messaging; a few emergency-only patients get a PRO message too."""
    first, last = timeline.first(month), timeline.last(month)

    def send(
        patient_id: str,
        channel: str,
        to_correspondent: bool | None,
        with_cda: bool | None,
        attachment: bool | None,
    ) -> None:
        files.messages.write(
            {
                "message_id": new_id(),
                "patient_id": patient_id,
                "channel": channel,
                "sent_at": timeline.stamp(rng.randint(first, last), daytime(rng), with_offsets),
                "sender_finess": senders[rng.randrange(len(senders))],
                "to_health_correspondent": to_correspondent,
                "has_cda_xdm": with_cda,
                "attachment_ins_qualified": attachment,
            }
        )

    for patient_id, eligible in sorted(cared.items()):
        if rng.random() < practice.pro_messages:
            for _ in range(1 if rng.random() < 0.8 else 2):
                to_correspondent = rng.random() < 0.82
                draw = rng.random()
                with_cda = None if draw < 0.05 else draw < (0.78 if to_correspondent else 0.25)
                if with_cda:
                    attachment: bool | None = rng.random() < 0.85
                else:
                    attachment = None if rng.random() < 0.7 else rng.random() < 0.6
                send(patient_id, "PRO", to_correspondent, with_cda, attachment)
        if rng.random() < (practice.citizen_messages if eligible or all_eligible else 0.08):
            draw = rng.random()
            attachment = None if draw < 0.6 else draw < 0.93
            send(patient_id, "CITOYENNE", None, None if attachment is None else False, attachment)
    for patient_id in sorted(emergency_only):
        if rng.random() < 0.04:
            send(patient_id, "PRO", True, rng.random() < 0.5, None)
