"""Envelopes in, read-model rows out. Stateless and idempotent: a row's key is the event's
identity, so an event delivered twice replaces itself instead of counting twice.

One bad event never stalls the read models: an event whose rows cannot be built, do not fit their
columns, or are refused by ClickHouse is set aside as a dead letter (a row in `dead_letters`, one
log line; never its payload, which may hold personal data) and the batch goes on without it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from domain.calendar import WorkingCalendar
from domain.clock import TimeBounds, beijing, local_date
from projections.backends import ClickHouse, ReadModelUnavailable, quote
from projections.case_state import CaseStates
from projections.schema import SCHEMA_FINGERPRINT, COLUMNS, EVENT_TABLES, TABLES
from streams.envelope import Envelope

log = logging.getLogger("sunlight.projector")

# The state a case is in after each event; "" for the events that leave the state as it was.
STATE_AFTER = {
    "CaseSubmitted": "submitted",
    "CaseAccepted": "accepted",
    "CaseRefused": "refused",
    "CaseSuspended": "suspended",
    "CaseResumed": "accepted",
    "CaseConcluded": "concluded",
    "CaseDelivered": "delivered",
    "CaseWithdrawn": "withdrawn",
    "CaseMaterialsReceived": "",
    "CaseExtended": "",
    "CaseTransferred": "",
}
CATALOGUE_STREAMS = ("department", "hall", "window", "staff", "item")
# The first and last days a ClickHouse Date holds (it is a day number, UInt16).
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2149, 6, 6)

def calendar_range(bounds: TimeBounds) -> tuple[date, date]:
    """The days of the calendar dimension: exactly the range the domain accepts, from the earliest
    business date to the latest `as_of`, so the read models and the domain's reference clock agree on
    every question that can be asked (the SQL clock asks only about event days and as_of; deadlines
    are found by the domain's own nth_counted_day)."""
    return bounds.earliest, bounds.latest_as_of


class WorkdayOrdinals:
    """The working-day ordinal of every day of the calendar dimension: the working days from its first
    day up to and including that day. Counted working days between two dates are then a subtraction:
    d with a < d <= b number ordinal(b) - ordinal(a); d < a number ordinal(a) - is_workday(a)."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.days: list[tuple[date, bool, int]] = []
        self._of: dict[date, tuple[int, int]] = {}
        counted = 0
        for day, is_workday in calendar.calendar_days(first, last):
            counted += is_workday
            self.days.append((day, is_workday, counted))
            self._of[day] = (counted, counted - is_workday)

    def of(self, day: date) -> tuple[int, int]:
        """(working days up to day, working days before day); KeyError outside the dimension."""
        return self._of[day]

    _made: dict[tuple[str, date, date], WorkdayOrdinals] = {}

    @classmethod
    def of_calendar(cls, calendar: WorkingCalendar, first: date, last: date) -> WorkdayOrdinals:
        """The ordinals of a calendar's version over a range, made once per process (a century of
        days takes the calendar half a second)."""
        key = (calendar.version, first, last)
        if key not in cls._made:
            cls._made[key] = cls(calendar, first, last)
        return cls._made[key]


def case_event_row(envelope: Envelope, ordinals: WorkdayOrdinals) -> dict[str, Any]:
    payload, occurred_at = envelope.payload, datetime.fromisoformat(envelope.occurred_at)
    occurred_ord, occurred_ord_before = ordinals.of(local_date(occurred_at))
    return {
        "case_id": envelope.aggregate_id,
        "version": envelope.version,
        "position": envelope.position,
        "event_type": envelope.type,
        "state_after": STATE_AFTER[envelope.type],
        "occurred_us": microseconds(occurred_at),
        "occurred_on": local_date(occurred_at),
        "occurred_ord": occurred_ord,
        "occurred_ord_before": occurred_ord_before,
        "recorded_us": microseconds(datetime.fromisoformat(envelope.recorded_at)),
        "item_code": payload.get("item", ""),
        "item_name": payload.get("item_name", ""),
        "item_kind": payload.get("kind", ""),
        # the department the event names: the item's (submitted), the accepting staff member's
        # (accepted), the receiving staff member's (transferred)
        "department_code": payload.get("department", payload.get("staff_department", "")),
        "channel": payload.get("channel", ""),
        "window_code": payload.get("window", ""),
        "hall_code": payload.get("hall", ""),
        "staff_code": payload.get("staff", ""),
        "staff_name": payload.get("staff_name", ""),
        "promised_days": payload.get("promised_days", 0),
        "legal_days": payload.get("legal_days", 0),
        "reason": payload.get("reason", ""),
        "counts": int(payload.get("counts", False)),
        "extended_days": payload.get("days", 0) if envelope.type == "CaseExtended" else 0,
        "missing_materials": len(payload.get("missing_materials", [])),
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


def stream_head_row(envelope: Envelope) -> dict[str, Any]:
    """Every event moves its stream's head; the table keeps the highest version (tamper evidence)."""
    return {"stream": envelope.stream, "aggregate_id": envelope.aggregate_id, "version": envelope.version,
            "hash": envelope.hash, "position": envelope.position}


