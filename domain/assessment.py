"""A month's window scores and staff assessments, finalised (月度考核定稿) and then amended with reasons.

Finalising a month records, in one event, the scheme version it was scored with, the inputs (what
the read models counted per window and staff member: the ids behind each rule, cases accepted,
on-time rate) and the results (every score with its lines, grade, rank and honour, and the
catalogue names they were shown with). From then on the month's published figures are that
event: replaying the log or a late event for the month never changes them silently (a live score
that differs shows as drift). A correction is an amendment: its own event, with a reason, adding
points to one window's or staff member's score.

One stream per month, with a natural id (`natural_id("assessment", "2026-03")`): a second
finalisation of a month collides in the store. A month can be finalised once it is over: the
business date of finalisation (Beijing) after the month's last day.

An amended score is the finalised score plus the amendments' points, held within the scheme's
bounds, graded again; ranks and honours are taken again over the amended scores, with the same
tie-breaks on the recorded inputs (on-time rate, cases accepted, code).
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.base import (
    Actor, HashChain, InvalidValue, SunlightAggregate, UnknownReference, check_business_time,
    natural_id,
)
from domain.clock import beijing, local_date
from domain.scheme import SUBJECTS, Scheme, check_month
from domain.scoring import HONOUR_NAMES, SubjectMonth, honoured_codes, rank_key, score_subjects

MAX_AMENDMENT_POINTS = 110  # an amendment moves a score by at most the whole scale
MAX_REASON_LENGTH = 500
AMENDMENT_RULE = "amendment"  # the line an amended score shows its amendments on


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of a month written YYYY-MM."""
    check_month(month, "month")
    year, number = int(month[:4]), int(month[5:])
    if year < 1:
        raise InvalidValue("month", "month must be a month of year 1 or later")
    return date(year, number, 1), date(year, number, month_calendar.monthrange(year, number)[1])


def check_month_over(month: str, occurred_at: datetime) -> None:
    """A month is finalised once it is over: on a business date (Beijing) after its last day."""
    _, last = month_days(month)
    if local_date(occurred_at) <= last:
        raise InvalidValue("month", f"{month} is not over yet: it can be finalised from "
                                    f"{date.fromordinal(last.toordinal() + 1).isoformat()} (Beijing time)")


@dataclass(frozen=True)
class Amendment:
    number: int  # 1, 2, … in the month's order
    subject: str
    code: str
    points: int
    reason: str
    at: datetime
    actor: dict

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "subject": self.subject, "code": self.code, "points": self.points,
                "reason": self.reason, "at": self.at, "actor": dict(self.actor)}


