"""Reviews (好差评): a citizen's rating of a served case, and the bad review's workflow — verify (核实),
rectify (整改), appeal decision (申诉复核), return visit (回访) — in order (409 otherwise)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query

from api.bootstrap import Deployment
from api.deps import AsOf, DeploymentDep, Reader, caller_with
from api.review_schemas import (
    AppealDecision, ReturnVisit, ReviewCreate, ReviewEventPublic, ReviewListed, ReviewPublic, ReviewRectify, ReviewsPublic,
    ReviewVerify,
)
from api.routes.cases import command, scoped_case, versioned
from api.scope import SEES_EVERY_CASE, Caller, OutOfScope
from api.vault import ERASED
from domain.base import UnknownReference
from domain.case_commands import CaseNotFound
from domain.review import BAD_RATING_MAX, STATES, Review, verification_deadline
from domain.review_commands import ReviewNotFound
from projections.case_state import NEVER_US, NO_DATE
from projections.reviews import ReviewFilter, reviews
from projections.rows import moment_of

router = APIRouter(prefix="/reviews", tags=["reviews"])

# Who takes a citizen's review: the window's rating pad (clerk), the hotline, an admin entering it.
ReviewIntake = Annotated[Caller, Depends(caller_with("clerk", "hotline", "admin"))]
# Who works a bad review: verify, rectify, return visit (a department user for its own staff only).
ReviewWork = Annotated[Caller, Depends(caller_with("supervisor", "department", "admin"))]
# Who decides an appeal that a review is false or malicious.
AppealJudge = Annotated[Caller, Depends(caller_with("supervisor"))]
# The comment is what a bad review is about: the roles that take or work reviews read it; the auditor does not.
READS_COMMENTS = frozenset({"admin", "clerk", "hotline", "department", "supervisor"})


def review_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise HTTPException(404, f"review {text} not found") from None


def scoped_review(deployment: Deployment, caller: Caller, review_id: str, as_of: datetime | None = None) -> Review:
    """The review, if the caller's row scope reaches it (403 otherwise; 404 unknown)."""
    try:
        review = deployment.centre.review(review_id_of(review_id), as_of)
    except ReviewNotFound as error:
        raise HTTPException(404, str(error)) from None
    check_review_scope(deployment, caller, review)
    return review


def check_review_scope(deployment: Deployment, caller: Caller, review: Review) -> None:
    """A clerk reaches the reviews of their window's cases; a department user those of its own staff."""
    if caller.role in SEES_EVERY_CASE:
        return
    if review.window is None:  # a refused case's review names no window or staff: scoped as its case
        scoped_case(deployment, caller, review.case_id)
        return
    if caller.role == "clerk" and review.window != caller.window:
        raise OutOfScope(f"review {review.id} is of window {review.window}; {caller.username} works at window "
                         f"{caller.window or '(none)'}")
    if caller.role == "department" and review.staff_department != caller.department:
        raise OutOfScope(f"review {review.id} is of staff of department {review.staff_department}; "
                         f"{caller.username} works for {caller.department or 'no department'}")


def review_view(deployment: Deployment, caller: Caller, review: Review, as_of: datetime) -> ReviewPublic:
    centre = deployment.centre
    verify_by = centre.verification_deadline(review)
    return ReviewPublic(
        id=str(review.id), case=review.case_id, window=review.window, staff=review.staff,
        staff_department=review.staff_department, rating=review.rating, bad=review.is_bad, counts=review.counts,
        channel=review.channel, comment=comment_view(deployment, caller, review.comment),
        comment_ref=review.comment["ref"] if isinstance(review.comment, dict) else None,
        state=review.state, version=review.version, as_of=as_of, given_at=review.given_at,
        deadline=verify_by if review.state == "awaiting_verification" else review.deadline,
        verification_deadline=verify_by, rectification_deadline=review.deadline, outcome=review.outcome,
        verified_at=review.verified_at, appeal_upheld=review.appeal_upheld,
        appeal_decided_at=review.appeal_decided_at, rectified_at=review.rectified_at,
        rectified_on_time=review.rectified_on_time, return_rating=review.return_rating,
        return_visited_at=review.return_visited_at,
        history=[history_entry(event) for event in centre.review_events(review.id)[:review.version]],
    )


def comment_view(deployment: Deployment, caller: Caller, comment: dict | str | None) -> str | None:
    """The comment opened for the roles that work on reviews; `[erased]` once its key is destroyed."""
    if comment is None or caller.role not in READS_COMMENTS:
        return None
    if isinstance(comment, str):  # recorded before comments were sealed
        return comment
    opened = deployment.vault.open(comment)
    return opened["comment"] if opened else ERASED


def history_entry(event) -> ReviewEventPublic:
    return ReviewEventPublic.of(event)


def changed(deployment: Deployment, caller: Caller, review: Review) -> ReviewPublic:
    deployment.after_write()
    return review_view(deployment, caller, review, deployment.centre.clock())


def act(deployment: Deployment, caller: Caller, review_id: str, command, body, **fields) -> ReviewPublic:
    """A workflow step on a review within the caller's scope: check the scope, run it, show the review after it."""
    scoped_review(deployment, caller, review_id)
    review = command(review_id_of(review_id), **fields, **versioned(deployment, caller, body))
    return changed(deployment, caller, review)


