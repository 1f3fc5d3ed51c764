"""Emptying the database between tests, or between the examples of one property test."""

from adapters.persistence.tables import metadata

_AUDIT_TRAIL = "audit_event"
EMPTY_ALL_TABLES = (
    "TRUNCATE "
    + ", ".join(table.name for table in metadata.sorted_tables if table.name != _AUDIT_TRAIL)
    + " RESTART IDENTITY"
)
"""Every table but the audit trail, which refuses TRUNCATE (see EMPTY_AUDIT_TRAIL)."""

EMPTY_AUDIT_TRAIL = (
    f"ALTER TABLE {_AUDIT_TRAIL} DISABLE TRIGGER audit_event_no_truncate",
    f"TRUNCATE {_AUDIT_TRAIL} RESTART IDENTITY",
    f"ALTER TABLE {_AUDIT_TRAIL} ENABLE TRIGGER audit_event_no_truncate",
)
"""The trail is append-only in service; a test database bypasses its trigger to start afresh."""
