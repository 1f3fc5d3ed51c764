"""How Alembic compares column types: SQLModel's `str` (an unbounded VARCHAR behind a type
decorator) and TEXT are the same thing in PostgreSQL, so they are not reported as a difference."""

from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


def compare_type(
    _context: Any, _inspected_column: Any, _metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    declared = metadata_type.impl if isinstance(metadata_type, TypeDecorator) else metadata_type
    unbounded = (
        isinstance(inspected_type, String)
        and isinstance(declared, String)
        and not getattr(inspected_type, "length", None)
        and not getattr(declared, "length", None)
    )
    return False if unbounded else None
