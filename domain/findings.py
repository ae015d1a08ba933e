"""Supervision findings (电子监察): what the rules find wrong in a case, each dated by the day it arises.

This is the reference definition; the read models find the same in SQL and format each detail
with the `*_detail` functions here. In every finding, `window` and `staff` are the case's
accepting window and staff member and `department` that staff member's department (the
acceptance holding's), except `overdue`, which names who held the case on its first overdue day.

- `overdue` (超期): the case's first overdue working day, the (N+1)-th counted working day;
- `late_entry` (录入不及时): an event recorded more than `late_entry_hours` after its business
  time, dated by its business date; one finding per such event;
- `late_supplement_request` (补不过半): a `supplement` suspension made when the case had already
  used more than half of N (elapsed × 2 > N, elapsed as of the suspension with the case as it stood
  just before it, so the day of the request counts), dated by the suspension's date;
- `materials_overdue`: a 容缺 case whose materials had not arrived by the end of the
  `materials_days`-th working day after acceptance (plain working days: suspensions do not stop
  this count), dated the next working day; not for a case withdrawn by the end of that day.

Reviews (好差评) have findings of their own (`review_findings`), named by the review's window, staff
member and that member's department, with the review's case as `case_id` and its id as `review_id`:

- `review_unverified` (差评未核实): a bad review not verified by the end of the `verify_days`-th
  working day after its date, dated the next working day (the (verify_days + 1)-th); it stays a
  finding if the review is verified later;
- `rectification_overdue` (整改超期): a review to be rectified by a deadline (限期整改) and not
  rectified by the end of it, dated the calendar day after the deadline; it stays a finding if the
  review is rectified later.

A finding counts once it has arisen by `as_of` (the case folded up to as_of) and when its date
lies in the period asked about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.base import SunlightAggregate
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.clock import beijing, local_date
from domain.handling import first_overdue_day
from domain.metrics import require_folded_as_of
from domain.review import VERIFY_DAYS, Review, require_review_as_of, verification_deadline, working_days_after
from domain.sla import WarningPolicy, nth_counted_day

FINDING_KINDS = ("overdue", "late_entry", "late_supplement_request", "materials_overdue")
LATE_ENTRY_HOURS = 24
MATERIALS_DAYS = 15


@dataclass(frozen=True)
class Finding:
    kind: str
    case_id: str | None  # None for a finding on a window, not a case (talk_required)
    date: dt.date
    window: str | None  # None for a case never accepted (a late entry of its submission or refusal)
    department: str | None
    staff: str | None
    detail: str
    review_id: str | None = None  # the review behind a review finding; None for a case's findings
    complaint_id: str | None = None  # the complaint behind a 12345 finding (domain.complaint_findings)


def findings_of(case: Case, events: Sequence[Any], *, first: dt.date, last: dt.date, as_of: dt.datetime,
                calendar: WorkingCalendar, late_entry_hours: float = LATE_ENTRY_HOURS,
                materials_days: int = MATERIALS_DAYS) -> list[Finding]:
    """The case's findings dated in the period (both dates inclusive) that had arisen by as_of, by date.

    Args:
        case: The case folded from its events up to as_of.
        events: The case's stored events in order (later ones are left out here).
    """
    found = [
        *overdue_findings(case, as_of=as_of, calendar=calendar),
        *late_entry_findings(case, events, as_of=as_of, late_entry_hours=late_entry_hours),
        *late_supplement_findings(case, events, as_of=as_of, calendar=calendar),
        *materials_overdue_findings(case, as_of=as_of, calendar=calendar, materials_days=materials_days),
    ]
    return sorted((finding for finding in found if first <= finding.date <= last), key=lambda finding: finding.date)


def overdue_findings(case: Case, *, as_of: dt.datetime, calendar: WorkingCalendar) -> list[Finding]:
    """超期: dated by the first overdue working day, charged to whoever held the case that day."""
    require_folded_as_of(case, as_of)
    if case.accepted_at is None:
        return []
    day = first_overdue_day(calendar, accepted_on=local_date(case.accepted_at), limit=case.limit_days,
                            cutoff=case.clock_cutoff(as_of), suspensions=case.not_counting())
    holder = case.charged_to(as_of, calendar)
    if day is None or holder is None:
        return []
    return [Finding("overdue", str(case.id), day, case.window, holder.department, holder.staff,
                    overdue_detail(case.limit_days, day))]


def late_entry_findings(case: Case, events: Sequence[Any], *, as_of: dt.datetime,
                        late_entry_hours: float = LATE_ENTRY_HOURS) -> list[Finding]:
    """录入不及时: one per event recorded more than late_entry_hours after its business time."""
    require_folded_as_of(case, as_of)
    allowed = dt.timedelta(hours=late_entry_hours)
    return [_finding(case, "late_entry", local_date(event.occurred_at),
                     late_entry_detail(event_type(event), event.timestamp - event.occurred_at))
            for event in known_events(events, as_of) if event.timestamp - event.occurred_at > allowed]


def late_supplement_findings(case: Case, events: Sequence[Any], *, as_of: dt.datetime,
                             calendar: WorkingCalendar) -> list[Finding]:
    """补不过半: a request for missing materials after half of N was used."""
    require_folded_as_of(case, as_of)
    found = []
    before: Case | None = None  # the case as it stood just before each event
    for event in known_events(events, as_of):
        if isinstance(event, Case.Suspended) and event.reason == "supplement" and before is not None:
            clock = before.clock(event.occurred_at, calendar, WarningPolicy())
            if clock is not None and clock.elapsed_workdays * 2 > before.limit_days:
                found.append(_finding(case, "late_supplement_request", local_date(event.occurred_at),
                                      late_supplement_detail(clock.elapsed_workdays, before.limit_days)))
        before = event.mutate(before)
    return found


def materials_overdue_findings(case: Case, *, as_of: dt.datetime, calendar: WorkingCalendar,
                               materials_days: int = MATERIALS_DAYS) -> list[Finding]:
    """容缺 materials not in by the end of the materials_days-th working day after acceptance."""
    require_folded_as_of(case, as_of)
    accepted_with_missing = case.pending_materials or case.materials_received_at is not None
    if case.accepted_at is None or not accepted_with_missing:
        return []
    accepted_on = local_date(case.accepted_at)
    # Plain working days, whatever the SLA clock counts: no suspension is given.
    last_day = nth_counted_day(calendar, accepted_on, materials_days, [])
    arises_on = nth_counted_day(calendar, accepted_on, materials_days + 1, [])
    if arises_on > local_date(as_of) or _on_or_before(case.materials_received_at, last_day) \
            or _on_or_before(case.withdrawn_at, last_day):
        return []
    return [_finding(case, "materials_overdue", arises_on, materials_overdue_detail(materials_days, last_day))]


# -- details: the read models format theirs with these, so the texts match ----------------------


def overdue_detail(limit_days: int, first_overdue: dt.date) -> str:
    return f"{limit_days} working days, first overdue on {first_overdue.isoformat()}"


def late_entry_detail(event_type: str, delay: dt.timedelta) -> str:
    return f"{event_type} recorded {delay.total_seconds() / 3600:.1f} hours after its business time"


def late_supplement_detail(elapsed_workdays: int, limit_days: int) -> str:
    return f"supplement requested after {elapsed_workdays} of {limit_days} working days"


def materials_overdue_detail(materials_days: int, last_day: dt.date) -> str:
    return f"missing materials not received within {materials_days} working days (by {last_day.isoformat()})"


# -- helpers ----------------------------------------------------------------------------------


def event_type(event: SunlightAggregate.Event) -> str:
    """The event's type as the read models and the topic name it: "CaseAccepted" for Case.Accepted."""
    return "".join(type(event).__qualname__.split(".")[-2:])


