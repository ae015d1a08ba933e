"""The read models' SQL clock against the domain reference, on many random cases, on chDB and on
the ClickHouse server. Case histories cross National Day 2025, New Year and Spring Festival 2026."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from domain.application import CaseNotFound, ServiceCentre
from projections.projector import Projector
from projections.queries import case_clocks
from streams.follower import NotificationFollower
from tests.utils.cases import random_case, random_moment, register_catalogue

FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2026, 3, 20, 18)
RECORDED = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
COMPARED = ("state", "elapsed_workdays", "remaining_workdays", "deadline", "warning", "on_time")


@pytest.fixture(scope="module")
def random_centre() -> tuple[ServiceCentre, list[datetime]]:
    rng = random.Random(20251001)
    centre = ServiceCentre({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: RECORDED)
    register_catalogue(centre)
    for _ in range(250):
        random_case(centre, rng, random_moment(rng, FIRST, LAST - timedelta(days=40)))
    moments = [random_moment(rng, FIRST, LAST) for _ in range(12)]
    moments += [datetime(2025, 10, 9, 9), datetime(2026, 1, 4, 17), datetime(2026, 2, 24, 8, 30)]
    return centre, moments


def reference_clocks(centre: ServiceCentre, as_of: datetime) -> dict[str, dict]:
    clocks = {}
    for notification in centre.recorder.select_notifications(start=1, limit=100_000):
        if notification.originator_version != 1 or "Case.Submitted" not in notification.topic:
            continue
        try:
            case = centre.case(notification.originator_id, as_of)
        except CaseNotFound:
            continue
        clock = case.clock(as_of, centre.calendar, centre.policy)
        if clock is not None:
            clocks[str(case.id)] = {"state": case.state, **vars(clock)}
    return clocks


@pytest.fixture(params=["chdb", "clickhouse_server"])
def projected(request, random_centre):
    centre, moments = random_centre
    store = request.getfixturevalue("chdb_store" if request.param == "chdb" else "clickhouse_server")
    projector = Projector(store, centre.calendar)
    projector.drop_tables()
    projector.create_tables()
    NotificationFollower(centre, projector.project, 0).catch_up()
    return centre, moments, store


def test_sql_clock_equals_the_reference_on_random_cases(projected):
    centre, moments, store = projected
    compared = 0
    for as_of in moments:
        expected = reference_clocks(centre, as_of)
        actual = {row["case_id"]: {field: row[field] for field in COMPARED} for row in case_clocks(store, as_of, centre.policy)}
        assert actual.keys() == expected.keys(), f"cases differ as of {as_of}"
        for case_id, reference in expected.items():
            assert actual[case_id] == {field: reference[field] for field in COMPARED}, f"{case_id} as of {as_of}"
        compared += len(expected)
    assert compared > 500  # the random histories really exercised the clock


def test_replaying_the_log_twice_changes_nothing(projected):
    centre, moments, store = projected
    before = case_clocks(store, moments[0], centre.policy)
    NotificationFollower(centre, Projector(store, centre.calendar).project, 0).catch_up()
    assert case_clocks(store, moments[0], centre.policy) == before
