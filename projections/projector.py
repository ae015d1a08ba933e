"""Envelopes in, read-model rows out. Stateless and idempotent: a row's key is the event's
identity, so an event delivered twice replaces itself instead of counting twice.

One bad event never stalls the read models: an event whose rows cannot be built, do not fit their
columns, or are refused by ClickHouse is set aside as a dead letter (a row in `dead_letters`, one
log line; never its payload, which may hold personal data) and the batch goes on without it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from domain.calendar import WorkingCalendar
from domain.clock import TimeBounds
from projections.backends import ClickHouse, ReadModelUnavailable, as_columns, quote
from projections.case_state import CaseStates
from projections.complaint_state import ComplaintStates, complaint_event
from projections.review_state import ReviewStates, review_event
from projections.checks import InvalidRow, columns_fit, fits, misfits
from projections.ordinals import WorkdayOrdinals, calendar_range
from projections.rows import rows_of
from projections.state_rows import StateRows
from projections.schema import SCHEMA_FINGERPRINT, EVENT_TABLES, TABLES
from streams.envelope import Envelope

log = logging.getLogger("sunlight.projector")


class SchemaChanged(RuntimeError):
    """Raised when the read models were built with other table definitions and must be rebuilt."""


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


Built = list[tuple[Envelope, dict[str, dict[str, Any]]]]  # events and their rows by table


def fitting(built: Built) -> tuple[Built, list[Rejected], dict[str, dict[str, list[Any]]]]:
    """The built events whose rows all fit their tables, the others as rejected, and the rows of
    the fitting ones as columns by table. Checked a column at a time over the whole batch; only
    when a column fails are its rows searched one by one (`checks.misfits`)."""
    rows = table_rows(built)
    columns = {table: as_columns(in_table) for table, in_table in rows.items()}
    if all(columns_fit(table, rows[table], columns[table]) for table in rows):
        return built, [], columns
    wrong: dict[int, InvalidRow] = {}
    for table in rows:
        indices = [index for index, (_, by_table) in enumerate(built) if table in by_table]
        for position, error in misfits(table, rows[table]).items():
            wrong.setdefault(indices[position], error)
    fit = [item for index, item in enumerate(built) if index not in wrong]
    return fit, [Rejected(built[index][0], describe(error)) for index, error in sorted(wrong.items())], \
        table_columns(fit)


def table_rows(built: Built) -> dict[str, list[dict[str, Any]]]:
    """The events' rows by table, for the tables they have rows in."""
    rows = {table: [by_table[table] for _, by_table in built if table in by_table] for table in EVENT_TABLES}
    return {table: in_table for table, in_table in rows.items() if in_table}


def table_columns(built: Built) -> dict[str, dict[str, list[Any]]]:
    return {table: as_columns(rows) for table, rows in table_rows(built).items()}