def known_events(events: Sequence[Any], as_of: dt.datetime) -> list[Any]:
    """The events known as of a moment: business time at or before it (as in `replay`)."""
    return [event for event in events if beijing(event.occurred_at) <= beijing(as_of)]


def _finding(case: Case, kind: str, day: dt.date, detail: str) -> Finding:
    """A finding on the case's acceptance: its window and staff member, and that member's department."""
    department = case.holdings[0].department if case.holdings else None
    return Finding(kind, str(case.id), day, case.window, department, case.staff, detail)


def _on_or_before(moment: dt.datetime | None, day: dt.date) -> bool:
    return moment is not None and local_date(moment) <= day


# -- reviews (好差评) ----------------------------------------------------------------------------

REVIEW_FINDING_KINDS = ("review_unverified", "rectification_overdue")


def review_findings(review: Review, *, first: dt.date, last: dt.date, as_of: dt.datetime,
                    calendar: WorkingCalendar, verify_days: int = VERIFY_DAYS) -> list[Finding]:
    """The review's findings dated in the period (both dates inclusive) that had arisen by as_of, by date.

    Args:
        review: The review folded from its events up to as_of.
    """
    found = [
        *review_unverified_findings(review, as_of=as_of, calendar=calendar, verify_days=verify_days),
        *rectification_overdue_findings(review, as_of=as_of),
    ]
    return sorted((finding for finding in found if first <= finding.date <= last), key=lambda finding: finding.date)


def review_unverified_findings(review: Review, *, as_of: dt.datetime, calendar: WorkingCalendar,
                               verify_days: int = VERIFY_DAYS) -> list[Finding]:
    """差评未核实: a bad review not verified by the end of the verify_days-th working day after its date."""
    require_review_as_of(review, as_of)
    if not review.is_bad:
        return []
    last_day = verification_deadline(calendar, review.given_on, verify_days)
    arises_on = working_days_after(calendar, review.given_on, verify_days + 1)
    if arises_on > local_date(as_of) or _on_or_before(review.verified_at, last_day):
        return []
    return [_review_finding(review, "review_unverified", arises_on, review_unverified_detail(verify_days, last_day))]


def rectification_overdue_findings(review: Review, *, as_of: dt.datetime) -> list[Finding]:
    """整改超期: not rectified by the end of the deadline it was given (限期整改)."""
    require_review_as_of(review, as_of)
    if review.deadline is None:
        return []
    arises_on = review.deadline + dt.timedelta(days=1)
    if arises_on > local_date(as_of) or _on_or_before(review.rectified_at, review.deadline):
        return []
    return [_review_finding(review, "rectification_overdue", arises_on, rectification_overdue_detail(review.deadline))]


def review_unverified_detail(verify_days: int, last_day: dt.date) -> str:
    return f"bad review not verified within {verify_days} working days (by {last_day.isoformat()})"


def rectification_overdue_detail(deadline: dt.date) -> str:
    return f"bad review not rectified by its deadline ({deadline.isoformat()})"


def _review_finding(review: Review, kind: str, day: dt.date, detail: str) -> Finding:
    """A finding on the review: its case, the case's accepting window and staff, and that member's department."""
    return Finding(kind, review.case_id, day, review.window, review.staff_department, review.staff, detail,
                   review_id=str(review.id))


def talk_required_findings(windows: Mapping[str, str | None], *, first_month: str, second_month: str,
                           on: dt.date) -> list[Finding]:
    """约谈: the windows (code → department) graded fail in two months running, called in on the first
    day of the month after."""
    detail = f"graded fail in {first_month} and {second_month}"
    return [Finding("talk_required", None, on, code, department, None, detail) for code, department in
            sorted(windows.items())]
