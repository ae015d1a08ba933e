"""A citizen's review of a service (好差评), one per case (一事一评).

After a case is concluded, delivered or refused, the citizen rates the service 1–5, from 5 very
satisfied (非常满意) to 1 very dissatisfied (非常不满意), at the window's rating pad (评价器), in the
app, by SMS, on the web or through the hotline. The review names the case's accepting window and
staff member: who handled the case is responsible (谁办理谁负责).

A good review (rating ≥ 3) is simply `recorded`. A bad review (差评, rating ≤ 2) opens a workflow:

- `awaiting_verification` → verified (核实) with one outcome:
  `rectify_now` (立行立改) → `rectified`; `rectify_by_deadline` (限期整改) → `rectifying` until the
  deadline (the verification date + `rectify_days` working days); `explain` (解释说明) → `explained`;
  `appeal` (申诉复核: claimed false or malicious) → `appealed`;
- `rectifying` → `rectified` (整改), on time when done on or before the deadline;
- `appealed` → decided: upheld → `overturned` (the rating leaves every score); not upheld →
  `rectifying`, with a deadline counted from the decision date;
- once verified and not overturned, one return visit (回访) records the citizen's new rating; the
  rating that is scored never changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.base import (
    Actor, HashChain, IllegalTransition, InvalidValue, SunlightAggregate, check_business_time, natural_id,
)
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.catalogue import check_choice
from domain.clock import beijing, local_date
from domain.sla import nth_counted_day

CHANNELS = ("pad", "app", "sms", "web", "hotline")
VERIFICATION_OUTCOMES = ("rectify_now", "rectify_by_deadline", "explain", "appeal")
STATES = ("recorded", "awaiting_verification", "rectifying", "rectified", "explained", "appealed", "overturned")
# Only a concluded, delivered or refused case has been served, so only such a case can be rated.
REVIEWABLE_CASE_STATES = ("concluded", "delivered", "refused")
# A return visit asks the citizen again once the bad review has been dealt with, or is being dealt with.
RETURN_VISIT_STATES = ("rectifying", "rectified", "explained")
BAD_RATING_MAX = 2  # 差评: 2 不满意 and 1 非常不满意
RATINGS = range(1, 6)
RECTIFY_DAYS = 5  # SUNLIGHT_RECTIFY_DAYS: 5 or 15 working days, depending on the locality
VERIFY_DAYS = 2  # SUNLIGHT_VERIFY_DAYS


def working_days_after(calendar: WorkingCalendar, day: date, days: int) -> date:
    """The `days`-th working day after `day`; `day` itself never counts, working day or not."""
    return nth_counted_day(calendar, day, days, [])


def rectification_deadline(calendar: WorkingCalendar, decided_on: date, rectify_days: int) -> date:
    """限期整改: the last day to rectify, `rectify_days` working days after the verification (or the
    appeal decision) that called for it."""
    return working_days_after(calendar, decided_on, rectify_days)


def verification_deadline(calendar: WorkingCalendar, given_on: date, verify_days: int) -> date:
    """The last day to verify a bad review: `verify_days` working days after the review's date."""
    return working_days_after(calendar, given_on, verify_days)