class Projector:
    """Writes envelopes into the read models and remembers the furthest position written."""

    def __init__(self, clickhouse: ClickHouse, calendar: WorkingCalendar, bounds: TimeBounds | None = None,
                 name: str = "read_models") -> None:
        self.clickhouse, self.calendar, self.name = clickhouse, calendar, name
        self.bounds = bounds or TimeBounds()
        self.ordinals = WorkdayOrdinals.of_calendar(calendar, *calendar_range(self.bounds))
        self.case_states = CaseStates(clickhouse)
        # the state tables folded straight from their streams' envelopes: stream -> (rows, what the fold reads)
        self.folds = {"review": (ReviewStates(clickhouse), review_event),
                      "complaint": (ComplaintStates(clickhouse), complaint_event)}

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

    def built_with(self, tables: set[str] | None = None) -> str | None:
        """The fingerprint of the definitions the read models were built with; None if there are none
        yet, "" if they predate fingerprints. `tables`: the tables there are, if known."""
        tables = self.tables() if tables is None else tables
        if "read_model_schema" in tables:
            rows = self.clickhouse.query("SELECT any(fingerprint) AS fingerprint FROM read_model_schema")
            return rows[0]["fingerprint"] if rows and rows[0]["fingerprint"] else ""
        return "" if tables & set(TABLES) else None

    def tables(self) -> set[str]:
        return {row["name"] for row in self.clickhouse.query(
            "SELECT name FROM system.tables WHERE database = currentDatabase()")}

    def reset(self) -> None:
        """Empty read models, for a replay of the whole log: tables of the current definitions are emptied
        (the calendar dimension is kept, refilled only if the calendar changed), others made anew."""
        tables = self.tables()
        if not tables >= set(TABLES) or self.built_with(tables) != SCHEMA_FINGERPRINT:
            self.drop_tables()
            self.create_tables()
            return
        self.forget()
        for table in TABLES:
            if table not in ("read_model_schema", "calendar_days"):
                self.clickhouse.execute(f"TRUNCATE TABLE {table}")
        self.load_calendar()

    def forget(self) -> None:
        """Let go of the state rows held in memory."""
        self.case_states.forget()
        for states, _ in self.folds.values():
            states.forget()

    def drop_tables(self) -> None:
        self.forget()
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
        days, workdays, ordinals = zip(*self.ordinals.days)
        self.clickhouse.insert_columns("calendar_days", {
            "day": list(days), "is_workday": list(map(int, workdays)), "ordinal": list(ordinals),
            "calendar_version": [self.calendar.version] * len(days)})

    def project(self, envelopes: Sequence[Envelope], unreadable: Iterable[Any] = (),
                fold_cases: bool = True) -> list[Rejected]:
        """Write a batch of events; returns the envelopes set aside as dead letters.

        `unreadable` are stored events that could not even become envelopes (each with position,
        stream, aggregate_id, version, event_type and error, as `streams.follower.Unreadable`): they
        go to the dead letters too. Raises ReadModelUnavailable with nothing set aside, so the
        caller can retry the batch. Without `fold_cases`, case_state is left to the caller (a bulk
        replay folds it in SQL once every case event is in)."""
        built, rejected = [], []
        for envelope in envelopes:
            try:
                built.append((envelope, rows_of(envelope, self.ordinals)))
            except Exception as error:  # whatever goes wrong with one event's rows is its own
                rejected.append(Rejected(envelope, describe(error)))
        built, misfit, columns = fitting(built)
        rejected += misfit
        rejected += self._insert(built, columns)
        if fold_cases:
            self._fold_cases(built, rejected)
        for stream, (states, event_of) in self.folds.items():
            self._fold_stream(built, rejected, stream, states, event_of)
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
        self.advance(max((position for position in positions if fits(position, "UInt64")), default=0))
        return rejected

    def _insert(self, built: Built, columns: dict[str, dict[str, list[Any]]] | None = None) -> list[Rejected]:
        """Insert the rows of these events (`columns`: the same rows as columns, if at hand). If
        ClickHouse refuses them, halve the batch until the refused events are found; a row written
        twice replaces itself, so the halves may overlap what was already taken."""
        try:
            for table, table_data in (table_columns(built) if columns is None else columns).items():
                self.clickhouse.insert_columns(table, table_data)
            return []
        except ReadModelUnavailable:
            raise
        except Exception as error:  # ClickHouse refused a row: find its event
            if len(built) == 1:
                return [Rejected(built[0][0], describe(error))]
            middle = len(built) // 2
            return self._insert(built[:middle]) + self._insert(built[middle:])

    def _fold_cases(self, built: Built, rejected: list[Rejected]) -> None:
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

    def _fold_stream(self, built: Built, rejected: list[Rejected], stream: str, states: StateRows,
                     event_of: Callable[[Envelope, WorkdayOrdinals], dict[str, Any]]) -> None:
        """Fold one stream's events just written onto its state table; an event whose row cannot be made
        or would not fit is set aside as a dead letter, and its aggregate keeps the row it had."""
        refused = {id(item.envelope) for item in rejected}
        events = []
        for envelope, _ in built:
            if envelope.stream != stream or id(envelope) in refused:
                continue
            try:
                events.append(event_of(envelope, self.ordinals))
            except Exception as error:  # whatever is wrong with one event is its own
                rejected.append(Rejected(envelope, describe(error)))
        if not events:
            return
        folded = states.fold(events, refuse=lambda event, error: rejected.append(
            Rejected(event["envelope"], describe(error))))
        self.clickhouse.insert(states.table, list(folded.values()))
        states.keep(folded)

    def advance(self, position: int) -> None:
        if position > 0:
            self.clickhouse.insert("projection_positions", [{"projector": self.name, "position": position}])

    def position(self) -> int:
        rows = self.clickhouse.query(
            f"SELECT max(position) AS position FROM projection_positions WHERE projector = {quote(self.name)}"
        )
        return rows[0]["position"] if rows and rows[0]["position"] is not None else 0
