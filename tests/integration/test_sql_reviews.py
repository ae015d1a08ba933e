"""Reviews from the read models (review_state) against the domain reference — the figures
(domain.review_metrics), the findings (domain.findings) and the state — on random reviews that go
every way through the bad-review workflow, as of many moments, on chDB and the ClickHouse server."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.base import Actor
from domain.findings import review_findings as reference_findings
from domain.review_metrics import REVIEW_GROUPINGS, review_counts, review_counts_by
from projections.reviews import ReviewFilter, review_findings, reviews, valid_bad_reviews
from projections.reviews import review_counts_by as sql_counts_by
from projections.projector import Projector
from streams.follower import read_envelopes
from tests.utils.cases import random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre
from tests.utils.projection import projected

SUPERVISOR = Actor("officer", "supervisor")
# Around National Day 2025 (10-01..10-08 off, Sun 09-28 and Sat 10-11 worked) and the Spring Festival 2026.
FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2026, 2, 20, 18)
PERIODS = [(date(2025, 9, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 10, 31)),
           (date(2025, 11, 1), date(2026, 3, 31)), (date(2025, 10, 9), date(2025, 10, 9))]
AS_OF = [datetime(2025, 10, 5, 12), datetime(2025, 11, 1), datetime(2026, 1, 15, 9), datetime(2026, 11, 1)]


def step(centre, rng: random.Random, review, moment: datetime) -> datetime | None:
    """One more step of the workflow, if the review's state has one; the moment after it."""
    moment += rng.choice([timedelta(hours=2), timedelta(days=1), timedelta(days=3), timedelta(days=9)])
    command = {"actor": SUPERVISOR, "at": moment}
    if review.state == "awaiting_verification":
        centre.verify_review(review.id, outcome=rng.choice(["rectify_now", "rectify_by_deadline", "explain", "appeal"]),
                             note="核实", **command)
    elif review.state == "appealed":
        centre.decide_appeal(review.id, upheld=rng.random() < 0.5, note="复核", **command)
    elif review.state == "rectifying":
        centre.rectify_review(review.id, note="整改", **command)
    else:
        return None
    return moment


