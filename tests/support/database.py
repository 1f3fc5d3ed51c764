"""Emptying the database between tests, or between the examples of one property test."""

from adapters.persistence.tables import metadata

EMPTY_ALL_TABLES = f"TRUNCATE {', '.join(table.name for table in metadata.sorted_tables)} RESTART IDENTITY"
