"""The embedded rebuild's bulk replay, wired: chDB reads the SQLite store itself and builds the case
tables in SQL (projections.replay); every event it does not take goes the projector's own way, read
off the store (streams) as the follower reads it. tests/integration/test_replay.py holds the result to
the projector's, table by table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.sqlite import SQLiteConnectionPool

from projections.backends import ChdbClickHouse, ClickHouse
from projections.projector import Projector
from projections.replay import (POSITIONS, POSITIONS_DDL, between, case_events_sql, case_state_sql, id_ranges,
                                load_positions)
from projections.rows import STATE_AFTER
from streams.follower import log_batch
from streams.stored import StoredEnvelopes, event_names


def case_topics() -> dict[str, str]:
    """Stored topic -> envelope type of the case events read the direct way (not upcast)."""
    topics = {}
    for event_type in STATE_AFTER:
        topic = f"domain.case:Case.{event_type.removeprefix('Case')}"
        if event_names(topic) == (event_type, "case"):
            topics[topic] = event_type
    return topics


def replayable(centre: Any, clickhouse: ClickHouse) -> Path | None:
    """The SQLite file chDB can replay in bulk, or None where only the projector's path applies
    (another store or backend, a store in memory, ciphered or compressed state)."""
    pool = getattr(getattr(centre.recorder, "datastore", None), "pool", None)
    if (not isinstance(clickhouse, ChdbClickHouse) or not isinstance(pool, SQLiteConnectionPool)
            or pool.is_sqlite_memory_mode or centre.recorder.events_table_name != "stored_events"
            or not StoredEnvelopes(centre.mapper).direct):
        return None
    return Path(pool.db_name)


def replay(centre: Any, projector: Projector, store: Path, report: Callable[[int], Any] = lambda _: None,
           batch_size: int = 20_000) -> int:
    """Replay the whole store into empty read models; returns how many events were read."""
    clickhouse = projector.clickhouse
    clickhouse.execute(f"DROP TABLE IF EXISTS {POSITIONS}")
    clickhouse.execute(POSITIONS_DDL)
    try:
        last = load_positions(store, clickhouse)
        ranges, topics = id_ranges(last), case_topics()
        in_sql = 0
        for low, high in ranges:
            clickhouse.execute(case_events_sql(store, topics, low, high))
            report(added := clickhouse.query(f"SELECT count() AS events FROM case_events WHERE {between(low, high)}")
                   [0]["events"])
            in_sql += added
        clickhouse.execute("INSERT INTO stream_heads SELECT 'case', case_id, version, hash, position FROM case_events")
        by_projector = project_the_rest(centre, projector, report, batch_size)
        for low, high in ranges:
            clickhouse.execute(case_state_sql(low, high))
        projector.advance(last)
        return in_sql + by_projector
    finally:
        clickhouse.execute(f"DROP TABLE IF EXISTS {POSITIONS}")


def project_the_rest(centre: Any, projector: Projector, report: Callable[[int], Any], batch_size: int) -> int:
    """Project the events case_events did not take in SQL, in log order, the projector's own way (but
    for the case fold, done in SQL once they are all in)."""
    rest = [row["position"] for row in projector.clickhouse.query(
        f"SELECT position FROM {POSITIONS} WHERE position NOT IN (SELECT position FROM case_events) "
        "ORDER BY position")]
    for start in range(0, len(rest), batch_size):
        batch = log_batch(centre, 0, stored_events(centre, rest[start:start + batch_size]))
        projector.project(batch.envelopes, batch.unreadable, fold_cases=False)
        report(batch.size)
    return len(rest)


def stored_events(centre: Any, positions: list[int], chunk: int = 500) -> list[Notification]:
    """The stored events at these positions, as the recorder's select_notifications gives them."""
    recorder, notifications = centre.recorder, []
    with recorder.datastore.transaction(commit=False) as cursor:
        for start in range(0, len(positions), chunk):
            some = positions[start:start + chunk]
            cursor.execute(f"SELECT rowid, * FROM stored_events WHERE rowid IN ({', '.join('?' * len(some))}) "
                           "ORDER BY rowid", some)
            notifications += [Notification(id=row["rowid"], originator_id=originator_id(recorder, row["originator_id"]),
                                           originator_version=row["originator_version"], topic=row["topic"],
                                           state=row["state"]) for row in cursor.fetchall()]
    return notifications


def originator_id(recorder: Any, stored: Any) -> Any:
    """The aggregate's id as the recorder reads it; as stored if it cannot (the envelope then fails)."""
    try:
        return recorder.convert_originator_id(stored)
    except Exception:  # an id that is not a UUID: the event is set aside as unreadable
        return stored
