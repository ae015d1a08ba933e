"""The month's window scores (窗口月度评分) and staff assessments (工作人员月度考核), explained point by
point; finalising a month (定稿), amending it with reasons, and what-if re-scoring under another scheme.

Live, a month is scored from the read models with the scheme in force for it, as of now. Once
finalised, both listings show the recorded figures (with the amendments applied), never worked out
again; a live score that now differs from the finalised one is listed as drift."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query

from api.bootstrap import Deployment
from api.deps import DeploymentDep, caller_with
from api.monthly_scores import (
    Board, checked_month, in_scope, live_inputs, month_named_in, previous_month_talks, scheme_in_force,
)
from api.routes.cases import command
from api.scope import Caller
from api.score_schemas import (
    AmendmentCreate, AmendmentPublic, AssessmentPublic, Finalise, StaffScorePublic, StaffScoresPublic,
    WhatIf, WhatIfPublic, WhatIfStaffPublic, WhatIfWindowPublic, WindowScorePublic, WindowScoresPublic,
)
from domain.assessment import Assessment
from domain.base import InvalidValue
from domain.clock import beijing
from domain.scheme import SUBJECTS, Scheme, parse_scheme
from domain.scoring import HONOUR_NAMES, SubjectMonth, score_subjects

router = APIRouter(tags=["scores"])

# Who reads scores: the supervision roles, a department user (its own windows and staff) and a clerk
# (their own window and its staff); the hotline does not.
ScoreReader = Annotated[Caller, Depends(caller_with("admin", "supervisor", "auditor", "department", "clerk"))]
# Who finalises and amends a month, and tries another scheme.
Assessor = Annotated[Caller, Depends(caller_with("supervisor", "admin"))]
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN,
                                         description="YYYY-MM; default the current month (Beijing time)")]
MonthPath = Annotated[str, Path(pattern=MONTH_PATTERN, description="YYYY-MM")]


# -- reading -----------------------------------------------------------------------------------


@router.get("/scores/windows", response_model=WindowScoresPublic)
def window_scores(deployment: DeploymentDep, caller: ScoreReader, month: MonthQuery = None) -> WindowScoresPublic:
    """Every window's score of the month, ranked, with the lines that explain every point (`refs`: the
    cases, reviews, inspections, cards or commendations behind them): base + Σ points, held within the
    bounds, is the score. Finalised months show the recorded figures, amendments and drift."""
    month = checked_month(deployment, month, "query")
    board = Board(deployment, month, "window")
    allowed = in_scope(caller, "window", board.details)
    failed = [item["window"] for item in board.items if item["grade"] == "fail"]
    talks = [code for code in previous_month_talks(deployment, month, failed, overdue_before=board.overdue_before)
             if allowed(code)]
    return WindowScoresPublic(**board.view(allowed), items=[WindowScorePublic(**item) for item in board.items
                                                            if allowed(item["window"])],
                              talks_required=talks)


@router.get("/assessments/staff", response_model=StaffScoresPublic)
def staff_assessments(deployment: DeploymentDep, caller: ScoreReader, month: MonthQuery = None) -> StaffScoresPublic:
    """Every staff member's assessment of the month, ranked, in the shape of the window scores, with
    `star` (服务明星) instead of `red_flag`."""
    month = checked_month(deployment, month, "query")
    board = Board(deployment, month, "staff")
    allowed = in_scope(caller, "staff", board.details)
    return StaffScoresPublic(**board.view(allowed), items=[StaffScorePublic(**item) for item in board.items
                                                           if allowed(item["staff"])])


# -- finalisation and amendments ---------------------------------------------------------------


@router.post("/assessments/{month}/finalise", status_code=201, response_model=AssessmentPublic)
def finalise(month: MonthPath, deployment: DeploymentDep, caller: Assessor,
             body: Annotated[Finalise | None, Body()] = None) -> AssessmentPublic:
    """Record the month's window scores and staff assessments, the scheme version and the inputs, as an
    event (supervisor, admin). Only once the month is over (422 before) and only once (409)."""
    month = checked_month(deployment, month, "path")
    at = body.at if body else None
    acting = command(deployment, caller, at)
    centre = deployment.centre
    with month_named_in("path"):
        centre.check_finalisable(month, at)
        centre.current_scheme(month)
    moment = centre.bounds.business_time(at, centre.clock()) if at is not None else beijing(centre.clock())
    inputs, details = live_inputs(deployment, month, moment, SUBJECTS)
    with month_named_in("path"):
        assessment = centre.finalise_month(month, inputs=inputs, details=details, **acting)
    deployment.after_write()
    return assessment_view(deployment, assessment)


@router.post("/assessments/{month}/amendments", status_code=201, response_model=AssessmentPublic)
def amend(month: MonthPath, body: AmendmentCreate, deployment: DeploymentDep, caller: Assessor) -> AssessmentPublic:
    """Correct one window's or staff member's finalised score by `points` (not 0), with a reason
    (supervisor, admin): the score becomes the finalised one plus the points, within the bounds, graded
    and ranked again. 409 while the month is not finalised; 422 for a code not scored that month."""
    month = checked_month(deployment, month, "path")
    assessment = deployment.centre.amend_assessment(
        month, subject=body.subject, code=body.code, points=body.points, reason=body.reason,
        expected_version=body.expected_version, **command(deployment, caller, body.at))
    deployment.after_write()
    return assessment_view(deployment, assessment)


def assessment_view(deployment: Deployment, assessment: Assessment) -> AssessmentPublic:
    scheme = deployment.centre.scheme_version(assessment.scheme_version)
    return AssessmentPublic(
        id=str(assessment.id), month=assessment.month, scheme_version=assessment.scheme_version,
        finalised_at=assessment.finalised_at, finalised_by=assessment.finalised_by, version=assessment.version,
        windows=[WindowScorePublic(**item) for item in assessment.amended_results("window", scheme)],
        staff=[StaffScorePublic(**item) for item in assessment.amended_results("staff", scheme)],
        amendments=[AmendmentPublic(**amendment.as_dict()) for amendment in assessment.amendments])


# -- what-if -----------------------------------------------------------------------------------


@router.post("/scores/what-if", response_model=WhatIfPublic)
def what_if(body: WhatIf, deployment: DeploymentDep, _: Assessor) -> WhatIfPublic:
    """Both tables of the month under another scheme, side by side with the scheme in force (`current_*`),
    over the same inputs (a finalised month's recorded ones); records nothing. A malformed scheme is a
    422 naming the field (`["body", "scheme", "window", "inspection", "absent"]`)."""
    month = checked_month(deployment, body.month, "body")
    rules = body.scheme.model_dump(by_alias=True, exclude={"version", "effective_from"})
    try:
        other = parse_scheme({**rules, "effective_from": month}, version=body.scheme.version or 1)
    except InvalidValue as error:
        raise InvalidValue(f"scheme.{error.field}", str(error)) from None
    assessment = deployment.centre.assessment(month)
    if assessment is not None:
        current = deployment.centre.scheme_version(assessment.scheme_version)
        inputs = {subject: assessment.recorded_inputs(subject) for subject in SUBJECTS}
    else:
        current = scheme_in_force(deployment, month, "body")
        inputs, _ = live_inputs(deployment, month, beijing(deployment.centre.clock()), SUBJECTS)
    tables = {subject: compared(current, other, subject, inputs[subject]) for subject in SUBJECTS}
    return WhatIfPublic(month=month, scheme_version=current.version,
                        windows=[WhatIfWindowPublic(**row) for row in tables["window"]],
                        staff=[WhatIfStaffPublic(**row) for row in tables["staff"]])


def compared(current: Scheme, other: Scheme, subject: str, inputs: list[SubjectMonth]) -> list[dict[str, Any]]:
    now = {score.code: score for score in score_subjects(current, subject, inputs)}
    honour = HONOUR_NAMES[subject]
    return [{subject: score.code, "score": score.score, "grade": score.grade, "rank": score.rank,
             honour: score.honoured, "current_score": now[score.code].score, "current_rank": now[score.code].rank}
            for score in score_subjects(other, subject, inputs)]


