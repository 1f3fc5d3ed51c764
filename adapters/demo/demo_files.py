"""Writing one member's monthly extract files, row by row, in the member's own file style."""

import csv
import json
from pathlib import Path
from typing import IO

from adapters.demo.demo_members import FileStyle

KINDS = ("patients", "encounters", "consultations", "documents", "messages")

FIELDS: dict[str, tuple[str, ...]] = {
    "patients": (
        "patient_id",
        "ins",
        "identity_status",
        "identity_doubtful",
        "identity_fictitious",
        "mes_status",
    ),
    "encounters": (
        "encounter_id",
        "patient_id",
        "finess_et",
        "activity",
        "kind",
        "admitted_at",
        "discharged_at",
        "stay_group_id",
        "age_at_admission",
        "surgical_act",
        "eligible_pathway",
        "unit",
    ),
    "consultations": (
        "consultation_id",
        "patient_id",
        "finess_et",
        "occurred_at",
        "ace_billed",
        "eligible_pathway",
    ),
    "documents": (
        "document_id",
        "version",
        "report_id",
        "patient_id",
        "encounter_id",
        "consultation_id",
        "stay_group_id",
        "type_code",
        "produced_at",
        "format",
        "ins_qualified",
        "datamatrix",
        "dmp_status",
        "dmp_sent_at",
        "dmp_lot_id",
        "subcontracted",
        "no_transmission",
        "discipline",
        "modality",
        "unit",
    ),
    "messages": (
        "message_id",
        "patient_id",
        "channel",
        "sent_at",
        "sender_finess",
        "to_health_correspondent",
        "has_cda_xdm",
        "attachment_ins_qualified",
    ),
}

Row = dict[str, object]


def columns(kind: str, style: FileStyle) -> tuple[str, ...]:
    return tuple(name for name in FIELDS[kind] if f"{kind}.{name}" not in style.omitted)


class RecordFile:
    """One extract file being written; `rows` counts the records written so far."""

    def __init__(self, path: Path, kind: str, style: FileStyle) -> None:
        self.path = path
        self.rows = 0
        self._fields = columns(kind, style)
        self._true, self._false = style.true, style.false
        self._ndjson = style.fmt == "ndjson"
        self._stream: IO[str] = path.open("w", encoding=style.encoding, newline="")
        self._csv = csv.writer(self._stream, delimiter=style.delimiter, lineterminator=style.line_end)
        if not self._ndjson:
            self._csv.writerow(self._fields)

    def write(self, row: Row) -> None:
        self.rows += 1
        if self._ndjson:
            record = {name: row[name] for name in self._fields if row.get(name) is not None}
            self._stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            self._stream.write("\n")
            return
        yes, no = self._true, self._false
        self._csv.writerow(
            [
                "" if (value := row.get(name)) is None else yes if value is True else no if value is False else value
                for name in self._fields
            ]
        )

    def close(self) -> None:
        self._stream.close()


class MonthFiles:
    """The five files of one (member, month), all open at once while the month is generated."""

    def __init__(self, folder: Path, style: FileStyle) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.by_kind = {kind: RecordFile(folder / f"{kind}{style.suffix}", kind, style) for kind in KINDS}
        self.patients = self.by_kind["patients"]
        self.encounters = self.by_kind["encounters"]
        self.consultations = self.by_kind["consultations"]
        self.documents = self.by_kind["documents"]
        self.messages = self.by_kind["messages"]

    def close(self) -> None:
        for record_file in self.by_kind.values():
            record_file.close()