def rows_of(envelope: Envelope, ordinals: WorkdayOrdinals) -> dict[str, dict[str, Any]]:
    """The read-model rows of one event, by table, each checked against its table."""
    rows = {"stream_heads": stream_head_row(envelope)}
    if envelope.stream == "case":
        rows["case_events"] = case_event_row(envelope, ordinals)
    elif envelope.stream in CATALOGUE_STREAMS:
        rows["catalogue"] = catalogue_row(envelope)
    return {table: checked(table, row) for table, row in rows.items()}


class SchemaChanged(RuntimeError):
    """Raised when the read models were built with other table definitions and must be rebuilt."""


class InvalidRow(ValueError):
    """A row its table would refuse or silently alter; the message names the column, never the value."""


INTEGER_RANGES = {"UInt8": (0, 2**8 - 1), "UInt16": (0, 2**16 - 1), "UInt32": (0, 2**32 - 1), "UInt64": (0, 2**64 - 1),
                  "Int32": (-2**31, 2**31 - 1), "Int64": (-2**63, 2**63 - 1)}


def checked(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row, if every value fits its column. Checked here because the backends disagree on a
    value that does not fit: chDB clamps or converts some silently (year 1 becomes 1970-01-01, an
    object becomes its JSON text), the server refuses them."""
    if row.keys() != COLUMNS[table].keys():
        raise InvalidRow(f"{table}: the row's columns are not the table's")
    for column, column_type, fits_column in CHECKS[table]:
        if not fits_column(row[column]):
            raise InvalidRow(f"{table}.{column} is not a valid {column_type}")
    return row


def fits(value: Any, column_type: str) -> bool:
    return check_for(column_type)(value)


def check_for(column_type: str) -> Callable[[Any], bool]:
    """Whether a value fits a column of this type; made once per column, asked once per value."""
    if column_type.startswith("Array("):
        element = check_for(column_type.removeprefix("Array(").removesuffix(")"))
        return lambda value: type(value) is list and all(element(item) for item in value)
    if column_type == "String":
        return lambda value: type(value) is str and (value.isascii() or _is_utf8(value))
    if column_type == "Date":
        return lambda value: type(value) is date and FIRST_DATE <= value <= LAST_DATE
    low, high = INTEGER_RANGES[column_type]
    return lambda value: type(value) is int and low <= value <= high  # type(True) is bool: no boolean passes


CHECKS = {table: [(column, column_type, check_for(column_type)) for column, column_type in columns.items()]
          for table, columns in COLUMNS.items()}


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")  # a lone surrogate ("\ud800") does not encode
    except UnicodeEncodeError:
        return False
    return True


class Rejected(NamedTuple):
    """An envelope the read models could not take, and why (see `describe`)."""

    envelope: Envelope
    error: str


def describe(error: BaseException) -> str:
    """An error as a dead letter records it: its type, and a message only where we wrote it
    (other messages may quote the event's values)."""
    return f"InvalidRow: {error}" if isinstance(error, InvalidRow) else type(error).__name__


def dead_letter_row(*, position: Any, stream: Any, aggregate_id: Any, version: Any, event_type: Any,
                    error: str) -> dict[str, Any]:
    """Where a set-aside event is and why. Any field may be what was wrong with the event, so a
    value that does not fit its column is recorded as 0 or "?" (the position still finds it)."""
    return {
        "position": position if fits(position, "UInt64") else 0,
        "stream": stream if fits(stream, "String") else "?",
        "aggregate_id": aggregate_id if fits(aggregate_id, "String") else "?",
        "version": version if fits(version, "UInt32") else 0,
        "event_type": event_type if fits(event_type, "String") else "?",
        "error": error,
        "recorded_us": time.time_ns() // 1000,
    }


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive moment is Beijing time, as everywhere."""
    return (beijing(moment) - EPOCH) // timedelta(microseconds=1)


class Projector:
    """Writes envelopes into the read models and remembers the furthest position written."""

    def __init__(self, clickhouse: ClickHouse, calendar: WorkingCalendar, bounds: TimeBounds | None = None,
                 name: str = "read_models") -> None:
        self.clickhouse, self.calendar, self.name = clickhouse, calendar, name
        self.bounds = bounds or TimeBounds()
        self.ordinals = WorkdayOrdinals.of_calendar(calendar, *calendar_range(self.bounds))
        self.case_states = CaseStates(clickhouse)

    def create_tables(self, rebuild_if_changed: bool = False) -> None:
        """Create what is missing. Read models built with other table definitions are dropped, to be
        replayed from the log, when `rebuild_if_changed` (embedded: the follower replays them at once);
        otherwise (server: Kafka offsets cannot rewind) SchemaChanged says to run `sunlight rebuild`."""
        built_with = self.built_with()
        if built_with not in (None, SCHEMA_FINGERPRINT):
            if not rebuild_if_changed:
                raise SchemaChanged("the read models were built with other table definitions; "
                                    "run `sunlight rebuild --mode server` (with the projector stopped)")
            log.warning("the read-model tables changed: dropping them to replay the log into the new ones")
            self.drop_tables()
        for ddl in TABLES.values():
            self.clickhouse.execute(ddl)
        if built_with != SCHEMA_FINGERPRINT:
            self.clickhouse.execute("TRUNCATE TABLE read_model_schema")
            self.clickhouse.insert("read_model_schema", [{"fingerprint": SCHEMA_FINGERPRINT}])
        self.load_calendar()

    def built_with(self) -> str | None:
        """The fingerprint of the definitions the read models were built with; None if there are none
        yet, "" if they predate fingerprints."""
        tables = {row["name"] for row in self.clickhouse.query(
            "SELECT name FROM system.tables WHERE database = currentDatabase()")}
        if "read_model_schema" in tables:
            rows = self.clickhouse.query("SELECT any(fingerprint) AS fingerprint FROM read_model_schema")
            return rows[0]["fingerprint"] if rows and rows[0]["fingerprint"] else ""
        return "" if tables & set(TABLES) else None

    def drop_tables(self) -> None:
        self.case_states.forget()
        for table in TABLES:
            self.clickhouse.execute(f"DROP TABLE IF EXISTS {table}")

    def load_calendar(self) -> None:
        """(Re)fill the calendar dimension when the calendar or the range it was filled with has changed."""
        first, last = calendar_range(self.bounds)
        wanted = {"version": self.calendar.version, "first": first, "last": last, "days": (last - first).days + 1,
                  "workdays": self.ordinals.days[-1][2]}
        found = self.clickhouse.query("SELECT any(calendar_version) AS version, min(day) AS first, "
                                      "max(day) AS last, count() AS days, max(ordinal) AS workdays FROM calendar_days")
        if found == [wanted]:
            return
        self.clickhouse.execute("TRUNCATE TABLE calendar_days")
        rows = [{"day": day, "is_workday": int(is_workday), "ordinal": ordinal,
                 "calendar_version": self.calendar.version} for day, is_workday, ordinal in self.ordinals.days]
        self.clickhouse.insert("calendar_days", rows)

    def project(self, envelopes: Sequence[Envelope], unreadable: Iterable[Any] = ()) -> list[Rejected]:
        """Write a batch of events; returns the envelopes set aside as dead letters.

        `unreadable` are stored events that could not even become envelopes (each with position,
        stream, aggregate_id, version, event_type and error, as `streams.follower.Unreadable`): they
        go to the dead letters too. Raises ReadModelUnavailable with nothing set aside, so the
        caller can retry the batch."""
        built, rejected = [], []
        for envelope in envelopes:
            try:
                built.append((envelope, rows_of(envelope, self.ordinals)))
            except Exception as error:  # whatever goes wrong with one event's rows is its own
                rejected.append(Rejected(envelope, describe(error)))
        rejected += self._insert(built)
        self._fold_cases(built, rejected)
        letters = [dead_letter_row(position=item.position, stream=item.stream, aggregate_id=item.aggregate_id,
                                   version=item.version, event_type=item.event_type, error=item.error)
                   for item in unreadable]
        letters += [dead_letter_row(position=envelope.position, stream=envelope.stream,
                                    aggregate_id=envelope.aggregate_id, version=envelope.version,
                                    event_type=envelope.type, error=error) for envelope, error in rejected]
        self.clickhouse.insert("dead_letters", letters)
        for letter in letters:
            log.error("dead letter: the event at position %(position)d (%(stream)s %(aggregate_id)s version "
                      "%(version)d, %(event_type)s) is not in the read models: %(error)s", letter)
        positions = [envelope.position for envelope in envelopes] + [letter["position"] for letter in letters]
        self._advance(max((position for position in positions if fits(position, "UInt64")), default=0))
        return rejected

    def _insert(self, built: list[tuple[Envelope, dict[str, dict[str, Any]]]]) -> list[Rejected]:
        """Insert the rows of these events. If ClickHouse refuses them, halve the batch until the
        refused events are found; a row written twice replaces itself, so the halves may overlap
        what was already taken."""
        try:
            for table in EVENT_TABLES:
                self.clickhouse.insert(table, [rows[table] for _, rows in built if table in rows])
            return []
        except ReadModelUnavailable:
            raise
        except Exception as error:  # ClickHouse refused a row: find its event
            if len(built) == 1:
                return [Rejected(built[0][0], describe(error))]
            middle = len(built) // 2
            return self._insert(built[:middle]) + self._insert(built[middle:])

    def _fold_cases(self, built: list[tuple[Envelope, dict[str, dict[str, Any]]]], rejected: list[Rejected]) -> None:
        """Fold the case events just written onto their cases' rows in case_state. The rows are made
        of values already checked against case_events, so ClickHouse takes them."""
        refused = {id(item.envelope) for item in rejected}
        events = [rows["case_events"] for envelope, rows in built
                  if "case_events" in rows and id(envelope) not in refused]
        if not events:
            return
        states = self.case_states.fold(events)
        self.clickhouse.insert("case_state", list(states.values()))
        self.case_states.keep(states)

    def _advance(self, position: int) -> None:
        if position > 0:
            self.clickhouse.insert("projection_positions", [{"projector": self.name, "position": position}])

    def position(self) -> int:
        rows = self.clickhouse.query(
            f"SELECT max(position) AS position FROM projection_positions WHERE projector = {quote(self.name)}"
        )
        return rows[0]["position"] if rows and rows[0]["position"] is not None else 0
