"""The audit trail's hash chain reveals an altered, removed or reordered event."""

from dataclasses import replace
from datetime import UTC, datetime

from domain.audit import GENESIS, AuditEvent, event_hash, verify_chain
from domain.periods import PARIS


def _chain(count: int) -> list[AuditEvent]:
    events, previous = [], GENESIS
    for event_id in range(1, count + 1):
        event = AuditEvent(
            datetime(2025, 4, 10, 9, event_id, tzinfo=UTC),
            "key1",
            "ars_auditor",
            "read",
            "GET",
            f"/api/v1/legal-entities/750712184/periods/2025-0{event_id}/indicators",
            "",
            200,
            event_id,
        )
        event = replace(event, previous_hash=previous, hash=event_hash(event_id, previous, event))
        events.append(event)
        previous = event.hash
    return events


def test_an_untouched_chain_holds() -> None:
    verification = verify_chain(_chain(4))
    assert (verification.intact, verification.checked) == (True, 4)


def test_an_altered_field_breaks_the_chain_at_that_event() -> None:
    events = _chain(4)
    events[2] = replace(events[2], path="/api/v1/audit")
    assert verify_chain(events).first_broken_id == 3


def test_a_removed_event_breaks_the_chain_at_the_next_one() -> None:
    events = _chain(4)
    del events[1]
    assert verify_chain(events).first_broken_id == 3


def test_swapped_events_break_the_chain() -> None:
    events = _chain(4)
    events[1], events[2] = events[2], events[1]
    assert verify_chain(events).first_broken_id == 3


def test_the_same_instant_in_another_time_zone_hashes_alike() -> None:
    event = _chain(1)[0]
    paris = replace(event, at=event.at.astimezone(PARIS))
    assert event_hash(1, GENESIS, paris) == event.hash
