"""Cases (办件): the commands of their lifecycle, their state at any moment, and their history."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter

from api.bootstrap import Deployment
from api.deps import AsOf, CaseWork, DeploymentDep, Reader, WindowWork
from api.personal import person_view
from api.schemas import (
    CaseAccept, CaseConclude, CaseCreate, CaseDeliver, CaseExtend, CasePublic, CaseRefuse, CaseSuspend, CaseTransfer,
    CaseWithdraw, ChargedPublic, Command, HolderPublic,
)
from api.scope import Caller
from domain.case_commands import CaseNotFound
from domain.case import Case
from domain.catalogue import Window
from streams.envelope import envelope_of

router = APIRouter(prefix="/cases", tags=["cases"])


def case_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise CaseNotFound(f"case {text} not found") from None


def scoped_case(deployment: Deployment, caller: Caller, case_id: str, as_of: datetime | None = None) -> Case:
    """The case, if the caller's row scope reaches it (403 otherwise)."""
    case = deployment.centre.case(case_id_of(case_id), as_of)
    caller.check_case(case, window_accepts=clerk_window_accepts(deployment, caller, case))
    return case


def clerk_window_accepts(deployment: Deployment, caller: Caller, case: Case) -> bool:
    if caller.role != "clerk" or case.window is not None or not caller.window:
        return False
    window = deployment.centre.find(Window, caller.window)
    return window is not None and window.accepts(case.department)


def command(deployment: Deployment, caller: Caller, at: datetime | None) -> dict:
    """Who acts and when, once the business time is within bounds (422) and its backdating allowed (403)."""
    now = deployment.centre.clock()
    if at is not None:
        deployment.centre.bounds.business_time(at, now)
        caller.check_backdating(at, now, deployment.settings.clerk_backdate_hours)
    return {"actor": caller.actor, "at": at}


def versioned(deployment: Deployment, caller: Caller, body: Command) -> dict:
    return {**command(deployment, caller, body.at), "expected_version": body.expected_version}


def act(deployment: Deployment, caller: Caller, case_id: str, command, body: Command, **fields) -> CasePublic:
    """A command on a case within the caller's scope: check the scope, run it, show the case after it."""
    scoped_case(deployment, caller, case_id)
    case = command(case_id_of(case_id), **fields, **versioned(deployment, caller, body))
    return changed(deployment, caller, case)


def case_view(deployment: Deployment, caller: Caller, case: Case, as_of: datetime) -> CasePublic:
    calendar = deployment.centre.calendar
    clock = case.clock(as_of, calendar, deployment.centre.policy)
    open_suspension = case.suspensions[-1] if case.state == "suspended" else None
    current = case.holdings[-1] if case.holdings else None
    return CasePublic(
        id=str(case.id), item=case.item, item_name=case.item_name, kind=case.kind, department=case.department,
        channel=case.channel, applicant_ref=case.applicant_ref,
        applicant=person_view(deployment.vault, case.applicant, caller.sees_personal_data),
        state=case.state, version=case.version, as_of=as_of, submitted_at=case.submitted_at,
        accepted_at=case.accepted_at, window=case.window, hall=case.hall, staff=case.staff,
        promised_days=case.promised_days, legal_days=case.legal_days,
        suspended_since=open_suspension.suspended_at if open_suspension else None,
        suspension_reasons=[period.reason for period in case.suspensions],
        suspended_workdays=case.suspended_workdays(as_of, calendar), pending_materials=case.pending_materials,
        extended_days=case.extended_days, stage=current.stage if current else None,
        handler=current.staff if current else None, holders=holders_view(case, as_of, calendar),
        charged_to=charged_view(case.charged_to(as_of, calendar)),
        concluded_at=case.concluded_at, outcome=case.outcome, refusal_reason=case.refusal_reason,
        delivered_at=case.delivered_at, delivery_method=case.delivery_method, withdrawn_at=case.withdrawn_at,
        withdrawal_reason=case.withdrawal_reason,
        deadline=clock.deadline if clock else None,
        elapsed_workdays=clock.elapsed_workdays if clock else None,
        remaining_workdays=clock.remaining_workdays if clock else None,
        warning=clock.warning if clock else "none", on_time=clock.on_time if clock else None,
    )


def holders_view(case: Case, as_of: datetime, calendar) -> list[HolderPublic]:
    return [HolderPublic(stage=period.holding.stage, staff=period.holding.staff, department=period.holding.department,
                         from_=period.holding.start, to=period.end, workdays=period.workdays)
            for period in case.holding_periods(as_of, calendar)]


def charged_view(holding) -> ChargedPublic | None:
    if holding is None:
        return None
    return ChargedPublic(staff=holding.staff, department=holding.department, stage=holding.stage)


def changed(deployment: Deployment, caller: Caller, case: Case) -> CasePublic:
    deployment.after_write()
    return case_view(deployment, caller, case, deployment.centre.clock())


