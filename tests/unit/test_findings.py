"""Supervision findings against hand-computed dates around National Day 2025.

Holidays 10-01..10-08; Sun 09-28 and Sat 10-11 are working days. P5 has N = 5. Accepted Fri 09-26,
the working days after acceptance are 09-28 (1), 09-29 (2), 09-30 (3), 10-09 (4), 10-10 (5),
10-11 (6), 10-13 (7), 10-14 (8), 10-15 (9), 10-16 (10), 10-17 (11), 10-20 (12), 10-21 (13),
10-22 (14), 10-23 (15), 10-24 (16). Every command is recorded when it happens unless a test says
it was entered late.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.base import SYSTEM, Actor
from domain.calendar import WorkingCalendar
from domain.clock import SHANGHAI
from domain.findings import Finding, findings_of
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

CALENDAR = WorkingCalendar()
CLERK = Actor("clerk-li", "clerk")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Desk:
    """A centre whose clock is the record time of the next command: `at` sets it."""

    def __init__(self) -> None:
        self.recorded_at = bj("2025-09-01 09:00")
        self.centre = register_small_centre(make_centre(calendar=CALENDAR, clock=lambda: self.recorded_at),
                                            at=self.recorded_at)
        at = self.recorded_at
        self.centre.register("department", code="D02", name="自然资源局", actor=SYSTEM, at=at)
        self.centre.register("window", code="B01", name="规划窗口", hall="H01", department="D02", kind="specialist",
                             actor=SYSTEM, at=at)
        for code, window, department in (("S002", "B01", "D02"), ("S003", "A12", "D01")):
            self.centre.register("staff", code=code, name=f"员工{code}", window=window, department=department,
                                 role="window_staff", actor=SYSTEM, at=at)

    def at(self, text: str, late_hours: float = 0) -> datetime:
        """The business time; the command is recorded late_hours after it."""
        moment = bj(text)
        self.recorded_at = moment + timedelta(hours=late_hours)
        return moment

    def accepted(self, at: str = "2025-09-26 10:00", item: str = "P5", late_hours: float = 0, **accept):
        case = self.centre.submit_case(item=item, channel="window", applicant={"name": "张三"}, actor=CLERK,
                                       at=self.at(at))
        return self.centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK,
                                       at=self.at(at, late_hours), **accept).id

    def do(self, command: str, case_id, at: str, late_hours: float = 0, **fields) -> None:
        getattr(self.centre, command)(case_id, actor=CLERK, at=self.at(at, late_hours), **fields)

    def findings(self, case_id, as_of: str, kind: str | None = None, first: str = "2025-09-01",
                 last: str = "2025-10-31", **options) -> list[Finding]:
        moment = bj(as_of)
        found = findings_of(self.centre.case(case_id, moment), self.centre.case_events(case_id), first=D(first),
                            last=D(last), as_of=moment, calendar=CALENDAR, **options)
        return [finding for finding in found if kind is None or finding.kind == kind]


@pytest.fixture
def desk() -> Desk:
    return Desk()


# -- overdue (超期) ------------------------------------------------------------------------------


def test_overdue_is_charged_to_the_holder_of_the_first_overdue_day_not_to_who_concluded(desk):
    case_id = desk.accepted()
    desk.do("transfer_case", case_id, "2025-09-29 10:00", staff="S002", stage="review")
    desk.do("transfer_case", case_id, "2025-10-13 10:00", staff="S003", stage="decision")
    desk.do("conclude_case", case_id, "2025-10-14 10:00", outcome="approved")
    # The 6th counted day, Sat 10-11, is the first overdue one; S002 (自然资源局) held the case then.
    assert desk.findings(case_id, "2025-10-31 23:59") == [
        Finding("overdue", str(case_id), D("2025-10-11"), "A12", "D02", "S002",
                "5 working days, first overdue on 2025-10-11")]
    assert desk.findings(case_id, "2025-10-10 23:59") == []  # due that day, not overdue yet
    assert desk.findings(case_id, "2025-10-31 23:59", first="2025-10-12") == []  # it arose on 10-11


def test_overdue_after_an_extension_and_a_suspension_that_does_not_count(desk):
    case_id = desk.accepted()
    desk.do("suspend_case", case_id, "2025-09-29 09:00", reason="supplement")
    desk.do("resume_case", case_id, "2025-10-09 09:00")
    desk.do("extend_case", case_id, "2025-10-10 09:00", days=2, reason="现场核查")
    # N = 7; 09-29 and 09-30 do not count: 09-28, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15 (7), 10-16 (8).
    assert desk.findings(case_id, "2025-10-20 12:00", kind="overdue") == [
        Finding("overdue", str(case_id), D("2025-10-16"), "A12", "D01", "S001",
                "7 working days, first overdue on 2025-10-16")]


def test_a_case_concluded_in_time_is_never_overdue(desk):
    case_id = desk.accepted()
    desk.do("conclude_case", case_id, "2025-10-10 17:00", outcome="denied")
    assert desk.findings(case_id, "2025-10-31 23:59", kind="overdue") == []


# -- late entry (录入不及时) ---------------------------------------------------------------------


def test_an_event_recorded_more_than_the_allowed_hours_late_is_a_finding_dated_by_its_business_date(desk):
    case_id = desk.accepted(late_hours=24)  # exactly 24 hours late: not late
    desk.do("suspend_case", case_id, "2025-09-29 23:30", late_hours=30, reason="hearing")  # 30 hours late
    desk.do("resume_case", case_id, "2025-10-09 09:00", late_hours=24 + 1 / 60)  # a minute more than 24 hours
    found = desk.findings(case_id, "2025-10-20 12:00", kind="late_entry")
    assert found == [
        # 09-29 23:30 in Beijing is 15:30 UTC: the finding is dated by the Beijing date.
        Finding("late_entry", str(case_id), D("2025-09-29"), "A12", "D01", "S001",
                "CaseSuspended recorded 30.0 hours after its business time"),
        Finding("late_entry", str(case_id), D("2025-10-09"), "A12", "D01", "S001",
                "CaseResumed recorded 24.0 hours after its business time"),
    ]
    assert desk.findings(case_id, "2025-10-20 12:00", kind="late_entry", late_entry_hours=48) == []
    assert [f.date for f in desk.findings(case_id, "2025-10-08 12:00", kind="late_entry")] == [D("2025-09-29")]


def test_a_late_entry_before_acceptance_names_no_window(desk):
    case = desk.centre.submit_case(item="P5", channel="window", applicant={"name": "王五"}, actor=CLERK,
                                   at=desk.at("2025-10-10 09:00", late_hours=72))
    desk.do("refuse_case", case.id, "2025-10-13 10:00", reason="不属于受理范围")
    assert desk.findings(case.id, "2025-10-20 12:00") == [
        Finding("late_entry", str(case.id), D("2025-10-10"), None, None, None,
                "CaseSubmitted recorded 72.0 hours after its business time")]


# -- a request for missing materials after half the time (补不过半) -------------------------------


@pytest.mark.parametrize("suspended_at, extension, expected", [
    ("2025-09-30 10:00", 0, "supplement requested after 3 of 5 working days"),  # 3 × 2 > 5
    ("2025-09-29 10:00", 0, None),  # 2 × 2 <= 5
    ("2025-09-30 10:00", 1, None),  # N = 6: 3 is exactly half, not more
    ("2025-10-09 10:00", 1, "supplement requested after 4 of 6 working days"),
    ("2025-09-26 14:00", 0, None),  # on the acceptance day nothing has elapsed
])
def test_a_supplement_request_after_half_of_n_is_a_finding(desk, suspended_at, extension, expected):
    case_id = desk.accepted()
    if extension:
        desk.do("extend_case", case_id, "2025-09-28 09:00", days=extension, reason="延期")
    desk.do("suspend_case", case_id, suspended_at, reason="supplement")
    found = desk.findings(case_id, "2025-10-09 18:00", kind="late_supplement_request")
    assert [(f.date, f.detail) for f in found] == ([(D(suspended_at[:10]), expected)] if expected else [])


def test_an_immediate_case_suspended_for_materials_on_its_acceptance_day_is_not_late(desk):
    case_id = desk.accepted(item="IMM")
    desk.do("suspend_case", case_id, "2025-09-26 11:00", reason="supplement")
    assert desk.findings(case_id, "2025-09-26 18:00", kind="late_supplement_request") == []


def test_only_a_supplement_request_is_held_to_half_the_time_and_suspended_days_do_not_count(desk):
    case_id = desk.accepted()
    desk.do("suspend_case", case_id, "2025-09-29 09:00", reason="supplement")  # 09-28, 09-29: 2 × 2 <= 5
    desk.do("resume_case", case_id, "2025-10-09 09:00")  # 09-29 and 09-30 do not count
    desk.do("suspend_case", case_id, "2025-10-10 10:00", reason="expert_review")  # 3 elapsed, but no request
    desk.do("resume_case", case_id, "2025-10-11 09:00")  # 10-10 does not count
    desk.do("suspend_case", case_id, "2025-10-11 10:00", reason="supplement")  # 09-28, 10-09, 10-11: 3 × 2 > 5
    found = desk.findings(case_id, "2025-10-20 12:00", kind="late_supplement_request")
    assert [(f.date, f.staff, f.detail) for f in found] == [
        (D("2025-10-11"), "S001", "supplement requested after 3 of 5 working days")]


# -- materials that never came (容缺) -----------------------------------------------------------


def test_missing_materials_not_in_by_the_fifteenth_working_day_are_found_the_next_working_day(desk):
    case_id = desk.accepted(missing_materials=["场所平面图"])
    desk.do("suspend_case", case_id, "2025-09-29 09:00", reason="supplement")  # plain working days: no pause
    desk.do("resume_case", case_id, "2025-10-13 09:00")
    # The 15th working day after 09-26 is Thu 10-23; the finding arises on Fri 10-24.
    assert desk.findings(case_id, "2025-10-23 23:59", kind="materials_overdue") == []
    assert desk.findings(case_id, "2025-10-24 08:00", kind="materials_overdue") == [
        Finding("materials_overdue", str(case_id), D("2025-10-24"), "A12", "D01", "S001",
                "missing materials not received within 15 working days (by 2025-10-23)")]


def test_materials_days_is_a_setting_and_the_finding_may_fall_on_a_working_saturday(desk):
    case_id = desk.accepted(missing_materials=["场所平面图"])
    # The 5th working day is Fri 10-10, the next one Sat 10-11 (调休).
    assert [f.date for f in desk.findings(case_id, "2025-10-20 12:00", kind="materials_overdue",
                                          materials_days=5)] == [D("2025-10-11")]


@pytest.mark.parametrize("command, at, fields, found", [
    ("receive_materials", "2025-10-23 17:00", {}, False),  # in on the last day
    ("receive_materials", "2025-10-24 09:00", {}, True),  # a day late
    ("withdraw_case", "2025-10-23 17:00", {"reason": "申请人撤回"}, False),  # withdrawn before then
    ("withdraw_case", "2025-10-24 09:00", {"reason": "申请人撤回"}, True),
])
def test_materials_in_or_a_withdrawal_by_the_last_day_means_no_finding(desk, command, at, fields, found):
    case_id = desk.accepted(missing_materials=["场所平面图"])
    desk.do(command, case_id, at, **fields)
    dates = [f.date for f in desk.findings(case_id, "2025-10-31 12:00", kind="materials_overdue")]
    assert dates == ([D("2025-10-24")] if found else [])


def test_a_case_accepted_with_every_material_has_no_materials_finding(desk):
    case_id = desk.accepted()
    assert desk.findings(case_id, "2025-10-31 12:00", kind="materials_overdue") == []


# -- all kinds together -----------------------------------------------------------------------


def test_a_cases_findings_in_a_period_by_date(desk):
    case_id = desk.accepted(missing_materials=["场所平面图"])
    desk.do("suspend_case", case_id, "2025-09-30 10:00", late_hours=25, reason="supplement")
    desk.do("resume_case", case_id, "2025-10-09 09:00")
    # Counted: 09-28, 09-29, 10-09, 10-10, 10-11 (5), 10-13 (6): first overdue on 10-13.
    assert [(f.kind, f.date) for f in desk.findings(case_id, "2025-10-31 23:59")] == [
        ("late_entry", D("2025-09-30")),
        ("late_supplement_request", D("2025-09-30")),
        ("overdue", D("2025-10-13")),
        ("materials_overdue", D("2025-10-24")),
    ]
    assert [f.kind for f in desk.findings(case_id, "2025-10-31 23:59", first="2025-10-01", last="2025-10-20")] == [
        "overdue"]
