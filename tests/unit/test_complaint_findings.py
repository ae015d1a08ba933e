"""The 12345 findings (issue 8 §2): dispatch_late, reply_overdue and callback_late, on the complaints of
test_complaint_kpis (National Day 2025: 10-01 .. 10-08 off; Sun 09-28 and Sat 10-11 working days) and on
a few more, across Spring Festival 2026 (02-15 .. 02-23 off; Sat 02-14 and Sat 02-28 working days)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.base import replay
from domain.complaint import Complaint
from domain.complaint_findings import COMPLAINT_FINDING_KINDS, complaint_findings
from domain.findings import Finding
from tests.unit.test_complaint_kpis import CENTRE, NAMED, STREAMS, D, bj, build, end_of, receive, run

CALENDAR = CENTRE.calendar


def found(name: str, as_of: datetime, first: str = "2025-09-01", last: str = "2025-12-31",
          streams: dict | None = None, calendar=CALENDAR) -> list[tuple[str, str, str | None, str]]:
    """(kind, date, department, detail) of the complaint's findings in [first, last] as of as_of."""
    complaint = replay((streams or STREAMS)[name], as_of)
    if complaint is None:
        return []
    findings = complaint_findings(complaint, first=D(first), last=D(last), as_of=as_of, calendar=calendar)
    for finding in findings:
        assert (finding.case_id, finding.window, finding.staff, finding.review_id, finding.complaint_id) == (
            None, None, None, None, str(complaint.id))
    return [(finding.kind, finding.date.isoformat(), finding.department, finding.detail) for finding in findings]


def test_the_findings_of_the_national_day_complaints():
    as_of = end_of("2025-11-30")
    assert {name: found(name, as_of) for name in NAMED} == {
        # Approved on Fri 10-10: the callback was due by Sat 10-11 (a working day); it came on 10-13.
        "C1": [("callback_late", "2025-10-13", "D01", "approved reply not called back by 2025-10-11")],
        "C2": [("dispatch_late", "2025-09-30", None,
                "not dispatched, answered or merged within 2 hours of receipt (2025-09-30 14:00)"),
               # Due Fri 10-10 (2 working days after 09-30: 10-09, 10-10); the 催办 day is Sat 10-11.
               ("reply_overdue", "2025-10-11", "ZR", "no reply within 2 working days (by 2025-10-10)"),
               ("callback_late", "2025-10-15", "ZR", "approved reply not called back by 2025-10-14")],
        # Answered on Sat 09-27: the callback was due by Sun 09-28 (a working day); it came on 09-29.
        "C3": [("callback_late", "2025-09-29", None, "direct answer not called back by 2025-09-28")],
        # Answered on 10-02, a holiday: the callback was due by 10-09, the first working day after it.
        "C4": [("dispatch_late", "2025-09-30", None,
                "not dispatched, answered or merged within 2 hours of receipt (2025-09-30 20:00)"),
               ("callback_late", "2025-10-10", None, "direct answer not called back by 2025-10-09")],
        "C5": [],  # merged 90 minutes after receipt
        # Due 10-29 at D01; passed on to GA on 11-03, but D01 held it at the due date.
        "C6": [("reply_overdue", "2025-10-30", "D01", "no reply within 15 working days (by 2025-10-29)")],
        "C7": [("dispatch_late", "2025-10-12", None,
                "not dispatched, answered or merged within 2 hours of receipt (2025-10-12 10:00)")],
        # Due Sat 10-11; answered directly on Mon 10-13 after GA objected: overdue, found 10-13, GA's.
        "C8": [("reply_overdue", "2025-10-13", "GA", "no reply within 2 working days (by 2025-10-11)")],
    }


@pytest.mark.parametrize("name, not_yet, arisen", [
    ("C7", bj("2025-10-12 12:00"), bj("2025-10-12 12:00:01")),  # received 10:00: 2 hours is still in time
    ("C2", end_of("2025-10-10"), bj("2025-10-11 00:00")),  # the 催办 day, Sat 10-11
    ("C1", end_of("2025-10-12"), bj("2025-10-13 00:00")),
    ("C3", end_of("2025-09-28"), bj("2025-09-29 00:00")),
    ("C6", end_of("2025-10-29"), bj("2025-10-30 00:00")),
])
def test_a_finding_counts_once_it_has_arisen_by_as_of(name, not_yet, arisen):
    before, after = found(name, not_yet), found(name, arisen)
    assert len(after) == len(before) + 1
    assert after[-1] not in before


def test_only_the_findings_dated_in_the_period():
    as_of = end_of("2025-11-30")
    assert [kind for kind, *_ in found("C2", as_of, first="2025-10-11", last="2025-10-14")] == ["reply_overdue"]
    assert found("C4", as_of, first="2025-10-01", last="2025-10-09") == []
    assert COMPLAINT_FINDING_KINDS == ("dispatch_late", "reply_overdue", "callback_late")


