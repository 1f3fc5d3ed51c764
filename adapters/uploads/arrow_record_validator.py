"""Column-wise checks of one batch against a record kind's declaration (data-contract.md §2).

Each rule runs as one Arrow kernel over the whole column, never as a Python loop over rows;
only failing rows (the first ones) become `RecordIssue`s. Checks that need the whole file or
the database (duplicate ids, links, date order) run afterwards as SQL in the store.
"""

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from adapters.uploads.arrow_line_batches import LineBatch
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser
from adapters.uploads.issue_sink import IssueSink
from domain.errors import RecordIssue
from domain.submissions.record_kinds import FieldSpec, FieldType, RecordKindSpec

_TRUE = pa.array([spelling for word in ("true", "oui") for spelling in (word, word.upper(), word.title())] + ["1"])
_FALSE = pa.array([spelling for word in ("false", "non") for spelling in (word, word.upper(), word.title())] + ["0"])
_DATETIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)?)?$"
)
_INT = r"^\d{1,6}$"
_INS_FORMAT = r"^[1-8]\d{4}(\d{2}|2A|2B)\d{8}$"
_NULL = pa.scalar(None, pa.string())
_FREE_TEXT = (FieldType.TEXT, FieldType.PATIENT_ID)


@dataclass(frozen=True, slots=True)
class UploadContext:
    finess_ej: str
    site_finess: frozenset[str]
    pseudonymiser: HmacPseudonymiser


@dataclass(frozen=True, slots=True)
class ValidatedBatch:
    columns: dict[str, pa.Array]  # normalised for storage (booleans t/f, identifiers pseudonymised)
    lines: pa.Array
    valid: pa.Array  # rows without any issue

    def storable(self) -> tuple[dict[str, pa.Array], pa.Array]:
        """The columns and lines of the valid rows only."""
        return (
            {name: column.filter(self.valid) for name, column in self.columns.items()},
            self.lines.filter(self.valid),
        )


class _BatchIssues:
    """Reports failing rows to the sink and remembers which rows failed."""

    def __init__(self, lines: pa.Array, sink: IssueSink) -> None:
        self.lines = lines
        self.sink = sink
        self.failed = pa.repeat(pa.scalar(False), len(lines))

    def report(self, failing: pa.Array, values: pa.Array | None, field: str, reason: str) -> None:
        """`failing` may hold nulls: they mean 'not checked here'."""
        mask = pc.fill_null(failing, False)
        total = pc.sum(mask).as_py() or 0
        if not total:
            return
        self.failed = pc.or_(self.failed, mask)
        cap = self.sink.cap
        first_lines = self.lines.filter(mask).slice(0, cap).to_pylist()
        shown = values.filter(mask).slice(0, cap).to_pylist() if values is not None else None
        self.sink.add_many(
            [
                RecordIssue(line, field, reason, shown[index] if shown is not None else None)
                for index, line in enumerate(first_lines)
            ],
            total,
        )


def validated_batch(batch: LineBatch, spec: RecordKindSpec, context: UploadContext, sink: IssueSink) -> ValidatedBatch:
    issues = _BatchIssues(batch.lines, sink)
    columns: dict[str, pa.Array] = {}
    for field in spec.fields:
        raw = batch.columns.get(field.name)
        column = pa.nulls(batch.num_rows, pa.string()) if raw is None else _blank_to_null(raw)
        columns[field.name] = _checked(column, field, context, issues)
    for field in spec.fields:
        if field.default is not None:
            columns[field.name] = pc.coalesce(columns[field.name], field.default)
        elif field.default_from is not None:
            columns[field.name] = pc.coalesce(columns[field.name], columns[field.default_from])
    for rule in spec.required_when:
        applies = pc.is_in(columns[rule.condition_field], pa.array(rule.condition_values))
        issues.report(pc.and_(applies, pc.is_null(columns[rule.field])), None, rule.field, rule.reason)
    return ValidatedBatch(columns, batch.lines, pc.invert(issues.failed))


