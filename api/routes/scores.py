"""The month's window scores (窗口月度评分) and staff assessments (工作人员月度考核), explained point by
point; finalising a month (定稿), amending it with reasons, and what-if re-scoring under another scheme.

Live, a month is scored from the read models with the scheme in force for it, as of now. Once
finalised, both listings show the recorded figures (with the amendments applied), never worked out
again; a live score that now differs from the finalised one is listed as drift."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query

from api.bootstrap import Deployment
from api.deps import DeploymentDep, caller_with
from api.routes.cases import command
from api.scope import Caller
from api.score_schemas import (
    AmendmentCreate, AmendmentPublic, AssessmentPublic, DriftPublic, Finalise, StaffScorePublic, StaffScoresPublic,
    WhatIf, WhatIfPublic, WhatIfStaffPublic, WhatIfWindowPublic, WindowScorePublic, WindowScoresPublic,
)
from domain.assessment import Assessment, month_days
from domain.base import InvalidValue
from domain.clock import OutOfRange, beijing
from domain.scheme import SUBJECTS, Scheme, parse_scheme
from domain.scoring import HONOUR_NAMES, Score, SubjectMonth, score_subjects, talks_required
from projections.scores import Details, month_subjects_and_details

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
    talks = [code for code in previous_month_talks(deployment, month, failed) if allowed(code)]
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


class Board:
    """One subject's table of the month: live, or finalised with amendments and drift."""

    def __init__(self, deployment: Deployment, month: str, subject: str) -> None:
        self.month, self.subject = month, subject
        centre = deployment.centre
        self.assessment = centre.assessment(month)
        now = beijing(centre.clock())
        if self.assessment is None:
            self.scheme = scheme_in_force(deployment, month, "query")
            inputs, self.details = live_inputs(deployment, month, now, (subject,))
            self.items = shown(score_subjects(self.scheme, subject, inputs[subject]), self.details[subject])
            self.as_of, self.drift = now, []
            return
        self.scheme = centre.scheme_version(self.assessment.scheme_version)
        self.items = self.assessment.amended_results(subject, self.scheme)
        self.details = {subject: {item[subject]: item for item in self.items}}
        self.as_of = self.assessment.finalised_at
        inputs, _ = live_inputs(deployment, month, now, (subject,))
        live = {score.code: score.score for score in score_subjects(self.scheme, subject, inputs[subject])}
        finalised = self.assessment.finalised_scores(subject)
        self.drift = [DriftPublic(subject=subject, code=code, live_score=live[code], finalised_score=score)
                      for code, score in sorted(finalised.items()) if code in live and live[code] != score]

    def view(self, allowed: Callable[[str], bool]) -> dict[str, Any]:
        assessment = self.assessment
        amendments = [] if assessment is None else [
            AmendmentPublic(**amendment.as_dict()) for amendment in assessment.amendments
            if amendment.subject == self.subject and allowed(amendment.code)]
        return {"month": self.month, "scheme_version": self.scheme.version, "finalised": assessment is not None,
                "finalised_at": assessment.finalised_at if assessment else None, "as_of": self.as_of,
                "drift": [drift for drift in self.drift if allowed(drift.code)], "amendments": amendments}


def previous_month_talks(deployment: Deployment, month: str, failed: list[str]) -> list[str]:
    """The windows among `failed` (graded fail this month) also graded fail the month before (约谈);
    the month before is read only when some window failed."""
    if not failed:
        return []
    before = [Score("window", code, 0, grade, 0, False, ())
              for code, grade in window_grades(deployment, month_before(month)).items()]
    now = [Score("window", code, 0, "fail", 0, False, ()) for code in failed]
    return talks_required(before, now)


def month_before(month: str) -> str:
    first, _ = month_days(month)
    return (date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)).strftime("%Y-%m")


def window_grades(deployment: Deployment, month: str) -> dict[str, str]:
    """Each window's grade of the month: as finalised (and amended), else live; none for a month
    before the earliest date or without a scheme in force."""
    centre = deployment.centre
    if month_days(month)[1] < centre.bounds.earliest:
        return {}
    assessment = centre.assessment(month)
    if assessment is not None:
        scheme = centre.scheme_version(assessment.scheme_version)
        return {item["window"]: item["grade"] for item in assessment.amended_results("window", scheme)}
    try:
        scheme = centre.current_scheme(month)
    except InvalidValue:  # no scheme in force then: the month was not scored
        return {}
    inputs, _ = live_inputs(deployment, month, beijing(centre.clock()), ("window",))
    return {score.code: score.grade for score in score_subjects(scheme, "window", inputs["window"])}


def talks_after(deployment: Deployment, month: str) -> list[str]:
    """The windows graded fail in `month` and in the month before: called in for a talk (约谈) on the
    first day of the month after."""
    failed = [code for code, grade in window_grades(deployment, month).items() if grade == "fail"]
    return previous_month_talks(deployment, month, failed)


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


# -- shared ------------------------------------------------------------------------------------


def checked_month(deployment: Deployment, month: str | None, location: str) -> str:
    """The month asked about (default: this month, Beijing), within the dates the platform knows."""
    if month is None:
        return beijing(deployment.centre.clock()).strftime("%Y-%m")
    bounds = deployment.centre.bounds
    # YYYY-MM sorts as text: compared before any date is made of it (year 0 has none)
    if not bounds.earliest.strftime("%Y-%m") <= month <= bounds.latest_as_of.strftime("%Y-%m"):
        raise OutOfRange("month", f"month must lie between {bounds.earliest.strftime('%Y-%m')} and "
                                  f"{bounds.latest_as_of.strftime('%Y-%m')}", location)
    return month


def scheme_in_force(deployment: Deployment, month: str, location: str) -> Scheme:
    with month_named_in(location):
        return deployment.centre.current_scheme(month)


@contextmanager
def month_named_in(location: str) -> Iterator[None]:
    """A domain error naming `month` becomes a 422 naming the month where the request has it."""
    try:
        yield
    except InvalidValue as error:
        if error.field != "month":
            raise
        raise OutOfRange("month", str(error), location) from None


def live_inputs(deployment: Deployment, month: str, as_of: datetime,
                subjects: tuple[str, ...]) -> tuple[dict[str, list[SubjectMonth]], Details]:
    """The month's inputs from the read models, as of a moment, once they include the latest event."""
    deployment.wait_for_read_models()
    settings = deployment.settings
    first, _ = month_days(month)
    return month_subjects_and_details(
        deployment.clickhouse, month=first, as_of=as_of, late_entry_hours=settings.late_entry_hours,
        materials_days=settings.materials_days, verify_days=settings.verify_days, policy=deployment.centre.policy,
        subjects=subjects)


def shown(scores: list[Score], details: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Scores with the catalogue's details beside them, in rank order."""
    return [{**details.get(score.code, {}), **score.as_dict()} for score in scores]


def in_scope(caller: Caller, subject: str, details: Details) -> Callable[[str], bool]:
    """Which subjects the caller sees: all, their department's, or (a clerk) their window and its staff.
    Ranks stay the centre's."""
    scope = caller.listing_filter(None, None)
    if scope is None:
        return lambda code: False
    window, department = scope
    known = details.get(subject, {})

    def allowed(code: str) -> bool:
        entry = known.get(code, {})
        if window is not None and (code if subject == "window" else entry.get("window")) != window:
            return False
        return department is None or entry.get("department") == department

    return allowed
