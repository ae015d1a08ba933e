"""The bulk replay (projections.replay: ClickHouse reads the SQLite store and builds the case tables in
SQL) must leave the read models exactly as the projector does, event by event: every table, row for
row, on random stores with odd and broken events among them (which must take the projector's path,
and be set aside as it sets them aside)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import orjson
import pytest
from eventsourcing.persistence import StoredEvent

from api.processes import rebuild
from domain.base import Actor
from projections.backends import ChdbClickHouse
from projections.projector import Projector
from api.replay import case_topics, replayable
from projections.replay import id_ranges
from projections.schema import COLUMNS, TABLES
from streams.follower import NotificationFollower, last_position
from tests.utils.cases import random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre

NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)
SUPERVISOR = Actor("supervisor", "supervisor")
ASCII_ONLY, TWICE, BROKEN = "write with escapes", "write staff twice", "cut the last brace"


def appended(centre, rng, change) -> None:
    """A copy of a random stored case event, changed, appended to its case as the next version. Never a
    second submission: case_state is sorted by the submission day, which a case's one submission fixes."""
    stored = rng.choice([event for event in centre.recorder.select_notifications(start=1, limit=100_000)
                         if event.topic.startswith("domain.case:") and event.topic != "domain.case:Case.Submitted"])
    state = orjson.loads(stored.state)
    topic = change(state) or stored.topic
    version = len(centre.recorder.select_events(stored.originator_id)) + 1
    body = (json.dumps(state, separators=(",", ":")).encode() if state.pop(ASCII_ONLY, False)  # \\u escapes
            else orjson.dumps(state))
    if state.pop(BROKEN, None):
        body = body[:-1]  # not JSON any more
    if state.pop(TWICE, None):
        body = body[:-1] + b',"staff":"S02"}'  # the JSON names staff twice: the last one counts
    centre.recorder.insert_events([StoredEvent(originator_id=stored.originator_id, originator_version=version,
                                               topic=topic, state=body)])


def set_field(name, value):
    def change(state):
        state[name] = value
    return change


def escaped_reason(state):
    state["reason"] = 'the "applicant" asked\nagain \\ twice'


def ascii_escaped(state):
    state["reason"] = "材料"
    state[ASCII_ONLY] = True


def lone_surrogate(state):
    state["reason"] = "\ud800"
    state[ASCII_ONLY] = True


def not_json(state):
    state[BROKEN] = True


def staff_twice(state):
    state["staff"] = "S01"
    state[TWICE] = True


def huge_extension(state):
    state["days"] = 10**12
    return "domain.case:Case.Extended"


def utc_business_time(state):
    state["occurred_at"] = {"_type_": "datetime_iso", "_data_": "2026-03-02T01:00:00+00:00"}


def before_the_calendar(state):
    state["occurred_at"] = {"_type_": "datetime_iso", "_data_": "1999-03-02T09:00:00+08:00"}


def upcast_marker(state):
    state["class_version"] = 1


def unknown_topic(state):
    return "domain.case:Case.Vanished"


def resumed_twice(state):
    return "domain.case:Case.Resumed"


ODD_CHANGES = [
    escaped_reason, ascii_escaped, lone_surrogate, not_json, staff_twice, huge_extension, utc_business_time,
    before_the_calendar, upcast_marker, unknown_topic, resumed_twice,
    set_field("promised_days", 2.5), set_field("promised_days", "3"), set_field("staff", None), set_field("reason", 12),
    set_field("counts", 1), set_field("missing_materials", [1, {"a": 2}]), set_field("missing_materials", "abc"),
    set_field("missing_materials", ["甲", "乙,丙"]), set_field("missing_materials", []),
    set_field("days", 10**12), set_field("reason", "材料\u00e9"), set_field("window", {"ref": "x", "sealed": "y"}),
    set_field("actor", {"role": "clerk", "user": "clerk"}), set_field("hash", 7),
]