@router.post("", status_code=201, response_model=CasePublic)
def submit_case(body: CaseCreate, deployment: DeploymentDep, caller: WindowWork) -> CasePublic:
    """Submit an application (申请) for a service item; the applicant's data is stored encrypted."""
    case = deployment.centre.submit_case(item=body.item, channel=body.channel,
                                         applicant=body.applicant.model_dump(exclude_none=True),
                                         **command(deployment, caller, body.at))
    return changed(deployment, caller, case)


@router.post("/{case_id}/accept", response_model=CasePublic)
def accept_case(case_id: str, body: CaseAccept, deployment: DeploymentDep, caller: WindowWork) -> CasePublic:
    """Accept (受理) at a window; the SLA clock starts with the item's promised limit."""
    caller.check_window(body.window)
    case = deployment.centre.accept_case(case_id_of(case_id), window=body.window, staff=body.staff,
                                         missing_materials=body.missing_materials,
                                         **versioned(deployment, caller, body))
    return changed(deployment, caller, case)


@router.post("/{case_id}/refuse", response_model=CasePublic)
def refuse_case(case_id: str, body: CaseRefuse, deployment: DeploymentDep, caller: WindowWork) -> CasePublic:
    """Refuse to accept (不予受理), with the reason."""
    return act(deployment, caller, case_id, deployment.centre.refuse_case, body, reason=body.reason)


@router.post("/{case_id}/suspend", response_model=CasePublic)
def suspend_case(case_id: str, body: CaseSuspend, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Suspend (挂起): the working days until resumption do not count."""
    return act(deployment, caller, case_id, deployment.centre.suspend_case, body, reason=body.reason, note=body.note)


@router.post("/{case_id}/resume", response_model=CasePublic)
def resume_case(case_id: str, body: Command, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Resume a suspended case; its clock runs again."""
    return act(deployment, caller, case_id, deployment.centre.resume_case, body)


@router.post("/{case_id}/conclude", response_model=CasePublic)
def conclude_case(case_id: str, body: CaseConclude, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Conclude (办结) as approved or denied; the clock stops."""
    return act(deployment, caller, case_id, deployment.centre.conclude_case, body, outcome=body.outcome)


@router.post("/{case_id}/materials", response_model=CasePublic)
def receive_materials(case_id: str, body: Command, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """The materials missing at acceptance (容缺受理) have arrived; 409 if none are pending."""
    return act(deployment, caller, case_id, deployment.centre.receive_materials, body)


@router.post("/{case_id}/extend", response_model=CasePublic)
def extend_case(case_id: str, body: CaseExtend, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Extend the limit (延期) by 1–30 working days, before the deadline: 409 once the case is red."""
    return act(deployment, caller, case_id, deployment.centre.extend_case, body, days=body.days, reason=body.reason)


@router.post("/{case_id}/transfer", response_model=CasePublic)
def transfer_case(case_id: str, body: CaseTransfer, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Hand the case to a member of staff (any department) for review, approval or decision (审查 审核 决定)."""
    return act(deployment, caller, case_id, deployment.centre.transfer_case, body, staff=body.staff, stage=body.stage)


@router.post("/{case_id}/deliver", response_model=CasePublic)
def deliver_case(case_id: str, body: CaseDeliver, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Deliver the result of a concluded case (送达): picked up or mailed; the clock stays frozen."""
    return act(deployment, caller, case_id, deployment.centre.deliver_case, body, method=body.method)


@router.post("/{case_id}/withdraw", response_model=CasePublic)
def withdraw_case(case_id: str, body: CaseWithdraw, deployment: DeploymentDep, caller: CaseWork) -> CasePublic:
    """Withdraw at the applicant's request (撤回), from submitted, accepted or suspended."""
    return act(deployment, caller, case_id, deployment.centre.withdraw_case, body, reason=body.reason)


@router.get("/{case_id}", response_model=CasePublic)
def read_case(case_id: str, deployment: DeploymentDep, caller: Reader, as_of: AsOf) -> CasePublic:
    """The case as it stood at `as_of` (business time; default now), with its SLA clock."""
    return case_view(deployment, caller, scoped_case(deployment, caller, case_id, as_of), as_of)


@router.get("/{case_id}/history")
def read_history(case_id: str, deployment: DeploymentDep, caller: Reader) -> dict:
    """Every event of the case in order, with business time, record time, actor and keyed hashes."""
    scoped_case(deployment, caller, case_id)
    events = deployment.centre.case_events(case_id_of(case_id))
    return {"id": case_id, "events": [history_entry(deployment, caller, event) for event in events]}


def history_entry(deployment: Deployment, caller: Caller, event) -> dict:
    envelope = envelope_of(event, position=0)
    payload = dict(envelope.payload)
    if "applicant_ref" in payload:
        payload["applicant"] = person_view(deployment.vault, event.applicant, caller.sees_personal_data)
    return {"version": envelope.version, "type": envelope.type, "occurred_at": envelope.occurred_at,
            "recorded_at": envelope.recorded_at, "actor": envelope.actor, "payload": payload,
            "hash": envelope.hash, "previous_hash": envelope.previous_hash}
