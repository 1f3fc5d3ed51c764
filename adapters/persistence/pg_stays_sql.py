"""The stay policy (indicators.md §3, D5–D8) as one set-based SQL query over the latest state of
an entity's encounters; the domain's `build_stays` is its reference and a property test holds
them equal. Each row is a stay, or a rejected candidate with its `rejection`, with the site and
unit of its last encounter (its stratum, D17). Ties between instants are broken on the ids in
code-point order (`COLLATE "C"`), as the domain's Python does, whatever the server's collation.

It reads the latest state of the encounters from the counting transaction's table, and is built
once per counting into `STAYS_TABLE` (`counting_state`).
"""

from adapters.persistence.indicator_sql import PARIS as _PARIS
from adapters.persistence.latest_state import current_records
from domain.records import Activity
from domain.stays import HAD_ADULT_AGE, HAD_MINIMUM_DAYS, SERIES_MINIMUM_SESSIONS, SERIES_WINDOW_MONTHS
from domain.submissions.record_kinds import RecordKind

_SERIES = ", ".join(f"'{activity.value}'" for activity in SERIES_WINDOW_MONTHS)
_WINDOW_MONTHS = " ".join(f"WHEN '{activity.value}' THEN {months}" for activity, months in SERIES_WINDOW_MONTHS.items())

STAYS_TABLE = "current_stays"
STAYS_SQL = f"""
WITH RECURSIVE enc AS NOT MATERIALIZED (SELECT * FROM {current_records(RecordKind.ENCOUNTERS)}),
singles AS (
    SELECT encounter_id AS stay_id, patient_pseudonym AS patient, activity,
           CASE WHEN activity = '{Activity.HAD.value}' THEN 'had' ELSE 'hospitalisation' END AS rule,
           admitted_at AS entry, discharged_at AS exit_at,
           date_trunc('month', discharged_at AT TIME ZONE {_PARIS})::date AS exit_month,
           ARRAY[encounter_id] AS encounter_ids, stay_group_id AS group_id,
           coalesce(surgical_act, false) AS surgical,
           CASE WHEN activity = '{Activity.HAD.value}' AND age_at_admission < {HAD_ADULT_AGE} THEN 'had_minor'
                WHEN activity = '{Activity.HAD.value}' AND discharged_at IS NOT NULL
                     AND (discharged_at AT TIME ZONE {_PARIS})::date - (admitted_at AT TIME ZONE {_PARIS})::date
                         < {HAD_MINIMUM_DAYS}
                THEN 'had_shorter_than_8_days' END AS rejection,
           finess_et AS last_site, unit AS last_unit
    FROM enc
    WHERE kind = 'HOSPITALISATION' AND activity <> 'URGENCES'
      AND NOT (activity = 'PSY' AND stay_group_id IS NOT NULL)
),
psy_groups AS (
    SELECT 'group:' || stay_group_id AS stay_id,
           (array_agg(patient_pseudonym ORDER BY admitted_at, encounter_id COLLATE "C"))[1] AS patient,
           'PSY' AS activity,
           'psy_group' AS rule, min(admitted_at) AS entry,
           CASE WHEN bool_and(discharged_at IS NOT NULL) THEN max(discharged_at) END AS exit_at,
           CASE WHEN bool_and(discharged_at IS NOT NULL)
                THEN date_trunc('month', max(discharged_at) AT TIME ZONE {_PARIS})::date END AS exit_month,
           array_agg(encounter_id) AS encounter_ids, stay_group_id AS group_id,
           bool_or(coalesce(surgical_act, false)) AS surgical, NULL AS rejection,
           (array_agg(finess_et ORDER BY coalesce(discharged_at, admitted_at) DESC, encounter_id COLLATE "C" DESC))[1]
               AS last_site,
           (array_agg(unit ORDER BY coalesce(discharged_at, admitted_at) DESC, encounter_id COLLATE "C" DESC))[1]
               AS last_unit
    FROM enc
    WHERE activity = 'PSY' AND stay_group_id IS NOT NULL AND kind <> 'PASSAGE'
    GROUP BY stay_group_id
),
sessions AS (
    SELECT patient_pseudonym AS patient, activity, encounter_id, admitted_at, finess_et, unit,
           coalesce(surgical_act, false) AS surgical, (admitted_at AT TIME ZONE {_PARIS})::date AS day,
           CASE activity {_WINDOW_MONTHS} END AS months
    FROM enc WHERE kind = 'SEANCE' AND activity IN ({_SERIES})
),
numbered AS (
    SELECT sessions.*,
           row_number() OVER (PARTITION BY patient, activity ORDER BY admitted_at, encounter_id COLLATE "C") AS rn
    FROM sessions
),
anchored AS (  -- walks each series in order: a session at or past its window's end anchors the next (D6)
    SELECT patient, activity, rn, day AS anchor, months FROM numbered WHERE rn = 1
    UNION ALL
    SELECT n.patient, n.activity, n.rn,
           CASE WHEN n.day >= (a.anchor + make_interval(months => a.months))::date THEN n.day ELSE a.anchor END,
           a.months
    FROM anchored a JOIN numbered n ON n.patient = a.patient AND n.activity = a.activity AND n.rn = a.rn + 1
),
series AS (
    SELECT 'series:' || s.activity || ':'
               || (array_agg(s.encounter_id ORDER BY s.admitted_at, s.encounter_id COLLATE "C"))[1] AS stay_id,
           s.patient, s.activity, 'series_window' AS rule, min(s.admitted_at) AS entry,
           (a.anchor + make_interval(months => a.months))::timestamp AT TIME ZONE {_PARIS} AS exit_at,
           date_trunc('month', (a.anchor + make_interval(months => a.months))::date - 1)::date AS exit_month,
           array_agg(s.encounter_id) AS encounter_ids, NULL AS group_id, bool_or(s.surgical) AS surgical,
           CASE WHEN count(*) < {SERIES_MINIMUM_SESSIONS} THEN 'series_fewer_than_3_sessions' END AS rejection,
           (array_agg(s.finess_et ORDER BY s.admitted_at DESC, s.encounter_id COLLATE "C" DESC))[1] AS last_site,
           (array_agg(s.unit ORDER BY s.admitted_at DESC, s.encounter_id COLLATE "C" DESC))[1] AS last_unit
    FROM anchored a JOIN numbered s ON s.patient = a.patient AND s.activity = a.activity AND s.rn = a.rn
    GROUP BY s.patient, s.activity, a.anchor, a.months
)
SELECT * FROM singles UNION ALL SELECT * FROM psy_groups UNION ALL SELECT * FROM series
"""
