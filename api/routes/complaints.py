"""12345 complaints (市民诉求): the commands of their life, their state at any moment, and their history.

Row scope: the hotline, supervisors, auditors and admins see every complaint; a `department` user the
complaints ever dispatched to its department, and it objects to (退单) or replies to only those its
department holds now; a clerk none (a complaint may be about their window: the complainant stays
theirs to not know)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException

from api.bootstrap import Deployment
from api.complaint_schemas import (
    ComplaintAnswer, ComplaintCallback, ComplaintCreate, ComplaintDispatch, ComplaintEscalate, ComplaintEventPublic,
    ComplaintHistoryPublic, ComplaintMerge, ComplaintObject, ComplaintPublic, ComplaintReply, ComplaintReview,
    ComplaintVerify, SubjectPublic,
)
from api.deps import AsOf, DeploymentDep, Reader, caller_with
from api.personal import mask
from api.routes.cases import command, versioned
from api.schemas import Command
from api.scope import SEES_EVERY_CASE, Caller, OutOfScope
from api.vault import ERASED
from domain.complaint import Complaint
from domain.complaint_commands import ComplaintNotFound

router = APIRouter(prefix="/complaints", tags=["complaints"])

# The hotline takes, dispatches, answers, reviews and calls back (an admin may stand in).
HotlineWork = Annotated[Caller, Depends(caller_with("hotline", "admin"))]
# The department a complaint was dispatched to objects (退单) or replies.
DepartmentWork = Annotated[Caller, Depends(caller_with("department"))]
Escalation = Annotated[Caller, Depends(caller_with("hotline", "supervisor"))]
Verification = Annotated[Caller, Depends(caller_with("supervisor"))]
# What the citizen said is what a complaint is about: every role that works on complaints reads it, not the auditor.
READS_CONTENT = frozenset({"admin", "hotline", "department", "supervisor"})
CITIZEN_FIELDS = ("name", "phone")


def complaint_id_of(deployment: Deployment, text: str) -> UUID:
    try:
        return deployment.centre.complaint_id_of(text)
    except ComplaintNotFound as error:
        raise HTTPException(404, str(error)) from None


def scoped_complaint(deployment: Deployment, caller: Caller, complaint_id: str,
                     as_of: datetime | None = None) -> Complaint:
    """The complaint (as of a moment), if the caller's row scope reaches it as it stands now (403 otherwise)."""
    identity = complaint_id_of(deployment, complaint_id)
    try:
        complaint = deployment.centre.complaint(identity)
        check_scope(caller, complaint)
        return complaint if as_of is None else deployment.centre.complaint(identity, as_of)
    except ComplaintNotFound as error:
        raise HTTPException(404, str(error)) from None


def check_scope(caller: Caller, complaint: Complaint) -> None:
    if caller.role in SEES_EVERY_CASE:
        return
    if caller.role == "department" and caller.department and caller.department in complaint.departments:
        return
    if caller.role == "department":
        raise OutOfScope(f"complaint {complaint.reference} is {holder(complaint)} and was never dispatched to "
                         f"department {caller.department or '(none)'} of {caller.username}")
    raise OutOfScope(f"complaints are read by the hotline, departments, supervisors, auditors and admins; "
                     f"{caller.username} acts as {caller.role}")


def check_holder(caller: Caller, complaint: Complaint) -> None:
    """Only the department that holds the complaint now objects to it or replies."""
    if complaint.department is None or caller.department != complaint.department:
        raise OutOfScope(f"complaint {complaint.reference} is {holder(complaint)}; {caller.username} works for "
                         f"{caller.department or 'no department'}")


def holder(complaint: Complaint) -> str:
    return f"held by department {complaint.department}" if complaint.department else "held by the hotline"


# The hotline took the citizen's call and calls them back (回访): it needs their name and number.
CALLS_CITIZENS_BACK = frozenset({"hotline"})