class Review(SunlightAggregate):
    class Given(SunlightAggregate.Created):
        case_id: str
        window: str | None  # None for a refused case: it was never accepted at a window
        staff: str | None
        staff_department: str | None
        rating: int
        channel: str
        # The citizen's free text may name people, so the service centre stores it sealed like an
        # applicant ({ref, sealed}, DESIGN §12): the topic and read models see `comment_ref` only.
        comment: dict | str | None

    def __init__(self, case_id: str, window: str | None, staff: str | None, staff_department: str | None,
                 rating: int, channel: str, comment: dict | str | None, occurred_at: datetime) -> None:
        self.case_id, self.window, self.staff, self.staff_department = case_id, window, staff, staff_department
        self.rating, self.channel, self.comment = rating, channel, comment
        self.given_at = beijing(occurred_at)
        self.state = "awaiting_verification" if self.is_bad else "recorded"
        self.outcome: str | None = None
        self.verified_at: datetime | None = None
        self.deadline: date | None = None
        self.appeal_upheld: bool | None = None
        self.appeal_decided_at: datetime | None = None
        self.rectified_at: datetime | None = None
        self.rectified_on_time: bool | None = None
        self.return_rating: int | None = None
        self.return_visited_at: datetime | None = None

    @classmethod
    def id_for(cls, case_id: UUID | str) -> UUID:
        """One review per case: the id derives from the case's, so a second review collides in the store."""
        return natural_id("review", str(case_id))

    @classmethod
    def give(cls, *, case: Case, rating: int, channel: str, comment: dict | str | None = None, chain: HashChain,
             occurred_at: datetime, actor: Actor, recorded_at: datetime) -> Review:
        """Record the citizen's rating of a case that has been served; `case` is folded up to now."""
        if case.state not in REVIEWABLE_CASE_STATES:
            raise IllegalTransition(f"cannot review a case that is {case.state}; a review needs a case that is "
                                    f"{' or '.join(REVIEWABLE_CASE_STATES)}")
        check_rating("rating", rating)
        check_choice("channel", channel, CHANNELS)
        if comment is not None and not isinstance(comment, str) and not _is_sealed(comment):
            raise InvalidValue("comment", "comment must be text, or its sealed form {ref, sealed}")
        # A service cannot be rated before it ended, even if the case changed since (a delivery).
        check_business_time(occurred_at, recorded_at=recorded_at, previous=case.concluded_at or case.refused_at)
        department = case.holdings[0].department if case.holdings else None
        return cls.start(
            cls.Given, id=cls.id_for(case.id), chain=chain, occurred_at=occurred_at, actor=actor,
            recorded_at=recorded_at, case_id=str(case.id), window=case.window, staff=case.staff,
            staff_department=department, rating=rating, channel=channel, comment=comment,
        )

    @property
    def is_bad(self) -> bool:
        """差评: rated 2 or 1."""
        return self.rating <= BAD_RATING_MAX

    @property
    def counts(self) -> bool:
        """Whether the rating counts in scores and figures: all but a bad review overturned on appeal."""
        return self.state != "overturned"

    @property
    def given_on(self) -> date:
        """The review's date: reviews are counted by it."""
        return local_date(self.given_at)

    class Verified(SunlightAggregate.Event):
        outcome: str
        note: str
        rectify_days: int | None  # the setting in force, for rectify_by_deadline only
        deadline: str | None  # ISO date, for rectify_by_deadline only

        def apply(self, review: Review) -> None:
            review.outcome, review.verified_at = self.outcome, beijing(self.occurred_at)
            review.state = VERIFIED_STATES[self.outcome]
            review.deadline = _day(self.deadline)
            if self.outcome == "rectify_now":
                # 立行立改: rectified on the spot, so on time by definition.
                review.rectified_at, review.rectified_on_time = review.verified_at, True

    def verify(self, *, outcome: str, note: str = "", rectify_days: int, calendar: WorkingCalendar,
               **when: Any) -> None:
        """核实 a bad review; rectify_by_deadline gets a deadline of rectify_days working days."""
        self.check_state("verify", "awaiting_verification")
        check_choice("outcome", outcome, VERIFICATION_OUTCOMES)
        check_days("rectify_days", rectify_days)
        checked = self.checked(when)
        deadline = None
        if outcome == "rectify_by_deadline":
            deadline = rectification_deadline(calendar, local_date(checked["occurred_at"]), rectify_days)
        self.record(self.Verified, outcome=outcome, note=note,
                    rectify_days=rectify_days if deadline else None, deadline=_iso(deadline), **checked)

    class Rectified(SunlightAggregate.Event):
        note: str
        on_time: bool  # rectified on or before the deadline

        def apply(self, review: Review) -> None:
            review.state = "rectified"
            review.rectified_at, review.rectified_on_time = beijing(self.occurred_at), self.on_time

    def rectify(self, *, note: str = "", **when: Any) -> None:
        """整改 done, for a review to be rectified by a deadline."""
        self.check_state("rectify", "rectifying")
        checked = self.checked(when)
        assert self.deadline is not None  # every way into `rectifying` sets one
        self.record(self.Rectified, note=note, on_time=local_date(checked["occurred_at"]) <= self.deadline, **checked)

    class AppealDecided(SunlightAggregate.Event):
        upheld: bool
        note: str
        rectify_days: int | None  # when not upheld: the setting in force
        deadline: str | None  # when not upheld: ISO date

        def apply(self, review: Review) -> None:
            review.appeal_upheld, review.appeal_decided_at = self.upheld, beijing(self.occurred_at)
            review.state = "overturned" if self.upheld else "rectifying"
            review.deadline = _day(self.deadline)

    def decide_appeal(self, *, upheld: bool, note: str = "", rectify_days: int, calendar: WorkingCalendar,
                      **when: Any) -> None:
        """申诉复核 decided: upheld overturns the review; not upheld, it is to be rectified by a deadline
        counted from the decision date."""
        self.check_state("decide the appeal of", "appealed")
        if not isinstance(upheld, bool):
            raise InvalidValue("upheld", f"upheld must be true or false; got {upheld!r}")
        check_days("rectify_days", rectify_days)
        checked = self.checked(when)
        deadline = None
        if not upheld:
            deadline = rectification_deadline(calendar, local_date(checked["occurred_at"]), rectify_days)
        self.record(self.AppealDecided, upheld=upheld, note=note, rectify_days=None if upheld else rectify_days,
                    deadline=_iso(deadline), **checked)

    class ReturnVisited(SunlightAggregate.Event):
        rating: int  # the citizen's new rating; the review's own rating stays the scored one
        note: str

        def apply(self, review: Review) -> None:
            review.return_rating, review.return_visited_at = self.rating, beijing(self.occurred_at)

    def return_visit(self, *, rating: int, note: str = "", **when: Any) -> None:
        """回访: ask the citizen again, once, after a bad review was verified and not overturned."""
        self.check_state("return-visit", *RETURN_VISIT_STATES)
        if self.return_visited_at is not None:
            raise IllegalTransition(f"review {self.id} already had its return visit (回访) on "
                                    f"{self.return_visited_at.isoformat()}; a review has one return visit")
        check_rating("rating", rating)
        self.record(self.ReturnVisited, rating=rating, note=note, **self.checked(when))

    # -- rules -------------------------------------------------------------------------

    def check_state(self, command: str, *allowed: str) -> None:
        if self.state not in allowed:
            hint = " (a good review has no workflow)" if self.state == "recorded" else ""
            raise IllegalTransition(f"cannot {command} a review that is {self.state}{hint}; {command} needs a "
                                    f"review that is {' or '.join(allowed)}")

    def checked(self, when: dict[str, Any]) -> dict[str, Any]:
        """The event's time fields, after checking business time against the stream."""
        check_business_time(when["occurred_at"], recorded_at=when["recorded_at"], previous=self.last_occurred_at)
        return when


# The state each verification outcome leads to.
VERIFIED_STATES = {"rectify_now": "rectified", "rectify_by_deadline": "rectifying", "explain": "explained",
                   "appeal": "appealed"}


def check_rating(field: str, rating: object) -> None:
    """A rating is a whole number 1..5; a bool is refused although Python counts it as an int."""
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise InvalidValue(field, f"{field} must be a whole number from 1 to 5; got {rating!r}")


def check_days(field: str, days: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InvalidValue(field, f"{field} must be a whole number of working days, at least 1; got {days!r}")


def require_review_as_of(review: Review, as_of: datetime) -> None:
    """A figure as of a moment needs the review as it stood then; a later event would leak into it."""
    if review.last_occurred_at is not None and review.last_occurred_at > beijing(as_of):
        raise ValueError(f"review {review.id} has an event at {review.last_occurred_at.isoformat()}, after as_of "
                         f"{beijing(as_of).isoformat()}: fold it from its events up to as_of")


def _is_sealed(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"ref", "sealed"}


def _iso(day: date | None) -> str | None:
    # Events hold dates as ISO text: the hash chain and the topic carry text, not date objects.
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