def test_the_two_hours_are_exact_and_an_answer_or_a_merge_is_in_time_too():
    centre = build()
    names: dict[str, Complaint] = {
        "on_the_dot": receive(centre, "2025-09-30 09:00"),
        "a_minute_late": receive(centre, "2025-09-30 09:00"),
        "answered": receive(centre, "2025-09-30 09:00"),
        "merged": receive(centre, "2025-09-30 09:00"),
        "master": receive(centre, "2025-09-30 08:00"),
        "late_evening": receive(centre, "2025-10-12 23:00"),
    }
    run(centre, [
        ("2025-09-30 08:30", "master", "dispatch", {"department": "D01"}),
        ("2025-09-30 11:00", "on_the_dot", "dispatch", {"department": "D01"}),
        ("2025-09-30 11:01", "a_minute_late", "dispatch", {"department": "D01"}),
        ("2025-09-30 10:59", "answered", "answer", {"reply": "已答复"}),
        ("2025-09-30 11:00", "merged", "merge", {"into": "master"}),
    ], names)
    streams = {name: centre.complaint_events(complaint.id) for name, complaint in names.items()}
    as_of = bj("2025-10-13 02:00")

    def dispatch_late(name: str, moment: datetime = as_of) -> list[str]:
        return [day for kind, day, *_ in found(name, moment, streams=streams) if kind == "dispatch_late"]

    assert {name: dispatch_late(name) for name in names} == {
        "on_the_dot": [], "a_minute_late": ["2025-09-30"], "answered": [], "merged": [], "master": [],
        "late_evening": ["2025-10-12"]}  # dated the receipt, though it arose after midnight
    assert dispatch_late("late_evening", bj("2025-10-13 01:00")) == []
    assert dispatch_late("late_evening", bj("2025-10-13 01:00") + timedelta(seconds=1)) == ["2025-10-12"]


def test_a_duplicate_merged_by_the_due_date_is_its_masters_matter():
    centre = build()
    names = {name: receive(centre, "2025-09-30 09:00", "enquiry") for name in ("master", "early", "late",
                                                                                "awaiting")}
    run(centre, [
        ("2025-09-30 09:30", "master", "dispatch", {"department": "D01"}),
        ("2025-09-30 09:30", "early", "dispatch", {"department": "D01"}),  # due 10-10
        ("2025-09-30 09:30", "late", "dispatch", {"department": "ZR"}),
        ("2025-09-30 09:30", "awaiting", "dispatch", {"department": "ZJ"}),
        ("2025-10-09 09:00", "awaiting", "reply", {"reply": "已回复"}),
        ("2025-10-09 10:00", "awaiting", "review", {"approved": True}),  # callback due by 10-10
        ("2025-10-10 23:00", "early", "merge", {"into": "master"}),
        ("2025-10-10 23:00", "awaiting", "merge", {"into": "master"}),
        ("2025-10-11 08:00", "late", "merge", {"into": "master"}),
    ], names)
    streams = {name: centre.complaint_events(complaint.id) for name, complaint in names.items()}
    as_of = end_of("2025-10-31")
    assert [found(name, as_of, streams=streams) for name in ("early", "awaiting")] == [[], []]
    assert found("late", as_of, streams=streams) == [
        ("reply_overdue", "2025-10-11", "ZR", "no reply within 2 working days (by 2025-10-10)")]


def test_spring_festival_2026():
    centre = build()
    names = {
        "unanswered": receive(centre, "2026-02-13 09:00", "enquiry"),
        "answered_saturday": receive(centre, "2026-02-14 09:00", "enquiry"),
        "called_back_on_the_last_day": receive(centre, "2026-02-14 09:00", "enquiry"),
        "approved_friday": receive(centre, "2026-02-12 09:00", "enquiry"),
    }
    run(centre, [
        # Dispatched Fri 02-13: due Tue 02-24 (Sat 02-14 works, then 02-24), 催办 on Wed 02-25.
        ("2026-02-13 09:30", "unanswered", "dispatch", {"department": "D01"}),
        # Answered Sat 02-14 (a working day): the callback is due by 02-24.
        ("2026-02-14 10:00", "answered_saturday", "answer", {"reply": "已答复"}),
        ("2026-02-14 10:00", "called_back_on_the_last_day", "answer", {"reply": "已答复"}),
        ("2026-02-24 17:00", "called_back_on_the_last_day", "callback", {"verdict": "satisfied"}),
        # Approved Fri 02-13: the callback was due by Sat 02-14; on Sun 02-15 it is late, found on 02-24.
        ("2026-02-12 10:00", "approved_friday", "dispatch", {"department": "GA"}),
        ("2026-02-13 10:00", "approved_friday", "reply", {"reply": "已回复"}),
        ("2026-02-13 11:00", "approved_friday", "review", {"approved": True}),
        ("2026-02-15 10:00", "approved_friday", "callback", {"verdict": "basically_satisfied"}),
    ], names)
    streams = {name: centre.complaint_events(complaint.id) for name, complaint in names.items()}
    as_of = end_of("2026-03-31")
    assert {name: found(name, as_of, first="2026-02-01", last="2026-03-31", streams=streams) for name in names} == {
        "unanswered": [("reply_overdue", "2026-02-25", "D01", "no reply within 2 working days (by 2026-02-24)")],
        "answered_saturday": [("callback_late", "2026-02-25", None, "direct answer not called back by 2026-02-24")],
        "called_back_on_the_last_day": [],
        "approved_friday": [("callback_late", "2026-02-24", "GA", "approved reply not called back by 2026-02-14")],
    }
    for name in ("unanswered", "answered_saturday"):  # both arise on 02-25, not before
        assert found(name, end_of("2026-02-24"), first="2026-02-01", last="2026-03-31", streams=streams) == []
        assert len(found(name, bj("2026-02-25 00:00"), first="2026-02-01", last="2026-03-31", streams=streams)) == 1


def test_a_finding_is_the_shared_dataclass_with_a_complaint_id():
    complaint = replay(STREAMS["C7"], end_of("2025-10-31"))
    assert complaint_findings(complaint, first=D("2025-10-12"), last=D("2025-10-12"), as_of=end_of("2025-10-31"),
                              calendar=CALENDAR) == [
        Finding("dispatch_late", None, D("2025-10-12"), None, None, None,
                "not dispatched, answered or merged within 2 hours of receipt (2025-10-12 10:00)",
                complaint_id=str(complaint.id))]