def complaint_view(deployment: Deployment, caller: Caller, complaint: Complaint, as_of: datetime) -> ComplaintPublic:
    calendar = deployment.centre.calendar
    opened = deployment.vault.open(complaint.citizen)
    return ComplaintPublic(
        id=str(complaint.id), reference=complaint.reference, type=complaint.request_type,
        category=complaint.category, category_path=complaint.category_path, area=complaint.area,
        area_path=complaint.area_path, channel=complaint.channel, state=complaint.state, version=complaint.version,
        as_of=as_of, received_at=complaint.received_at, citizen_ref=complaint.citizen["ref"],
        citizen=citizen_view(opened, caller.sees_personal_data or caller.role in CALLS_CITIZENS_BACK),
        content=content_view(opened, caller), subject=SubjectPublic(**complaint.subject) if complaint.subject else None,
        department=complaint.department, departments=complaint.departments,
        first_dispatched_at=complaint.first_dispatched_at, limit_days=complaint.limit_days,
        due_date=complaint.due_date, remaining_workdays=complaint.remaining_workdays(as_of, calendar),
        overdue=complaint.overdue(as_of, calendar), dispatched_within_2h=complaint.dispatched_within_2h,
        answered_directly=complaint.answered_directly, reply=complaint.reply, replied_at=complaint.replied_at,
        replied_on_time=complaint.replied_on_time, approved=complaint.approved,
        objection_count=complaint.objection_count, redo_count=complaint.redo_count,
        reopen_count=complaint.reopen_count, verdicts=complaint.verdicts, called_back_at=complaint.called_back_at,
        closed_at=complaint.closed_at, escalation_level=complaint.escalation_level, problem=complaint.problem,
        problem_reason=complaint.problem_reason, duplicates=complaint.duplicates, merged_into=complaint.merged_into,
        merged_at=complaint.merged_at, valid=complaint.valid, verified_at=complaint.verified_at,
    )


def citizen_view(opened: dict[str, str] | None, in_clear: bool) -> dict[str, str]:
    """Name and phone, in clear or masked like an applicant's; `[erased]` once the key is destroyed."""
    if opened is None:
        return {field: ERASED for field in CITIZEN_FIELDS}
    given = {field: opened[field] for field in CITIZEN_FIELDS if opened.get(field)}
    return given if in_clear else {field: mask(field, value) for field, value in given.items()}


def content_view(opened: dict[str, str] | None, caller: Caller) -> str | None:
    if caller.role not in READS_CONTENT:
        return None
    return ERASED if opened is None else opened.get("content")


def changed(deployment: Deployment, caller: Caller, complaint: Complaint) -> ComplaintPublic:
    deployment.after_write()
    return complaint_view(deployment, caller, complaint, deployment.centre.clock())


def act(deployment: Deployment, caller: Caller, complaint_id: str, run, body: Command, *, holder: bool = False,
        **fields) -> ComplaintPublic:
    """A command on a complaint within the caller's scope: check it, run it, show the complaint after it."""
    complaint = scoped_complaint(deployment, caller, complaint_id)
    if holder:
        check_holder(caller, complaint)
    return changed(deployment, caller, run(complaint.id, **fields, **versioned(deployment, caller, body)))


@router.post("", status_code=201, response_model=ComplaintPublic)
def receive_complaint(body: ComplaintCreate, deployment: DeploymentDep, caller: HotlineWork) -> ComplaintPublic:
    """受理 a citizen's request (咨询 求助 建议 投诉 举报) from any channel; it gets a readable number
    12345-YYYYMMDD-NNNN. The citizen's name, phone and words are stored sealed (`citizen_ref`)."""
    complaint = deployment.centre.receive_complaint(
        channel=body.channel, request_type=body.type, category=body.category, area=body.area, content=body.content,
        citizen=body.citizen.model_dump(exclude_none=True),
        subject=body.subject.model_dump() if body.subject else None, **command(deployment, caller, body.at))
    return changed(deployment, caller, complaint)


@router.post("/{complaint_id}/answer", response_model=ComplaintPublic)
def answer(complaint_id: str, body: ComplaintAnswer, deployment: DeploymentDep, caller: HotlineWork) -> ComplaintPublic:
    """直接答复: the hotline answers itself (received, or returned by a department) → replied."""
    return act(deployment, caller, complaint_id, deployment.centre.answer_complaint, body, reply=body.reply)


@router.post("/{complaint_id}/dispatch", response_model=ComplaintPublic)
def dispatch(complaint_id: str, body: ComplaintDispatch, deployment: DeploymentDep,
             caller: HotlineWork) -> ComplaintPublic:
    """转办 (改派 after an objection) to a department → dispatched; the first dispatch fixes due_date (the
    type's handling limit in working days after it) and dispatched_within_2h."""
    return act(deployment, caller, complaint_id, deployment.centre.dispatch_complaint, body,
               department=body.department)


