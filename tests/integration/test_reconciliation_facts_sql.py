"""The SQL of the local documents' facts (§7 causes) equals the domain's reference, on random
months (month ends and DST, every DMP status, late and early acceptances, both as-of instants)."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.counting_state import prepare_counting_state
from adapters.persistence.pg_reconciliation_facts import count_local_document_facts
from domain.indicators.entity_month import EntityMonth
from domain.reconciliation.local_facts import local_document_facts
from tests.integration.test_patient_and_document_indicators_sql import ENTITY, MONTH, months
from tests.support.stored_records import stored_month


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=months())
async def test_local_document_facts_in_sql_equal_the_domain(engine: AsyncEngine, month: EntityMonth) -> None:
    async with stored_month(engine, month, datetime(2025, 3, 1, tzinfo=UTC)) as raw:
        await prepare_counting_state(raw, ENTITY, month.as_of)
        counted = await count_local_document_facts(raw, month.entity, MONTH, month.as_of)
    assert counted == {indicator: local_document_facts(month, indicator) for indicator in counted}
    assert set(counted) == {"P1.O2.LDL", "P1.O2.ODS", "P1.O3", "P1.O4", "P1.O5", "P1.O6"}
