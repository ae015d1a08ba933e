"""Review findings (差评未核实, 整改超期) against hand-computed dates around National Day 2026.

Working days: Fri 09-18, Sun 09-20 (调休), 09-21 .. 09-24; Mid-Autumn 09-25 .. 09-27 off;
09-28 .. 09-30; National Day 10-01 .. 10-07 off; 10-08, 10-09, Sat 10-10 (调休); Sun 10-11 off;
10-12 .. 10-16; 10-17 and 10-18 off; 10-19 ...
"""

from __future__ import annotations

import pytest

from domain.findings import (
    REVIEW_FINDING_KINDS, Finding, rectification_overdue_findings, review_findings, review_unverified_findings,
)
from domain.review import Review
from tests.unit.test_review import CALENDAR, CLERK, D, at, bj, decide, reviewed, submitted_case, verify

END = "2026-10-31 23:59"


def findings(review: Review, as_of: str = END, first: str = "2026-09-01", last: str = "2026-10-31",
             **options) -> list[Finding]:
    return review_findings(review, first=D(first), last=D(last), as_of=bj(as_of), calendar=CALENDAR, **options)


def dates(found: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.kind, finding.date.isoformat()) for finding in found]


def test_the_kinds():
    assert REVIEW_FINDING_KINDS == ("review_unverified", "rectification_overdue")


# -- a bad review not verified in time (差评未核实) ----------------------------------------------------


@pytest.mark.parametrize("given, last_day, arises", [
    ("2026-09-23 10:00", "2026-09-28", "2026-09-29"),  # 09-24 (1), 09-28 (2) after Mid-Autumn; 09-29 (3)
    ("2026-10-08 10:00", "2026-10-10", "2026-10-12"),  # 10-09 (1), Sat 10-10 (2, 调休); Sun off; 10-12 (3)
    ("2026-09-18 10:00", "2026-09-21", "2026-09-22"),  # Sat off; Sun 09-20 (1, 调休), 09-21 (2); 09-22 (3)
    ("2026-09-30 16:00", "2026-10-09", "2026-10-10"),  # 10-08 (1), 10-09 (2), Sat 10-10 (3)
])
def test_a_bad_review_not_verified_within_two_working_days_is_a_finding_dated_the_next_working_day(
        given, last_day, arises):
    review = reviewed(1, given=given)
    assert findings(review) == [
        Finding("review_unverified", review.case_id, D(arises), "A12", "D01", "S001",
                f"bad review not verified within 2 working days (by {last_day})", review_id=str(review.id))]
    assert findings(review, as_of=f"{last_day} 23:59") == []  # it arises only on the next working day
    assert dates(findings(review, as_of=f"{arises} 00:00")) == [("review_unverified", arises)]


def test_verification_on_the_last_day_is_in_time_and_a_late_one_leaves_the_finding():
    in_time = verify(reviewed(2, given="2026-10-08 10:00"), "explain", "2026-10-10 17:00")  # Sat 10-10 (调休)
    assert findings(in_time) == []
    late = verify(reviewed(2, given="2026-10-08 10:00"), "explain", "2026-10-11 09:00")  # Sun 10-11: too late
    assert dates(findings(late)) == [("review_unverified", "2026-10-12")]


def test_the_verify_days_are_a_setting():
    review = reviewed(1, given="2026-09-23 10:00")
    found = findings(review, verify_days=3)  # 09-24, 09-28, 09-29 (3); 09-30
    assert [(finding.date, finding.detail) for finding in found] == [
        (D("2026-09-30"), "bad review not verified within 3 working days (by 2026-09-29)")]


def test_a_good_review_has_no_findings():
    assert findings(reviewed(3, given="2026-09-23 10:00")) == []


def test_the_review_of_a_refused_case_names_no_window_or_staff():
    case = submitted_case()
    case.refuse(reason="不属于受理范围", **at("2026-09-01 09:30", CLERK))
    review = Review.give(case=case, rating=1, channel="sms", **at("2026-09-23 10:00", CLERK))
    assert findings(review) == [
        Finding("review_unverified", str(case.id), D("2026-09-29"), None, None, None,
                "bad review not verified within 2 working days (by 2026-09-28)", review_id=str(review.id))]