@pytest.fixture(scope="module")
def centre():
    rng = random.Random(20261122)
    centre = make_centre(clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    register_catalogue(centre)
    for _ in range(260):
        random_case(centre, rng, random_moment(rng, FIRST, LAST - timedelta(days=40)))
    for case_id in case_ids(centre):
        case = centre.case(case_id)
        if case.state not in ("concluded", "delivered", "refused") or rng.random() < 0.15:
            continue
        moment = last_moment(centre, case_id) + timedelta(hours=rng.randint(1, 72))
        review = centre.give_review(case_id, rating=rng.choice([1, 1, 2, 2, 3, 4, 5]), channel="pad",
                                    actor=Actor("clerk", "clerk"), at=moment)
        while moment is not None and rng.random() < 0.85:
            moment = step(centre, rng, centre.review(review.id), moment)
        review = centre.review(review.id)
        if review.state in ("rectifying", "rectified", "explained") and rng.random() < 0.5:
            centre.return_visit(review.id, rating=rng.randint(1, 5), note="回访", actor=SUPERVISOR,
                                at=latest(centre, review.id) + timedelta(days=1))
    return centre


def case_ids(centre) -> list:
    return [n.originator_id for n in centre.recorder.select_notifications(start=1, limit=100_000)
            if n.originator_version == 1 and "Case.Submitted" in n.topic]


def review_ids(centre) -> list:
    return [n.originator_id for n in centre.recorder.select_notifications(start=1, limit=100_000)
            if n.originator_version == 1 and "Review.Given" in n.topic]


def last_moment(centre, case_id) -> datetime:
    return max(event.occurred_at for event in centre.case_events(case_id)).replace(tzinfo=None)


def latest(centre, review_id) -> datetime:
    return max(event.occurred_at for event in centre.review_events(review_id)).replace(tzinfo=None)


def reviews_as_of(centre, as_of: datetime) -> list:
    folded = []
    for review_id in review_ids(centre):
        events = centre.review_events(review_id)
        if events[0].occurred_at.replace(tzinfo=None) <= as_of:
            folded.append(centre.review(review_id, as_of))
    return folded


@pytest.fixture
def store(read_models, centre):
    return projected(read_models, centre)


def test_the_random_reviews_go_every_way_through_the_workflow(centre):
    states = {review.state for review in reviews_as_of(centre, datetime(2026, 11, 1))}
    assert states == {"recorded", "awaiting_verification", "rectifying", "rectified", "explained", "appealed",
                      "overturned"}


def test_figures_equal_the_reference_per_group_and_in_total(store, centre):
    for as_of in AS_OF:
        folded = reviews_as_of(centre, as_of)
        for first, last in PERIODS:
            assert sql_counts_by(store, first=first, last=last, as_of=as_of, by=None).get("", None) == (
                review_counts(folded, first=first, last=last, as_of=as_of) or None), (first, last, as_of)
            for by, key in REVIEW_GROUPINGS.items():
                assert sql_counts_by(store, first=first, last=last, as_of=as_of, by=by) == review_counts_by(
                    folded, key, first=first, last=last, as_of=as_of), (by, first, last, as_of)


def test_findings_equal_the_reference(store, centre):
    seen = set()
    for as_of in AS_OF:
        folded = reviews_as_of(centre, as_of)
        for first, last in PERIODS:
            expected = sorted((finding for review in folded for finding in reference_findings(
                review, first=first, last=last, as_of=as_of, calendar=centre.calendar, verify_days=2)),
                key=lambda finding: (finding.date, finding.kind, finding.case_id))
            found = review_findings(store, first=first, last=last, as_of=as_of, verify_days=2)
            assert found == expected, (first, last, as_of)
            seen |= {finding.kind for finding in found}
    assert seen == {"review_unverified", "rectification_overdue"}


def test_valid_bad_reviews_are_the_bad_ones_not_overturned(store, centre):
    for as_of in AS_OF:
        for first, last in PERIODS:
            expected = sorted(str(review.id) for review in reviews_as_of(centre, as_of)
                              if review.is_bad and review.counts and first <= review.given_on <= last)
            assert [row["review_id"] for row in valid_bad_reviews(store, first=first, last=last, as_of=as_of)] == \
                expected


def test_the_listing_shows_each_review_in_its_current_state(store, centre):
    current = {str(review.id): review for review in reviews_as_of(centre, datetime(2026, 11, 1))}
    rows, count = reviews(store, ReviewFilter(), limit=1000, offset=0)
    assert count == len(current) == len(rows)
    assert {row["review_id"]: row["state"] for row in rows} == {key: review.state for key, review in current.items()}
    bad, bad_count = reviews(store, ReviewFilter(bad=True, state="rectifying"), limit=5, offset=1)
    assert bad_count == sum(review.is_bad and review.state == "rectifying" for review in current.values())
    assert len(bad) == min(5, max(bad_count - 1, 0))


def test_a_review_event_that_cannot_be_folded_is_set_aside_and_the_rest_go_on(read_models, centre):
    envelopes = read_envelopes(centre, 0, 100_000)
    given = [envelope for envelope in envelopes if envelope.type == "ReviewGiven"]
    verified = [envelope for envelope in envelopes if envelope.type == "ReviewVerified"]
    broken = {given[0].position: replace(given[0], payload={**given[0].payload, "rating": 300}),
              verified[0].position: replace(verified[0], payload={**verified[0].payload, "outcome": "shrug"})}
    projector = Projector(read_models, centre.calendar)
    projector.create_tables()
    rejected = projector.project([broken.get(envelope.position, envelope) for envelope in envelopes])
    assert sorted((envelope.position, error) for envelope, error in rejected) == sorted([
        (given[0].position, "InvalidRow: review_state.rating is not a valid UInt8"),
        (verified[0].position, "KeyError")])
    rows, count = reviews(read_models, ReviewFilter(), limit=1000, offset=0)
    assert count == len(given) - 1
    assert {row["review_id"]: row["state"] for row in rows}[verified[0].aggregate_id] == "awaiting_verification"
