"""A month's window scores (窗口月度评分) and staff assessments (工作人员月度考核), explained point by point.

Every window and staff member of the catalogue is scored, even one with nothing to its name (it
keeps the base). For each, the read models count the month's events per rule of the scheme and
hand over the ids behind each count; this module only weighs them:

- lines: one per rule with events, in the scheme's order, `count × points` with the ids (refs);
- bonuses (commendations) add at most `bonus_cap` in a month. When the cap bites, the lines show
  the points actually granted, filled in the scheme's order until the cap is used up: 6 letters
  (+1) and 4 banners (+2) under a cap of 10 give letter +6 and banner +4, not +8;
- score: base + Σ line points, then held within [min_score, max_score]; so the lines and the
  bounds always give the score, and nothing else moves it;
- grade: the scheme's bars (excellent ≥ 95, good ≥ 85, pass ≥ 70, else fail);
- rank: by score; a tie goes to the higher on-time rate (none, nothing concluded, counts lowest),
  then to more cases accepted, then to the code; each subject gets a rank of its own;
- honours, in rank order: the first `red_flags` windows (流动红旗) or `stars` staff (服务明星)
  scoring at least honours.min_score with honours.min_cases cases accepted in the month. A staff
  member with a valid bad review, a card or a verified complaint in the month is no star;
- a window graded fail two months running is called in for a talk (约谈, `talks_required`).

No I/O and no clock: live scores, finalisation and what-if are this same call on the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.scheme import Honours, Scheme

HONOUR_NAMES = {"window": "red_flag", "staff": "star"}
# The events that keep a staff member from being a star; counted in the month, they are these lines.
DISQUALIFYING_RULES = ("bad_review", "complaint", "card.yellow", "card.red")


@dataclass(frozen=True)
class SubjectMonth:
    """One window or staff member in the month, as the read models count it."""

    code: str
    # rule (dotted: `overdue`, `inspection.absent`, …) → the ids of the events counted, one id per event
    refs: Mapping[str, Sequence[str]] = field(default_factory=dict)
    accepted: int = 0  # cases accepted in the month
    on_time_rate: float | None = None  # 按时办结率, for ties; None (nothing concluded) ranks lowest
    disqualified: bool = False  # staff: a valid bad review, card or verified complaint in the month

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "refs": {rule: sorted(ids) for rule, ids in self.refs.items()},
                "accepted": self.accepted, "on_time_rate": self.on_time_rate, "disqualified": self.disqualified}


@dataclass(frozen=True)
class ScoreLine:
    rule: str
    count: int
    points: int  # the points this line gives: count × the rule's points, or less where the bonus cap bites
    refs: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "count": self.count, "points": self.points, "refs": list(self.refs)}


@dataclass(frozen=True)
class Score:
    subject: str  # window | staff
    code: str
    score: int
    grade: str  # excellent | good | pass | fail
    rank: int  # 1 is the best
    honoured: bool  # a red flag for a window, a star for a staff member
    lines: tuple[ScoreLine, ...]

    def as_dict(self) -> dict[str, Any]:
        """The wire shape: `{window, …, red_flag, lines}` or `{staff, …, star, lines}`."""
        return {self.subject: self.code, "score": self.score, "grade": self.grade, "rank": self.rank,
                HONOUR_NAMES[self.subject]: self.honoured, "lines": [line.as_dict() for line in self.lines]}


def score_subjects(scheme: Scheme, subject: str, inputs: Iterable[SubjectMonth]) -> list[Score]:
    """The month's scores of every window (subject "window") or staff member ("staff"), best first."""
    rules = scheme.rules_for(subject).points()
    months = list(inputs)
    require_distinct_codes(months)
    lines = {month.code: lines_of(month, rules, scheme.bonus_cap) for month in months}
    scores = {code: bounded(scheme, scheme.base + sum(line.points for line in month_lines))
              for code, month_lines in lines.items()}
    ranked = sorted(months, key=lambda month: rank_key(month, scores[month.code]))
    honoured = honoured_codes(scheme.honours, subject, ranked, scores)
    return [Score(subject=subject, code=month.code, score=scores[month.code], grade=scheme.grades.of(scores[month.code]),
                  rank=rank, honoured=month.code in honoured, lines=lines[month.code])
            for rank, month in enumerate(ranked, start=1)]


def lines_of(month: SubjectMonth, rules: tuple[tuple[str, int], ...], bonus_cap: int) -> tuple[ScoreLine, ...]:
    """The month's lines, in the scheme's order; bonuses are granted in that order up to the cap."""
    unknown = set(month.refs) - {rule for rule, _ in rules}
    if unknown:
        raise ValueError(f"{month.code}: no such rule for this subject: {', '.join(sorted(unknown))}")
    bonus_left = bonus_cap
    lines = []
    for rule, each in rules:
        refs = tuple(sorted(month.refs.get(rule, ())))
        if not refs:
            continue
        if len(set(refs)) != len(refs):
            raise ValueError(f"{month.code}: an event is counted twice under {rule}")
        points = each * len(refs)
        if points > 0:
            points = min(points, bonus_left)
            bonus_left -= points
        lines.append(ScoreLine(rule=rule, count=len(refs), points=points, refs=refs))
    return tuple(lines)


def bounded(scheme: Scheme, raw: int) -> int:
    return max(scheme.min_score, min(scheme.max_score, raw))


def rank_key(month: SubjectMonth, score: int) -> tuple[int, bool, float, int, str]:
    # Ascending order puts the best first: the higher score, a rate before none, the higher rate,
    # more cases accepted, then the code.
    rate = month.on_time_rate
    return (-score, rate is None, -(rate or 0.0), -month.accepted, month.code)


def honoured_codes(honours: Honours, subject: str, ranked: list[SubjectMonth], scores: Mapping[str, int]) -> set[str]:
    """The red-flag windows or the service stars: the first eligible subjects, in rank order."""
    places = honours.red_flags if subject == "window" else honours.stars
    eligible = [month.code for month in ranked
                if scores[month.code] >= honours.min_score and month.accepted >= honours.min_cases
                and not (subject == "staff" and is_disqualified(month))]
    return set(eligible[:places])


def is_disqualified(month: SubjectMonth) -> bool:
    """The read models' flag, or a disqualifying event among the month's own counts (the same events)."""
    return month.disqualified or any(month.refs.get(rule) for rule in DISQUALIFYING_RULES)


def talks_required(previous: Iterable[Score], current: Iterable[Score]) -> list[str]:
    """The windows graded fail in both months, who are called in for a talk (约谈)."""
    failed_before = {score.code for score in previous if score.subject == "window" and score.grade == "fail"}
    return sorted(score.code for score in current
                  if score.subject == "window" and score.grade == "fail" and score.code in failed_before)


def require_distinct_codes(months: list[SubjectMonth]) -> None:
    codes = [month.code for month in months]
    if len(set(codes)) != len(codes):
        raise ValueError("a subject appears twice in the month's inputs")
