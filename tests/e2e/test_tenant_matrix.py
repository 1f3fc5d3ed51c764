"""Tenant isolation, proven route by route (api.md): every endpoint of the app × every role × a
resource of the caller's own, a foreign one of the same region, and one out of the region.

Outcomes: ALLOWED (the access rules let the request through: any answer but 401, 403, 404 and
5xx — a 409 or 422 about the request itself still means it was let in), FORBIDDEN (403: in scope,
the role may not) and HIDDEN (404: out of scope, its existence not revealed). The matrix is the
rule book: an endpoint added to the app without its row here fails the suite.

Resources: own = CHU Test (entity A, GHT A, region 11) with its site A1; foreign = CH Test
(entity A2, same GHT and region) or, for GHT routes, another GHT of region 11; out of region =
CH Sud (entity B, GHT B, region 93). Keys: an admin, GHT A's support, a member of entity A, an
auditor of region 11.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.referential import (
    ENTITY_A,
    ENTITY_A2,
    ENTITY_B,
    GHT_A,
    GHT_B,
    REGION_A,
    SITE_A1,
    SITE_A2_1,
    SITE_B1,
)

Client = AsyncTestClient[Litestar]
ALLOWED, FORBIDDEN, HIDDEN = "allowed", "forbidden (403)", "hidden (404)"
A, F, H = ALLOWED, FORBIDDEN, HIDDEN
SCOPES = ("own", "foreign", "out_of_region")
ROLES = ("admin", "support", "member_a", "auditor")
OTHER_GHT = "GHT-IDF-OTHER"  # a GHT of region 11 that is not GHT A, with no member
ENTITY = {"own": ENTITY_A, "foreign": ENTITY_A2, "out_of_region": ENTITY_B}
GHT = {"own": GHT_A, "foreign": OTHER_GHT, "out_of_region": GHT_B}
SITE = {"own": SITE_A1, "foreign": SITE_A2_1, "out_of_region": SITE_B1}
PATIENTS = "patient_id,identity_status,mes_status\nP1,QUAL,OPEN\n"
DMP_FEEDS = f"finess;finess_kind;period;type_code;documents\n{ENTITY_A};EJ;2025-03;11490-0;3\n"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    content: str | None = None


# One pattern per kind of rule: the outcomes for (own, foreign, out of region), by role.
ENTITY_READ = {"admin": (A, A, A), "support": (A, A, H), "member_a": (A, H, H), "auditor": (A, A, H)}
GHT_OR_ARS_READ = {"admin": (A, A, A), "support": (A, A, H), "member_a": (F, H, H), "auditor": (A, A, H)}
UPLOAD = {"admin": (A, A, A), "support": (F, F, H), "member_a": (A, H, H), "auditor": (F, F, H)}
MONTH_SUBMIT = {"admin": (A, A, A), "support": (A, A, H), "member_a": (A, H, H), "auditor": (F, F, H)}
ENTITY_MANAGE = {"admin": (A, A, A), "support": (A, A, H), "member_a": (F, H, H), "auditor": (F, F, H)}
GHT_READ = {"admin": (A, A, A), "support": (A, H, H), "member_a": (A, H, H), "auditor": (A, A, H)}
GHT_VIEW = {"admin": (A, A, A), "support": (A, H, H), "member_a": (F, H, H), "auditor": (A, A, H)}
GHT_MANAGE = {"admin": (A, A, A), "support": (A, H, H), "member_a": (F, H, H), "auditor": (F, F, H)}
REFERENTIAL_IMPORT = {"admin": (A,) * 3, "support": (A,) * 3, "member_a": (F,) * 3, "auditor": (F,) * 3}
ADMIN_ONLY = {"admin": (A,) * 3, "support": (F,) * 3, "member_a": (F,) * 3, "auditor": (F,) * 3}


def _month(scope: str, tail: str) -> str:
    return f"/api/v1/legal-entities/{ENTITY[scope]}/periods/2025-03/{tail}"


def _entity_body(scope: str) -> dict[str, Any]:
    entity = ENTITY[scope]
    ght, department = {ENTITY_A: (GHT_A, "75"), ENTITY_A2: (GHT_A, "34"), ENTITY_B: (GHT_B, "13")}[entity]
    return {"name": f"Entité {entity}", "ght_id": ght, "department": department, "valid_from": "2024-01-01"}


def _ght_body(scope: str) -> dict[str, Any]:
    region, support = {
        "own": (REGION_A, ENTITY_A),
        "foreign": (REGION_A, ENTITY_A2),
        "out_of_region": ("93", ENTITY_B),
    }[scope]
    return {"name": f"GHT {scope}", "region": region, "support_finess_ej": support, "valid_from": "2024-01-01"}


# operation id -> (rule, the request for a scope). Submission ids and key ids come from `setup`.
MATRIX: dict[str, tuple[dict[str, tuple[str, ...]], Callable[[str, dict[str, Any]], Call]]] = {
    "listApiKeys": (ADMIN_ONLY, lambda s, _: Call("GET", "/api/v1/api-keys")),
    "issueApiKey": (
        ADMIN_ONLY,
        lambda s, _: Call(
            "POST", "/api/v1/api-keys", json={"name": f"matrix {s}", "role": "member", "finess_ejs": [ENTITY[s]]}
        ),
    ),
    "revokeApiKey": (ADMIN_ONLY, lambda s, setup: Call("DELETE", f"/api/v1/api-keys/{setup['keys'][s]}")),
    "listAuditEvents": (ADMIN_ONLY, lambda s, _: Call("GET", "/api/v1/audit")),
    "getGht": (GHT_READ, lambda s, _: Call("GET", f"/api/v1/ghts/{GHT[s]}")),
    "putGht": (GHT_MANAGE, lambda s, _: Call("PUT", f"/api/v1/ghts/{GHT[s]}", json=_ght_body(s))),
    "listGhtMembers": (GHT_READ, lambda s, _: Call("GET", f"/api/v1/ghts/{GHT[s]}/legal-entities")),
    "getGhtMonthCompleteness": (
        GHT_VIEW,
        lambda s, _: Call("GET", f"/api/v1/ghts/{GHT[s]}/periods/2025-03/completeness"),
    ),
    "getGhtMonthIndicators": (GHT_VIEW, lambda s, _: Call("GET", f"/api/v1/ghts/{GHT[s]}/periods/2025-03/indicators")),
    "getGhtMonthReconciliation": (
        GHT_VIEW,
        lambda s, _: Call("GET", f"/api/v1/ghts/{GHT[s]}/periods/2025-03/reconciliation"),
    ),
    "getLegalEntity": (ENTITY_READ, lambda s, _: Call("GET", f"/api/v1/legal-entities/{ENTITY[s]}")),
    "putLegalEntity": (
        ENTITY_MANAGE,
        lambda s, _: Call("PUT", f"/api/v1/legal-entities/{ENTITY[s]}", json=_entity_body(s)),
    ),
    "getEntityIndicatorTrend": (
        ENTITY_READ,
        lambda s, _: Call("GET", f"/api/v1/legal-entities/{ENTITY[s]}/indicators?from=2025-02&to=2025-03"),
    ),
    "getEntityMonthEvidence": (GHT_OR_ARS_READ, lambda s, _: Call("GET", _month(s, "evidence"))),
    "getEntityMonthEvidenceTexts": (GHT_OR_ARS_READ, lambda s, _: Call("GET", _month(s, "evidence/texts"))),
    "getEntityMonthIndicators": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "indicators"))),
    "getEntityMonthIndicatorStrata": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "indicators/strata?by=site"))),
    "getEntityMonthMethodology": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "methodology"))),
    "getEntityMonthReconciliation": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "reconciliation"))),
    "getEntityMonthIndicatorSample": (
        GHT_OR_ARS_READ,
        lambda s, _: Call("GET", _month(s, "samples/P1.O2.LDL?side=denominator")),
    ),
    "listSubmissions": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "submissions"))),
    "uploadSubmission": (UPLOAD, lambda s, _: Call("POST", _month(s, "submissions/patients"), content=PATIENTS)),
    "getMonthWorkflow": (ENTITY_READ, lambda s, _: Call("GET", _month(s, "workflow"))),
    "moveMonthWorkflow": (MONTH_SUBMIT, lambda s, _: Call("POST", _month(s, "workflow/submit"))),
    "countCurrentRecords": (ENTITY_READ, lambda s, _: Call("GET", f"/api/v1/legal-entities/{ENTITY[s]}/records")),
    "listLegalEntitySites": (ENTITY_READ, lambda s, _: Call("GET", f"/api/v1/legal-entities/{ENTITY[s]}/sites")),
    "listNationalMappings": (ADMIN_ONLY, lambda s, _: Call("GET", "/api/v1/national/mappings")),
    "putNationalMapping": (
        ADMIN_ONLY,
        lambda s, _: Call("PUT", f"/api/v1/national/mappings/m-{s}", json={"dataset": "dmp_feeds", "headers": {}}),
    ),
    "importNationalFile": (ADMIN_ONLY, lambda s, _: Call("POST", "/api/v1/national/dmp_feeds", content=DMP_FEEDS)),
    "listNationalImports": (ADMIN_ONLY, lambda s, _: Call("GET", "/api/v1/national/dmp_feeds/imports")),
    "importFinessExtract": (
        REFERENTIAL_IMPORT,
        lambda s, _: Call("POST", "/api/v1/referential/finess-extract", content=""),
    ),
    "getSite": (ENTITY_READ, lambda s, _: Call("GET", f"/api/v1/sites/{SITE[s]}")),
    "putSite": (
        ENTITY_MANAGE,
        lambda s, _: Call(
            "PUT",
            f"/api/v1/sites/{SITE[s]}",
            json={"finess_ej": ENTITY[s], "name": f"Site {s}", "valid_from": "2024-01-01"},
        ),
    ),
    "getSubmissionErrors": (
        ENTITY_READ,
        lambda s, setup: Call("GET", f"/api/v1/submissions/{setup['refusals'][s]}/errors"),
    ),
}


def _operations(app: Litestar) -> set[str]:
    """Every operation of the app that needs a caller (the public ones excepted)."""
    return {
        route_handler.operation_id
        for route in app.routes
        for route_handler in route.route_handlers
        if not route_handler.opt.get("public") and isinstance(route_handler.operation_id, str)
    }


def test_every_endpoint_has_a_row_in_the_matrix(app: Litestar) -> None:
    assert _operations(app) == set(MATRIX)


async def _setup(client: Client, keys: dict) -> dict[str, Any]:
    admin = keys["admin"]
    other = await client.put(
        f"/api/v1/ghts/{OTHER_GHT}",
        headers=admin,
        json={"name": "Autre GHT d'Île-de-France", "region": REGION_A, "support_finess_ej": ENTITY_A2},
    )
    assert other.status_code in (200, 201), other.text
    refusals, api_keys = {}, {}
    for scope, entity in ENTITY.items():
        refused = await client.post(
            f"/api/v1/legal-entities/{entity}/periods/2025-02/submissions/patients",
            content="patient_id\n",
            headers={**admin, "content-type": "text/csv"},
        )
        assert refused.status_code == 422, refused.text
        refusals[scope] = refused.json()["submission_id"]
        issued = await client.post(
            "/api/v1/api-keys",
            headers=admin,
            json={"name": f"to revoke {scope}", "role": "member", "finess_ejs": [entity]},
        )
        assert issued.status_code == 201, issued.text
        api_keys[scope] = issued.json()["key_id"]
    return {"refusals": refusals, "keys": api_keys}


def _outcome(status: int) -> str:
    assert status not in (401,) and status < 500, status
    return {403: FORBIDDEN, 404: HIDDEN}.get(status, ALLOWED)


@pytest.mark.parametrize("role", ROLES)
async def test_every_endpoint_answers_each_role_as_the_matrix_says(client: Client, keys: dict, role: str) -> None:
    setup = await _setup(client, keys)
    mismatches = []
    for operation, (rule, request) in sorted(MATRIX.items()):
        for scope, expected in zip(SCOPES, rule[role], strict=True):
            call = request(scope, setup)
            headers = {**keys[role], **({"content-type": "text/csv"} if call.content is not None else {})}
            answer = await client.request(call.method, call.path, headers=headers, json=call.json, content=call.content)
            if (got := _outcome(answer.status_code)) != expected:
                mismatches.append(
                    f"{operation} as {role} on {scope}: {got} ({answer.status_code}), expected {expected}"
                )
    assert mismatches == []
