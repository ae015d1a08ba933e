"""Cases (办件): the commands of their lifecycle, their state at any moment, and their history."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter

from api.deps import Clerk, DeploymentDep, Reader
from api.schemas import CaseAccept, CaseConclude, CaseCreate, CasePublic, CaseRefuse, CaseSuspend, Command
from domain.application import CaseNotFound
from domain.case import Case
from domain.clock import beijing
from streams.envelope import envelope_of

router = APIRouter(prefix="/cases", tags=["cases"])


def case_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise CaseNotFound(f"case {text} not found") from None


def case_view(deployment, case: Case, as_of: datetime) -> CasePublic:
    clock = case.clock(as_of, deployment.centre.calendar, deployment.centre.policy)
    open_suspension = case.suspensions[-1] if case.state == "suspended" else None
    return CasePublic(
        id=str(case.id), item=case.item, item_name=case.item_name, kind=case.kind, department=case.department,
        channel=case.channel, applicant=masked(case.applicant), state=case.state, version=case.version,
        as_of=beijing(as_of), submitted_at=case.submitted_at, accepted_at=case.accepted_at, window=case.window,
        hall=case.hall, staff=case.staff, promised_days=case.promised_days, legal_days=case.legal_days,
        suspended_since=open_suspension.suspended_at if open_suspension else None,
        suspension_reasons=[period.reason for period in case.suspensions],
        concluded_at=case.concluded_at, outcome=case.outcome, refusal_reason=case.refusal_reason,
        deadline=clock.deadline if clock else None,
        elapsed_workdays=clock.elapsed_workdays if clock else None,
        remaining_workdays=clock.remaining_workdays if clock else None,
        warning=clock.warning if clock else "none", on_time=clock.on_time if clock else None,
    )


def masked(applicant: dict) -> dict:
    """Personal numbers are shown masked: enough to recognise, not enough to misuse."""
    shown = dict(applicant)
    for field, keep in (("id_number", 4), ("phone", 4)):
        value = shown.get(field)
        if value:
            shown[field] = "*" * max(len(value) - keep, 0) + value[-keep:]
    return shown


def changed(deployment, case: Case) -> CasePublic:
    deployment.after_write()
    return case_view(deployment, case, deployment.centre.clock())


@router.post("", status_code=201, response_model=CasePublic)
def submit_case(body: CaseCreate, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Submit an application (申请) for a service item."""
    case = deployment.centre.submit_case(item=body.item, channel=body.channel,
                                         applicant=body.applicant.model_dump(exclude_none=True), actor=actor, at=body.at)
    return changed(deployment, case)


def command(body: Command, actor) -> dict:
    return {"actor": actor, "at": body.at, "expected_version": body.expected_version}


@router.post("/{case_id}/accept", response_model=CasePublic)
def accept_case(case_id: str, body: CaseAccept, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Accept (受理) at a window; the SLA clock starts with the item's promised limit."""
    case = deployment.centre.accept_case(case_id_of(case_id), window=body.window, staff=body.staff,
                                         **command(body, actor))
    return changed(deployment, case)


@router.post("/{case_id}/refuse", response_model=CasePublic)
def refuse_case(case_id: str, body: CaseRefuse, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Refuse to accept (不予受理), with the reason."""
    case = deployment.centre.refuse_case(case_id_of(case_id), reason=body.reason, **command(body, actor))
    return changed(deployment, case)


@router.post("/{case_id}/suspend", response_model=CasePublic)
def suspend_case(case_id: str, body: CaseSuspend, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Suspend (挂起): the working days until resumption do not count."""
    case = deployment.centre.suspend_case(case_id_of(case_id), reason=body.reason, note=body.note,
                                          **command(body, actor))
    return changed(deployment, case)


@router.post("/{case_id}/resume", response_model=CasePublic)
def resume_case(case_id: str, body: Command, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Resume a suspended case; its clock runs again."""
    case = deployment.centre.resume_case(case_id_of(case_id), **command(body, actor))
    return changed(deployment, case)


@router.post("/{case_id}/conclude", response_model=CasePublic)
def conclude_case(case_id: str, body: CaseConclude, deployment: DeploymentDep, actor: Clerk) -> CasePublic:
    """Conclude (办结) as approved or denied; the clock stops."""
    case = deployment.centre.conclude_case(case_id_of(case_id), outcome=body.outcome, **command(body, actor))
    return changed(deployment, case)


@router.get("/{case_id}", response_model=CasePublic)
def read_case(case_id: str, deployment: DeploymentDep, _: Reader, as_of: datetime | None = None) -> CasePublic:
    """The case as it stood at `as_of` (business time; default now), with its SLA clock."""
    moment = beijing(as_of) if as_of else deployment.centre.clock()
    return case_view(deployment, deployment.centre.case(case_id_of(case_id), moment), moment)


@router.get("/{case_id}/history")
def read_history(case_id: str, deployment: DeploymentDep, _: Reader) -> dict:
    """Every event of the case in order, with business time, record time, actor and hashes."""
    events = deployment.centre.case_events(case_id_of(case_id))
    if not events:
        raise CaseNotFound(f"case {case_id} not found")
    return {"id": case_id, "events": [history_entry(event) for event in events]}


def history_entry(event) -> dict:
    envelope = envelope_of(event, position=0)
    payload = dict(envelope.payload)
    if "applicant" in payload:
        payload["applicant"] = masked(payload["applicant"])
    return {"version": envelope.version, "type": envelope.type, "occurred_at": envelope.occurred_at,
            "recorded_at": envelope.recorded_at, "actor": envelope.actor, "payload": payload,
            "hash": envelope.hash, "previous_hash": envelope.previous_hash}
