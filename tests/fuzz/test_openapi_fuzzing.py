"""Fuzzing the API against its COMMITTED OpenAPI document (schemathesis, in-process over ASGI, on the
real test PostgreSQL with the test referential recorded): no answer is a server error (5xx), and
every answer has a documented status code, a documented content type and a body matching its
documented schema.

Design and budget:
- one test per operation and role (admin; member of ENTITY_A), each on a freshly emptied database
  with the test referential and a new API key (tests/fuzz/conftest.py), sent as `Authorization:
  Bearer`; the state the examples of one test leave (created GHTs, uploads...) is seen by the next;
- schemathesis' examples and coverage phases (boundary and negative values of every parameter),
  then at most MAX_EXAMPLES generated cases, positive and negative; Hypothesis is derandomized,
  keeps no example database and does not shrink, so a run is reproducible and bounded;
- path and query values are drawn half of the time from the test referential (real FINESS numbers,
  GHTs, months, record kinds, steps, indicators, datasets), so that handlers get past their 404s;
- the upload operations document no request body (they take a raw file): they are sent small bodies
  (a valid month file, a refused one, a few random bytes, nothing) under the media types they read,
  never a large one;
- the module's run time is printed and must stay under BUDGET_SECONDS (measured: ~45 s on 2 cores).

Exclusions (checks only; no operation is excluded):
- a 2xx answer of an operation documented as answering a non-JSON file (the XLSX/CSV response
  matrix, the plain-text methodology and evidence texts) is checked for its status and content
  type, not for its body: a file has no JSON body to match. Their error answers are fully checked.
- the upload rate limit is lifted in the fuzzed app (conftest.py): at its default (30 a minute per
  key) every upload past the 30th would answer 429 and the fuzzing would no longer reach the handler.

The OpenAPI document read is openapi/openapi.json; HOPEN2_FUZZ_OPENAPI names another copy, only to
check a regenerated document before it is committed.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from litestar import Litestar
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from domain.indicators.catalogue import CATALOGUE
from domain.indicators.targets import DEFAULT_REFERENTIAL
from domain.national.datasets import NationalDataset
from domain.submissions.record_kinds import RecordKind
from domain.workflow.month_workflow import Transition
from tests.support.referential import ENTITY_A, ENTITY_A2, ENTITY_B, GHT_A, GHT_B, SITE_A1, SITE_B1

COMMITTED = Path(__file__).parents[2] / "openapi" / "openapi.json"
OPENAPI = Path(os.environ.get("HOPEN2_FUZZ_OPENAPI", COMMITTED))
MAX_EXAMPLES = 8
BUDGET_SECONDS = 150.0

schema = schemathesis.openapi.from_path(OPENAPI)

MONTHS = ["2025-03", "2025-04", "2024-01", "2025-05"]
KNOWN_VALUES: dict[str, list[Any]] = {
    "finess_ej": [ENTITY_A, ENTITY_A2, ENTITY_B],
    "ght_id": [GHT_A, GHT_B],
    "finess_et": [SITE_A1, SITE_B1],
    "period": MONTHS,
    "from": MONTHS,
    "to": MONTHS,
    "kind": [kind.value for kind in RecordKind],
    "step": [transition.value for transition in Transition],
    "indicator_id": sorted(CATALOGUE),
    "dataset": [dataset.value for dataset in NationalDataset],
    "referential": [DEFAULT_REFERENTIAL],
}


def _with_known_values(values: dict[str, Any] | None) -> st.SearchStrategy[dict[str, Any] | None]:
    """The generated values, or the same with each known parameter drawn from the test referential."""
    if not values or not KNOWN_VALUES.keys() & values.keys():
        return st.just(values)
    known = st.fixed_dictionaries(
        {
            name: st.sampled_from(KNOWN_VALUES[name]) if name in KNOWN_VALUES else st.just(value)
            for name, value in values.items()
        }
    )
    return st.one_of(st.just(values), known)


@schema.hook
def flatmap_path_parameters(_: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any] | None]:
    return _with_known_values(path_parameters)


@schema.hook
def flatmap_query(_: Any, query: dict[str, Any]) -> st.SearchStrategy[dict[str, Any] | None]:
    return _with_known_values(query)


UPLOADS = frozenset({"uploadSubmission", "importFinessExtract", "importNationalFile"})
NDJSON = "application/x-ndjson"
schemathesis.serializer.alias(NDJSON, "application/octet-stream")  # the bytes as they are
UPLOAD_MEDIA_TYPES = ["text/csv", NDJSON, "application/octet-stream"]
MONTH_FILES = {  # a small file of each of two kinds, for ENTITY_A and March 2025 (the first is valid)
    "encounters": (
        "text/csv",
        (
            "encounter_id,patient_id,finess_et,activity,kind,admitted_at,discharged_at\n"
            f"E1,IPP-1,{SITE_A1},MCO,HOSPITALISATION,2025-03-01T10:00:00,2025-03-04\n"
        ).encode(),
    ),
    "patients": (NDJSON, b'{"patient_id": "IPP-1", "ins": "185057512345673", "identity_status": "QUAL"}\n'),
}
SMALL_BODIES = st.one_of(st.sampled_from([b"", *(body for _, body in MONTH_FILES.values())]), st.binary(max_size=64))


def _with_body(case: Case, media_type: str, body: bytes, path_parameters: dict[str, Any] | None = None) -> Case:
    case.media_type = media_type
    case.body = body
    if path_parameters is not None:
        case.path_parameters = path_parameters
    return case


@schema.hook
def flatmap_case(_: Any, case: Case) -> st.SearchStrategy[Case]:
    """An upload operation is sent a small body under a media type it reads; a monthly upload, half of the
    time, one of the month files above for its entity, month and kind, so that some are accepted."""
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id not in UPLOADS:
        return st.just(case)
    any_body = st.tuples(st.sampled_from(UPLOAD_MEDIA_TYPES), SMALL_BODIES).map(lambda drawn: _with_body(case, *drawn))
    if operation_id != "uploadSubmission":
        return any_body
    month_file = st.sampled_from(sorted(MONTH_FILES)).map(
        lambda kind: _with_body(
            case, *MONTH_FILES[kind], path_parameters={"finess_ej": ENTITY_A, "period": "2025-03", "kind": kind}
        )
    )
    return st.one_of(any_body, month_file)


JSON_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FILE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
FILE_MEDIA_TYPES = ("application/vnd.openxmlformats", "text/")


def _answers_a_file(case: Case) -> bool:
    """Whether the operation's documented success answer is a file rather than JSON."""
    success = case.operation.definition.raw.get("responses", {}).get("200", {})
    return any(media.startswith(FILE_MEDIA_TYPES) for media in success.get("content", {}))


@pytest.fixture(scope="module", autouse=True)
def _run_time() -> Iterator[None]:
    """The fuzzing's total time, printed (pytest -s, or the report of a failure) and bounded."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    print(f"\nOpenAPI fuzzing of {OPENAPI.name}: {elapsed:.1f} s (budget {BUDGET_SECONDS:.0f} s)")
    assert elapsed < BUDGET_SECONDS, f"the fuzzing took {elapsed:.1f} s, over its budget of {BUDGET_SECONDS:.0f} s"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case: Case, fuzz_app: Litestar, fuzz_headers: dict[str, str]
) -> None:
    response = case.call(app=fuzz_app, headers=fuzz_headers)
    checks = FILE_CHECKS if response.status_code < 300 and _answers_a_file(case) else JSON_CHECKS
    case.validate_response(response, checks=checks, headers=fuzz_headers, transport_kwargs={"app": fuzz_app})
