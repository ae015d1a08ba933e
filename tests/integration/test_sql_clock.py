"""The read models' SQL clock against the domain reference, on many random cases, on chDB and on
the ClickHouse server. Case histories cross National Day 2025, New Year and Spring Festival 2026;
they are also asked about as far ahead as the domain accepts (2099-12-31), where the clock reaches
days that ClickHouse 18.16 can hold but neither print nor parse (after 2106-02-07)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from domain.application import ServiceCentre
from domain.case_commands import CaseNotFound
from domain.base import SYSTEM
from domain.clock import TimeBounds
from projections.cases import case_clocks, warnings
from projections.ordinals import calendar_range
from projections.projector import Projector
from streams.follower import NotificationFollower
from tests.utils.cases import CLERK, random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre
from tests.utils.projection import projected as projected_log

FIRST, LAST = datetime(2025, 9, 1, 8), datetime(2026, 3, 20, 18)
RECORDED = datetime(2026, 11, 20, 12, tzinfo=UTC)
COMPARED = ("state", "elapsed_workdays", "remaining_workdays", "deadline", "warning", "on_time")
LONGEST_LIMIT_DAYS = 3650  # the API's longest item limit
FAR_AHEAD = (datetime(2050, 6, 1, 12), datetime(2099, 12, 31, 23, 59, 59))


@pytest.fixture(scope="module")
def random_centre() -> tuple[ServiceCentre, list[datetime]]:
    rng = random.Random(20251001)
    centre = make_centre(clock=lambda: RECORDED)
    register_catalogue(centre)
    for _ in range(250):
        random_case(centre, rng, random_moment(rng, FIRST, LAST - timedelta(days=40)))
    add_longest_limit_cases(centre)
    moments = [random_moment(rng, FIRST, LAST) for _ in range(12)]
    moments += [datetime(2025, 10, 9, 9), datetime(2026, 1, 4, 17), datetime(2026, 2, 24, 8, 30)]
    return centre, moments


def add_longest_limit_cases(centre: ServiceCentre) -> None:
    """Cases of an item with the longest limit: as of 2099-12-31 the clock looks for their
    deadline up to the last day of the calendar dimension."""
    centre.register("item", code="LONG", name="最长时限", department="D01", kind="promised",
                    legal_days=LONGEST_LIMIT_DAYS, promised_days=LONGEST_LIMIT_DAYS, actor=SYSTEM, at=FIRST)
    open_case, resumed_case = (centre.submit_case(item="LONG", channel="window", applicant={"name": "王芳"},
                                                  actor=CLERK, at=datetime(2025, 12, 30, 9)) for _ in range(2))
    for case in (open_case, resumed_case):
        centre.accept_case(case.id, window="A01", staff="S01", actor=CLERK, at=datetime(2025, 12, 30, 10))
    centre.suspend_case(resumed_case.id, reason="hearing", actor=CLERK, at=datetime(2026, 1, 5, 9))
    centre.resume_case(resumed_case.id, actor=CLERK, at=datetime(2026, 3, 2, 9))


def reference_clocks(centre: ServiceCentre, as_of: datetime) -> dict[str, dict]:
    clocks = {}
    for notification in centre.recorder.select_notifications(start=1, limit=100_000):
        if notification.originator_version != 1 or "Case.Submitted" not in notification.topic:
            continue
        try:
            case = centre.case(UUID(str(notification.originator_id)), as_of)
        except CaseNotFound:
            continue
        clock = case.clock(as_of, centre.calendar, centre.policy)
        if clock is not None:
            clocks[str(case.id)] = {"state": case.state, **vars(clock)}
    return clocks


def sql_clocks(store, as_of: datetime, policy, calendar) -> dict[str, dict]:
    return {row["case_id"]: {field: row[field] for field in COMPARED}
            for row in case_clocks(store, as_of, policy, calendar)}


@pytest.fixture
def projected(read_models, random_centre):
    centre, moments = random_centre
    return centre, moments, projected_log(read_models, centre)


def test_sql_clock_equals_the_reference_on_random_cases(projected):
    centre, moments, store = projected
    compared = 0
    for as_of in moments:
        expected = reference_clocks(centre, as_of)
        actual = sql_clocks(store, as_of, centre.policy, centre.calendar)
        assert actual.keys() == expected.keys(), f"cases differ as of {as_of}"
        for case_id, reference in expected.items():
            assert actual[case_id] == {field: reference[field] for field in COMPARED}, f"{case_id} as of {as_of}"
        compared += len(expected)
    assert compared > 500  # the random histories really exercised the clock


@pytest.fixture(scope="module")
def far_ahead_references(random_centre) -> dict[datetime, dict[str, dict]]:
    """Computed once for both backends: the reference takes seconds for 75 years of working days."""
    centre, _ = random_centre
    return {as_of: reference_clocks(centre, as_of) for as_of in FAR_AHEAD}


def test_sql_clock_equals_the_reference_as_far_ahead_as_the_domain_accepts(projected, far_ahead_references):
    centre, _, store = projected
    for as_of, expected in far_ahead_references.items():
        actual = sql_clocks(store, as_of, centre.policy, centre.calendar)
        assert actual == {case_id: {field: clock[field] for field in COMPARED} for case_id, clock in expected.items()}
        expected_warnings = {case_id for case_id, clock in expected.items()
                             if clock["state"] in ("accepted", "suspended") and clock["warning"] != "none"}
        found, count = warnings(store, as_of, centre.policy, centre.calendar)
        assert {row["case_id"] for row in found} == expected_warnings and count == len(found), f"as of {as_of}"
        assert all(row["deadline"] == expected[row["case_id"]]["deadline"] for row in found)
    # The two longest-limit cases were compared: red, with their deadlines in 2040.
    latest = far_ahead_references[FAR_AHEAD[-1]]
    assert sorted(clock["deadline"].year for clock in latest.values() if clock["deadline"] and clock["warning"] == "red"
                  and clock["deadline"].year > 2030) == [2040, 2040]


def test_the_calendar_dimension_covers_exactly_the_range_the_domain_accepts(projected):
    centre, _, store = projected
    first, last = calendar_range(TimeBounds())
    assert (first, last) == (date(2004, 1, 1), date(2099, 12, 31))
    days = store.query("SELECT min(day) AS first, max(day) AS last, count() AS days, max(ordinal) AS workdays "
                       "FROM calendar_days")
    workdays = sum(1 for _ in centre.calendar.workdays(first, last))
    assert days == [{"first": first, "last": last, "days": (last - first).days + 1, "workdays": workdays}]


def test_replaying_the_log_twice_changes_nothing(projected):
    centre, moments, store = projected
    before = case_clocks(store, moments[0], centre.policy, centre.calendar)
    NotificationFollower(centre, Projector(store, centre.calendar).project, 0).catch_up()
    assert case_clocks(store, moments[0], centre.policy, centre.calendar) == before
