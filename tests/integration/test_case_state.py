"""case_state, the one row per case the projector keeps: however the events arrive (small batches,
a projector restarted between each, the whole log delivered twice, rows still in separate parts),
the table holds exactly the fold of every case's events in one pass, on chDB and on the server."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from projections.case_state import CaseStates, NEVER_US
from projections.projector import Projector
from projections.rows import case_event_row
from streams.follower import read_envelopes
from tests.utils.cases import random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre

RECORDED = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def centre():
    rng = random.Random(20261122)
    centre = make_centre(clock=lambda: RECORDED)
    register_catalogue(centre)
    first, last = datetime(2025, 9, 1, 8), datetime(2026, 3, 1, 18)
    for _ in range(60):
        random_case(centre, rng, random_moment(rng, first, last - timedelta(days=40)))
    return centre


def state_rows(store) -> dict[str, dict]:
    return {row["case_id"]: row for row in store.query("SELECT * FROM case_state FINAL")}


def one_pass_fold(centre, projector: Projector) -> dict[str, dict]:
    events = [case_event_row(envelope, projector.ordinals) for envelope in read_envelopes(centre, 0, 100_000)
              if envelope.stream == "case"]
    return CaseStates(projector.clickhouse).fold(events)


def test_the_table_holds_the_fold_of_every_event_however_they_arrive(read_models, centre):
    Projector(read_models, centre.calendar).create_tables()
    envelopes = read_envelopes(centre, 0, 100_000)
    rng = random.Random(7)
    start = 0
    while start < len(envelopes):  # a projector restarted for every small batch: every case is read back
        size = rng.randint(1, 9)
        Projector(read_models, centre.calendar).project(envelopes[start:start + size])
        start += size
    projector = Projector(read_models, centre.calendar)
    projector.project(envelopes)  # everything delivered again
    rows = state_rows(read_models)
    expected = one_pass_fold(centre, projector)
    assert len(expected) == 60
    assert rows == expected


def test_a_held_row_left_behind_by_another_worker_is_read_again(read_models, centre):
    """A projector that held a case, lost it to another worker and got it back must not fold onto
    what it held: the version tells it that the table knows more."""
    envelopes = [envelope for envelope in read_envelopes(centre, 0, 100_000) if envelope.stream == "case"]
    case_id = next(envelope.aggregate_id for envelope in envelopes if envelope.version == 4)
    own = [envelope for envelope in envelopes if envelope.aggregate_id == case_id]
    this, other = Projector(read_models, centre.calendar), Projector(read_models, centre.calendar)
    this.create_tables()
    this.project(own[:2])
    other.project(own[2:3])
    this.project(own[3:])
    projector = Projector(read_models, centre.calendar)
    assert state_rows(read_models)[case_id] == {**one_pass_fold(centre, projector)[case_id]}


def test_a_new_case_has_never_happened_moments(read_models, centre):
    envelope = read_envelopes(centre, 0, 100_000)
    first = next(item for item in envelope if item.stream == "case" and item.version == 1)
    projector = Projector(read_models, centre.calendar)
    projector.create_tables()
    projector.project([first])
    row = state_rows(read_models)[first.aggregate_id]
    assert (row["state"], row["accepted_us"], row["concluded_us"], row["suspended_us"]) == \
        ("submitted", NEVER_US, NEVER_US, [])
