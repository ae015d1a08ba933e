"""The SLA clock of a case (办件时限): elapsed and remaining working days, deadline, warning.

This is the reference definition. The read models compute the same figures in SQL and are
differentially tested against this module, and auditors read it, so it is written for
plainness, not speed. With N = the item's promised days in force at acceptance and
D0 = the local date of acceptance:

- a working day d is *suspended* if suspension date <= d < resumption date; a suspension
  still open covers every day from its start (the count never goes past as_of anyway);
- elapsed = working days d with D0 < d <= as_of that are not suspended; once concluded,
  the conclusion date takes the place of as_of, so the figure is frozen;
- remaining = N - elapsed, negative when overdue;
- deadline = the working day on which elapsed reaches N if nothing more is suspended
  (D0 itself when N = 0); None while the case is suspended, because it moves every day;
- warning = "red" if remaining < 0, "yellow" if 0 <= remaining <= the yellow threshold,
  otherwise "none"; always "none" once concluded or withdrawn. Immediate items (即办件) have N = 0;
- on_time (concluded cases only) = elapsed <= N.

Only suspensions whose time does not count are given here (the case knows which: 行政许可法 §45);
N includes approved extensions (延期). A withdrawn case's clock is frozen at its withdrawal, like a
concluded one's at its conclusion, but it is neither on time nor late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from domain.calendar import WorkingCalendar

ONE_DAY = timedelta(days=1)

WarningColour = Literal["none", "yellow", "red"]


@dataclass(frozen=True)
class WarningPolicy:
    """When an open case turns yellow (预警): remaining <= max(min days, ⌈percent of N⌉).

    Attributes:
        yellow_percent: Share of the promised days, in percent, rounded up.
        yellow_min_days: Floor of the threshold, so short limits still get a warning.
    """

    yellow_percent: int = 20
    yellow_min_days: int = 1

    def __post_init__(self) -> None:
        if self.yellow_percent < 0 or self.yellow_min_days < 0:
            raise ValueError(f"warning policy values must not be negative: {self}")

    def yellow_threshold(self, promised_days: int) -> int:
        """The largest number of remaining working days that is still yellow."""
        # Integer ceiling, never float: e.g. 0.28 * 25 is 7.000000000000001, whose ceiling is 8.
        percent_of_limit = (promised_days * self.yellow_percent + 99) // 100
        return max(self.yellow_min_days, percent_of_limit)


@dataclass(frozen=True)
class Suspension:
    """A period (挂起) whose working days do not count toward the limit.

    Attributes:
        start: Local date of the suspension; from this day on, days do not count.
        end: Local date of the resumption, which counts again; None while still suspended.
    """

    start: date
    end: date | None = None


@dataclass(frozen=True)
class SlaClock:
    """The SLA figures of one case as of one day.

    Attributes:
        elapsed_workdays: Counted working days after acceptance, frozen at conclusion.
        remaining_workdays: Promised days minus elapsed; negative when overdue.
        deadline: Working day on which the limit is used up; None while suspended.
        warning: "none", "yellow" (预警) or "red" (超期); "none" once concluded.
        on_time: For a concluded case, whether it was concluded within the limit; else None.
    """

    elapsed_workdays: int
    remaining_workdays: int
    deadline: date | None
    warning: WarningColour
    on_time: bool | None


def sla_clock(
    calendar: WorkingCalendar,
    *,
    promised_days: int,
    accepted_on: date,
    as_of: date,
    suspensions: Sequence[Suspension] = (),
    concluded_on: date | None = None,
    withdrawn_on: date | None = None,
    policy: WarningPolicy = WarningPolicy(),
) -> SlaClock:
    """Computes the SLA clock of a case as of a day (see the module docstring).

    Args:
        calendar: The working calendar.
        promised_days: Promised limit (承诺时限) in force at acceptance; 0 for immediate items.
        accepted_on: Local date of acceptance (D0).
        as_of: The day asked about.
        suspensions: The suspensions known as of that day whose time does not count.
        concluded_on: Local date of conclusion (办结), if concluded by as_of.
        withdrawn_on: Local date of withdrawal (撤回), if withdrawn by as_of.
        policy: When an open case turns yellow.

    Raises:
        ValueError: The inputs describe an impossible case (as_of before acceptance,
            negative limit, conclusion or suspension outside acceptance..as_of).
    """
    _check_inputs(promised_days, accepted_on, as_of, suspensions, concluded_on or withdrawn_on)
    stopped_on = concluded_on or withdrawn_on
    elapsed = counted_workdays(calendar, accepted_on, cutoff(as_of, stopped_on), suspensions)
    remaining = promised_days - elapsed
    return SlaClock(
        elapsed_workdays=elapsed,
        remaining_workdays=remaining,
        deadline=_deadline(calendar, promised_days, accepted_on, suspensions),
        warning="none" if stopped_on else _warning(remaining, policy.yellow_threshold(promised_days)),
        on_time=(elapsed <= promised_days) if concluded_on else None,
    )


def cutoff(as_of: date, stopped_on: date | None) -> date:
    """The last day the clock counts: the conclusion or withdrawal freezes it."""
    return stopped_on if stopped_on is not None else as_of


def counted_workdays(calendar: WorkingCalendar, after: date, upto: date, suspensions: Sequence[Suspension]) -> int:
    """Working days d with after < d <= upto that are not suspended (0 if upto <= after)."""
    return sum(1 for day in calendar.workdays(after + ONE_DAY, upto) if not _is_suspended(day, suspensions))


def suspended_workdays(calendar: WorkingCalendar, accepted_on: date, upto: date,
                       suspensions: Sequence[Suspension]) -> int:
    """Working days d with accepted_on < d <= upto that do not count because the case was suspended."""
    return sum(1 for day in calendar.workdays(accepted_on + ONE_DAY, upto) if _is_suspended(day, suspensions))


def nth_counted_day(calendar: WorkingCalendar, accepted_on: date, n: int, suspensions: Sequence[Suspension]) -> date:
    """The working day on which the n-th counted day falls (accepted_on itself for n = 0), assuming
    the suspensions given are all there will be; they must all have ended, or the day may never come."""
    if any(suspension.end is None for suspension in suspensions):
        raise ValueError("nth_counted_day needs ended suspensions")
    day, counted = accepted_on, 0
    while counted < n:
        day += ONE_DAY
        if calendar.is_workday(day) and not _is_suspended(day, suspensions):
            counted += 1
    return day


def _deadline(
    calendar: WorkingCalendar, promised_days: int, accepted_on: date, suspensions: Sequence[Suspension]
) -> date | None:
    if any(suspension.end is None for suspension in suspensions):
        return None
    return nth_counted_day(calendar, accepted_on, promised_days, suspensions)


def _is_suspended(day: date, suspensions: Sequence[Suspension]) -> bool:
    # The resumption day itself counts again, so suspending and resuming on one day loses nothing.
    return any(s.start <= day and (s.end is None or day < s.end) for s in suspensions)


def _warning(remaining: int, yellow_threshold: int) -> WarningColour:
    if remaining < 0:
        return "red"
    if remaining <= yellow_threshold:
        return "yellow"
    return "none"


def _check_inputs(
    promised_days: int,
    accepted_on: date,
    as_of: date,
    suspensions: Sequence[Suspension],
    concluded_on: date | None,
) -> None:
    if promised_days < 0:
        raise ValueError(f"promised_days must not be negative, got {promised_days}")
    if as_of < accepted_on:
        raise ValueError(f"as_of {as_of} is before acceptance on {accepted_on}")
    if concluded_on is not None and not accepted_on <= concluded_on <= as_of:
        raise ValueError(f"concluded_on {concluded_on} is outside acceptance {accepted_on} .. as_of {as_of}")
    for suspension in suspensions:
        _check_suspension(suspension, as_of)


def _check_suspension(suspension: Suspension, as_of: date) -> None:
    # A suspension or resumption after as_of was not known as of that day; the caller must
    # pass the case as it stood then (a resumption still to come means end=None).
    if suspension.start > as_of or (suspension.end is not None and suspension.end > as_of):
        raise ValueError(f"{suspension} reaches beyond as_of {as_of}")
    if suspension.end is not None and suspension.end < suspension.start:
        raise ValueError(f"{suspension} ends before it starts")
