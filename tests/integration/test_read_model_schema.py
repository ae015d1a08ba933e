"""Read models built with older table definitions are replayed into the new ones (embedded), or the
server deployment says to rebuild them — never a projector inserting into tables that lack columns."""

from __future__ import annotations

import pytest

from domain.calendar import WorkingCalendar
from projections.projector import Projector, SchemaChanged
from projections.schema import SCHEMA_FINGERPRINT

OLD_CASE_EVENTS = "CREATE TABLE case_events (case_id String, version UInt32) ENGINE = MergeTree ORDER BY case_id"


@pytest.fixture
def store(read_models):
    return read_models


def columns(store) -> set[str]:
    return {row["name"] for row in store.query(
        "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'case_events'")}


def test_fresh_read_models_record_the_definitions_they_were_built_with(store):
    projector = Projector(store, WorkingCalendar())
    assert projector.built_with() is None
    projector.create_tables()
    assert projector.built_with() == SCHEMA_FINGERPRINT
    projector.create_tables()  # again: nothing to do
    assert store.query("SELECT count() AS rows FROM read_model_schema") == [{"rows": 1}]


def test_older_tables_are_dropped_and_rebuilt_when_asked(store):
    store.execute(OLD_CASE_EVENTS)
    store.insert("case_events", [{"case_id": "old", "version": 1}])
    projector = Projector(store, WorkingCalendar())
    assert projector.built_with() == ""
    projector.create_tables(rebuild_if_changed=True)
    assert {"occurred_ord", "occurred_ord_before", "counts"} <= columns(store)
    assert store.query("SELECT count() AS rows FROM case_events") == [{"rows": 0}]
    assert projector.built_with() == SCHEMA_FINGERPRINT and projector.position() == 0


def test_a_server_projector_refuses_older_tables_and_says_what_to_do(store):
    store.execute(OLD_CASE_EVENTS)
    with pytest.raises(SchemaChanged, match="sunlight rebuild"):
        Projector(store, WorkingCalendar()).create_tables(rebuild_if_changed=False)
    assert "occurred_ord" not in columns(store)  # nothing was dropped
