"""Supervision findings on 12345 complaints (issue 8 §2), added to `GET /findings`: the reference
definition; the read models find the same in SQL and format each detail with the `*_detail`
functions here.

Every complaint finding has `complaint_id` set and `case_id`, `window`, `staff` and `review_id` None;
`department` is said per kind. Times are Beijing time; a "day" is a Beijing date; "the n-th working
day after d" never counts d itself (`working_days_after`: holidays off, 调休 days working).

- `dispatch_late` (转办超时): the complaint was neither dispatched (its first dispatch), answered
  directly nor merged within 2 hours of receipt, i.e. none of these at a moment ≤ receipt + 2 h
  (exactly 2 h is in time, as for `dispatched_within_2h`); it arises once as_of > receipt + 2 h
  and stays a finding whatever happens later; dated the receipt date; department None.
- `reply_overdue` (答复超期, 催办): a dispatched complaint with no reply, a department's reply or a
  direct answer, by the end of its due_date (its first reply's date > due_date, or no reply at all),
  and not merged by then (a duplicate merged on or before due_date is handled by its master); dated
  the 1st working day after due_date, the day a 催办 reminder goes out, and arisen once that day has
  come (date of as_of ≥ it); department = the department holding it at the end of due_date: that of
  its last dispatch at or before the end of due_date. It stays a finding if the reply comes later.
- `callback_late` (回访超时): for each reply awaiting a callback, an approved department reply (the
  review's moment) or a direct answer (its moment), no callback by the end of the 1st working day
  after the approval's (or answer's) date, and no merge by then; the callback that answers the k-th
  approval is the k-th callback (they alternate); dated the 2nd working day after the approval's
  date (the working day after the one the callback was due), and arisen once that day has come;
  department = the replying department (the approving review's), None for a direct answer. One
  finding per such approval or answer.

A finding counts when its date lies in [first, last] and it has arisen by as_of (the complaint
folded up to as_of).
"""

from __future__ import annotations

import datetime as dt

from domain.calendar import WorkingCalendar
from domain.clock import beijing, local_date
from domain.complaint import Complaint
from domain.complaint_kpis import require_complaint_as_of
from domain.complaint_rules import DISPATCH_WITHIN
from domain.findings import Finding
from domain.review import working_days_after

COMPLAINT_FINDING_KINDS = ("dispatch_late", "reply_overdue", "callback_late")
DISPATCH_HOURS = int(DISPATCH_WITHIN.total_seconds() // 3600)


def complaint_findings(complaint: Complaint, *, first: dt.date, last: dt.date, as_of: dt.datetime,
                       calendar: WorkingCalendar) -> list[Finding]:
    """The complaint's findings dated in the period (both dates inclusive) that had arisen by as_of, by
    date (then in the order of COMPLAINT_FINDING_KINDS, callbacks in order).

    Args:
        complaint: The complaint folded from its events up to as_of.
    """
    found = [
        *dispatch_late_findings(complaint, as_of=as_of),
        *reply_overdue_findings(complaint, as_of=as_of, calendar=calendar),
        *callback_late_findings(complaint, as_of=as_of, calendar=calendar),
    ]
    return sorted((finding for finding in found if first <= finding.date <= last), key=lambda finding: finding.date)


def dispatch_late_findings(complaint: Complaint, *, as_of: dt.datetime) -> list[Finding]:
    """转办超时: not dispatched, answered directly or merged within 2 hours of receipt."""
    require_complaint_as_of(complaint, as_of)
    deadline = complaint.received_at + DISPATCH_WITHIN
    if beijing(as_of) <= deadline:
        return []  # the 2 hours are not over
    handled = (complaint.first_dispatched_at, complaint.answered_at, complaint.merged_at)
    if any(moment is not None and moment <= deadline for moment in handled):
        return []
    return [_complaint_finding(complaint, "dispatch_late", local_date(complaint.received_at), None,
                               dispatch_late_detail(complaint.received_at))]


def reply_overdue_findings(complaint: Complaint, *, as_of: dt.datetime, calendar: WorkingCalendar) -> list[Finding]:
    """答复超期: no reply by the end of due_date; found on the next working day (催办)."""
    require_complaint_as_of(complaint, as_of)
    due = complaint.due_date
    if due is None or complaint.limit_days is None:
        return []  # never dispatched: no due date
    arises_on = working_days_after(calendar, due, 1)
    if arises_on > local_date(as_of) or _on_or_before(complaint.first_replied_at, due) \
            or _on_or_before(complaint.merged_at, due):
        return []
    holders = [department for moment, department in complaint.dispatches if local_date(moment) <= due]
    return [_complaint_finding(complaint, "reply_overdue", arises_on, holders[-1] if holders else None,
                               reply_overdue_detail(complaint.limit_days, due))]


def callback_late_findings(complaint: Complaint, *, as_of: dt.datetime, calendar: WorkingCalendar) -> list[Finding]:
    """回访超时: an approved reply or a direct answer not called back by the end of the next working day."""
    require_complaint_as_of(complaint, as_of)
    found = []
    for number, (approved_at, department) in enumerate(complaint.approvals):
        approved_on = local_date(approved_at)
        last_day = working_days_after(calendar, approved_on, 1)
        arises_on = working_days_after(calendar, approved_on, 2)
        callback = complaint.callbacks[number][0] if number < len(complaint.callbacks) else None
        if arises_on > local_date(as_of) or _on_or_before(callback, last_day) \
                or _on_or_before(complaint.merged_at, last_day):
            continue
        found.append(_complaint_finding(complaint, "callback_late", arises_on, department,
                                        callback_late_detail(department is None, last_day)))
    return found


# -- details: the read models format theirs with these, so the texts match ----------------------


def dispatch_late_detail(received_at: dt.datetime) -> str:
    """E.g. "not dispatched, answered or merged within 2 hours of receipt (2025-09-30 09:00)"."""
    return (f"not dispatched, answered or merged within {DISPATCH_HOURS} hours of receipt "
            f"({beijing(received_at):%Y-%m-%d %H:%M})")


def reply_overdue_detail(limit_days: int, due_date: dt.date) -> str:
    """E.g. "no reply within 15 working days (by 2025-10-28)"."""
    return f"no reply within {limit_days} working days (by {due_date.isoformat()})"


def callback_late_detail(direct_answer: bool, last_day: dt.date) -> str:
    """E.g. "approved reply not called back by 2025-10-10" or "direct answer not called back by …"."""
    what = "direct answer" if direct_answer else "approved reply"
    return f"{what} not called back by {last_day.isoformat()}"


# -- helpers ----------------------------------------------------------------------------------


def _complaint_finding(complaint: Complaint, kind: str, day: dt.date, department: str | None,
                       detail: str) -> Finding:
    return Finding(kind, None, day, None, department, None, detail, complaint_id=str(complaint.id))


def _on_or_before(moment: dt.datetime | None, day: dt.date) -> bool:
    return moment is not None and local_date(moment) <= day
