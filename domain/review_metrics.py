"""The review figures of a service centre (好差评统计: 满意率, 差评, 整改, 回访率), the reference for
`GET /metrics/reviews`.

As with the case figures (`domain.metrics`), in two halves so that every rate is defined once:
`ReviewCounts` holds counts that add up over reviews and groups, and `review_figures` turns them
into the public figures. Reviews are counted by the review's date, in [first, last] (Beijing dates,
both inclusive), each review as it stood at `as_of`.

- `reviews`, `r1`..`r5`: reviews per rating; a review overturned on appeal is excluded, since an
  upheld appeal removes it from every score and figure; `satisfied`: of those, rated 3 or more;
- `bad`: every bad review (rated 1 or 2), overturned ones included; `bad_overturned`: of those, overturned;
- `rectified`: bad reviews rectified (立行立改 or 限期整改), `rectified_on_time`: of those, on or before
  the deadline (立行立改 is on time by definition);
- `return_visits`: bad reviews with their return visit (回访).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.metrics import RATE_PLACES, Counts, rounded_ratio
from domain.review import Review, require_review_as_of


@dataclass(frozen=True)
class ReviewCounts(Counts):
    """Counts over a set of reviews; they add up, so groups can be totalled."""

    reviews: int = 0
    r1: int = 0
    r2: int = 0
    r3: int = 0
    r4: int = 0
    r5: int = 0
    satisfied: int = 0
    bad: int = 0
    bad_overturned: int = 0
    rectified: int = 0
    rectified_on_time: int = 0
    return_visits: int = 0


@dataclass(frozen=True)
class ReviewFigures:
    """The public figures of issue 7 §1, in its order. Rates are fractions (0.9375 is 93.75%)."""

    reviews: int
    r1: int
    r2: int
    r3: int
    r4: int
    r5: int
    satisfaction_rate: float | None  # 满意率: rated 3 or more / reviews
    bad: int
    bad_overturned: int
    bad_valid: int  # bad reviews that count: bad − bad_overturned
    rectified: int
    rectified_on_time: int
    return_visits: int
    return_visit_rate: float | None  # 回访率: return visits / valid bad reviews


def review_figures(counts: ReviewCounts) -> ReviewFigures:
    """The figures from the counts: the one definition of each rate, None with nothing to divide by."""
    bad_valid = counts.bad - counts.bad_overturned
    return ReviewFigures(
        reviews=counts.reviews,
        r1=counts.r1, r2=counts.r2, r3=counts.r3, r4=counts.r4, r5=counts.r5,
        satisfaction_rate=rounded_ratio(counts.satisfied, counts.reviews, RATE_PLACES),
        bad=counts.bad,
        bad_overturned=counts.bad_overturned,
        bad_valid=bad_valid,
        rectified=counts.rectified,
        rectified_on_time=counts.rectified_on_time,
        return_visits=counts.return_visits,
        return_visit_rate=rounded_ratio(counts.return_visits, bad_valid, RATE_PLACES),
    )


def review_counts_of(review: Review, *, first: date, last: date, as_of: datetime) -> ReviewCounts:
    """One review's share of the period's counts; the review folded from its events up to as_of."""
    require_review_as_of(review, as_of)
    if not first <= review.given_on <= last:
        return ReviewCounts()
    counts = ReviewCounts(bad=int(review.is_bad), bad_overturned=int(not review.counts))
    if not review.counts:
        return counts  # overturned: in no rating, rectification or return-visit count
    return counts + ReviewCounts(
        reviews=1,
        **{f"r{review.rating}": 1},
        satisfied=int(not review.is_bad),
        rectified=int(review.rectified_at is not None),
        rectified_on_time=int(review.rectified_on_time is True),
        return_visits=int(review.return_rating is not None),
    )


def review_counts(reviews: Iterable[Review], *, first: date, last: date, as_of: datetime) -> ReviewCounts:
    """The period's counts over the reviews, each folded from its events up to as_of."""
    return sum((review_counts_of(review, first=first, last=last, as_of=as_of) for review in reviews), ReviewCounts())


# What a review is grouped by: the case's accepting window and staff member, and that member's department.
REVIEW_GROUPINGS: dict[str, Callable[[Review], str | None]] = {
    "window": lambda review: review.window,
    "staff": lambda review: review.staff,
    "department": lambda review: review.staff_department,
}


def review_counts_by(reviews: Iterable[Review], key: Callable[[Review], str | None], *, first: date, last: date,
                     as_of: datetime) -> dict[str, ReviewCounts]:
    """The period's counts per group, for the groups that counted anything.

    A review the key cannot place (None: the review of a case refused before acceptance has no
    window or staff) is in no group; it still counts in `review_counts`, the total."""
    groups: dict[str, ReviewCounts] = {}
    for review in reviews:
        group = key(review)
        counts = review_counts_of(review, first=first, last=last, as_of=as_of)
        if group is not None and counts:
            groups[group] = groups.get(group, ReviewCounts()) + counts
    return groups
