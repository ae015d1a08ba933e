"""Supervision findings from the read models against the domain reference (domain.findings), on
random cases, for several periods, on chDB and on the ClickHouse server."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import pytest

from domain.findings import findings_of
from domain.clock import SHANGHAI
from domain.metrics import period_as_of
from projections.findings import findings
from tests.utils.cases import CLERK, random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre
from tests.utils.projection import projected

FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2026, 3, 20, 18)
PERIODS = [(date(2025, 9, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 10, 31)),
           (date(2025, 11, 1), date(2026, 2, 28)), (date(2025, 10, 11), date(2025, 10, 11))]
# Recorded a few hours after the business time, or days later: only some events are entered late.
LAGS = [timedelta(minutes=5), timedelta(hours=3), timedelta(hours=23), timedelta(hours=30), timedelta(days=4)]


@pytest.fixture(scope="module")
def random_centre():
    rng = random.Random(20260415)
    moments = {"now": datetime(2025, 9, 1, tzinfo=UTC)}

    def clock() -> datetime:  # record time: the latest business time so far plus a random lag
        return moments["now"]

    centre = make_centre(clock=clock)
    moments["now"] = datetime(2026, 11, 20, tzinfo=UTC)
    register_catalogue(centre)
    for _ in range(250):
        start = random_moment(rng, FIRST, LAST - timedelta(days=30))
        moments["now"] = start.replace(tzinfo=UTC) + timedelta(days=60) + rng.choice(LAGS)
        random_case(centre, rng, start)
    return centre


@pytest.fixture
def store(read_models, random_centre):
    return projected(read_models, random_centre)


def reference(centre, first: date, last: date, as_of: datetime) -> list:
    found = []
    for notification in centre.recorder.select_notifications(start=1, limit=100_000):
        if notification.originator_version == 1 and "Case.Submitted" in notification.topic:
            case_id = UUID(str(notification.originator_id))
            events = centre.case_events(case_id)
            if events[0].occurred_at > as_of:
                continue
            found += findings_of(centre.case(case_id, as_of), events, first=first, last=last, as_of=as_of,
                                 calendar=centre.calendar)
    return sorted(found, key=lambda finding: (finding.date, finding.kind, finding.case_id))


def test_sql_findings_equal_the_reference(random_centre, store):
    kinds = set()
    for first, last in PERIODS:
        as_of = period_as_of(last, datetime(2026, 11, 20, tzinfo=UTC))
        expected = reference(random_centre, first, last, as_of)
        assert findings(store, first=first, last=last, as_of=as_of) == expected, (first, last)
        kinds |= {finding.kind for finding in expected}
    assert kinds == {"overdue", "late_entry", "late_supplement_request", "materials_overdue"}


def test_a_finding_that_arises_after_the_case_closed_is_found(read_models):
    """The read models look only at cases open in the period, except for materials: a 容缺 case
    concluded before its materials arrived still has them overdue after it closed."""
    centre = make_centre(clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    register_catalogue(centre)
    case = centre.submit_case(item="P3", channel="window", applicant={"name": "李雷"}, actor=CLERK,
                              at=datetime(2026, 3, 2, 9))
    centre.accept_case(case.id, window="A01", staff="S01", missing_materials=["营业执照副本"], actor=CLERK,
                       at=datetime(2026, 3, 2, 10))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=datetime(2026, 3, 4, 16))
    projected(read_models, centre)
    first, last = date(2026, 3, 16), date(2026, 3, 31)  # after the conclusion
    as_of = period_as_of(last, datetime(2026, 11, 20, tzinfo=UTC))
    found = findings(read_models, first=first, last=last, as_of=as_of)
    # accepted Mon 2 March; the 15th working day after it is Mon 23 March, so the finding is dated Tue 24
    assert [(finding.kind, finding.date) for finding in found] == [("materials_overdue", date(2026, 3, 24))]
    assert found == reference(centre, first, last, as_of)


def test_an_overdue_day_taken_back_later_that_day_is_found_as_of_before(read_models):
    """A case overdue in the morning, suspended in the afternoon (the day then does not count) and
    extended while suspended: as of the morning it is overdue that day; as of the evening it never was."""
    centre = make_centre(clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    register_catalogue(centre)
    case = centre.submit_case(item="P3", channel="window", applicant={"name": "李雷"}, actor=CLERK,
                              at=datetime(2026, 3, 2, 9))
    centre.accept_case(case.id, window="A01", staff="S01", actor=CLERK, at=datetime(2026, 3, 2, 10))
    centre.suspend_case(case.id, reason="supplement", actor=CLERK, at=datetime(2026, 3, 6, 15))
    centre.extend_case(case.id, days=5, reason="专家论证", actor=CLERK, at=datetime(2026, 3, 6, 16))
    centre.resume_case(case.id, actor=CLERK, at=datetime(2026, 3, 9, 9))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=datetime(2026, 3, 10, 16))
    projected(read_models, centre)
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    morning = datetime(2026, 3, 6, 10, tzinfo=SHANGHAI)
    # accepted Mon 2 March, three working days promised: Fri 6 March is the fourth
    found = findings(read_models, first=first, last=last, as_of=morning)
    assert [finding.date for finding in found if finding.kind == "overdue"] == [date(2026, 3, 6)]
    assert found == reference(centre, first, last, morning)
    for as_of in (datetime(2026, 3, 6, 23, 59, tzinfo=SHANGHAI), period_as_of(last, datetime(2026, 11, 20, tzinfo=UTC))):
        found = findings(read_models, first=first, last=last, as_of=as_of)
        assert "overdue" not in {finding.kind for finding in found}  # only late entries (recorded in November)
        assert found == reference(centre, first, last, as_of)


def test_sql_findings_equal_the_reference_as_of_moments_within_a_day(random_centre, store):
    """As of a moment in the middle of a day, with later events of many cases after it."""
    rng = random.Random(7)
    for first, last in PERIODS:
        as_of = random_moment(rng, datetime.combine(first, time(8)), datetime.combine(last, time(18))).replace(
            tzinfo=SHANGHAI)
        assert findings(store, first=first, last=last, as_of=as_of) == reference(random_centre, first, last, as_of)


def test_an_overdue_case_handed_on_on_its_first_overdue_day_is_charged_to_the_holder_before(read_models):
    centre = make_centre(clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    register_catalogue(centre)
    case = centre.submit_case(item="P3", channel="window", applicant={"name": "李雷"}, actor=CLERK,
                              at=datetime(2026, 3, 2, 9))
    centre.accept_case(case.id, window="A01", staff="S01", actor=CLERK, at=datetime(2026, 3, 2, 10))
    centre.transfer_case(case.id, staff="S02", stage="review", actor=CLERK, at=datetime(2026, 3, 6, 9))
    projected(read_models, centre)
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    as_of = period_as_of(last, datetime(2026, 11, 20, tzinfo=UTC))
    found = [finding for finding in findings(read_models, first=first, last=last, as_of=as_of) if finding.kind == "overdue"]
    # Fri 6 March, the fourth working day of three promised, was S01's: S02 held it from the 7th
    assert [(finding.date, finding.staff) for finding in found] == [(date(2026, 3, 6), "S01")]
    assert found == [finding for finding in reference(centre, first, last, as_of) if finding.kind == "overdue"]