@router.post("/{complaint_id}/object", response_model=ComplaintPublic)
def object_to(complaint_id: str, body: ComplaintObject, deployment: DeploymentDep,
              caller: DepartmentWork) -> ComplaintPublic:
    """退单 by the department that holds it: not its matter → returned, for the hotline to dispatch again."""
    return act(deployment, caller, complaint_id, deployment.centre.object_complaint, body, holder=True,
               reason=body.reason)


@router.post("/{complaint_id}/reply", response_model=ComplaintPublic)
def reply(complaint_id: str, body: ComplaintReply, deployment: DeploymentDep, caller: DepartmentWork) -> ComplaintPublic:
    """答复 by the department that holds it → replied; replied_on_time = on or before due_date."""
    return act(deployment, caller, complaint_id, deployment.centre.reply_complaint, body, holder=True,
               reply=body.reply)


@router.post("/{complaint_id}/review", response_model=ComplaintPublic)
def review(complaint_id: str, body: ComplaintReview, deployment: DeploymentDep, caller: HotlineWork) -> ComplaintPublic:
    """The hotline reviews a department's reply: approved → awaiting_callback; not approved → 退回重办, back
    to dispatched at the same department (redo_count + 1)."""
    return act(deployment, caller, complaint_id, deployment.centre.review_complaint, body, approved=body.approved,
               note=body.note)


@router.post("/{complaint_id}/callback", response_model=ComplaintPublic)
def callback(complaint_id: str, body: ComplaintCallback, deployment: DeploymentDep,
             caller: HotlineWork) -> ComplaintPublic:
    """回访: the citizen's verdict → closed; unsatisfied with a department's reply reopens it at the same
    department (reopen_count + 1)."""
    return act(deployment, caller, complaint_id, deployment.centre.callback_complaint, body, verdict=body.verdict,
               note=body.note)


@router.post("/{complaint_id}/merge", response_model=ComplaintPublic)
def merge(complaint_id: str, body: ComplaintMerge, deployment: DeploymentDep, caller: HotlineWork) -> ComplaintPublic:
    """并单 into a master (its id or reference) → merged; the master lists its duplicates. A merged
    complaint takes no further commands; a merged or closed master is a 409, an unknown one a 422."""
    return act(deployment, caller, complaint_id, deployment.centre.merge_complaint, body, into=body.into)


@router.post("/{complaint_id}/escalate", response_model=ComplaintPublic)
def escalate(complaint_id: str, body: ComplaintEscalate, deployment: DeploymentDep,
             caller: Escalation) -> ComplaintPublic:
    """督办 at level 1, 2 or 3; the level only rises (409 otherwise)."""
    return act(deployment, caller, complaint_id, deployment.centre.escalate_complaint, body, level=body.level,
               note=body.note)


@router.post("/{complaint_id}/verify", response_model=ComplaintPublic)
def verify(complaint_id: str, body: ComplaintVerify, deployment: DeploymentDep,
           caller: Verification) -> ComplaintPublic:
    """核实 a complaint against a window, staff member or department (its subject), once: a valid one counts
    against them in the month of verification."""
    return act(deployment, caller, complaint_id, deployment.centre.verify_complaint, body, valid=body.valid,
               note=body.note)


@router.get("/{complaint_id}", response_model=ComplaintPublic)
def read_complaint(complaint_id: str, deployment: DeploymentDep, caller: Reader, as_of: AsOf) -> ComplaintPublic:
    """The complaint (by id or reference) as it stood at `as_of` (business time; default now)."""
    return complaint_view(deployment, caller, scoped_complaint(deployment, caller, complaint_id, as_of), as_of)


@router.get("/{complaint_id}/history", response_model=ComplaintHistoryPublic)
def read_history(complaint_id: str, deployment: DeploymentDep, caller: Reader) -> ComplaintHistoryPublic:
    """Every event in order, with business time, record time, actor and keyed hashes; the citizen appears as
    `citizen_ref` only."""
    complaint = scoped_complaint(deployment, caller, complaint_id)
    events = deployment.centre.complaint_events(complaint.id)
    return ComplaintHistoryPublic(id=str(complaint.id), reference=complaint.reference,
                                  events=[history_entry(event) for event in events])


def history_entry(event) -> ComplaintEventPublic:
    return ComplaintEventPublic.of(event)
