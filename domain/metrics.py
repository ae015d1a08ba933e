"""The month's figures of a service centre (按时办结率, 即办件办结率, 平均办结天数, 提速率, …).

This is the reference definition, in two halves so that every rate is defined once:

- `CaseCounts` holds counts and sums only, which add up over cases and over groups. `counts_of`
  computes one case's share from its aggregate; the read models compute the same sums in SQL.
- `case_figures` turns counts into the public figures; it is the only place a rate is computed,
  and the read models call it on their SQL sums.

A period is a pair of dates, both inclusive, in business time (Beijing). Each case is taken as it
stood at `as_of`: the end of the period's last day, or now if that is earlier (`period_as_of`).

- `accepted`: acceptance date in the period (immediate cases too);
- `concluded`: non-immediate cases concluded (approved or denied; a delivered case was concluded)
  with conclusion date in the period; `concluded_on_time`: of those, elapsed <= N (N with every
  extension); `elapsed_sum`, `legal_sum`: their elapsed working days and their legal limits in
  force at acceptance;
- `immediate_accepted`: immediate cases (即办件) accepted in the period; `immediate_same_day`: of
  those, concluded on their acceptance date;
- `withdrawn`, `refused`: that event's date in the period;
- `overdue`, `yellow`: open cases (accepted or suspended) whose clock is red / yellow at as_of,
  whenever they were accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from fractions import Fraction
from typing import Self

from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.clock import SHANGHAI, beijing, local_date
from domain.sla import WarningPolicy

OPEN_STATES = ("accepted", "suspended")


class Counts:
    """Counts and sums that add up field by field, so groups can be totalled (a frozen dataclass)."""

    def __add__(self, other: Self) -> Self:
        return type(self)(**{field.name: getattr(self, field.name) + getattr(other, field.name)
                             for field in fields(self)})  # type: ignore[arg-type]

    def add(self, other: Self) -> Self:
        return self + other

    def __bool__(self) -> bool:
        """Whether anything was counted at all."""
        return any(getattr(self, field.name) for field in fields(self))  # type: ignore[arg-type]


@dataclass(frozen=True)
class CaseCounts(Counts):
    """Counts and sums over a set of cases; they add up, so groups can be totalled."""

    accepted: int = 0
    concluded: int = 0
    concluded_on_time: int = 0
    elapsed_sum: int = 0  # elapsed working days over `concluded`
    legal_sum: int = 0  # legal limits in force at acceptance, over `concluded`
    immediate_accepted: int = 0
    immediate_same_day: int = 0
    withdrawn: int = 0
    refused: int = 0
    overdue: int = 0
    yellow: int = 0


@dataclass(frozen=True)
class CaseFigures:
    """The public figures of issue 6 §3, in its order. Rates are fractions (0.4706 is 47.06%)."""

    accepted: int
    concluded: int
    concluded_on_time: int
    on_time_rate: float | None  # 按时办结率
    immediate_accepted: int
    immediate_same_day: int
    immediate_rate: float | None  # 即办件办结率
    avg_elapsed_workdays: float | None  # 平均办结天数
    speedup_rate: float | None  # 提速率
    withdrawn: int
    refused: int
    overdue: int
    yellow: int


RATE_PLACES = 4
AVERAGE_PLACES = 2


def case_figures(counts: CaseCounts) -> CaseFigures:
    """The figures from the counts: the one definition of each rate. A rate with nothing to divide
    by is None, not 0: a window that concluded nothing was not late on all of it."""
    return CaseFigures(
        accepted=counts.accepted,
        concluded=counts.concluded,
        concluded_on_time=counts.concluded_on_time,
        on_time_rate=rounded_ratio(counts.concluded_on_time, counts.concluded, RATE_PLACES),
        immediate_accepted=counts.immediate_accepted,
        immediate_same_day=counts.immediate_same_day,
        immediate_rate=rounded_ratio(counts.immediate_same_day, counts.immediate_accepted, RATE_PLACES),
        avg_elapsed_workdays=rounded_ratio(counts.elapsed_sum, counts.concluded, AVERAGE_PLACES),
        # Σ(legal − elapsed) / Σ legal: the days saved against the legal limits, as a share of them.
        speedup_rate=rounded_ratio(counts.legal_sum - counts.elapsed_sum, counts.legal_sum, RATE_PLACES),
        withdrawn=counts.withdrawn,
        refused=counts.refused,
        overdue=counts.overdue,
        yellow=counts.yellow,
    )


def rounded_ratio(numerator: int, denominator: int, places: int) -> float | None:
    """numerator / denominator rounded half away from zero (四舍五入) to `places` decimals; None when
    the denominator is 0. Computed exactly, never through a float, so 1/32 gives 0.0313, not 0.0312."""
    if denominator == 0:
        return None
    scaled = Fraction(numerator, denominator) * 10**places
    whole = math.floor(abs(scaled) + Fraction(1, 2))
    return (whole if scaled >= 0 else -whole) / 10**places


def period_as_of(last: date, now: datetime) -> datetime:
    """The moment a period's figures are taken at: the end of its last day (Beijing), or now if earlier."""
    return min(datetime.combine(last, time.max, SHANGHAI), beijing(now))


