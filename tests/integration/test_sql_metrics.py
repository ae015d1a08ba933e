"""The month's counts from the read models against the domain reference (domain.metrics), on random
cases, for several periods and every grouping, on chDB and on the ClickHouse server."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import pytest

from domain.case_commands import CaseNotFound
from domain.clock import SHANGHAI
from domain.metrics import GROUPINGS, case_counts, counts_by, period_as_of
from projections.metrics import case_counts_by, ranking_counts_by
from tests.utils.cases import CLERK, random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre
from tests.utils.projection import projected

FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2026, 3, 20, 18)
RECORDED = datetime(2026, 11, 20, 12, tzinfo=UTC)
PERIODS = [(date(2025, 9, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 10, 31)),
           (date(2026, 1, 1), date(2026, 2, 28)), (date(2025, 9, 28), date(2025, 10, 11)),
           (date(2025, 12, 31), date(2025, 12, 31))]


@pytest.fixture(scope="module")
def random_centre():
    rng = random.Random(20260301)
    centre = make_centre(clock=lambda: RECORDED)
    register_catalogue(centre)
    for _ in range(300):
        random_case(centre, rng, random_moment(rng, FIRST, LAST - timedelta(days=30)))
    return centre


def cases_as_of(centre, as_of: datetime) -> list:
    found = []
    for notification in centre.recorder.select_notifications(start=1, limit=100_000):
        if notification.originator_version == 1 and "Case.Submitted" in notification.topic:
            try:
                found.append(centre.case(UUID(str(notification.originator_id)), as_of))
            except CaseNotFound:
                pass
    return found


@pytest.fixture
def store(read_models, random_centre):
    return projected(read_models, random_centre)


def test_sql_counts_equal_the_reference_for_every_period_and_grouping(random_centre, store):
    centre, compared, overall = random_centre, 0, []
    for first, last in PERIODS:
        as_of = period_as_of(last, RECORDED)
        cases = cases_as_of(centre, as_of)
        options = {"first": first, "last": last, "as_of": as_of, "calendar": centre.calendar, "policy": centre.policy}
        total = case_counts(cases, **options)
        assert case_counts_by(store, first=first, last=last, as_of=as_of, policy=centre.policy, by=None) == (
            {"": total} if total else {}), (first, last)
        for by, key in GROUPINGS.items():
            expected = counts_by(cases, key, **options)
            actual = case_counts_by(store, first=first, last=last, as_of=as_of, policy=centre.policy, by=by)
            assert actual == expected, (by, first, last)
            compared += len(expected)
        overall.append(total)
    # the random histories really filled the groups and exercised every count
    assert compared > 40
    assert all(sum(getattr(total, name) for total in overall) for name in (
        "accepted", "concluded", "concluded_on_time", "immediate_accepted", "immediate_same_day", "withdrawn",
        "refused", "overdue", "yellow"))


def test_a_callers_scope_narrows_the_counts(random_centre, store):
    first, last = PERIODS[1]
    as_of = period_as_of(last, RECORDED)
    by_window = case_counts_by(store, first=first, last=last, as_of=as_of, policy=random_centre.policy, by="window")
    one = case_counts_by(store, first=first, last=last, as_of=as_of, policy=random_centre.policy, by=None,
                         window="A01")
    assert one == {"": by_window["A01"]}


def test_the_scores_tie_breakers_equal_the_reference(random_centre, store):
    """ranking_counts_by reads only the cases accepted or concluded in the period: its counts are the
    reference's, for the windows and the staff."""
    centre = random_centre
    for (first, last), noon in zip(PERIODS, (False, True, False, True, False)):
        # as of the period's end, or of noon on its last day (cases concluded that afternoon are not yet)
        as_of = datetime.combine(last, time(12), SHANGHAI) if noon else period_as_of(last, RECORDED)
        cases = cases_as_of(centre, as_of)
        options = {"first": first, "last": last, "as_of": as_of, "calendar": centre.calendar, "policy": centre.policy}
        for by in ("window", "staff"):
            expected = {key: (counts.accepted, counts.concluded, counts.concluded_on_time)
                        for key, counts in counts_by(cases, GROUPINGS[by], **options).items()}
            actual = ranking_counts_by(store, first=first, last=last, as_of=as_of, by=by,
                                       submitted_since=date(2004, 1, 1))
            assert {key: (counts.accepted, counts.concluded, counts.concluded_on_time)
                    for key, counts in actual.items() if counts.accepted or counts.concluded} == {
                key: figures for key, figures in expected.items() if figures[0] or figures[1]}, (by, first, last)


def test_a_case_concluded_on_its_first_overdue_day_is_late_in_the_tie_breakers(read_models):
    centre = make_centre(clock=lambda: RECORDED)
    register_catalogue(centre)
    for concluded_on in (5, 6):  # accepted Mon 2 March, three working days promised: Fri 6 March is the fourth
        case = centre.submit_case(item="P3", channel="window", applicant={"name": "李雷"}, actor=CLERK,
                                  at=datetime(2026, 3, 2, 9))
        centre.accept_case(case.id, window="A01", staff="S01", actor=CLERK, at=datetime(2026, 3, 2, 10))
        centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=datetime(2026, 3, concluded_on, 16))
    projected(read_models, centre)
    counts = ranking_counts_by(read_models, first=date(2026, 3, 1), last=date(2026, 3, 31),
                               as_of=period_as_of(date(2026, 3, 31), RECORDED), by="window", submitted_since=date(2026, 3, 1))
    assert (counts["A01"].accepted, counts["A01"].concluded, counts["A01"].concluded_on_time) == (2, 2, 1)
