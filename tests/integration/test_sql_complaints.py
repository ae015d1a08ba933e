"""12345 complaints from the read models (complaint_state) against the domain references — the KPIs
per grouping and level (domain.complaint_kpis), the hot spots, the findings (domain.complaint_findings)
and the queue's clock — on random complaints that go every way through their life, as of many
moments around National Day 2025, on chDB and the ClickHouse server."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.complaint_findings import complaint_findings
from domain.complaint_kpis import COMPLAINT_GROUPINGS, complaint_counts, complaint_counts_by, hotspots
from projections.complaints import ComplaintFilter, complaint_findings_in, complaints, hotspots_of
from projections.complaints import complaint_counts_by as sql_counts_by
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre
from tests.utils.complaints import random_complaint, register_complaint_catalogue
from tests.utils.projection import projected

FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2025, 12, 10, 18)
PERIODS = [(date(2025, 9, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 10, 31)),
           (date(2025, 9, 29), date(2025, 10, 12)), (date(2025, 11, 1), date(2026, 1, 31))]
AS_OF = [datetime(2025, 10, 3, 12, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)]


@pytest.fixture(scope="module")
def centre():
    rng = random.Random(20261122)
    centre = make_centre(clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    at = datetime(2025, 8, 1, 9)
    register_small_centre(centre, at=at)
    register_complaint_catalogue(centre, at)
    open_ids: list = []
    span = int((LAST - FIRST).total_seconds() // 60)
    for start in sorted(FIRST + timedelta(minutes=rng.randint(0, span)) for _ in range(220)):
        random_complaint(centre, rng, start, open_ids)
    return centre


def complaint_ids(centre) -> list:
    return [n.originator_id for n in centre.recorder.select_notifications(start=1, limit=100_000)
            if n.originator_version == 1 and "Complaint.Received" in n.topic]


def folded_as_of(centre, as_of: datetime) -> list:
    found = []
    for complaint_id in complaint_ids(centre):
        if centre.complaint_events(complaint_id)[0].occurred_at <= as_of:
            found.append(centre.complaint(complaint_id, as_of))
    return found


@pytest.fixture
def store(read_models, centre):
    return projected(read_models, centre)


def test_the_random_complaints_go_every_way(centre):
    folded = folded_as_of(centre, AS_OF[-1])
    assert {c.state for c in folded} == {"received", "dispatched", "returned", "replied", "awaiting_callback",
                                         "closed", "merged"}
    assert any(c.problem for c in folded) and any(c.reopen_count for c in folded)


def test_kpis_equal_the_reference_for_every_grouping_and_level(store, centre):
    for as_of in AS_OF:
        folded = folded_as_of(centre, as_of)
        for first, last in PERIODS:
            expected_total = complaint_counts(folded, first=first, last=last, as_of=as_of)
            assert sql_counts_by(store, first=first, last=last, as_of=as_of, by=None).get("", None) == (
                expected_total or None), (first, last, as_of)
            for by in COMPLAINT_GROUPINGS:
                for level in ((1, 2, 3) if by in ("category", "area") else (1,)):
                    assert sql_counts_by(store, first=first, last=last, as_of=as_of, by=by, level=level) == \
                        complaint_counts_by(folded, by, level=level, first=first, last=last, as_of=as_of), (
                            by, level, first, last, as_of)


def test_hotspots_equal_the_reference(store, centre):
    as_of = AS_OF[-1]
    folded = folded_as_of(centre, as_of)
    for first, last in PERIODS:
        for by, level, period, top in (("category", 1, "week", 5), ("area", 2, "day", 3), ("category", 3, "month", 10)):
            assert hotspots_of(store, by=by, level=level, first=first, last=last, period=period, top=top,
                               as_of=as_of) == hotspots(folded, by=by, level=level, first=first, last=last,
                                                        period=period, top=top, as_of=as_of), (by, first, last)


def test_findings_equal_the_reference(store, centre):
    seen = set()
    for as_of in AS_OF:
        folded = folded_as_of(centre, as_of)
        for first, last in PERIODS:
            expected = sorted((finding for complaint in folded for finding in complaint_findings(
                complaint, first=first, last=last, as_of=as_of, calendar=centre.calendar)),
                key=lambda finding: (finding.date, finding.kind, finding.complaint_id))
            found = complaint_findings_in(store, first=first, last=last, as_of=as_of)
            assert found == expected, (first, last, as_of)
            seen |= {finding.kind for finding in found}
    assert seen == {"dispatch_late", "reply_overdue", "callback_late"}


def test_the_queue_shows_the_clock_now(store, centre):
    now = datetime(2026, 11, 20, tzinfo=UTC)  # the centre's clock: after every event
    folded = {str(c.id): c for c in folded_as_of(centre, now)}
    rows, count = complaints(store, ComplaintFilter(), now.date(), limit=1000, offset=0)
    assert count == len(folded)
    for row in rows:
        complaint = folded[row["complaint_id"]]
        assert (row["state"], row["remaining"]) == (complaint.state, complaint.remaining_workdays(now, centre.calendar))
    late, late_count = complaints(store, ComplaintFilter(overdue=True), now.date(), limit=1000, offset=0)
    assert late_count == sum(c.overdue(now, centre.calendar) for c in folded.values()) > 0
