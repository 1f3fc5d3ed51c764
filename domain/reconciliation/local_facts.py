"""What the local documents show that may explain a gap with the national DMP feeds (§7 causes):
the documents of the indicator's types produced in the month (as the document indicators
attribute them), in their latest version (D15). The reference for the SQL of
`pg_reconciliation_facts`."""

from datetime import datetime

from domain.indicators.catalogue import CATALOGUE
from domain.indicators.document_eligibility import (
    deduplicated,
    feeding_deadline,
    first_failed_rule,
    paris_instant,
)
from domain.indicators.entity_month import EntityMonth
from domain.reconciliation.reconcile import LocalDocumentFacts
from domain.records import DmpStatus, Document


def local_document_facts(data: EntityMonth, indicator_id: str) -> LocalDocumentFacts:
    definition = CATALOGUE[indicator_id]
    policies = data.entity.policies
    deadline = feeding_deadline(data.month, policies.feeding_grace_months)
    documents = [
        document
        for document in deduplicated(data.documents)
        if document.type_code in definition.type_codes
        and data.month.starts_at <= document.produced_at < data.month.ends_at
    ]
    eligible = sum(
        1
        for document in documents
        if first_failed_rule(
            document,
            definition,
            measured_month=data.month,
            as_of=data.as_of,
            grace_months=policies.feeding_grace_months,
            require_datamatrix=policies.require_datamatrix,
        )
        is None
    )
    accepted = [document for document in documents if _accepted_by(document, data.as_of)]
    return LocalDocumentFacts(
        eligible_sent=eligible,
        late=sum(1 for document in accepted if paris_instant(document.dmp_sent_at or data.as_of) >= deadline),
        rejected=sum(1 for document in documents if document.dmp_status is DmpStatus.REJECTED),
        sent_without_qualified_ins=sum(1 for document in accepted if not document.ins_qualified),
    )


def _accepted_by(document: Document, as_of: datetime) -> bool:
    """Accepted by the DMP at or before the as-of instant (D1)."""
    return (
        document.dmp_status is DmpStatus.ACCEPTED
        and document.dmp_sent_at is not None
        and paris_instant(document.dmp_sent_at) <= paris_instant(as_of)
    )
