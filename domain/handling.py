"""Who held a case when (审查 审核 决定): holding periods, their working days, and who is charged.

A holding period runs from date a (the acceptance or transfer that began it) to date b (the next
transfer), or to the clock's cutoff for the current holder. Its `workdays` are the counted working
days d with a < d <= b, so the holders' working days add up to the case's elapsed working days.
An overdue case is charged to the holder of its first overdue working day: the working day on
which elapsed first exceeds N (谁办理谁负责, and a delay is charged to who held the case then)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import WorkingCalendar
from domain.sla import Suspension, counted_workdays, nth_counted_day

STAGES = ("review", "approval", "decision")


@dataclass(frozen=True)
class Holding:
    stage: str  # "acceptance", then a transfer's stage
    staff: str
    department: str
    start: date


@dataclass(frozen=True)
class HoldingPeriod:
    holding: Holding
    end: date | None  # the next transfer's date; None for the current holder
    workdays: int


def holding_periods(calendar: WorkingCalendar, holdings: Sequence[Holding], cutoff: date,
                    suspensions: Sequence[Suspension]) -> list[HoldingPeriod]:
    """Each holding with its end and its counted working days up to the cutoff."""
    periods = []
    for index, holding in enumerate(holdings):
        end = holdings[index + 1].start if index + 1 < len(holdings) else None
        upto = min(end, cutoff) if end is not None else cutoff
        periods.append(HoldingPeriod(holding, end, counted_workdays(calendar, holding.start, upto, suspensions)))
    return periods


def first_overdue_day(calendar: WorkingCalendar, *, accepted_on: date, limit: int, cutoff: date,
                      suspensions: Sequence[Suspension]) -> date | None:
    """The working day on which elapsed first exceeds N (the (N+1)-th counted working day), if it
    came by the clock's cutoff; None while the case is not overdue (or was not, when it stopped)."""
    if counted_workdays(calendar, accepted_on, cutoff, suspensions) <= limit:
        return None  # never look past the cutoff: the days after it are not known yet
    # The day sought lies on or before the cutoff, so a suspension still open may end just after it.
    ended = [Suspension(s.start, s.end if s.end is not None else cutoff + timedelta(days=1)) for s in suspensions]
    return nth_counted_day(calendar, accepted_on, limit + 1, ended)


def charged_holding(calendar: WorkingCalendar, holdings: Sequence[Holding], *, accepted_on: date, limit: int,
                    elapsed: int, cutoff: date, suspensions: Sequence[Suspension]) -> Holding | None:
    """The holder of the first overdue working day, or None while the case is not overdue."""
    if elapsed <= limit or not holdings:
        return None
    first_overdue = first_overdue_day(calendar, accepted_on=accepted_on, limit=limit, cutoff=cutoff,
                                      suspensions=suspensions)
    if first_overdue is None:
        raise ValueError(f"elapsed {elapsed} exceeds the limit {limit}, yet no overdue day comes by {cutoff}")
    for index, holding in enumerate(holdings):
        end = holdings[index + 1].start if index + 1 < len(holdings) else None
        if holding.start < first_overdue and (end is None or first_overdue <= end):
            return holding
    raise ValueError(f"no holding covers {first_overdue}")
