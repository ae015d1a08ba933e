"""The review figures (GET /metrics/reviews) on a hand-computed set of reviews, September 2026.

    #   rating  given   staff (window, department)  what happened
    1   5       09-21   S001 (A12, D01)
    2   4       09-22   S002 (B01, D02)
    3   3       09-22   S001
    4   2       09-22   S001   rectify_now 09-22; return visit 09-23 (4)
    5   1       09-23   S002   rectify_by_deadline 09-24 (deadline 10-09); rectified 10-12, late
    6   1       09-23   S001   appeal 09-24; upheld 09-28: overturned
    7   2       09-24   S002   appeal 09-24; not upheld 09-28; return visit 09-30 (3); not rectified
    8   1       09-24   S001   explain 09-24
    9   5       10-08   S001   outside September
   10   2       09-30   S002   not verified
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from domain.base import replay
from domain.review import Review
from domain.review_metrics import (
    REVIEW_GROUPINGS, ReviewCounts, ReviewFigures, review_counts, review_counts_by, review_counts_of, review_figures,
)
from tests.unit.test_review import (
    CLERK, STAFF_2, WINDOW_2, D, at, bj, decide, reviewed, submitted_case, verify,
)

FIRST, LAST = D("2026-09-01"), D("2026-09-30")


def september_streams() -> list[list[Any]]:
    """The events of each review of the table above."""
    def s2(rating: int, given: str) -> Review:
        return reviewed(rating, given=given, window=WINDOW_2, staff=STAFF_2)

    r4 = verify(reviewed(2, "2026-09-22 10:00"), "rectify_now", "2026-09-22 15:00")
    r4.return_visit(rating=4, note="", **at("2026-09-23 10:00"))
    r5 = verify(s2(1, "2026-09-23 10:00"), "rectify_by_deadline", "2026-09-24 10:00")
    r5.rectify(note="已整改", **at("2026-10-12 10:00"))
    r6 = decide(verify(reviewed(1, "2026-09-23 11:00"), "appeal", "2026-09-24 10:00"), True, "2026-09-28 10:00")
    r7 = decide(verify(s2(2, "2026-09-24 10:00"), "appeal", "2026-09-24 11:00"), False, "2026-09-28 10:00")
    r7.return_visit(rating=3, note="", **at("2026-09-30 10:00"))
    r8 = verify(reviewed(1, "2026-09-24 12:00"), "explain", "2026-09-24 15:00")
    reviews = [reviewed(5, "2026-09-21 10:00"), s2(4, "2026-09-22 10:00"), reviewed(3, "2026-09-22 11:00"), r4, r5,
               r6, r7, r8, reviewed(5, "2026-10-08 10:00"), s2(2, "2026-09-30 10:00")]
    return [review.collect_events() for review in reviews]


STREAMS = september_streams()


def as_of(moment: str) -> tuple[list[Review], Any]:
    """The reviews that existed at the moment, each folded up to it, and the moment."""
    when = bj(moment)
    folded = (replay(events, when) for events in STREAMS)
    return [review for review in folded if review is not None], when


def figures_of(moment: str, first=FIRST, last=LAST) -> ReviewFigures:
    reviews, when = as_of(moment)
    return review_figures(review_counts(reviews, first=first, last=last, as_of=when))


def test_the_figures_are_exactly_the_issues_fields():
    assert [field.name for field in fields(ReviewFigures)] == [
        "reviews", "r1", "r2", "r3", "r4", "r5", "satisfaction_rate", "bad", "bad_overturned", "bad_valid",
        "rectified", "rectified_on_time", "return_visits", "return_visit_rate"]


def test_september_as_of_the_end_of_october():
    # Reviews: all but #6 (overturned) and #9 (October). Satisfied: #1, #2, #3. Bad: #4..#8, #10.
    assert figures_of("2026-10-31 23:59") == ReviewFigures(
        reviews=8, r1=2, r2=3, r3=1, r4=1, r5=1, satisfaction_rate=0.375,  # 3 / 8
        bad=6, bad_overturned=1, bad_valid=5, rectified=2, rectified_on_time=1,  # #4 on time, #5 late
        return_visits=2, return_visit_rate=0.4)  # #4, #7 of 5


def test_september_as_of_before_the_appeals_were_decided():
    # As of 09-27: #6 is still appealed, so it counts; #10 does not exist yet; only #4 is rectified, visited.
    assert figures_of("2026-09-27 23:59") == ReviewFigures(
        reviews=8, r1=3, r2=2, r3=1, r4=1, r5=1, satisfaction_rate=0.375,
        bad=5, bad_overturned=0, bad_valid=5, rectified=1, rectified_on_time=1, return_visits=1,
        return_visit_rate=0.2)


def test_reviews_are_counted_by_the_review_date_not_by_when_they_were_handled():
    # #5 was rectified on 10-12, but it is a September review: October counts only #9.
    assert figures_of("2026-10-31 23:59", first=D("2026-10-01"), last=D("2026-10-31")) == ReviewFigures(
        reviews=1, r1=0, r2=0, r3=0, r4=0, r5=1, satisfaction_rate=1.0, bad=0, bad_overturned=0, bad_valid=0,
        rectified=0, rectified_on_time=0, return_visits=0, return_visit_rate=None)


BY_STAFF = {
    # #1, #3, #4, #6 (overturned), #8
    "S001": ReviewCounts(reviews=4, r1=1, r2=1, r3=1, r5=1, satisfied=2, bad=3, bad_overturned=1, rectified=1,
                         rectified_on_time=1, return_visits=1),
    # #2, #5, #7, #10
    "S002": ReviewCounts(reviews=4, r1=1, r2=2, r4=1, satisfied=1, bad=3, rectified=1, return_visits=1),
}


@pytest.mark.parametrize("by, expected", [
    ("staff", BY_STAFF),
    ("window", {"A12": BY_STAFF["S001"], "B01": BY_STAFF["S002"]}),
    ("department", {"D01": BY_STAFF["S001"], "D02": BY_STAFF["S002"]}),
])
def test_per_window_staff_and_department_the_groups_add_up_to_the_total(by, expected):
    reviews, when = as_of("2026-10-31 23:59")
    groups = review_counts_by(reviews, REVIEW_GROUPINGS[by], first=FIRST, last=LAST, as_of=when)
    assert groups == expected
    assert sum(groups.values(), ReviewCounts()) == review_counts(reviews, first=FIRST, last=LAST, as_of=when)


def test_the_rates_per_staff_member():
    assert review_figures(BY_STAFF["S001"]).satisfaction_rate == 0.5  # 2 / 4
    assert review_figures(BY_STAFF["S001"]).return_visit_rate == 0.5  # 1 / (3 - 1)
    assert review_figures(BY_STAFF["S002"]).satisfaction_rate == 0.25  # 1 / 4
    assert review_figures(BY_STAFF["S002"]).return_visit_rate == 0.3333  # 1 / 3


def test_the_review_of_a_refused_case_counts_in_the_total_but_in_no_group():
    case = submitted_case()
    case.refuse(reason="不属于受理范围", **at("2026-09-01 09:30", CLERK))
    review = Review.give(case=case, rating=1, channel="sms", **at("2026-09-02 10:00", CLERK))
    when = bj("2026-09-30 23:59")
    assert review_counts([review], first=FIRST, last=LAST, as_of=when) == ReviewCounts(reviews=1, r1=1, bad=1)
    assert review_counts_by([review], REVIEW_GROUPINGS["window"], first=FIRST, last=LAST, as_of=when) == {}


def test_a_review_must_be_folded_as_of_the_moment_asked_about():
    review = replay(STREAMS[4], None)  # #5, rectified on 10-12
    with pytest.raises(ValueError, match="fold it from its events up to as_of"):
        review_counts_of(review, first=FIRST, last=LAST, as_of=bj("2026-09-30 23:59"))


# -- the figures from counts -----------------------------------------------------------------------


def test_rates_round_half_up_to_four_places_and_are_none_with_nothing_to_divide_by():
    figures = review_figures(ReviewCounts(reviews=32, r1=31, r5=1, satisfied=1, bad=34, bad_overturned=31,
                                          return_visits=2))
    assert (figures.satisfaction_rate, figures.bad_valid, figures.return_visit_rate) == (0.0313, 3, 0.6667)
    empty = review_figures(ReviewCounts())
    assert (empty.satisfaction_rate, empty.return_visit_rate, empty.bad_valid) == (None, None, 0)


def test_all_bad_reviews_overturned_leave_no_return_visit_rate():
    figures = review_figures(ReviewCounts(reviews=2, r5=2, satisfied=2, bad=1, bad_overturned=1))
    assert (figures.bad_valid, figures.return_visit_rate, figures.satisfaction_rate) == (0, None, 1.0)


def test_counts_add_up_and_an_empty_count_is_falsy():
    assert ReviewCounts(reviews=1, r2=1, bad=1) + ReviewCounts(reviews=1, r5=1, satisfied=1) == ReviewCounts(
        reviews=2, r2=1, r5=1, satisfied=1, bad=1)
    assert not ReviewCounts()
