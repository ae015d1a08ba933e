"""Test configuration. Integration and end-to-end tests use the real servers that `make services`
starts on loopback; a server that cannot be reached fails the test loudly, it never skips."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

POSTGRES_URL = os.environ.get("SUNLIGHT_TEST_DATABASE_URL", "postgresql://sunlight:sunlight@127.0.0.1:5432/sunlight")
KAFKA_BOOTSTRAP = os.environ.get("SUNLIGHT_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
CLICKHOUSE_URL = os.environ.get("SUNLIGHT_TEST_CLICKHOUSE_URL", "clickhouse://127.0.0.1:9000/sunlight")


def require_server(name: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        pytest.fail(f"{name} is not reachable at {host}:{port} ({error}); start it with `make services`",
                    pytrace=False)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def chdb_store(tmp_path_factory):
    """One chDB session per test process (a chDB folder belongs to one process)."""
    from projections.backends import ChdbClickHouse

    store = ChdbClickHouse(tmp_path_factory.mktemp("chdb"), database="sunlight_test")
    yield store
    store.close()


@pytest.fixture
def clickhouse_server():
    """A fresh database on the real ClickHouse server, dropped afterwards."""
    from projections.backends import ServerClickHouse

    require_server("ClickHouse", "127.0.0.1", 9000)
    base = CLICKHOUSE_URL.rsplit("/", 1)[0]
    store = ServerClickHouse(f"{base}/{unique('sunlight_test')}")
    yield store
    store.execute(f"DROP DATABASE IF EXISTS {store.database}")
    store.close()


@pytest.fixture
def postgres_database():
    """A fresh PostgreSQL database (its DSN), dropped afterwards."""
    import psycopg

    require_server("PostgreSQL", "127.0.0.1", 5432)
    name = unique("sunlight_test")
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def kafka_topic():
    require_server("Kafka", "127.0.0.1", 9092)
    return unique("sunlight.test").replace("_", ".")


@pytest.fixture(params=["chdb", "clickhouse_server"])
def read_models(request):
    """Empty read models, on chDB and on the ClickHouse server in turn."""
    from projections.schema import TABLES

    store = request.getfixturevalue("chdb_store" if request.param == "chdb" else "clickhouse_server")
    for table in TABLES:
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return store