def _checked(column: pa.Array, field: FieldSpec, context: UploadContext, issues: _BatchIssues) -> pa.Array:
    shown = None if field.is_identifier else column
    name = field.name
    if field.required:
        issues.report(pc.is_null(column), None, name, "required")
    if field.type in _FREE_TEXT:  # the other types' own checks bound their length
        too_long = pc.greater(pc.utf8_length(column), field.max_length)
        issues.report(too_long, None, name, f"longer than {field.max_length} characters")
    match field.type:
        case FieldType.ENUM:
            issues.report(_not_in(column, pa.array(field.values)), shown, name, f"not one of {', '.join(field.values)}")
        case FieldType.BOOL:
            truthy, falsy = pc.is_in(column, _TRUE), pc.is_in(column, _FALSE)
            issues.report(
                pc.and_(pc.is_valid(column), pc.invert(pc.or_(truthy, falsy))),
                shown,
                name,
                "not a boolean (true/false, 1/0, oui/non, in lower, upper or title case)",
            )
            return pc.if_else(truthy, "t", pc.if_else(falsy, "f", _NULL))
        case FieldType.INT:
            issues.report(pc.invert(pc.match_substring_regex(column, _INT)), shown, name, "not a whole number")
        case FieldType.DATETIME:
            issues.report(
                _invalid_datetime(column),
                shown,
                name,
                "not an ISO 8601 date or date-time (2025-03-14 or 2025-03-14T08:30:00+01:00)",
            )
        case FieldType.SITE_FINESS | FieldType.SENDER_FINESS:
            allowed = set(context.site_finess)
            if field.type is FieldType.SENDER_FINESS:
                allowed.add(context.finess_ej)
            issues.report(
                _not_in(column, pa.array(sorted(allowed), pa.string())),
                shown,
                name,
                f"not a site of the legal entity {context.finess_ej}",
            )
        case FieldType.PATIENT_ID:
            return context.pseudonymiser.pseudonymise_column("ipp", column)
        case FieldType.INS:
            upper = pc.utf8_upper(column)
            issues.report(_invalid_ins(upper), None, name, "not an INS matricule (15 characters, NIR key)")
            return context.pseudonymiser.pseudonymise_column("ins", upper)
    return column


def _not_in(column: pa.Array, allowed: pa.Array) -> pa.Array:
    """True where a value is given and not allowed (an empty cell is the `required` rule's)."""
    return pc.and_(pc.is_valid(column), pc.invert(pc.is_in(column, allowed)))


def _blank_to_null(column: pa.Array) -> pa.Array:
    """Surrounding spaces (ASCII) are not part of a value; a cell of spaces is empty."""
    trimmed = pc.ascii_trim_whitespace(column)
    blank = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(blank, _NULL, trimmed) if pc.any(blank).as_py() else trimmed


def _invalid_datetime(column: pa.Array) -> pa.Array:
    """Wrong shape, or a calendar day that does not exist (2025-02-30).

    A nonexistent day parses as a later one (30 February gives 2 March), so the parsed day of
    month differing from the written one reveals it.
    """
    shape_ok = pc.fill_null(pc.match_substring_regex(column, _DATETIME), False)
    written = pc.if_else(shape_ok, column, "2000-01-01")
    parsed = pc.strptime(pc.utf8_slice_codeunits(written, 0, 10), format="%Y-%m-%d", unit="s")
    day_ok = pc.equal(pc.day(parsed), pc.cast(pc.utf8_slice_codeunits(written, 8, 10), pa.int64()))
    return pc.and_(pc.is_valid(column), pc.invert(pc.and_(shape_ok, day_ok)))


def _invalid_ins(column: pa.Array) -> pa.Array:
    """Format, then the NIR key: 97 - (first 13 characters, 2A→19 and 2B→18) mod 97."""
    shape_ok = pc.fill_null(pc.match_substring_regex(column, _INS_FORMAT), False)
    digits = pc.replace_substring(pc.replace_substring(column, "2A", "19"), "2B", "18")
    safe = pc.if_else(shape_ok, digits, "000000000000000")
    body = pc.cast(pc.utf8_slice_codeunits(safe, 0, 13), pa.int64())
    key = pc.cast(pc.utf8_slice_codeunits(safe, 13, 15), pa.int64())
    expected = pc.subtract(97, pc.subtract(body, pc.multiply(pc.divide(body, 97), 97)))
    return pc.and_(pc.is_valid(column), pc.invert(pc.and_(shape_ok, pc.equal(key, expected))))
