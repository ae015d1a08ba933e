"""Where the read models live: chDB inside the API process, or a ClickHouse server.
Both take the same SQL; rows go in as dicts and come out as dicts with Python types.

Both raise ReadModelUnavailable when the read models cannot answer: any failed query, and a
write refused for a reason that says nothing about the rows (no connection, no memory, no space).
A write refused because of its rows raises the backend's own error, so that the projector can
find the offending event and set it aside."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import orjson


class ReadModelUnavailable(Exception):
    """The read models could not answer or take a write right now (the API answers 503).

    The message names the backend's error type only: a backend's message may quote SQL or rows."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"the read models are unavailable ({type(error).__name__})")


# ClickHouse error codes that are about the server's state, not the statement or its rows.
UNAVAILABLE_CODES = {
    60,   # UNKNOWN_TABLE: the read models are not (yet) there
    81,   # UNKNOWN_DATABASE
    159,  # TIMEOUT_EXCEEDED
    173,  # CANNOT_ALLOCATE_MEMORY
    202,  # TOO_MANY_SIMULTANEOUS_QUERIES
    209,  # SOCKET_TIMEOUT
    210,  # NETWORK_ERROR
    241,  # MEMORY_LIMIT_EXCEEDED
    243,  # NOT_ENOUGH_SPACE
    252,  # TOO_MANY_PARTS
}


def error_code(error: BaseException) -> int | None:
    """The ClickHouse error code of a chDB or server error ("Code: 241. DB::Exception: …")."""
    code = getattr(error, "code", None)
    if isinstance(code, int):
        return code
    found = re.match(r"Code: (\d+)", str(error))
    return int(found.group(1)) if found else None


class ClickHouse(Protocol):
    """A ClickHouse database: DDL and commands, batched inserts, and queries."""

    database: str

    def execute(self, sql: str) -> None: ...

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None: ...

    def insert_columns(self, table: str, columns: dict[str, list[Any]]) -> None: ...

    def query(self, sql: str) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


class ChdbClickHouse:
    """chDB: one data folder, owned by one process; a lock serialises its session.

    chDB 4.4 keeps the output a statement wrote before it failed and hands it to the session's
    next statement (the next query then reads two results glued together and fails too, whoever
    sent it). So after any error the session is replaced by a fresh one on the same folder."""

    def __init__(self, path: Path, database: str = "sunlight") -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path, self.database = path, database
        self._lock = threading.Lock()
        self._session = self._open_session()
        self._run(f"CREATE DATABASE IF NOT EXISTS {database}")
        self._run(f"USE {database}")

    def execute(self, sql: str) -> None:
        self._write(sql)

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows (dicts with the same keys) go in as columns: one JSON object of arrays, which ClickHouse
        parses several times faster than a JSON object per row."""
        if rows:
            self.insert_columns(table, as_columns(rows))

    def insert_columns(self, table: str, columns: dict[str, list[Any]]) -> None:
        self._write(f"INSERT INTO {table} FORMAT JSONColumns\n{orjson.dumps(columns).decode()}")

    def query(self, sql: str) -> list[dict[str, Any]]:
        try:
            output = self._run(sql, "JSONCompact")
        except Exception as error:
            raise ReadModelUnavailable(error) from error
        with _collector_paused():
            result = orjson.loads(output)
            names = [column["name"] for column in result["meta"]]
            rows = result["data"]
            for index, column in enumerate(result["meta"]):
                convert = _converter(column["type"])
                if convert is not _as_is:
                    for row in rows:
                        row[index] = convert(row[index])
            return [dict(zip(names, row)) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._session.close()

    def _write(self, sql: str) -> None:
        try:
            self._run(sql)
        except Exception as error:
            if error_code(error) in UNAVAILABLE_CODES:
                raise ReadModelUnavailable(error) from error
            raise

    def _run(self, sql: str, output_format: str = "CSV") -> bytes:
        """Run one statement; after a failure, start a clean session before raising."""
        with self._lock:
            try:
                return self._session.query(sql, output_format).bytes()
            except Exception:
                self._session.close()
                self._session = self._open_session()
                self._session.query(f"USE {self.database}")
                raise

    def _open_session(self):
        from chdb import session

        return session.Session(str(self.path))


class ServerClickHouse:
    """A ClickHouse server over the native protocol, e.g. clickhouse://127.0.0.1:9000/sunlight."""

    def __init__(self, url: str) -> None:
        from clickhouse_driver import Client

        parts = urlparse(url)
        self.database = parts.path.strip("/") or "default"
        connection = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 9000,
                      "user": parts.username or "default", "password": parts.password or ""}
        self._lock = threading.Lock()
        self._client = Client(**connection)  # without the database, which may not exist yet
        self.execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
        self._client.disconnect()
        self._client = Client(database=self.database, **connection)

    def execute(self, sql: str) -> None:
        self._write(sql)

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.insert_columns(table, as_columns(rows))

    def insert_columns(self, table: str, columns: dict[str, list[Any]]) -> None:
        self._write(f"INSERT INTO {table} ({', '.join(columns)}) VALUES", list(columns.values()), columnar=True)

    def query(self, sql: str) -> list[dict[str, Any]]:
        try:
            with self._lock:
                rows, columns = self._client.execute(sql, with_column_types=True)
        except Exception as error:
            raise ReadModelUnavailable(error) from error
        names = [name for name, _ in columns]
        return [dict(zip(names, row)) for row in rows]

    def close(self) -> None:
        self._client.disconnect()

    def _write(self, sql: str, rows: list[Any] | None = None, columnar: bool = False) -> None:
        from clickhouse_driver.errors import NetworkError, SocketTimeoutError

        try:
            with self._lock:
                self._client.execute(sql, rows, columnar=columnar)
        except (NetworkError, SocketTimeoutError, EOFError, OSError) as error:
            raise ReadModelUnavailable(error) from error
        except Exception as error:
            if error_code(error) in UNAVAILABLE_CODES:
                raise ReadModelUnavailable(error) from error
            raise


def as_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows with the same keys as one list per column, in the first row's order."""
    return {column: [row[column] for row in rows] for column in rows[0]}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while many rows are made: none of them is garbage yet,
    and its passes over them would cost as much as making them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _converter(clickhouse_type: str):
    """How a JSONCompact value of the type becomes Python's (_as_is if it already is: JSON numbers, strings)."""
    if clickhouse_type.startswith("Array("):
        element = _converter(clickhouse_type.removeprefix("Array(").removesuffix(")"))
        return _as_is if element is _as_is else lambda values: [element(value) for value in values]
    inner = clickhouse_type.removeprefix("Nullable(").removesuffix(")")
    if inner == "Date":
        return lambda value: None if value is None else date.fromisoformat(value)
    if inner in ("Int64", "UInt64", "Int128", "UInt128", "Int256", "UInt256"):  # quoted in JSON
        return lambda value: None if value is None else int(value)
    return _as_is


def _as_is(value: Any) -> Any:
    return value


def quote(value: str) -> str:
    """A ClickHouse string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def day_literal(day: date) -> str:
    """A ClickHouse Date literal."""
    return f"toDate({quote(day.isoformat())})"
