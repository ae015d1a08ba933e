"""The rest of a case's life, against hand-computed dates around National Day 2025.

A case accepted Fri 09-26 with N = 5 counts 09-28 (a working Sunday), 09-29, 09-30, then (after the
holidays 10-01..10-08) 10-09 and 10-10: its deadline is Fri 10-10, and Sat 10-11 (a working
Saturday) is its first overdue working day."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from domain.base import SYSTEM, Actor, IllegalTransition, InvalidValue
from domain.calendar import WorkingCalendar
from domain.clock import SHANGHAI
from domain.handling import Holding
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)
CALENDAR = WorkingCalendar()
CLERK = Actor("clerk-li", "clerk")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def centre():
    centre = register_small_centre(make_centre(calendar=CALENDAR, clock=lambda: NOW), at=bj("2025-09-01 09:00"))
    at = bj("2025-09-01 09:00")
    centre.register("department", code="D02", name="自然资源局", actor=SYSTEM, at=at)
    centre.register("window", code="B01", name="规划窗口", hall="H01", department="D02", kind="specialist",
                    actor=SYSTEM, at=at)
    for code, window, department in (("S002", "B01", "D02"), ("S003", "A12", "D01")):
        centre.register("staff", code=code, name=f"员工{code}", window=window, department=department,
                        role="window_staff", actor=SYSTEM, at=at)
    return centre


def accepted(centre, **accept):
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                              at=bj("2025-09-26 09:00"))
    return centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK, at=bj("2025-09-26 10:00"), **accept)


def figures(centre, case_id, day: str):
    case = centre.case(case_id, bj(f"{day} 18:00"))
    return case, case.clock(bj(f"{day} 18:00"), CALENDAR, centre.policy)


# -- suspensions that count and that do not ----------------------------------------------------


@pytest.mark.parametrize("reason, elapsed, suspended, deadline", [
    ("supplement", 3, 2, D("2025-10-13")),  # 09-29, 09-30 do not count: 09-28, 10-09, 10-10, 10-11, 10-13
    ("testing", 3, 2, D("2025-10-13")),
    ("other", 5, 0, D("2025-10-10")),  # the clock keeps running
])
def test_whether_a_suspensions_time_counts_depends_on_its_reason(centre, reason, elapsed, suspended, deadline):
    case_id = accepted(centre).id
    centre.suspend_case(case_id, reason=reason, actor=CLERK, at=bj("2025-09-29 09:00"))
    centre.resume_case(case_id, actor=CLERK, at=bj("2025-10-09 09:00"))
    case, clock = figures(centre, case_id, "2025-10-10")
    assert (clock.elapsed_workdays, case.suspended_workdays(bj("2025-10-10 18:00"), CALENDAR)) == (elapsed, suspended)
    assert clock.deadline == deadline


def test_an_other_suspension_keeps_the_deadline_while_it_lasts(centre):
    case_id = accepted(centre).id
    centre.suspend_case(case_id, reason="other", actor=CLERK, at=bj("2025-09-29 09:00"))
    case, clock = figures(centre, case_id, "2025-10-11")
    assert (case.state, clock.deadline, clock.warning) == ("suspended", D("2025-10-10"), "red")


# -- extensions -------------------------------------------------------------------------------


def test_an_extension_before_the_deadline_moves_it(centre):
    case_id = accepted(centre).id
    centre.extend_case(case_id, days=3, reason="需组织专家论证", actor=CLERK, at=bj("2025-10-09 09:00"))
    case, clock = figures(centre, case_id, "2025-10-11")
    # N = 5 + 3: the 8th counted day is 10-14 (10-11 is a working Saturday, 10-12 a Sunday).
    assert (case.extended_days, case.limit_days, clock.deadline) == (3, 8, D("2025-10-14"))
    assert (clock.elapsed_workdays, clock.remaining_workdays, clock.warning) == (6, 2, "yellow")


def test_an_extension_once_the_case_is_red_is_refused(centre):
    case_id = accepted(centre).id
    with pytest.raises(IllegalTransition, match="overdue"):
        centre.extend_case(case_id, days=3, reason="补办", actor=CLERK, at=bj("2025-10-11 09:00"))
    assert centre.case(case_id).version == 2


@pytest.mark.parametrize("days, reason, field", [(0, "x", "days"), (31, "x", "days"), (3, " ", "reason")])
def test_an_extension_needs_1_to_30_days_and_a_reason(centre, days, reason, field):
    with pytest.raises(InvalidValue) as raised:
        centre.extend_case(accepted(centre).id, days=days, reason=reason, actor=CLERK, at=bj("2025-09-29 09:00"))
    assert raised.value.field == field


# -- stages, holders and who is charged ----------------------------------------------------------


def test_holders_add_up_to_elapsed_and_the_overdue_case_is_charged_to_the_holder_of_its_first_overdue_day(centre):
    case_id = accepted(centre).id
    centre.transfer_case(case_id, staff="S002", stage="review", actor=CLERK, at=bj("2025-09-30 10:00"))
    centre.transfer_case(case_id, staff="S003", stage="decision", actor=CLERK, at=bj("2025-10-10 16:00"))
    case, clock = figures(centre, case_id, "2025-10-13")
    periods = case.holding_periods(bj("2025-10-13 18:00"), CALENDAR)
    assert [(p.holding.stage, p.holding.staff, p.holding.department, p.holding.start, p.end, p.workdays)
            for p in periods] == [
        ("acceptance", "S001", "D01", D("2025-09-26"), D("2025-09-30"), 3),  # 09-28, 09-29, 09-30
        ("review", "S002", "D02", D("2025-09-30"), D("2025-10-10"), 2),  # 10-09, 10-10
        ("decision", "S003", "D01", D("2025-10-10"), None, 2),  # 10-11, 10-13
    ]
    assert sum(p.workdays for p in periods) == clock.elapsed_workdays == 7
    assert case.charged_to(bj("2025-10-13 18:00"), CALENDAR) == Holding("decision", "S003", "D01", D("2025-10-10"))
    assert case.charged_to(bj("2025-10-10 18:00"), CALENDAR) is None  # due that day, not late yet


def test_a_delay_is_charged_to_whoever_held_the_case_then_not_to_who_concluded_it(centre):
    case_id = accepted(centre).id
    centre.transfer_case(case_id, staff="S002", stage="review", actor=CLERK, at=bj("2025-09-29 10:00"))
    centre.transfer_case(case_id, staff="S003", stage="decision", actor=CLERK, at=bj("2025-10-13 10:00"))
    case = centre.conclude_case(case_id, outcome="approved", actor=CLERK, at=bj("2025-10-14 10:00"))
    assert case.charged_to(bj("2025-10-20 18:00"), CALENDAR).staff == "S002"  # held it on 10-11


def test_a_transfer_names_a_known_stage_and_staff(centre):
    case_id = accepted(centre).id
    with pytest.raises(InvalidValue, match="stage"):
        centre.transfer_case(case_id, staff="S002", stage="lunch", actor=CLERK, at=bj("2025-09-29 10:00"))


# -- missing materials (容缺受理), delivery, withdrawal --------------------------------------------


def test_a_case_accepted_with_missing_materials_until_they_arrive(centre):
    case = accepted(centre, missing_materials=["营业执照复印件", "场所平面图"])
    assert (case.state, case.pending_materials) == ("accepted", ["营业执照复印件", "场所平面图"])
    case = centre.receive_materials(case.id, actor=CLERK, at=bj("2025-09-30 10:00"))
    assert (case.pending_materials, case.materials_received_at) == ([], bj("2025-09-30 10:00"))
    with pytest.raises(IllegalTransition, match="no pending materials"):
        centre.receive_materials(case.id, actor=CLERK, at=bj("2025-09-30 11:00"))


def test_delivery_follows_conclusion_and_the_clock_stays_frozen(centre):
    case_id = accepted(centre).id
    with pytest.raises(IllegalTransition, match="cannot deliver a case that is accepted"):
        centre.deliver_case(case_id, method="mail", actor=CLERK, at=bj("2025-09-30 10:00"))
    centre.conclude_case(case_id, outcome="approved", actor=CLERK, at=bj("2025-10-09 10:00"))
    with pytest.raises(InvalidValue, match="method"):
        centre.deliver_case(case_id, method="drone", actor=CLERK, at=bj("2025-10-13 10:00"))
    centre.deliver_case(case_id, method="mail", actor=CLERK, at=bj("2025-10-13 10:00"))
    case, clock = figures(centre, case_id, "2025-10-17")
    assert (case.state, case.delivery_method, clock.elapsed_workdays, clock.on_time, clock.warning) == (
        "delivered", "mail", 4, True, "none")


def test_a_withdrawn_case_has_no_warning_and_a_frozen_clock(centre):
    case_id = accepted(centre).id
    centre.withdraw_case(case_id, reason="申请人主动撤回", actor=CLERK, at=bj("2025-10-09 10:00"))
    case, clock = figures(centre, case_id, "2025-10-17")
    assert (case.state, clock.elapsed_workdays, clock.warning, clock.on_time) == ("withdrawn", 4, "none", None)
    with pytest.raises(IllegalTransition, match="cannot conclude a case that is withdrawn"):
        centre.conclude_case(case_id, outcome="approved", actor=CLERK, at=bj("2025-10-13 10:00"))


def test_a_submitted_case_can_be_withdrawn_a_concluded_one_cannot(centre):
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                              at=bj("2025-09-26 09:00"))
    assert centre.withdraw_case(case.id, reason="不再办理", actor=CLERK, at=bj("2025-09-26 11:00")).state == "withdrawn"
    done = accepted(centre)
    centre.conclude_case(done.id, outcome="approved", actor=CLERK, at=bj("2025-09-29 10:00"))
    with pytest.raises(IllegalTransition, match="cannot withdraw a case that is concluded"):
        centre.withdraw_case(done.id, reason="x", actor=CLERK, at=bj("2025-09-29 11:00"))
