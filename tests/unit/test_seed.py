from collections import Counter
from datetime import datetime, time, timedelta

import pytest

from api.seed import seed_demo_centre
from domain.application import ServiceCentre
from domain.base import GENESIS_HASH
from domain.case import Case
from domain.review import Review
from domain.clock import beijing, local_date, utc_now
from tests.utils.centre import TEST_CHAIN, make_centre

TODAY = datetime(2026, 11, 20, 18, 0)  # a Friday evening, Beijing time
CASES = 150


def seeded(tmp_path, name: str, seed: int = 2026) -> tuple[ServiceCentre, int]:
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / name)})
    return centre, seed_demo_centre(centre, today=TODAY, cases=CASES, seed=seed)


def case_ids(centre: ServiceCentre) -> list:
    notifications = centre.recorder.select_notifications(start=1, limit=100_000)
    events = (centre.mapper.to_domain_event(n) for n in notifications)
    return [event.originator_id for event in events if isinstance(event, Case.Submitted)]


def summary(centre: ServiceCentre) -> Counter:
    """Per-state and per-warning counts at TODAY."""
    counts = Counter()
    for case_id in case_ids(centre):
        case = centre.case(case_id)
        clock = case.clock(TODAY, centre.calendar, centre.policy)
        counts[case.state] += 1
        counts[f"warning:{clock.warning if clock else 'none'}"] += 1
    return counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return seeded(tmp_path_factory.mktemp("seed"), "a.db")


def test_returns_the_number_of_cases_created(demo):
    centre, created = demo
    assert created == CASES == len(case_ids(centre))


def test_every_case_replays_with_an_intact_hash_chain_and_no_future_time(demo):
    centre, _ = demo
    today, now = beijing(TODAY), utc_now()
    for case_id in case_ids(centre):
        events = centre.case_events(case_id)
        assert centre.case(case_id).version == len(events)
        previous_hash, previous_time = GENESIS_HASH, None
        for event in events:
            assert event.previous_hash == previous_hash and TEST_CHAIN.hash_of(event) == event.hash
            assert event.occurred_at <= today and event.occurred_at <= now
            assert previous_time is None or event.occurred_at >= previous_time
            previous_hash, previous_time = event.hash, event.occurred_at


def test_acceptances_and_conclusions_fall_on_working_days_in_office_hours(demo):
    centre, _ = demo
    for case_id in case_ids(centre):
        case = centre.case(case_id)
        for moment in filter(None, (case.accepted_at, case.concluded_at)):
            assert centre.calendar.is_workday(local_date(moment))
            assert time(9, 0) <= beijing(moment).time() <= time(17, 30)


def test_today_shows_a_realistic_mix_of_states_and_warnings(demo):
    centre, _ = demo
    counts = summary(centre)
    assert counts["concluded"] + counts["delivered"] > CASES * 0.6 and counts["delivered"] > counts["concluded"]
    assert counts["refused"] >= 1
    assert counts["accepted"] + counts["suspended"] >= 5
    assert counts["warning:red"] >= 1 and counts["warning:yellow"] >= 1


def test_cases_live_their_whole_life(demo):
    centre, _ = demo
    cases = [centre.case(case_id) for case_id in case_ids(centre)]
    assert any(len(case.holdings) > 1 for case in cases)  # handed on for review (审查)
    assert any(case.materials_received_at for case in cases)  # 容缺受理, materials arrived later
    assert {case.delivery_method for case in cases} >= {"pickup", "mail"}


def test_events_are_entered_promptly_as_a_rule_and_late_for_a_few_cases(demo):
    centre, _ = demo
    late_cases = {case_id for case_id in case_ids(centre) for event in centre.case_events(case_id)
                  if event.timestamp - event.occurred_at > timedelta(hours=24)}
    assert 1 <= len(late_cases) <= CASES * 0.1  # 录入不及时 shows up in the findings, but is the exception


def test_catalogue_has_every_hall_level_and_item_kind(demo):
    centre, _ = demo
    assert {centre.entry("hall", code, field="hall").level for code in ("H01", "H02", "H03", "H04")} == {
        "city", "district", "street", "community"}
    kinds = {centre.case(case_id).kind for case_id in case_ids(centre)}
    assert kinds == {"immediate", "promised", "reported", "joint"}


def test_same_seed_gives_the_same_demo(demo, tmp_path):
    centre, _ = demo
    again, _ = seeded(tmp_path, "b.db")
    assert summary(again) == summary(centre)


def test_a_future_today_is_refused_before_anything_is_written(tmp_path):
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "c.db")},
                         clock=lambda: beijing(TODAY))
    with pytest.raises(ValueError, match="future"):
        seed_demo_centre(centre, today=datetime(2026, 11, 21, 9, 0), cases=10)
    assert centre.recorder.max_notification_id() in (None, 0)


def test_progress_is_shown_on_stderr(tmp_path, capsys):
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.db")})
    seed_demo_centre(centre, today=TODAY, cases=20, progress=True)
    assert capsys.readouterr().err.rstrip().endswith("] 20/20 cases")


def stored_events(centre: ServiceCentre) -> list:
    return [centre.mapper.to_domain_event(n) for n in centre.recorder.select_notifications(start=1, limit=100_000)]


def test_served_cases_are_reviewed_and_windows_supervised(demo):
    centre, _ = demo
    events = stored_events(centre)
    reviews = [event for event in events if isinstance(event, Review.Given)]
    served = [case_id for case_id in case_ids(centre) if centre.case(case_id).state in ("concluded", "delivered",
                                                                                          "refused")]
    assert 0.5 * len(served) <= len(reviews) <= 0.8 * len(served)
    assert sum(event.rating >= 3 for event in reviews) >= 0.9 * len(reviews)  # satisfaction as the seeds report it
    assert all(event.occurred_at <= beijing(TODAY) for event in events)
    kinds = Counter(type(event).__qualname__ for event in events)
    assert kinds["Inspection.Recorded"] >= 5 and kinds["Commendation.Recorded"] >= 2
    worked = {type(event).__qualname__ for event in events if type(event).__qualname__.startswith("Review.")}
    assert {"Review.Given", "Review.Verified"} <= worked


def test_the_hotline_has_two_months_of_requests_through_their_life(demo):
    centre, _ = demo
    events = stored_events(centre)
    received = [event for event in events if type(event).__qualname__ == "Complaint.Received"]
    assert len(received) >= CASES // 2 - 10
    kinds = Counter(type(event).__qualname__ for event in events if type(event).__qualname__.startswith("Complaint"))
    assert {"Complaint.Dispatched", "Complaint.Replied", "Complaint.Reviewed", "Complaint.CalledBack",
            "Complaint.Answered"} <= set(kinds)
    verdicts = Counter(event.verdict for event in events if type(event).__qualname__ == "Complaint.CalledBack")
    assert verdicts["satisfied"] + verdicts["basically_satisfied"] >= 0.7 * sum(verdicts.values())
    assert all(event.occurred_at <= beijing(TODAY) for event in events)
