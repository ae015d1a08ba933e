"""Envelopes in, read-model rows out. Stateless and idempotent: a row's key is the event's
identity, so an event delivered twice replaces itself instead of counting twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import beijing, local_date
from projections.backends import ClickHouse, quote
from projections.schema import EVENT_TABLES, TABLES
from streams.envelope import Envelope

STATE_AFTER = {
    "CaseSubmitted": "submitted",
    "CaseAccepted": "accepted",
    "CaseRefused": "refused",
    "CaseSuspended": "suspended",
    "CaseResumed": "accepted",
    "CaseConcluded": "concluded",
}
CATALOGUE_STREAMS = ("department", "hall", "window", "staff", "item")
CALENDAR_RANGE = (date(2004, 1, 1), date(2040, 12, 31))


def case_event_row(envelope: Envelope) -> dict[str, Any]:
    payload, occurred_at = envelope.payload, datetime.fromisoformat(envelope.occurred_at)
    return {
        "case_id": envelope.aggregate_id,
        "version": envelope.version,
        "position": envelope.position,
        "event_type": envelope.type,
        "state_after": STATE_AFTER[envelope.type],
        "occurred_us": microseconds(occurred_at),
        "occurred_on": local_date(occurred_at),
        "recorded_us": microseconds(datetime.fromisoformat(envelope.recorded_at)),
        "item_code": payload.get("item", ""),
        "item_name": payload.get("item_name", ""),
        "item_kind": payload.get("kind", ""),
        "department_code": payload.get("department", ""),
        "channel": payload.get("channel", ""),
        "window_code": payload.get("window", ""),
        "hall_code": payload.get("hall", ""),
        "staff_code": payload.get("staff", ""),
        "staff_name": payload.get("staff_name", ""),
        "promised_days": payload.get("promised_days", 0),
        "legal_days": payload.get("legal_days", 0),
        "reason": payload.get("reason", ""),
        "outcome": payload.get("outcome", ""),
        "actor_user": envelope.actor.get("user", ""),
        "actor_role": envelope.actor.get("role", ""),
        "hash": envelope.hash,
        "previous_hash": envelope.previous_hash,
    }


def catalogue_row(envelope: Envelope) -> dict[str, Any]:
    payload = envelope.payload
    return {
        "entry_kind": envelope.stream,
        "code": payload["code"],
        "name": payload.get("name", ""),
        "level": payload.get("level", ""),
        "hall_code": payload.get("hall", ""),
        "department_code": payload.get("department", ""),
        "window_code": payload.get("window", ""),
        "role": payload.get("role", ""),
        "item_kind": payload.get("kind", "") if envelope.stream == "item" else "",
        "legal_days": payload.get("legal_days", 0),
        "promised_days": payload.get("promised_days", 0),
        "version": envelope.version,
        "position": envelope.position,
    }


def rows_by_table(envelopes: Iterable[Envelope]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {table: [] for table in EVENT_TABLES}
    for envelope in envelopes:
        if envelope.stream == "case":
            tables["case_events"].append(case_event_row(envelope))
        elif envelope.stream in CATALOGUE_STREAMS:
            tables["catalogue"].append(catalogue_row(envelope))
    return tables


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def microseconds(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive moment is Beijing time, as everywhere."""
    return (beijing(moment) - EPOCH) // timedelta(microseconds=1)


class Projector:
    """Writes envelopes into the read models and remembers the furthest position written."""

    def __init__(self, clickhouse: ClickHouse, calendar: WorkingCalendar, name: str = "read_models") -> None:
        self.clickhouse, self.calendar, self.name = clickhouse, calendar, name

    def create_tables(self) -> None:
        for ddl in TABLES.values():
            self.clickhouse.execute(ddl)
        self.load_calendar()

    def drop_tables(self) -> None:
        for table in TABLES:
            self.clickhouse.execute(f"DROP TABLE IF EXISTS {table}")

    def load_calendar(self) -> None:
        """(Re)fill the calendar dimension when the calendar it was filled with has changed."""
        found = self.clickhouse.query("SELECT any(calendar_version) AS version, count() AS days FROM calendar_days")
        if found and found[0]["version"] == self.calendar.version and found[0]["days"] > 0:
            return
        self.clickhouse.execute("TRUNCATE TABLE calendar_days")
        rows = [{"day": day, "is_workday": int(is_workday), "calendar_version": self.calendar.version}
                for day, is_workday in self.calendar.calendar_days(*CALENDAR_RANGE)]
        self.clickhouse.insert("calendar_days", rows)

    def project(self, envelopes: list[Envelope]) -> None:
        if not envelopes:
            return
        for table, rows in rows_by_table(envelopes).items():
            self.clickhouse.insert(table, rows)
        last = max(envelope.position for envelope in envelopes)
        self.clickhouse.insert("projection_positions", [{"projector": self.name, "position": last}])

    def position(self) -> int:
        rows = self.clickhouse.query(
            f"SELECT max(position) AS position FROM projection_positions WHERE projector = {quote(self.name)}"
        )
        return rows[0]["position"] if rows and rows[0]["position"] is not None else 0
