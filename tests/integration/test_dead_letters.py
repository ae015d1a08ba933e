"""One bad event never stalls the read models: the projector sets it aside as a dead letter (a row
in `dead_letters`, one log line without its payload) and projects every good event after it, on
chDB and on the ClickHouse server; an embedded deployment starts, and rebuilds, over it.

The bad events are written into the store as raw rows, as a broken migration or a hand edit would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventsourcing.persistence import StoredEvent

from api.processes import rebuild
from domain.application import ServiceCentre
from domain.base import SYSTEM
from projections.projector import Projector, table_columns
from projections.queries import catalogue, stream_heads
from streams.follower import NotificationFollower, last_position, read_envelopes
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre
from tests.utils.processes import SUNLIGHT

NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)
PERSONAL = "市场监管局"  # a value of the copied payload: it must appear in no log line and no dead letter
EXPECTED_ERRORS = ["OverflowError", "MapperDeserialisationError", "InvalidRow: catalogue.code is not a valid String"]


def store_with_bad_events(path: Path) -> tuple[ServiceCentre, list[tuple[int, str]]]:
    """A SQLite store: a small catalogue, three bad events, then one more good department.
    Returns the centre and the (position, aggregate id) of each bad event, in order."""
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}, clock=lambda: NOW)
    register_small_centre(centre, at=datetime(2026, 1, 5, 9))
    first = centre.recorder.select_notifications(start=1, limit=1)[0]
    assert PERSONAL.encode() in first.state and b'"code":"D01"' in first.state
    bad_states = [
        # The reported event: business time in year 1, which Beijing time cannot be converted from.
        first.state.replace(b"2026-01-05T09:00:00+08:00", b"0001-01-01T00:00:00+08:05:43"),
        b"\x00 not an event at all",  # cannot be decoded
        first.state.replace(b'"code":"D01"', b'"code":12'),  # decodes, but its row does not fit
    ]
    assert bad_states[0] != first.state
    bad = []
    for state in bad_states:
        aggregate_id = uuid.uuid4()
        centre.recorder.insert_events(
            [StoredEvent(originator_id=aggregate_id, originator_version=1, topic=first.topic, state=state)])
        bad.append((last_position(centre), str(aggregate_id)))
    centre.register("department", code="D02", name="税务局", actor=SYSTEM, at=datetime(2026, 1, 6, 9))
    return centre, bad


@pytest.fixture
def store(read_models):
    return read_models


def dead_letters(store) -> list[tuple[int, str, int, str]]:
    rows = store.query("SELECT position, aggregate_id, version, error FROM dead_letters FINAL ORDER BY position")
    return [(row["position"], row["aggregate_id"], row["version"], row["error"]) for row in rows]


def test_the_follower_sets_bad_events_aside_and_projects_every_good_one(store, tmp_path, caplog):
    centre, bad = store_with_bad_events(tmp_path / "events.sqlite3")
    projector = Projector(store, centre.calendar)
    projector.create_tables()
    follower = NotificationFollower(centre, projector.project, 0)

    assert follower.catch_up() == last_position(centre)
    assert follower.position == projector.position() == last_position(centre)
    assert dead_letters(store) == [(position, aggregate_id, 1, error)
                                   for (position, aggregate_id), error in zip(bad, EXPECTED_ERRORS)]
    assert {entry["code"] for entry in catalogue(store, "department")} == {"D01", "D02"}  # D02 came after
    heads = stream_heads(store)
    assert len(heads) == last_position(centre) - len(bad)
    assert not {aggregate_id for _, aggregate_id in bad} & heads.keys()
    lines = [record.getMessage() for record in caplog.records if record.name == "sunlight.projector"]
    assert len(lines) == 3
    for line, (position, aggregate_id), error in zip(lines, bad, EXPECTED_ERRORS):
        assert f"position {position} " in line and aggregate_id in line and "version 1" in line and error in line
    assert PERSONAL not in caplog.text and PERSONAL not in json.dumps(store.query("SELECT * FROM dead_letters"))


def test_a_rebuild_sets_the_same_events_aside(store, tmp_path):
    centre, bad = store_with_bad_events(tmp_path / "events.sqlite3")
    assert rebuild(centre, Projector(store, centre.calendar)) == last_position(centre)
    assert [(position, aggregate_id) for position, aggregate_id, _, _ in dead_letters(store)] == bad
    assert {entry["code"] for entry in catalogue(store, "department")} == {"D01", "D02"}


def test_rows_the_read_models_refuse_are_found_by_halving(store, monkeypatch):
    """What the projector's own check misses, ClickHouse refuses: the batch is halved until only
    the refused event is left, and that one alone is set aside."""
    centre = register_small_centre(make_centre(clock=lambda: NOW), at=datetime(2026, 1, 5, 9))
    envelopes = read_envelopes(centre, 0, 100)
    refused = replace(envelopes[0], aggregate_id=str(uuid.uuid4()), position=100,
                      payload={**envelopes[0].payload, "code": "D99", "name": "\ud800"})  # not UTF-8
    monkeypatch.setattr("projections.projector.fitting", lambda built: (built, [], table_columns(built)))
    projector = Projector(store, centre.calendar)
    projector.create_tables()

    rejected = projector.project([*envelopes[:3], refused, *envelopes[3:]])

    assert [envelope for envelope, _ in rejected] == [refused]
    assert {entry["code"] for entry in catalogue(store, "department")} == {"D01"}
    assert len(stream_heads(store)) == len(envelopes) and projector.position() == 100
    assert [(position, version) for position, _, version, _ in dead_letters(store)] == [(100, 1)]


def test_an_embedded_deployment_starts_and_rebuilds_over_bad_events(tmp_path):
    """In processes of their own: a chDB folder belongs to one process."""
    data = tmp_path / "data"
    data.mkdir()
    _, bad = store_with_bad_events(data / "events.sqlite3")
    env = {**os.environ, "SUNLIGHT_SECRET_KEY": "dead-letter test secret, long enough to be a key " * 2,
           "SUNLIGHT_ADMIN_PASSWORD": "dead-letter-test"}

    started = json.loads(run_python(READ_MODELS_AFTER_STARTUP, data, env))
    assert started["position"] == started["last_position"]
    assert [tuple(row) for row in started["dead_letters"]] == bad
    assert started["departments"] == ["D01", "D02"]

    rebuilt = subprocess.run([SUNLIGHT, "rebuild", "--data", str(data)], env=env, capture_output=True, text=True,
                             timeout=120, check=False)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert PERSONAL not in rebuilt.stderr + rebuilt.stdout
    assert json.loads(run_python(READ_MODELS_AFTER_STARTUP, data, env)) == started


READ_MODELS_AFTER_STARTUP = """
import json, sys
from pathlib import Path
from api.bootstrap import build_deployment
from api.settings import Settings
from streams.follower import last_position

deployment = build_deployment(Settings(mode="embedded", data_dir=Path(sys.argv[1])))
rows = deployment.clickhouse.query("SELECT position, aggregate_id FROM dead_letters FINAL ORDER BY position")
departments = deployment.clickhouse.query(
    "SELECT code FROM catalogue FINAL WHERE entry_kind = 'department' ORDER BY code")
print(json.dumps({"position": deployment.follower.position, "last_position": last_position(deployment.centre),
                  "dead_letters": [[row["position"], row["aggregate_id"]] for row in rows],
                  "departments": [row["code"] for row in departments]}))
deployment.stop()
"""


def run_python(script: str, data: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", script, str(data)], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]