def store_with_odd_events(path, seed: int):
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
                         clock=lambda: NOW)
    register_catalogue(centre)
    rng = random.Random(seed)
    for index in range(200):
        random_case(centre, rng, random_moment(rng, datetime(2025, 9, 1), datetime(2026, 9, 1)))
        if index % 40 == 0:
            centre.inspect(window="A01", staff="S01", kind="phone", note="巡查", actor=SUPERVISOR,
                           at=random_moment(rng, datetime(2025, 9, 1), datetime(2026, 9, 1)))
        if index % 25 == 0:
            appended(centre, rng, rng.choice(ODD_CHANGES))
    for change in ODD_CHANGES:
        appended(centre, rng, change)
    return centre


def replayed_and_followed(chdb_store, centre):
    """The same store into two databases: replayed in bulk, and followed event by event."""
    both = {}
    for way in ("replayed", "followed"):
        store = ChdbClickHouse(chdb_store.path, database=f"replay_test_{way}")
        projector = Projector(store, centre.calendar)
        if way == "replayed":
            assert replayable(centre, store) is not None
            assert rebuild(centre, projector) == last_position(centre)
        else:
            projector.drop_tables()
            projector.create_tables()
            NotificationFollower(centre, projector.project, 0, batch_size=500).catch_up()
        both[way] = store
    return both["replayed"], both["followed"]


def table_rows(store, table: str) -> list[dict]:
    columns = [column for column in COLUMNS[table] if (table, column) != ("dead_letters", "recorded_us")]
    return store.query(f"SELECT {', '.join(columns)} FROM {table} FINAL ORDER BY {', '.join(columns)}")


@pytest.mark.parametrize("seed, events_per_range", [(1, 2_000_000), (2, 40)])
def test_a_replay_leaves_every_table_as_the_projector_does(chdb_store, tmp_path, seed, events_per_range, caplog,
                                                          monkeypatch):
    """Seed 2 replays the cases in ranges of ids, as a large store is."""
    monkeypatch.setattr("api.replay.id_ranges", lambda events: id_ranges(events, events_per_range))
    centre = store_with_odd_events(tmp_path / "events.sqlite3", seed)
    replayed, followed = replayed_and_followed(chdb_store, centre)

    assert not [record for record in caplog.records if record.name == "sunlight.rebuild"]  # no fallback

    for table in TABLES:
        if table != "read_model_schema":
            assert table_rows(replayed, table) == table_rows(followed, table), table
    letters = table_rows(followed, "dead_letters")
    assert len(letters) >= 6  # the broken ones: set aside, and only they
    kinds = {row["event_type"] for row in table_rows(followed, "case_events")}
    assert kinds == set(case_topics().values())
    for store in (replayed, followed):
        store.execute("DROP DATABASE IF EXISTS " + store.database)


def test_a_failed_bulk_replay_falls_back_to_the_projector(chdb_store, tmp_path, monkeypatch, caplog):
    centre = store_with_odd_events(tmp_path / "events.sqlite3", 3)
    replayed, followed = replayed_and_followed(chdb_store, centre)
    monkeypatch.setattr("api.replay.case_state_sql", lambda low, high: "INSERT INTO case_state SELECT")

    assert rebuild(centre, Projector(replayed, centre.calendar)) == last_position(centre)

    assert ["the bulk replay failed (ChdbError); replaying event by event"] == [
        record.getMessage() for record in caplog.records if record.name == "sunlight.rebuild"]
    for table in ("case_events", "case_state", "dead_letters", "stream_heads"):
        assert table_rows(replayed, table) == table_rows(followed, table), table


def test_ids_are_split_into_ranges_that_cover_every_hex_id():
    assert id_ranges(1000) == [("00", "g")]
    ranges = id_ranges(12_000_000)
    assert len(ranges) == 6 and ranges[0][0] == "00" and ranges[-1][1] == "g"
    assert all(high == following for (_, high), (following, _) in zip(ranges, ranges[1:]))
    assert len(id_ranges(10**12)) == 256


def test_a_store_chdb_cannot_read_in_bulk_is_followed(chdb_store):
    """In memory, or on another backend, the rebuild follows the log."""
    centre = make_centre(clock=lambda: NOW)
    assert replayable(centre, chdb_store) is None
