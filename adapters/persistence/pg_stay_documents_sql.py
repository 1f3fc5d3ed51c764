"""The documents written about each stay (indicators.md §5: discharge letters, prescriptions and
operative reports), linked once per counting into `STAY_DOCUMENTS_TABLE` (`counting_state`) for
the three stay indicators to read, instead of each joining the whole latest state of the
documents again.

A stay's documents are those of its encounters, of its PSY venue group, or, for a series, the
patient's documents produced within its window. Only the columns the §4 rule reads are kept.
"""

from adapters.persistence.indicator_sql import in_list
from adapters.persistence.latest_state import current_records
from adapters.persistence.pg_stays_sql import STAYS_TABLE
from domain.indicators.catalogue import CATALOGUE, Unit
from domain.submissions.record_kinds import RecordKind

STAY_DOCUMENTS_TABLE = "current_stay_documents"

_STAY_TYPE_CODES = in_list(
    {
        code
        for definition in CATALOGUE.values()
        if definition.denominator_unit is Unit.STAY
        for code in definition.type_codes
    }
)
_COLUMNS = ", ".join(
    f"d.{column}"
    for column in ("document_id", "type_code", "format", "ins_qualified", "dmp_status", "dmp_sent_at", "datamatrix")
)

STAY_DOCUMENTS_SQL = f"""
WITH stays AS NOT MATERIALIZED (SELECT * FROM {STAYS_TABLE} WHERE rejection IS NULL),
docs AS NOT MATERIALIZED (
    SELECT * FROM {current_records(RecordKind.DOCUMENTS)} WHERE type_code IN ({_STAY_TYPE_CODES})
),
stay_encounters AS (  -- unnested in the select list: a LATERAL join is always a nested loop, and
    -- on misleading estimates the planner once rescanned every document for each stay (10 minutes)
    SELECT stay_id, unnest(encounter_ids) AS encounter_id FROM stays
)
-- three equi-joins (an OR would make the planner compare every pair); a document reached twice
-- only repeats a minimum, a maximum and a count compared with 0, so no sort removes it
SELECT e.stay_id, {_COLUMNS} FROM stay_encounters e JOIN docs d ON d.encounter_id = e.encounter_id
UNION ALL
SELECT s.stay_id, {_COLUMNS} FROM stays s JOIN docs d ON d.stay_group_id = s.group_id WHERE s.rule = 'psy_group'
UNION ALL
SELECT s.stay_id, {_COLUMNS} FROM stays s JOIN docs d ON d.patient_pseudonym = s.patient
WHERE s.rule = 'series_window' AND d.produced_at >= s.entry AND d.produced_at < s.exit_at
"""
