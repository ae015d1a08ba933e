"""A 12345 complaint's life on an in-memory store, with hand-computed dates around National Day 2025:
holidays Wed 10-01 .. Wed 10-08; Sun 09-28 and Sat 10-11 are working days (调休). The working days after
Tue 09-30 are 10-09 (1), 10-10 (2), 10-11 (3), 10-13 (4), 10-14 (5), 10-15 (6), 10-16 (7), 10-17 (8),
10-20 (9), 10-21 (10), 10-22 (11), 10-23 (12), 10-24 (13), 10-27 (14), 10-28 (15)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from domain.base import SYSTEM, Actor, BusinessTimeError, IllegalTransition, InvalidValue, UnknownReference
from domain.complaint import Complaint
from domain.complaint_commands import ComplaintNotFound
from domain.complaint_rules import reference_of
from streams.envelope import envelope_of
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

NOW = datetime(2025, 11, 30, 2, 0, tzinfo=timezone.utc)
HOTLINE = Actor("hotline-zhao", "hotline")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


def build(**options):
    centre = make_centre(clock=lambda: NOW, **options)
    register_small_centre(centre, at=bj("2025-09-01 09:00"), windows={"A12": "S001"})
    for code, name in (("ZR", "自然资源和规划局"), ("ZJ", "住房和城乡建设局"), ("GA", "公安局")):
        centre.register("department", code=code, name=name, actor=SYSTEM, at=bj("2025-09-01 09:00"))
    for code, parent in (("CJ", None), ("CJ01", "CJ"), ("CJ0101", "CJ01")):
        centre.register("complaint_category", code=code, name=f"分类 {code}", parent=parent, actor=SYSTEM,
                        at=bj("2025-09-01 09:00"))
    centre.register("area", code="CY", name="城阳区", parent=None, lat=36.31, lon=120.4, actor=SYSTEM,
                    at=bj("2025-09-01 09:00"))
    centre.register("area", code="CY01", name="流亭街道", parent="CY", actor=SYSTEM, at=bj("2025-09-01 09:00"))
    return centre


@pytest.fixture
def centre():
    return build()


def received(centre, at: str = "2025-09-30 09:00", request_type: str = "complaint", **options) -> Complaint:
    options.setdefault("citizen", {"name": "王芳", "phone": "13812345678"})
    return centre.receive_complaint(channel="phone", request_type=request_type, category="CJ0101", area="CY01",
                                    content="小区物业乱收费", actor=HOTLINE, at=bj(at), **options)


def step(centre, complaint: Complaint, command: str, at: str, **fields) -> Complaint:
    return getattr(centre, f"{command}_complaint")(complaint.id, actor=HOTLINE, at=bj(at), **fields)


def types(centre, complaint: Complaint) -> list[str]:
    return [envelope_of(event, 0).type for event in centre.complaint_events(complaint.id)]


# -- the due date and the 2-hour commitment -------------------------------------------------------


@pytest.mark.parametrize("request_type, dispatched, due", [
    ("enquiry", "2025-09-30 10:00", "2025-10-10"),  # 2 working days: 10-09, 10-10
    ("help", "2025-09-30 10:00", "2025-10-21"),  # 10 (Sat 10-11 works)
    ("suggestion", "2025-09-30 10:00", "2025-10-21"),
    ("complaint", "2025-09-30 10:00", "2025-10-28"),  # 15
    ("report", "2025-09-30 10:00", "2025-10-28"),
    ("enquiry", "2025-10-03 10:00", "2025-10-10"),  # dispatched on a holiday: 10-09 (1), 10-10 (2)
    ("enquiry", "2025-09-27 10:00", "2025-09-29"),  # on Sat 09-27: Sun 09-28 is a working day (1), 09-29 (2)
])
def test_the_first_dispatch_fixes_the_due_date_in_working_days(centre, request_type, dispatched, due):
    day = dispatched[:10]
    complaint = received(centre, at=f"{day} 09:00", request_type=request_type)
    shown = step(centre, complaint, "dispatch", dispatched, department="D01")
    assert (shown.state, shown.department, shown.due_date, shown.limit_days) == (
        "dispatched", "D01", D(due), {"enquiry": 2, "help": 10, "suggestion": 10}.get(request_type, 15))


def test_the_handling_limits_are_settings():
    centre = build(complaint_days={"enquiry": 3})
    complaint = step(centre, received(centre, request_type="enquiry"), "dispatch", "2025-09-30 10:00",
                     department="D01")
    assert (complaint.limit_days, complaint.due_date) == (3, D("2025-10-11"))


def test_dispatched_within_two_hours_of_receipt_or_not(centre):
    on_the_dot = step(centre, received(centre), "dispatch", "2025-09-30 11:00", department="D01")
    late = centre.dispatch_complaint(received(centre).id, department="D01", actor=HOTLINE,
                                     at=datetime(2025, 9, 30, 11, 0, 1, tzinfo=on_the_dot.received_at.tzinfo))
    assert (on_the_dot.dispatched_within_2h, late.dispatched_within_2h) == (True, False)
    assert received(centre).dispatched_within_2h is None


def test_a_second_dispatch_keeps_the_due_date_and_the_first_dispatch(centre):
    complaint = step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="D01")
    step(centre, complaint, "object", "2025-10-09 09:00", reason="非本部门职责")
    again = step(centre, complaint, "dispatch", "2025-10-10 16:00", department="ZR")
    assert (again.department, again.departments, again.due_date, again.dispatched_within_2h) == (
        "ZR", ["D01", "ZR"], D("2025-10-28"), True)
    assert again.first_dispatched_at == bj("2025-09-30 10:00") and again.objection_count == 1
    dispatched = [envelope_of(e, 0).payload for e in centre.complaint_events(complaint.id)
                  if type(e).__name__ == "Dispatched"]
    assert [(p["first"], p["due_date"], p["limit_days"]) for p in dispatched] == [
        (True, "2025-10-28", 15), (False, "2025-10-28", 15)]


# -- the reply clock, as of any moment ------------------------------------------------------------


def test_remaining_working_days_overdue_and_replied_on_time_as_of_moments(centre):
    complaint = step(centre, received(centre, request_type="enquiry"), "dispatch", "2025-09-30 10:00",
                     department="D01")  # due 10-10
    then = centre.complaint(complaint.id, bj("2025-10-09 12:00"))
    assert (then.remaining_workdays(bj("2025-10-09 12:00"), centre.calendar), then.overdue(bj("2025-10-09 12:00"),
                                                                                           centre.calendar)) == (1, False)
    late_moment = bj("2025-10-11 12:00")  # Sat 10-11 is a working day: 3 used of 2
    assert (complaint.remaining_workdays(late_moment, centre.calendar), complaint.overdue(late_moment, centre.calendar)) \
        == (-1, True)
    replied = step(centre, complaint, "reply", "2025-10-13 09:00", reply="已处理")
    assert (replied.state, replied.replied_on_time) == ("replied", False)
    # The reply stops the clock: four working days used (10-09 10-10 10-11 10-13), whatever the moment.
    assert replied.remaining_workdays(bj("2025-11-20 12:00"), centre.calendar) == -2
    # As of before the reply it was dispatched and overdue; before the receipt it did not exist.
    before = centre.complaint(complaint.id, bj("2025-10-11 12:00"))
    assert (before.state, before.version) == ("dispatched", 2)
    with pytest.raises(ComplaintNotFound):
        centre.complaint(complaint.id, bj("2025-09-30 08:59"))


def test_a_reply_on_the_due_date_is_on_time(centre):
    complaint = step(centre, received(centre, request_type="enquiry"), "dispatch", "2025-09-30 10:00",
                     department="D01")
    replied = step(centre, complaint, "reply", "2025-10-10 23:59", reply="已处理")
    assert (replied.replied_on_time, replied.overdue(bj("2025-11-01 10:00"), centre.calendar)) == (True, False)
    assert replied.remaining_workdays(bj("2025-11-01 10:00"), centre.calendar) == 0


# -- review, callback, reopening -----------------------------------------------------------------


def test_the_whole_life_with_a_redo_and_a_reopening(centre):
    complaint = step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="D01")
    step(centre, complaint, "reply", "2025-10-09 10:00", reply="已回复")
    redo = step(centre, complaint, "review", "2025-10-09 11:00", approved=False, note="答复不清")
    assert (redo.state, redo.department, redo.redo_count, redo.approved) == ("dispatched", "D01", 1, False)
    step(centre, complaint, "reply", "2025-10-10 10:00", reply="已重新处理")
    approved = step(centre, complaint, "review", "2025-10-10 11:00", approved=True)
    assert approved.state == "awaiting_callback"
    reopened = step(centre, complaint, "callback", "2025-10-11 09:00", verdict="unsatisfied", note="没解决")
    assert (reopened.state, reopened.department, reopened.reopen_count, reopened.verdicts) == (
        "dispatched", "D01", 1, ["unsatisfied"])
    step(centre, complaint, "reply", "2025-10-13 10:00", reply="第三次处理")
    step(centre, complaint, "review", "2025-10-13 11:00", approved=True)
    closed = step(centre, complaint, "callback", "2025-10-14 09:00", verdict="basically_satisfied")
    assert (closed.state, closed.closed_at, closed.verdicts, closed.problem) == (
        "closed", bj("2025-10-14 09:00"), ["unsatisfied", "basically_satisfied"], False)
    assert types(centre, complaint) == [
        "ComplaintReceived", "ComplaintDispatched", "ComplaintReplied", "ComplaintReviewed", "ComplaintReplied",
        "ComplaintReviewed", "ComplaintCalledBack", "ComplaintReplied", "ComplaintReviewed", "ComplaintCalledBack"]
    with pytest.raises(IllegalTransition, match="closed"):
        step(centre, complaint, "callback", "2025-10-15 09:00", verdict="satisfied")


def test_a_direct_answer_is_called_back_and_closed_even_when_unsatisfied(centre):
    complaint = step(centre, received(centre, request_type="enquiry"), "answer", "2025-09-30 09:10",
                     reply="办理地点在市民中心")
    assert (complaint.state, complaint.answered_directly, complaint.replied_on_time, complaint.department) == (
        "replied", True, True, None)
    with pytest.raises(IllegalTransition, match="answered directly"):
        step(centre, complaint, "review", "2025-09-30 10:00", approved=True)
    closed = step(centre, complaint, "callback", "2025-09-30 10:00", verdict="unsatisfied")
    assert (closed.state, closed.reopen_count) == ("closed", 0)


def test_a_department_reply_is_reviewed_before_the_callback(centre):
    complaint = step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="D01")
    step(centre, complaint, "reply", "2025-10-09 10:00", reply="已回复")
    with pytest.raises(IllegalTransition, match="it is replied"):
        step(centre, complaint, "callback", "2025-10-09 11:00", verdict="satisfied")


@pytest.mark.parametrize("command, fields, state", [
    ("reply", {"reply": "x"}, "received"),
    ("object", {"reason": "x"}, "received"),
    ("review", {"approved": True}, "received"),
    ("callback", {"verdict": "satisfied"}, "received"),
])
def test_every_illegal_transition_names_the_state(centre, command, fields, state):
    with pytest.raises(IllegalTransition, match=f"it is {state}"):
        step(centre, received(centre), command, "2025-09-30 10:00", **fields)


def test_a_dispatched_complaint_is_not_dispatched_again_without_an_objection(centre):
    complaint = step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="D01")
    with pytest.raises(IllegalTransition, match="it is dispatched"):
        step(centre, complaint, "dispatch", "2025-09-30 11:00", department="ZR")


def test_inputs_are_checked_naming_the_field(centre):
    with pytest.raises(InvalidValue) as bad_type:
        received(centre, request_type="rumour")
    with pytest.raises(UnknownReference) as bad_category:
        centre.receive_complaint(channel="phone", request_type="help", category="NOPE", area="CY", content="x",
                                 actor=HOTLINE, at=bj("2025-09-30 09:00"))
    with pytest.raises(InvalidValue) as bad_content:
        centre.receive_complaint(channel="phone", request_type="help", category="CJ", area="CY", content="  ",
                                 actor=HOTLINE, at=bj("2025-09-30 09:00"))
    with pytest.raises(UnknownReference) as bad_department:
        step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="NOPE")
    with pytest.raises(InvalidValue) as bad_verdict:
        step(centre, step(centre, received(centre), "answer", "2025-09-30 10:00", reply="x"), "callback",
             "2025-09-30 11:00", verdict="so-so")
    assert [error.value.field for error in (bad_type, bad_category, bad_content, bad_department, bad_verdict)] == [
        "type", "category", "content", "department", "verdict"]
    with pytest.raises(BusinessTimeError):
        step(centre, received(centre), "answer", "2025-09-30 08:00", reply="x")  # before the receipt


# -- problem tickets and escalation -------------------------------------------------------------


def test_the_third_objection_makes_a_problem_ticket_in_the_same_command(centre):
    complaint = received(centre)
    for number, department in enumerate(("D01", "D01", "D01"), start=1):
        step(centre, complaint, "dispatch", f"2025-10-0{number + 1} 10:00", department=department)
        shown = step(centre, complaint, "object", f"2025-10-0{number + 1} 11:00", reason="非本部门")
        assert (shown.objection_count, shown.problem, shown.escalation_level) == (
            number, number == 3, 1 if number == 3 else 0)
    assert types(centre, complaint)[-2:] == ["ComplaintObjected", "ComplaintBecameProblem"]
    problem = centre.complaint_events(complaint.id)[-1]
    assert (problem.occurred_at, problem.reason, problem.level, problem.previous_level, problem.objections,
            problem.departments) == (bj("2025-10-04 11:00"), "sent_back", 1, 0, 3, ["D01"])


def test_objections_and_redos_count_together(centre):
    complaint = step(centre, received(centre), "dispatch", "2025-09-30 10:00", department="D01")
    step(centre, complaint, "escalate", "2025-09-30 10:30", level=2, note="市领导督办")
    step(centre, complaint, "reply", "2025-10-09 10:00", reply="a")
    step(centre, complaint, "review", "2025-10-09 11:00", approved=False)
    step(centre, complaint, "reply", "2025-10-09 12:00", reply="b")
    not_yet = step(centre, complaint, "review", "2025-10-09 13:00", approved=False)
    assert (not_yet.redo_count, not_yet.problem) == (2, False)
    problem = step(centre, complaint, "object", "2025-10-09 14:00", reason="非本部门")
    assert (problem.problem, problem.problem_reason, problem.escalation_level) == (True, "sent_back", 3)
    # Once a problem ticket, always one: the next redo records no second event.
    step(centre, complaint, "dispatch", "2025-10-09 15:00", department="ZR")
    step(centre, complaint, "reply", "2025-10-09 16:00", reply="c")
    step(centre, complaint, "review", "2025-10-09 17:00", approved=False)
    assert types(centre, complaint).count("ComplaintBecameProblem") == 1


def test_three_distinct_departments_make_a_problem_ticket_at_the_third_dispatch(centre):
    complaint = received(centre)
    step(centre, complaint, "dispatch", "2025-09-30 10:00", department="D01")
    step(centre, complaint, "object", "2025-09-30 11:00", reason="x")
    step(centre, complaint, "dispatch", "2025-09-30 12:00", department="D01")  # the same again: still one
    step(centre, complaint, "object", "2025-09-30 13:00", reason="x")
    assert centre.complaint(complaint.id).departments == ["D01"]
    complaint = received(centre)
    for hour, department in ((10, "D01"), (12, "ZR")):
        step(centre, complaint, "dispatch", f"2025-09-30 {hour}:00", department=department)
        step(centre, complaint, "object", f"2025-09-30 {hour}:30", reason="x")
    third = step(centre, complaint, "dispatch", "2025-09-30 14:00", department="ZJ")
    assert (third.problem, third.problem_reason, third.escalation_level, third.departments) == (
        True, "departments", 1, ["D01", "ZR", "ZJ"])
    assert types(centre, complaint)[-2:] == ["ComplaintDispatched", "ComplaintBecameProblem"]


def test_escalation_only_rises_and_stops_at_level_three(centre):
    complaint = received(centre)
    assert step(centre, complaint, "escalate", "2025-09-30 10:00", level=2).escalation_level == 2
    for level in (1, 2):
        with pytest.raises(IllegalTransition, match="only rises"):
            step(centre, complaint, "escalate", "2025-09-30 11:00", level=level)
    with pytest.raises(InvalidValue) as error:
        step(centre, complaint, "escalate", "2025-09-30 11:00", level=4)
    assert error.value.field == "level"
    top = step(centre, complaint, "escalate", "2025-09-30 12:00", level=3)
    for hour in (13, 14, 15):  # three objections: a problem ticket, escalated "one level up" stays at 3
        step(centre, top, "dispatch", f"2025-09-30 {hour}:00", department="D01")
        step(centre, top, "object", f"2025-09-30 {hour}:30", reason="x")
    shown = centre.complaint(complaint.id)
    assert (shown.problem, shown.escalation_level) == (True, 3)


# -- merging --------------------------------------------------------------------------------------


def test_duplicates_are_merged_into_a_master_that_lists_them(centre):
    master, first, second = received(centre), received(centre), received(centre)
    step(centre, master, "dispatch", "2025-09-30 10:00", department="D01")
    merged = centre.merge_complaint(first.id, into=master.reference, actor=HOTLINE, at=bj("2025-09-30 10:05"))
    centre.merge_complaint(second.id, into=str(master.id), actor=HOTLINE, at=bj("2025-09-30 10:06"))
    assert (merged.state, merged.merged_into) == ("merged", str(master.id))
    shown = centre.complaint(master.id)
    assert shown.duplicates == [str(first.id), str(second.id)] and shown.state == "dispatched"
    assert types(centre, master)[-2:] == ["ComplaintDuplicateMerged", "ComplaintDuplicateMerged"]
    assert envelope_of(centre.complaint_events(master.id)[-1], 0).payload == {
        "duplicate": str(second.id), "duplicate_reference": second.reference}
    with pytest.raises(IllegalTransition, match="it is merged"):
        step(centre, first, "dispatch", "2025-09-30 11:00", department="D01")
    with pytest.raises(IllegalTransition, match="it is merged"):
        centre.merge_complaint(received(centre).id, into=first.reference, actor=HOTLINE, at=bj("2025-09-30 11:00"))


def test_merge_refuses_a_closed_master_itself_and_an_unknown_one(centre):
    closed = step(centre, step(centre, received(centre), "answer", "2025-09-30 09:30", reply="x"), "callback",
                  "2025-09-30 10:00", verdict="satisfied")
    other = received(centre)
    with pytest.raises(IllegalTransition, match="it is closed"):
        centre.merge_complaint(other.id, into=closed.reference, actor=HOTLINE, at=bj("2025-09-30 11:00"))
    with pytest.raises(IllegalTransition, match="it is closed"):
        centre.merge_complaint(closed.id, into=other.reference, actor=HOTLINE, at=bj("2025-09-30 11:00"))
    with pytest.raises(InvalidValue) as itself:
        centre.merge_complaint(other.id, into=other.reference, actor=HOTLINE, at=bj("2025-09-30 11:00"))
    with pytest.raises(UnknownReference) as unknown:
        centre.merge_complaint(other.id, into="12345-20250930-0999", actor=HOTLINE, at=bj("2025-09-30 11:00"))
    assert (itself.value.field, unknown.value.field) == ("into", "into")
    assert centre.complaint(other.id).version == 1  # nothing half-written


# -- verification against a window or staff member ----------------------------------------------


def test_a_complaint_against_staff_is_verified_once(centre):
    against = received(centre, subject={"staff": "S001"})
    assert against.subject == {"window": "A12", "staff": "S001", "department": "D01"}
    verified = step(centre, against, "verify", "2025-10-09 10:00", valid=True, note="属实")
    assert (verified.valid, verified.verified_at) == (True, bj("2025-10-09 10:00"))
    assert envelope_of(centre.complaint_events(against.id)[-1], 0).payload == {
        "valid": True, "note": "属实", "window": "A12", "staff": "S001", "department": "D01"}
    with pytest.raises(IllegalTransition, match="already verified"):
        step(centre, against, "verify", "2025-10-09 11:00", valid=False)
    with pytest.raises(IllegalTransition, match="names no window"):
        step(centre, received(centre), "verify", "2025-10-09 10:00", valid=True)


def test_the_subject_must_be_in_the_catalogue_and_consistent(centre):
    assert received(centre, subject={"window": "A12"}).subject == {"window": "A12", "staff": None,
                                                                   "department": "D01"}
    for subject, field in (({"window": "Z99"}, "subject.window"), ({"staff": "S001", "window": "B99"},
                                                                    "subject.staff"),
                           ({"department": "NOPE"}, "subject.department"), ({}, "subject")):
        with pytest.raises((InvalidValue, UnknownReference)) as error:
            received(centre, subject=subject)
        assert error.value.field == field


# -- numbering and personal data -------------------------------------------------------------------


def test_references_count_per_receipt_day_and_find_the_complaint(centre):
    first_day = [received(centre, at="2025-09-30 09:00").reference for _ in range(37)]
    assert first_day == [f"12345-20250930-{number:04d}" for number in range(1, 38)]
    assert received(centre, at="2025-10-01 00:00").reference == "12345-20251001-0001"
    assert received(centre, at="2025-09-30 23:59").reference == "12345-20250930-0038"
    found = centre.complaint(centre.complaint_id_of("12345-20250930-0005"))
    assert found.reference == "12345-20250930-0005"
    with pytest.raises(ComplaintNotFound):
        centre.complaint_id_of("not-a-reference")


def test_a_number_taken_meanwhile_is_retried_with_the_next(centre, monkeypatch):
    received(centre)
    found = centre.next_complaint_number
    answers = iter([1])  # as if the search ran before the first complaint was saved
    monkeypatch.setattr(centre, "next_complaint_number", lambda day: next(answers, None) or found(day))
    assert received(centre).reference == "12345-20250930-0002"
    assert reference_of(D("2025-09-30"), 12345) == "12345-20250930-12345"


def test_the_citizen_and_their_words_stay_in_the_event_store(centre):
    complaint = received(centre)
    sealed = centre.vault.people[complaint.citizen["ref"]]
    assert sealed == {"name": "王芳", "phone": "13812345678", "content": "小区物业乱收费"}
    payload = envelope_of(centre.complaint_events(complaint.id)[0], 0).payload
    assert payload["citizen_ref"] == complaint.citizen["ref"] and "citizen" not in payload
    assert not {"王芳", "13812345678", "小区物业乱收费"} & set(map(str, payload.values()))
    assert (payload["category_path"], payload["area_path"], payload["request_type"]) == (
        ["CJ", "CJ01", "CJ0101"], ["CY", "CY01"], "complaint")


# -- the catalogue trees ---------------------------------------------------------------------------


def test_the_trees_record_depth_and_path_and_check_parents_and_coordinates(centre):
    leaf = centre.entry("complaint_category", "CJ0101", field="category")
    street = centre.entry("area", "CY01", field="area")
    district = centre.entry("area", "CY", field="area")
    assert (leaf.depth, leaf.path, leaf.parent) == (3, ["CJ", "CJ01", "CJ0101"], "CJ01")
    assert (street.depth, street.lat, district.lat, district.lon) == (2, None, 36.31, 120.4)
    with pytest.raises(UnknownReference) as orphan:
        centre.register("area", code="X", name="x", parent="NOPE", actor=SYSTEM, at=bj("2025-09-01 09:00"))
    with pytest.raises(UnknownReference):  # an area is no category's parent
        centre.register("complaint_category", code="X", name="x", parent="CY", actor=SYSTEM, at=bj("2025-09-01 09:00"))
    with pytest.raises(InvalidValue) as half:
        centre.register("area", code="X", name="x", parent=None, lat=36.0, actor=SYSTEM, at=bj("2025-09-01 09:00"))
    with pytest.raises(InvalidValue) as far:
        centre.register("area", code="X", name="x", parent=None, lat=91.0, lon=0.0, actor=SYSTEM,
                        at=bj("2025-09-01 09:00"))
    assert (orphan.value.field, half.value.field, far.value.field) == ("parent", "lon", "lat")
