"""The local documents' facts that explain gaps with the national DMP feeds (§7), counted in SQL
over the counting tables; `domain.reconciliation.local_facts` is the reference they equal."""

from datetime import datetime

import asyncpg

from adapters.persistence.indicator_sql import document_failure_sql, in_list
from adapters.persistence.latest_state import current_records
from domain.indicators.catalogue import CATALOGUE
from domain.indicators.document_eligibility import feeding_deadline
from domain.periods import Period
from domain.reconciliation.national_checks import NATIONAL_CHECKS
from domain.reconciliation.reconcile import LocalDocumentFacts
from domain.referential import LegalEntity
from domain.submissions.record_kinds import RecordKind

_DOCUMENT_CHECKS = tuple(check.indicator_id for check in NATIONAL_CHECKS.values() if check.per_document_type)
_ACCEPTED = "d.dmp_status = 'ACCEPTED' AND d.dmp_sent_at IS NOT NULL AND d.dmp_sent_at <= $1"


def _facts_sql(indicator_id: str) -> str:
    """Parameters: $1 as-of, $2 month start, $3 month end, $4 feeding deadline, $5 DataMatrix required."""
    definition = CATALOGUE[indicator_id]
    failure = document_failure_sql(definition, "d", as_of="$1", deadline="$4", require_datamatrix="$5")
    return f"""
SELECT '{indicator_id}' AS indicator_id,
       count(*) FILTER (WHERE {failure} = 0) AS eligible_sent,
       count(*) FILTER (WHERE {_ACCEPTED} AND d.dmp_sent_at >= $4) AS late,
       count(*) FILTER (WHERE d.dmp_status = 'REJECTED') AS rejected,
       count(*) FILTER (WHERE {_ACCEPTED} AND NOT d.ins_qualified) AS sent_without_qualified_ins
FROM {current_records(RecordKind.DOCUMENTS)} d
WHERE d.type_code IN ({in_list(definition.type_codes)}) AND d.produced_at >= $2 AND d.produced_at < $3"""


_FACTS = "\nUNION ALL".join(_facts_sql(indicator_id) for indicator_id in _DOCUMENT_CHECKS)


async def count_local_document_facts(
    connection: asyncpg.Connection, entity: LegalEntity, month: Period, as_of: datetime
) -> dict[str, LocalDocumentFacts]:
    """Reads the counting tables of `counting_state`; by indicator id, for the DMP indicators."""
    policies = entity.policies
    rows = await connection.fetch(
        _FACTS,
        as_of,
        month.starts_at,
        month.ends_at,
        feeding_deadline(month, policies.feeding_grace_months),
        policies.require_datamatrix,
    )
    return {
        row["indicator_id"]: LocalDocumentFacts(
            row["eligible_sent"], row["late"], row["rejected"], row["sent_without_qualified_ins"]
        )
        for row in rows
    }