@router.post("", status_code=201, response_model=ReviewPublic)
def give_review(body: ReviewCreate, deployment: DeploymentDep, caller: ReviewIntake) -> ReviewPublic:
    """The citizen's rating (5 非常满意 … 1 非常不满意) of a concluded, delivered or refused case; one review
    per case (409 for a second). A rating of 2 or less is a bad review (差评) and opens its workflow."""
    try:
        case = scoped_case(deployment, caller, body.case)
    except CaseNotFound:
        raise UnknownReference("case", "case", body.case) from None
    review = deployment.centre.give_review(case.id, rating=body.rating, channel=body.channel, comment=body.comment,
                                           **command(deployment, caller, body.at))
    return changed(deployment, caller, review)


@router.post("/{review_id}/verify", response_model=ReviewPublic)
def verify_review(review_id: str, body: ReviewVerify, deployment: DeploymentDep, caller: ReviewWork) -> ReviewPublic:
    """核实 a bad review: rectify_now (立行立改), rectify_by_deadline (限期整改: SUNLIGHT_RECTIFY_DAYS working
    days), explain (解释说明) or appeal (申诉复核)."""
    return act(deployment, caller, review_id, deployment.centre.verify_review, body, outcome=body.outcome,
               note=body.note)


@router.post("/{review_id}/rectify", response_model=ReviewPublic)
def rectify_review(review_id: str, body: ReviewRectify, deployment: DeploymentDep, caller: ReviewWork) -> ReviewPublic:
    """整改 done, for a review to be rectified by its deadline; on time if on or before it."""
    return act(deployment, caller, review_id, deployment.centre.rectify_review, body, note=body.note)


@router.post("/{review_id}/appeal-decision", response_model=ReviewPublic)
def decide_appeal(review_id: str, body: AppealDecision, deployment: DeploymentDep, caller: AppealJudge) -> ReviewPublic:
    """Decide an appeal (申诉复核): upheld overturns the review (it leaves every score); not upheld, it is to be
    rectified by a deadline counted from this decision."""
    return act(deployment, caller, review_id, deployment.centre.decide_appeal, body, upheld=body.upheld,
               note=body.note)


@router.post("/{review_id}/return-visit", response_model=ReviewPublic)
def return_visit(review_id: str, body: ReturnVisit, deployment: DeploymentDep, caller: ReviewWork) -> ReviewPublic:
    """回访: the citizen's new rating, once, after the bad review was verified; the original rating stays scored."""
    return act(deployment, caller, review_id, deployment.centre.return_visit, body, rating=body.rating,
               note=body.note)


@router.get("", response_model=ReviewsPublic)
def list_reviews(deployment: DeploymentDep, caller: Reader,
                 first: Annotated[date | None, Query(alias="from", description="First day, inclusive (Beijing)")] = None,
                 last: Annotated[date | None, Query(alias="to", description="Last day, inclusive (Beijing)")] = None,
                 window: str | None = None, staff: str | None = None, department: str | None = None,
                 state: Literal[STATES] | None = None,  # type: ignore[valid-type]
                 bad: bool | None = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ReviewsPublic:
    """The reviews given in the period (by the review's date), latest first, as they stand now;
    `bad=true` for the bad reviews (差评) only, `state` for one step of their workflow. A clerk sees
    their window's reviews, a department user its staff's."""
    scoped = caller.listing_filter(window, department)
    if scoped is None:
        return ReviewsPublic(items=[], count=0, limit=limit, offset=offset)
    window, department = scoped
    deployment.wait_for_read_models()
    rows, count = reviews(deployment.clickhouse, ReviewFilter(first, last, window, staff, department, state, bad),
                          limit=limit, offset=offset)
    return ReviewsPublic(items=[listed(deployment, row) for row in rows], count=count, limit=limit, offset=offset)


def listed(deployment: Deployment, row: dict) -> ReviewListed:
    """A review_state row as the listing shows it."""
    bad = row["rating"] <= BAD_RATING_MAX
    verify_by = verification_deadline(deployment.centre.calendar, row["given_on"],
                                      deployment.centre.verify_days) if bad else None
    rectify_by = row["deadline"] if row["deadline"] != NO_DATE else None
    return ReviewListed(
        id=row["review_id"], case=row["case_id"], window=row["window_code"] or None, staff=row["staff_code"] or None,
        staff_department=row["staff_department"] or None, rating=row["rating"], bad=bad,
        counts=row["state"] != "overturned", channel=row["channel"], state=row["state"],
        given_at=moment_of(row["given_us"]),
        deadline=verify_by if row["state"] == "awaiting_verification" else rectify_by,
        verification_deadline=verify_by, rectification_deadline=rectify_by, outcome=row["outcome"] or None,
        verified_at=happened(row["verified_us"]), appeal_upheld=bool(row["upheld"]) if happened(row["decided_us"])
        else None, rectified_at=happened(row["rectified_us"]),
        rectified_on_time=bool(row["rectified_on_time"]) if happened(row["rectified_us"]) else None,
        return_rating=row["return_rating"] if happened(row["return_us"]) else None,
        return_visited_at=happened(row["return_us"]))


def happened(us: int) -> datetime | None:
    return None if us == NEVER_US else moment_of(us)


@router.get("/{review_id}", response_model=ReviewPublic)
def read_review(review_id: str, deployment: DeploymentDep, caller: Reader, as_of: AsOf) -> ReviewPublic:
    """The review as it stood at `as_of` (default now): its state, the deadline it waits for, its history."""
    return review_view(deployment, caller, scoped_review(deployment, caller, review_id, as_of), as_of)
