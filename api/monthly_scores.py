"""A month's scores as the API shows them: the live table from the read models or the finalised
one from its event (with amendments and drift), the windows called in for a talk (约谈), and the
month and scheme a request names. Shared by the score routes and the findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from api.bootstrap import Deployment
from api.scope import Caller
from api.score_schemas import AmendmentPublic, DriftPublic
from domain.assessment import month_days
from domain.base import InvalidValue
from domain.clock import OutOfRange, beijing
from domain.scheme import Scheme
from domain.scoring import Score, SubjectMonth, score_subjects, talks_required
from projections.scores import Details, MonthOverdue, month_subjects_and_details, months_overdue


class Board:
    """One subject's table of the month: live, or finalised with amendments and drift. The windows'
    board also finds the overdue findings of the month before, when that month is graded live, in the
    same pass as the month's (`overdue_before`): the talks (约谈) weigh it whenever a window fails."""

    def __init__(self, deployment: Deployment, month: str, subject: str) -> None:
        self.month, self.subject = month, subject
        centre = deployment.centre
        self.assessment = centre.assessment(month)
        now = beijing(centre.clock())
        self.overdue_before: MonthOverdue | None = None
        if self.assessment is None:
            self.scheme = scheme_in_force(deployment, month, "query")
            inputs, self.details = self.live_inputs(deployment, now)
            self.items = shown(score_subjects(self.scheme, subject, inputs[subject]), self.details[subject])
            self.as_of, self.drift = now, []
            return
        self.scheme = centre.scheme_version(self.assessment.scheme_version)
        self.items = self.assessment.amended_results(subject, self.scheme)
        self.details = {subject: {item[subject]: item for item in self.items}}
        self.as_of = self.assessment.finalised_at
        inputs, _ = self.live_inputs(deployment, now)
        live = {score.code: score.score for score in score_subjects(self.scheme, subject, inputs[subject])}
        finalised = self.assessment.finalised_scores(subject)
        self.drift = [DriftPublic(subject=subject, code=code, live_score=live[code], finalised_score=score)
                      for code, score in sorted(finalised.items()) if code in live and live[code] != score]

    def live_inputs(self, deployment: Deployment, now: datetime) -> tuple[dict[str, list[SubjectMonth]], Details]:
        """The month's inputs from the read models; for the windows, when the month before is graded
        live, its overdue findings too (overdue_before), found in the same pass over the cases."""
        before = month_before(self.month)
        graded_before = self.subject == "window" and live_scheme(deployment, before) is not None
        overdue = overdue_of(deployment, [self.month, before] if graded_before else [self.month], now)
        self.overdue_before = overdue[1] if graded_before else None
        return live_inputs(deployment, self.month, now, (self.subject,), overdue=overdue[0])

    def view(self, allowed: Callable[[str], bool]) -> dict[str, Any]:
        assessment = self.assessment
        amendments = [] if assessment is None else [
            AmendmentPublic(**amendment.as_dict()) for amendment in assessment.amendments
            if amendment.subject == self.subject and allowed(amendment.code)]
        return {"month": self.month, "scheme_version": self.scheme.version, "finalised": assessment is not None,
                "finalised_at": assessment.finalised_at if assessment else None, "as_of": self.as_of,
                "drift": [drift for drift in self.drift if allowed(drift.code)], "amendments": amendments}


def previous_month_talks(deployment: Deployment, month: str, failed: list[str],
                         graded: dict[str, dict[str, str]] | None = None,
                         overdue_before: MonthOverdue | None = None) -> list[str]:
    """The windows among `failed` (graded fail this month) also graded fail the month before (约谈);
    the month before is read only when some window failed (`graded`: months already graded;
    `overdue_before`: the month before's overdue findings, if found ahead)."""
    if not failed:
        return []
    before = [Score("window", code, 0, grade, 0, False, ())
              for code, grade in window_grades(deployment, month_before(month), graded, overdue_before).items()]
    now = [Score("window", code, 0, "fail", 0, False, ()) for code in failed]
    return talks_required(before, now)


def month_before(month: str) -> str:
    first, _ = month_days(month)
    return (date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)).strftime("%Y-%m")


def window_grades(deployment: Deployment, month: str, graded: dict[str, dict[str, str]] | None = None,
                  overdue: MonthOverdue | None = None) -> dict[str, str]:
    """Each window's grade of the month: as finalised (and amended), else live; none for a month
    before the earliest date or without a scheme in force. `graded` keeps the months graded so far,
    so that a question over several months grades each once; `overdue` is the month's overdue
    findings, if found ahead."""
    if graded is not None:
        if month not in graded:
            graded[month] = window_grades(deployment, month, overdue=overdue)
        return graded[month]
    centre = deployment.centre
    scheme = live_scheme(deployment, month)
    if scheme is not None:
        inputs, _ = live_inputs(deployment, month, beijing(centre.clock()), ("window",), ranking=False, overdue=overdue)
        return {score.code: score.grade for score in score_subjects(scheme, "window", inputs["window"])}
    assessment = centre.assessment(month) if month_days(month)[1] >= centre.bounds.earliest else None
    if assessment is None:
        return {}
    scheme = centre.scheme_version(assessment.scheme_version)
    return {item["window"]: item["grade"] for item in assessment.amended_results("window", scheme)}


def live_scheme(deployment: Deployment, month: str) -> Scheme | None:
    """The scheme the month is graded with from the read models; none for a month before the earliest
    date, finalised (its grades are the recorded ones) or without a scheme in force (not scored)."""
    centre = deployment.centre
    if month_days(month)[1] < centre.bounds.earliest or centre.assessment(month) is not None:
        return None
    try:
        return centre.current_scheme(month)
    except InvalidValue:
        return None


def talks_after(deployment: Deployment, month: str, graded: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The windows graded fail in `month` and in the month before: called in for a talk (约谈) on the
    first day of the month after."""
    failed = [code for code, grade in window_grades(deployment, month, graded).items() if grade == "fail"]
    return previous_month_talks(deployment, month, failed, graded)


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


def live_inputs(deployment: Deployment, month: str, as_of: datetime, subjects: tuple[str, ...],
                ranking: bool = True, overdue: MonthOverdue | None = None) -> tuple[dict[str, list[SubjectMonth]], Details]:
    """The month's inputs from the read models, as of a moment, once they include the latest event
    (without `ranking`: enough for scores and grades, not for ranks and honours; `overdue`: the
    month's overdue findings, if found ahead by overdue_of)."""
    deployment.wait_for_read_models()
    settings = deployment.settings
    first, _ = month_days(month)
    return month_subjects_and_details(
        deployment.clickhouse, month=first, as_of=as_of, late_entry_hours=settings.late_entry_hours,
        materials_days=settings.materials_days, subjects=subjects, ranking=ranking, overdue=overdue)


def overdue_of(deployment: Deployment, months: list[str], as_of: datetime) -> list[MonthOverdue]:
    """The months' overdue findings as live_inputs counts them, found in one pass over the cases."""
    deployment.wait_for_read_models()
    return months_overdue(deployment.clickhouse, months=[month_days(month)[0] for month in months], as_of=as_of,
                          materials_days=deployment.settings.materials_days)


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
