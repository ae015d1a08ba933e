"""The 12345 figures (issue 8 §3): a period's KPIs by department, category, area, type or channel, and
the hot spots by category or area. The reference for `GET /complaints/kpis` and `GET /complaints/hotspots`;
the read models compute the same in SQL and are held to these functions.

As with the case and review figures, in two halves so that every rate is defined once:
`ComplaintCounts` holds counts that add up over complaints and groups, and `complaint_figures` turns
them into the public figures.

A period is [first, last], Beijing dates, both inclusive. Each complaint is taken as it stood at
`as_of` (folded from its events whose business time is at or before as_of), so nothing that happened
after as_of counts. Every count is counted on the Beijing date of what it counts, when that date lies
in the period:

- `received`: the complaint, on its receipt date;
- `dispatched`: the complaint, on the date of its FIRST dispatch (a re-dispatch, 改派, never counts
  again); `dispatched_within_2h`: of those, the first dispatch at most 2 hours after receipt (exactly
  2 h is within: the `within_2h` of the first Dispatched event);
- `replied`: the complaint, on the date of its FIRST reply, a department's reply (Replied) or a direct
  answer (Answered), whichever came first; `replied_on_time`: of those, that first reply on time, as
  its event's `on_time` says: a department's reply on or before due_date (Beijing date of the reply ≤
  due_date); a direct answer is on time, unless a due date had been fixed by an earlier dispatch (the
  hotline answering after a department objected), when it is held to that due date like a reply;
- `redo`: the complaint, on the date it was FIRST sent back to redo (the first Reviewed with
  approved = false); later redos never count again;
- `callbacks`: EVERY callback (CalledBack), on its date (a complaint may be called back several times,
  after a reopening); `satisfied`, `basically_satisfied`, `unsatisfied`: of those, per verdict;
- `merged`: the duplicate (the complaint merged into another), on its merge date; the master is not
  counted;
- `problem`: the complaint, on the date it became a problem ticket (BecameProblem, once at most).

Rates (4 decimals, half away from zero, None when the denominator is 0): `dispatch_rate_2h` =
dispatched_within_2h / dispatched; `on_time_reply_rate` = replied_on_time / replied; `redo_rate` = redo
/ replied; `satisfaction_rate` = (satisfied + basically_satisfied) / callbacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.clock import beijing, local_date
from domain.complaint import Complaint
from domain.metrics import RATE_PLACES, Counts, rounded_ratio, within

# What the figures can be grouped by (`by=`), and the hot spots.
COMPLAINT_GROUPINGS = ("department", "category", "area", "type", "channel")
HOTSPOT_GROUPINGS = ("category", "area")
PERIODS = ("day", "week", "month")
# The department key of a complaint never dispatched: the hotline holds it.
HOTLINE = "hotline"


@dataclass(frozen=True)
class ComplaintCounts(Counts):
    """Counts over a set of complaints; they add up, so groups can be totalled."""

    received: int = 0
    dispatched: int = 0
    dispatched_within_2h: int = 0
    replied: int = 0
    replied_on_time: int = 0
    redo: int = 0
    callbacks: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    merged: int = 0
    problem: int = 0


@dataclass(frozen=True)
class ComplaintFigures:
    """The public figures of issue 8 §3, in its order. Rates are fractions (0.822 is 82.2%)."""

    received: int
    dispatched: int
    dispatched_within_2h: int
    dispatch_rate_2h: float | None  # dispatched_within_2h / dispatched
    replied: int
    replied_on_time: int
    on_time_reply_rate: float | None  # replied_on_time / replied
    redo: int
    redo_rate: float | None  # redo / replied
    callbacks: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    satisfaction_rate: float | None  # (satisfied + basically_satisfied) / callbacks
    merged: int
    problem: int


def complaint_figures(counts: ComplaintCounts) -> ComplaintFigures:
    """The figures from the counts: the one definition of each rate, None with nothing to divide by."""
    return ComplaintFigures(
        received=counts.received,
        dispatched=counts.dispatched,
        dispatched_within_2h=counts.dispatched_within_2h,
        dispatch_rate_2h=rounded_ratio(counts.dispatched_within_2h, counts.dispatched, RATE_PLACES),
        replied=counts.replied,
        replied_on_time=counts.replied_on_time,
        on_time_reply_rate=rounded_ratio(counts.replied_on_time, counts.replied, RATE_PLACES),
        redo=counts.redo,
        redo_rate=rounded_ratio(counts.redo, counts.replied, RATE_PLACES),
        callbacks=counts.callbacks,
        satisfied=counts.satisfied,
        basically_satisfied=counts.basically_satisfied,
        unsatisfied=counts.unsatisfied,
        satisfaction_rate=rounded_ratio(counts.satisfied + counts.basically_satisfied, counts.callbacks,
                                        RATE_PLACES),
        merged=counts.merged,
        problem=counts.problem,
    )


def complaint_counts_of(complaint: Complaint, *, first: date, last: date, as_of: datetime) -> ComplaintCounts:
    """One complaint's share of the period's counts (see the module's docstring for each count).

    Args:
        complaint: The complaint folded from its events up to as_of.
    """
    require_complaint_as_of(complaint, as_of)
    dispatched = within(complaint.first_dispatched_at, first, last)
    replied = within(complaint.first_replied_at, first, last)
    verdicts = [verdict for moment, verdict in complaint.callbacks if within(moment, first, last)]
    return ComplaintCounts(
        received=int(within(complaint.received_at, first, last)),
        dispatched=int(dispatched),
        dispatched_within_2h=int(dispatched and complaint.dispatched_within_2h is True),
        replied=int(replied),
        replied_on_time=int(replied and complaint.first_reply_on_time is True),
        redo=int(within(complaint.first_redo_at, first, last)),
        callbacks=len(verdicts),
        satisfied=verdicts.count("satisfied"),
        basically_satisfied=verdicts.count("basically_satisfied"),
        unsatisfied=verdicts.count("unsatisfied"),
        merged=int(within(complaint.merged_at, first, last)),
        problem=int(within(complaint.problem_at, first, last)),
    )


def complaint_counts(complaints: Iterable[Complaint], *, first: date, last: date, as_of: datetime) -> ComplaintCounts:
    """The period's counts over the complaints (the `total`), each folded from its events up to as_of."""
    return sum((complaint_counts_of(complaint, first=first, last=last, as_of=as_of) for complaint in complaints),
               ComplaintCounts())


def complaint_key(complaint: Complaint, by: str, *, level: int = 1, as_of: datetime) -> str:
    """The group a complaint falls in, as it stood at as_of:

    - `department`: the department of its LAST dispatch by as_of (改派 moves it; an objection or a
      direct answer after a dispatch does not: the last department it was sent to keeps it), or
      `hotline` if it was never dispatched by as_of;
    - `category`, `area`: the code at depth `level` of its path (path[level − 1], the top class or
      district being depth 1); a complaint filed at a node shallower than `level` is keyed by that
      node's own code (the last code of its path);
    - `type`: its request type (enquiry help suggestion complaint report); `channel`: its channel.

    Raises:
        ValueError: An unknown grouping, or a level below 1.
    """
    require_complaint_as_of(complaint, as_of)
    if by == "department":
        return complaint.dispatches[-1][1] if complaint.dispatches else HOTLINE
    if by == "category":
        return code_at(complaint.category_path, level)
    if by == "area":
        return code_at(complaint.area_path, level)
    if by == "type":
        return complaint.request_type
    if by == "channel":
        return complaint.channel
    raise ValueError(f"cannot group complaints by {by!r}: by must be one of {', '.join(COMPLAINT_GROUPINGS)}")


def complaint_counts_by(complaints: Iterable[Complaint], by: str, *, level: int = 1, first: date, last: date,
                        as_of: datetime) -> dict[str, ComplaintCounts]:
    """The period's counts per group (`complaint_key`), for the groups that counted anything. Every
    complaint has a key, so the groups add up to `complaint_counts`, the total."""
    check_grouping(by, COMPLAINT_GROUPINGS, level)
    groups: dict[str, ComplaintCounts] = {}
    for complaint in complaints:
        counts = complaint_counts_of(complaint, first=first, last=last, as_of=as_of)
        if counts:
            key = complaint_key(complaint, by, level=level, as_of=as_of)
            groups[key] = groups.get(key, ComplaintCounts()) + counts
    return groups


# -- hot spots -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hotspot:
    """A hot spot: a category or area and the complaints received under it (its descendants included)."""

    key: str
    count: int  # complaints received in [first, last]
    series: list[tuple[date, int]]  # (period start, complaints received in that period ∩ [first, last])
    previous_count: int  # complaints received in the stretch of the same length just before first
    change: float | None  # (count − previous_count) / previous_count, 4 decimals; None when previous_count is 0


def hotspots(complaints: Iterable[Complaint], *, by: str, level: int = 1, first: date, last: date, period: str,
             top: int, as_of: datetime) -> list[Hotspot]:
    """The hot spots of [first, last], the hottest first.

    - a complaint is counted once, on its receipt date (Beijing), under its key at `level`
      (`complaint_key`: the ancestor at that depth, or its own node when shallower); whatever
      happened to it later (dispatched, merged, closed) it counts;
    - `count`: complaints received in [first, last]; the hot spots are the `top` keys with the
      highest count (at least one complaint), ties broken by key ascending; `top` = 0 gives none;
    - `series`: one entry per period from the period containing `first` to the one containing
      `last`, in order, zeros included; a period starts on its day (day), on Monday (week) or on
      the 1st (month), and counts only the days of it within [first, last], so the first and last
      periods may be partial and the series adds up to `count`;
    - `previous_count`: the same key's complaints received in the previous stretch, the same number
      of days just before `first`: [first − n, first − 1] with n = (last − first) + 1 days (calendar
      days, whatever the period); the caller passes the complaints received then too;
    - `change` = (count − previous_count) / previous_count, rounded half away from zero to 4
      decimals (0.5 is +50%, −0.25 is −25%); None when previous_count is 0.

    Args:
        complaints: The complaints, each folded from its events up to as_of.

    Raises:
        ValueError: An unknown grouping or period, a level below 1, a negative top, or last before first.
    """
    check_grouping(by, HOTSPOT_GROUPINGS, level)
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}: period must be one of {', '.join(PERIODS)}")
    if top < 0:
        raise ValueError("top must not be negative")
    before_first, before_last = previous_stretch(first, last)
    days: dict[str, list[date]] = {}
    previous: dict[str, int] = {}
    for complaint in complaints:
        require_complaint_as_of(complaint, as_of)
        received_on = local_date(complaint.received_at)
        if first <= received_on <= last:
            days.setdefault(complaint_key(complaint, by, level=level, as_of=as_of), []).append(received_on)
        elif before_first <= received_on <= before_last:
            key = complaint_key(complaint, by, level=level, as_of=as_of)
            previous[key] = previous.get(key, 0) + 1
    hottest = sorted(days, key=lambda key: (-len(days[key]), key))[:top]
    starts = period_starts(first, last, period)
    found = []
    for key in hottest:
        per_period = {start: 0 for start in starts}
        for day in days[key]:
            per_period[period_start(day, period)] += 1
        count, before = len(days[key]), previous.get(key, 0)
        found.append(Hotspot(key, count, list(per_period.items()), before,
                             rounded_ratio(count - before, before, RATE_PLACES)))
    return found


