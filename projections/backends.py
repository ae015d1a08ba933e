"""Where the read models live: chDB inside the API process, or a ClickHouse server.
Both take the same SQL; rows go in as dicts and come out as dicts with Python types."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import orjson


class ClickHouse(Protocol):
    """A ClickHouse database: DDL and commands, batched inserts, and queries."""

    database: str

    def execute(self, sql: str) -> None: ...

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None: ...

    def query(self, sql: str) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


class ChdbClickHouse:
    """chDB: one data folder, owned by one process; a lock serialises its session."""

    def __init__(self, path: Path, database: str = "sunlight") -> None:
        from chdb import session

        path.mkdir(parents=True, exist_ok=True)
        self.database = database
        self._session = session.Session(str(path))
        self._lock = threading.Lock()
        self._session.query(f"CREATE DATABASE IF NOT EXISTS {database}")
        self._session.query(f"USE {database}")

    def execute(self, sql: str) -> None:
        with self._lock:
            self._session.query(sql)

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        lines = b"\n".join(orjson.dumps(row) for row in rows).decode()
        with self._lock:
            self._session.query(f"INSERT INTO {table} FORMAT JSONEachRow\n{lines}")

    def query(self, sql: str) -> list[dict[str, Any]]:
        with self._lock:
            result = orjson.loads(self._session.query(sql, "JSONCompact").bytes())
        names = [column["name"] for column in result["meta"]]
        converters = [_converter(column["type"]) for column in result["meta"]]
        return [
            {name: convert(value) for name, convert, value in zip(names, converters, row)}
            for row in result["data"]
        ]

    def close(self) -> None:
        with self._lock:
            self._session.close()


class ServerClickHouse:
    """A ClickHouse server over the native protocol, e.g. clickhouse://127.0.0.1:9000/sunlight."""

    def __init__(self, url: str) -> None:
        from clickhouse_driver import Client

        parts = urlparse(url)
        self.database = parts.path.strip("/") or "default"
        connection = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 9000,
                      "user": parts.username or "default", "password": parts.password or ""}
        Client(**connection).execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
        self._client = Client(database=self.database, **connection)
        self._lock = threading.Lock()

    def execute(self, sql: str) -> None:
        with self._lock:
            self._client.execute(sql)

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = ", ".join(rows[0])
        with self._lock:
            self._client.execute(f"INSERT INTO {table} ({columns}) VALUES", rows)

    def query(self, sql: str) -> list[dict[str, Any]]:
        with self._lock:
            rows, columns = self._client.execute(sql, with_column_types=True)
        names = [name for name, _ in columns]
        return [dict(zip(names, row)) for row in rows]

    def close(self) -> None:
        self._client.disconnect()


def _converter(clickhouse_type: str):
    inner = clickhouse_type.removeprefix("Nullable(").removesuffix(")")
    if inner == "Date":
        return lambda value: None if value is None else date.fromisoformat(value)
    if inner.startswith(("Int", "UInt")):
        return lambda value: None if value is None else int(value)
    return lambda value: value


def quote(value: str) -> str:
    """A ClickHouse string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