class Assessment(SunlightAggregate):
    class Finalised(SunlightAggregate.Created):
        month: str  # YYYY-MM
        scheme_version: int
        # subject ("window" | "staff") -> the scores in rank order, each Score.as_dict() with the
        # catalogue details shown beside it (name, hall, department / name, window, department)
        results: dict
        # subject -> the SubjectMonth.as_dict() of every window or staff member scored
        inputs: dict

    def __init__(self, month: str, scheme_version: int, results: dict, inputs: dict, occurred_at: datetime,
                 actor: dict) -> None:
        self.month, self.scheme_version = month, scheme_version
        self.results, self.inputs = results, inputs
        self.finalised_at = beijing(occurred_at)
        self.finalised_by = dict(actor)
        self.amendments: list[Amendment] = []

    @classmethod
    def id_for(cls, month: str) -> UUID:
        """One assessment per month: a second finalisation collides in the store."""
        return natural_id("assessment", month)

    @classmethod
    def finalise(cls, *, month: str, scheme: Scheme, inputs: Mapping[str, Sequence[SubjectMonth]],
                 details: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None, chain: HashChain,
                 occurred_at: datetime, actor: Actor, recorded_at: datetime) -> Assessment:
        """Score the month's inputs with `scheme` and record scores, inputs and scheme version.

        `details`: subject -> code -> what is shown beside the score (name, hall, department, …)."""
        check_month(month, "month")
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        check_month_over(month, occurred_at)
        if set(inputs) != set(SUBJECTS):
            raise ValueError(f"a month's inputs are given for {' and '.join(SUBJECTS)}")
        shown = details or {}
        # The lines' refs are recorded once, in the inputs (an event stays small enough for the topic).
        results = {subject: [{**_details_of(shown, subject, score.code), **_without_refs(score.as_dict())}
                             for score in score_subjects(scheme, subject, inputs[subject])]
                   for subject in SUBJECTS}
        recorded_inputs = {subject: [month_input.as_dict() for month_input in inputs[subject]]
                           for subject in SUBJECTS}
        return cls.start(cls.Finalised, id=cls.id_for(month), chain=chain, occurred_at=occurred_at, actor=actor,
                         recorded_at=recorded_at, month=month, scheme_version=scheme.version, results=results,
                         inputs=recorded_inputs)

    class Amended(SunlightAggregate.Event):
        subject: str  # window | staff
        code: str
        points: int  # added to the finalised score (negative: taken off), then held within the bounds
        reason: str

        def apply(self, assessment: Assessment) -> None:
            assessment.amendments.append(Amendment(
                number=len(assessment.amendments) + 1, subject=self.subject, code=self.code, points=self.points,
                reason=self.reason, at=beijing(self.occurred_at), actor=dict(self.actor)))

    def amend(self, *, subject: str, code: str, points: int, reason: str, chain: HashChain, occurred_at: datetime,
              actor: Actor, recorded_at: datetime) -> None:
        """Correct one subject's finalised score by `points`, for a reason."""
        if subject not in SUBJECTS:
            raise InvalidValue("subject", f"subject must be one of {', '.join(SUBJECTS)}")
        if not isinstance(code, str) or code not in self.codes(subject):
            raise UnknownReference("code", subject, str(code))
        if isinstance(points, bool) or not isinstance(points, int):
            raise InvalidValue("points", "points must be a whole number")
        if points == 0 or abs(points) > MAX_AMENDMENT_POINTS:
            raise InvalidValue("points", f"points must be a whole number from -{MAX_AMENDMENT_POINTS} to "
                                         f"{MAX_AMENDMENT_POINTS}, not 0")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidValue("reason", "an amendment needs a reason")
        if len(reason) > MAX_REASON_LENGTH:
            raise InvalidValue("reason", f"reason must be at most {MAX_REASON_LENGTH} characters")
        check_business_time(occurred_at, recorded_at=recorded_at, previous=self.last_occurred_at)
        self.record(self.Amended, chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
                    subject=subject, code=code, points=points, reason=reason)

    # -- reading -----------------------------------------------------------------------

    def codes(self, subject: str) -> set[str]:
        return {result[subject] for result in self.results.get(subject, [])}

    def finalised_scores(self, subject: str) -> dict[str, int]:
        """Each subject's score as finalised, before any amendment."""
        return {result[subject]: int(result["score"]) for result in self.results[subject]}

    def recorded_inputs(self, subject: str) -> list[SubjectMonth]:
        return [SubjectMonth(code=item["code"], refs={rule: tuple(ids) for rule, ids in item["refs"].items()},
                             accepted=item["accepted"], on_time_rate=item["on_time_rate"],
                             disqualified=item["disqualified"])
                for item in self.inputs[subject]]

    def amended_results(self, subject: str, scheme: Scheme) -> list[dict[str, Any]]:
        """The finalised results with the amendments applied, in rank order, each line with its refs (the
        recorded results as they are when nothing was amended). `scheme` is the version the month was
        finalised with."""
        if scheme.version != self.scheme_version:
            raise ValueError(f"{self.month} was finalised with scheme version {self.scheme_version}, "
                             f"not {scheme.version}")
        refs = {item["code"]: item["refs"] for item in self.inputs[subject]}
        results = [{**result, "lines": [{**line, "refs": list(refs[result[subject]].get(line["rule"], ()))}
                                        for line in result["lines"]]}
                   for result in self.results[subject]]
        amendments = [amendment for amendment in self.amendments if amendment.subject == subject]
        if not amendments:
            return results
        by_code = {result[subject]: result for result in results}
        for code in dict.fromkeys(amendment.code for amendment in amendments):
            own = [amendment for amendment in amendments if amendment.code == code]
            result = by_code[code]
            points = sum(amendment.points for amendment in own)
            score = max(scheme.min_score, min(scheme.max_score, int(result["score"]) + points))
            line = {"rule": AMENDMENT_RULE, "count": len(own), "points": points,
                    "refs": [f"amendment-{amendment.number}" for amendment in own]}
            result.update(score=score, grade=scheme.grades.of(score), lines=[*result["lines"], line])
        months = {month_input.code: month_input for month_input in self.recorded_inputs(subject)}
        scores = {code: int(result["score"]) for code, result in by_code.items()}
        ranked = sorted(months.values(), key=lambda month_input: rank_key(month_input, scores[month_input.code]))
        honoured = honoured_codes(scheme.honours, subject, ranked, scores)
        for rank, month_input in enumerate(ranked, start=1):
            by_code[month_input.code].update(rank=rank, **{HONOUR_NAMES[subject]: month_input.code in honoured})
        return sorted(by_code.values(), key=lambda result: result["rank"])


def _without_refs(score: dict[str, Any]) -> dict[str, Any]:
    return {**score, "lines": [{name: value for name, value in line.items() if name != "refs"}
                               for line in score["lines"]]}


def _details_of(details: Mapping[str, Mapping[str, Mapping[str, Any]]], subject: str, code: str) -> dict[str, Any]:
    shown = dict(details.get(subject, {}).get(code, {}))
    shown.pop(subject, None)  # the code itself is the score's own field
    return shown