# -- rectification not done by its deadline (整改超期) ----------------------------------------------


def rectifying(verified: str, given: str = "2026-09-21 10:00") -> Review:
    return verify(reviewed(1, given=given), "rectify_by_deadline", verified)


def test_not_rectified_by_the_deadline_is_a_finding_dated_the_day_after_it():
    review = rectifying("2026-09-22 10:00")  # 09-23, 09-24, 09-28, 09-29, 09-30 (5)
    assert review.deadline == D("2026-09-30")
    assert findings(review) == [
        Finding("rectification_overdue", review.case_id, D("2026-10-01"), "A12", "D01", "S001",
                "bad review not rectified by its deadline (2026-09-30)", review_id=str(review.id))]
    assert findings(review, as_of="2026-09-30 23:59") == []
    assert dates(findings(review, as_of="2026-10-01 00:00")) == [("rectification_overdue", "2026-10-01")]


def test_the_day_after_the_deadline_is_a_calendar_day_not_the_next_working_day():
    review = rectifying("2026-10-10 10:00", given="2026-10-09 10:00")  # Sat 10-10 (调休): 10-12 .. 10-16 (5)
    assert review.deadline == D("2026-10-16")
    assert dates(findings(review)) == [("rectification_overdue", "2026-10-17")]  # a Saturday


@pytest.mark.parametrize("rectified, expected", [
    ("2026-09-30 23:59", []),  # on the deadline day
    ("2026-10-08 09:00", [("rectification_overdue", "2026-10-01")]),  # late: the finding stays
])
def test_rectification_by_the_end_of_the_deadline_day_is_in_time(rectified, expected):
    review = rectifying("2026-09-22 10:00")
    review.rectify(note="已整改", **at(rectified))
    assert dates(findings(review)) == expected


def test_an_appeal_not_upheld_is_overdue_the_day_after_the_deadline_counted_from_the_decision():
    review = decide(verify(reviewed(1, given="2026-09-21 10:00"), "appeal", "2026-09-22 10:00"), False,
                    "2026-09-30 16:00")  # 10-08, 10-09, Sat 10-10, 10-12, 10-13 (5)
    assert dates(findings(review)) == [("rectification_overdue", "2026-10-14")]


@pytest.mark.parametrize("outcome", ["rectify_now", "explain", "appeal"])
def test_no_deadline_no_rectification_finding(outcome):
    review = verify(reviewed(1, given="2026-09-21 10:00"), outcome, "2026-09-22 10:00")
    assert rectification_overdue_findings(review, as_of=bj(END)) == []


def test_an_overturned_review_has_no_rectification_finding():
    review = decide(verify(reviewed(1, given="2026-09-21 10:00"), "appeal", "2026-09-22 10:00"), True,
                    "2026-09-30 16:00")
    assert findings(review) == []


# -- both together, the period, as_of ------------------------------------------------------------------


def test_a_review_verified_late_and_never_rectified_has_both_findings_each_in_its_period():
    review = rectifying("2026-09-30 10:00", given="2026-09-23 10:00")  # deadline 10-13
    assert dates(findings(review)) == [("review_unverified", "2026-09-29"), ("rectification_overdue", "2026-10-14")]
    assert dates(findings(review, first="2026-10-01")) == [("rectification_overdue", "2026-10-14")]
    assert dates(findings(review, last="2026-09-29")) == [("review_unverified", "2026-09-29")]


def test_a_review_must_be_folded_as_of_the_moment_asked_about():
    review = rectifying("2026-09-30 10:00", given="2026-09-23 10:00")
    with pytest.raises(ValueError, match="fold it from its events up to as_of"):
        review_unverified_findings(review, as_of=bj("2026-09-29 12:00"), calendar=CALENDAR)


def test_a_case_finding_names_no_review():
    assert Finding("overdue", "c1", D("2026-10-12"), "A12", "D01", "S001", "x").review_id is None