def period_start(day: date, period: str) -> date:
    """The first day of the period containing `day`: itself (day), its Monday (week) or its 1st (month)."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r}: period must be one of {', '.join(PERIODS)}")


def period_starts(first: date, last: date, period: str) -> list[date]:
    """Every period start from the period containing `first` to the one containing `last`, in order."""
    if last < first:
        raise ValueError(f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
    starts, start = [], period_start(first, period)
    while start <= last:
        starts.append(start)
        start = next_period_start(start, period)
    return starts


def next_period_start(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def previous_stretch(first: date, last: date) -> tuple[date, date]:
    """The stretch of the same number of days just before [first, last]: [first − n, first − 1]."""
    if last < first:
        raise ValueError(f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
    length = last - first + timedelta(days=1)
    return first - length, first - timedelta(days=1)


# -- helpers ---------------------------------------------------------------------------------------


def code_at(path: list, level: int) -> str:
    """The code at depth `level` of a path (top first), or the path's own last code if it is shallower."""
    if level < 1:
        raise ValueError("level must be 1 or more")
    return str(path[min(level, len(path)) - 1])


def check_grouping(by: str, allowed: tuple[str, ...], level: int) -> None:
    if by not in allowed:
        raise ValueError(f"cannot group complaints by {by!r}: by must be one of {', '.join(allowed)}")
    if level < 1:
        raise ValueError("level must be 1 or more")


def require_complaint_as_of(complaint: Complaint, as_of: datetime) -> None:
    """A figure as of a moment needs the complaint as it stood then; a later event would leak into it."""
    if complaint.last_occurred_at is not None and complaint.last_occurred_at > beijing(as_of):
        raise ValueError(f"complaint {complaint.id} has an event at {complaint.last_occurred_at.isoformat()}, after "
                         f"as_of {beijing(as_of).isoformat()}: fold it from its events up to as_of")
