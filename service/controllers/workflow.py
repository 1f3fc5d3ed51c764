"""The monthly workflow of an entity (draft → submitted → validated → locked) and the GHT's
completeness and timeliness per member (api.md)."""

from datetime import datetime

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pg_month_workflow import PgMonthWorkflow
from adapters.persistence.pg_referential_store import PgReferentialStore
from domain.access import Action, Principal, Role
from domain.errors import ActionNotAllowed, NotFound
from domain.periods import Period
from domain.referential import LegalEntity
from domain.workflow.completeness import MonthCompleteness, due_at
from domain.workflow.month_workflow import MonthTransition, Transition, next_state
from service.path_values import path_member
from service.runtime import Runtime
from service.schemas.problems import READ_PROBLEMS, RESTRICTED_READ_PROBLEMS, problem_responses
from service.schemas.workflow import CompletenessView, MonthWorkflowView, TransitionBody, TransitionView
from service.scope import entity_in_scope, ght_in_scope

MOVE_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 422, 429, 503)  # 409: a step the month's state refuses


class WorkflowController(Controller):
    tags = ["workflow"]  # noqa: RUF012

    @get(
        "/api/v1/legal-entities/{finess_ej:str}/periods/{period:str}/workflow",
        operation_id="getMonthWorkflow",
        responses=READ_PROBLEMS,
        summary="The month's state, its history and its completeness",
    )
    async def month(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
    ) -> MonthWorkflowView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        month = Period.parse(period)
        return await _month_view(
            PgMonthWorkflow(unit_of_work), await _entity(referential, finess_ej, month, runtime), month, runtime
        )

    @post(
        "/api/v1/legal-entities/{finess_ej:str}/periods/{period:str}/workflow/{step:str}",
        operation_id="moveMonthWorkflow",
        status_code=200,
        responses=MOVE_PROBLEMS,
        summary="Submit (member), validate, lock or return to draft (GHT support), reopen (administrator)",
    )
    async def move(
        self,
        finess_ej: FromPath[str],
        period: FromPath[str],
        step: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
        data: JSONBody[TransitionBody | None] = None,
    ) -> MonthWorkflowView:
        await entity_in_scope(referential, principal, finess_ej, Action.READ)
        month = Period.parse(period)
        transition = path_member(Transition, step, "transition")
        entity = await _entity(referential, finess_ej, month, runtime)
        workflow = PgMonthWorkflow(unit_of_work)
        await workflow.lock_month(finess_ej, month.label)
        current, _ = (await workflow.states([finess_ej], month.label))[finess_ej]
        reason = data.reason if data else None
        target = next_state(current, transition, principal.role, reason)
        await workflow.record(
            MonthTransition(
                finess_ej,
                month.label,
                transition,
                current,
                target,
                principal.key_id,
                principal.role,
                runtime.clock(),
                reason.strip() if reason else None,
            )
        )
        return await _month_view(workflow, entity, month, runtime)

    @get(
        "/api/v1/ghts/{ght_id:str}/periods/{period:str}/completeness",
        operation_id="getGhtMonthCompleteness",
        responses=RESTRICTED_READ_PROBLEMS,
        summary="Which member has submitted which kinds, on time or late",
    )
    async def completeness(
        self,
        ght_id: FromPath[str],
        period: FromPath[str],
        principal: NamedDependency[Principal],
        referential: NamedDependency[PgReferentialStore],
        unit_of_work: NamedDependency[AsyncConnection],
        runtime: NamedDependency[Runtime],
    ) -> list[CompletenessView]:
        await ght_in_scope(referential, principal, ght_id, Action.READ)
        if principal.role is Role.MEMBER:
            raise ActionNotAllowed("a member reads its own month, not the GHT's completeness")
        month = Period.parse(period)
        now = runtime.clock()
        members = sorted(
            (
                entity
                for entity in await referential.legal_entities_at(month.last_day, now)
                if entity.ght_id == ght_id and entity.active
            ),
            key=lambda entity: entity.finess_ej,
        )
        return await _completeness(PgMonthWorkflow(unit_of_work), members, month, runtime, now)


async def _entity(referential: PgReferentialStore, finess_ej: str, month: Period, runtime: Runtime) -> LegalEntity:
    entity = await referential.legal_entity(finess_ej, day=month.last_day, as_of=runtime.clock())
    if entity is None:
        raise NotFound("the legal entity was not declared for this month")
    return entity


async def _month_view(
    workflow: PgMonthWorkflow, entity: LegalEntity, month: Period, runtime: Runtime
) -> MonthWorkflowView:
    history = await workflow.history(entity.finess_ej, month.label)
    [completeness] = await _completeness(workflow, [entity], month, runtime, runtime.clock())
    return MonthWorkflowView(
        finess_ej=entity.finess_ej,
        period=month.label,
        state=completeness.state,
        completeness=completeness,
        history=[
            TransitionView(
                transition=step.transition.value,
                from_state=step.from_state.value,
                to_state=step.to_state.value,
                actor=step.actor,
                role=step.role.value,
                at=step.at,
                reason=step.reason,
            )
            for step in history
        ],
    )


async def _completeness(
    workflow: PgMonthWorkflow, members: list[LegalEntity], month: Period, runtime: Runtime, now: datetime
) -> list[CompletenessView]:
    entities = [member.finess_ej for member in members]
    states = await workflow.states(entities, month.label)
    received = await workflow.kinds_received(entities, month, now)
    views = []
    for member in members:
        state, submitted_at = states[member.finess_ej]
        found = MonthCompleteness(
            member.finess_ej,
            month,
            state,
            received.get(member.finess_ej, {}),
            submitted_at,
            due_at(month, runtime.settings.due_day(member.ght_id)),
            now,
        )
        views.append(
            CompletenessView(
                finess_ej=member.finess_ej,
                name=member.name,
                period=month.label,
                state=state.value,
                received={kind.value: at for kind, at in found.received.items()},
                missing=[kind.value for kind in found.missing],
                submitted_at=submitted_at,
                due_at=found.due_at,
                late=found.late,
                days_late=found.days_late,
            )
        )
    return views
