"""The read-model backends fail one statement at a time: a failed query never poisons the next one,
and "the read models cannot answer" is one exception (ReadModelUnavailable, HTTP 503) for chDB and
for the ClickHouse server, while a refused row stays the backend's own error (the projector sets
its event aside)."""

from __future__ import annotations

from datetime import date

import pytest

from projections.backends import ReadModelUnavailable, ServerClickHouse
from tests.utils.processes import free_port

# Fails while it runs, after it has begun to write its output: chDB 4.4 used to hand that output
# to the session's next statement, so the next query (of any user) failed too.
FAILS_WHILE_RUNNING = "SELECT throwIf(number = 3) AS x FROM numbers(10)"


@pytest.fixture(params=["chdb", "clickhouse_server"])
def store(request):
    return request.getfixturevalue("chdb_store" if request.param == "chdb" else "clickhouse_server")


@pytest.mark.parametrize("failing", [FAILS_WHILE_RUNNING, "SELECT * FROM no_such_table", "SELEC 1"])
def test_a_failed_query_is_unavailable_and_the_next_query_answers(store, failing):
    for _ in range(3):
        with pytest.raises(ReadModelUnavailable):
            store.query(failing)
        assert store.query("SELECT currentDatabase() AS db, 2 AS two") == [{"db": store.database, "two": 2}]


def test_a_refused_row_is_the_backends_own_error_and_the_next_statement_works(store):
    store.execute("DROP TABLE IF EXISTS refused_rows")
    store.execute("CREATE TABLE refused_rows (day Date) ENGINE = MergeTree ORDER BY day")
    with pytest.raises(Exception) as refused:
        store.insert("refused_rows", [{"day": "not a date"}])
    assert not isinstance(refused.value, ReadModelUnavailable)
    store.insert("refused_rows", [{"day": date(2026, 1, 5)}])
    assert store.query("SELECT count() AS rows FROM refused_rows") == [{"rows": 1}]
    store.execute("DROP TABLE refused_rows")


def test_a_server_that_cannot_be_reached_is_unavailable():
    with pytest.raises(ReadModelUnavailable):
        ServerClickHouse(f"clickhouse://127.0.0.1:{free_port()}/sunlight")