def counts_of(case: Case, *, first: date, last: date, as_of: datetime, calendar: WorkingCalendar,
              policy: WarningPolicy) -> CaseCounts:
    """One case's share of the period's counts; the case folded from its events up to as_of."""
    require_folded_as_of(case, as_of)
    counts = CaseCounts(withdrawn=int(within(case.withdrawn_at, first, last)),
                        refused=int(within(case.refused_at, first, last)))
    clock = case.clock(as_of, calendar, policy)
    if clock is None or case.accepted_at is None:
        return counts  # never accepted: only a refusal or a withdrawal can count
    accepted = within(case.accepted_at, first, last)
    counts += CaseCounts(accepted=int(accepted))
    if case.kind == "immediate":
        concluded_same_day = case.concluded_at is not None and local_date(case.concluded_at) == local_date(case.accepted_at)
        counts += CaseCounts(immediate_accepted=int(accepted), immediate_same_day=int(accepted and concluded_same_day))
    elif within(case.concluded_at, first, last):
        counts += CaseCounts(concluded=1, concluded_on_time=int(bool(clock.on_time)),
                             elapsed_sum=clock.elapsed_workdays, legal_sum=case.legal_days or 0)
    if case.state in OPEN_STATES:
        counts += CaseCounts(overdue=int(clock.warning == "red"), yellow=int(clock.warning == "yellow"))
    return counts


def case_counts(cases: Iterable[Case], *, first: date, last: date, as_of: datetime, calendar: WorkingCalendar,
                policy: WarningPolicy) -> CaseCounts:
    """The period's counts over the cases, each folded from its events up to as_of."""
    return sum((counts_of(case, first=first, last=last, as_of=as_of, calendar=calendar, policy=policy)
                for case in cases), CaseCounts())


# What a case is grouped by: its accepting window, hall and staff member, the department its item
# belongs to (as in the scope of a `department` user and the /warnings filter), or its item.
GROUPINGS: dict[str, Callable[[Case], str | None]] = {
    "window": lambda case: case.window,
    "hall": lambda case: case.hall,
    "department": lambda case: case.department,
    "staff": lambda case: case.staff,
    "item": lambda case: case.item,
}


def counts_by(cases: Iterable[Case], key: Callable[[Case], str | None], *, first: date, last: date,
              as_of: datetime, calendar: WorkingCalendar, policy: WarningPolicy) -> dict[str, CaseCounts]:
    """The period's counts per group, for the groups that counted anything.

    A case the key cannot place (None: a case refused or withdrawn before acceptance has no
    window, hall or staff) is in no group; it still counts in `case_counts`, the total."""
    groups: dict[str, CaseCounts] = {}
    for case in cases:
        group = key(case)
        counts = counts_of(case, first=first, last=last, as_of=as_of, calendar=calendar, policy=policy)
        if group is not None and counts:
            groups[group] = groups.get(group, CaseCounts()) + counts
    return groups


def within(moment: datetime | None, first: date, last: date) -> bool:
    """Whether a business time falls on a day of the period (Beijing dates, both inclusive)."""
    return moment is not None and first <= local_date(moment) <= last


def require_folded_as_of(case: Case, as_of: datetime) -> None:
    """A figure as of a moment needs the case as it stood then; a later event would leak into it."""
    if case.last_occurred_at is not None and case.last_occurred_at > beijing(as_of):
        raise ValueError(f"case {case.id} has an event at {case.last_occurred_at.isoformat()}, after as_of "
                         f"{beijing(as_of).isoformat()}: fold it from its events up to as_of")
