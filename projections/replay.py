"""Replaying a whole SQLite event store into chDB in bulk, the SQL of it: the rebuild's fast path
(embedded mode; api/replay.py runs it).

The projector is the definition of every row (`rows.rows_of`, the case fold of `case_state`). Case
events stored in exactly the shape Sunlight writes them are read by ClickHouse itself, straight from
the SQLite file (the `sqlite` table function), and their case_events and stream_heads rows are built
in SQL; case_state is then folded in SQL from case_events. Every other event (the other streams, and
any case event not in that exact shape: an upcast class, an odd value, a day outside the calendar)
takes the projector's own path, so whatever it would set aside as a dead letter still is.
tests/integration/test_replay.py holds both paths to the same tables on random stores."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from projections.backends import ClickHouse, quote
from projections.case_state import NEVER_US, OPEN_END, first_overdue_sql
from projections.checks import column_fits, fits
from projections.rows import STATE_AFTER
from projections.schema import COLUMNS

# Where each stored event of the log is: the log position is SQLite's rowid, which the table function
# does not show, so Python reads it with the event's identity and ClickHouse joins it back.
POSITIONS = "replay_positions"
POSITIONS_DDL = (f"CREATE TABLE IF NOT EXISTS {POSITIONS} (aggregate_id String, version UInt32, position UInt64) "
                 "ENGINE = MergeTree ORDER BY (aggregate_id, version)")

# Every row replayed is new (a stored event has one (aggregate, version)): nothing to merge on insert.
NEW_ROWS = "SETTINGS optimize_on_insert = 0"
UUID_HEX = "^[0-9a-f]{32}$"  # how the SQLite recorder stores a UUID
CASE_ID = ("concat(substring(originator_id, 1, 8), '-', substring(originator_id, 9, 4), '-', "
           "substring(originator_id, 13, 4), '-', substring(originator_id, 17, 4), '-', substring(originator_id, 21))")
SECONDS = "[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{6})?"
OCCURRED_TEXT = f"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{SECONDS}[+]08:00$"  # Beijing time, as the domain writes it
RECORDED_TEXT = f"^(19[7-9][0-9]|20[0-9]{{2}})-[0-9]{{2}}-[0-9]{{2}}T{SECONDS}[+-][0-9]{{2}}:[0-9]{{2}}$"
TEXT_FIELDS = ("item", "item_name", "kind", "department", "staff_department", "channel", "window", "hall", "staff",
               "staff_name", "reason", "outcome", "hash", "previous_hash")
DAY_FIELDS = ("promised_days", "legal_days", "days")
REQUIRED_FIELDS = ("occurred_at", "timestamp", "actor", "hash", "previous_hash")
# The JSON text each field must have to be read in SQL, as SQL string literals spell the patterns.
PLAIN = r'[^"\\\\]*'  # a string's characters without escapes
FIELD_TEXT = {
    "text": f'^"{PLAIN}"$',
    "days": "^-?[0-9]{1,9}$",  # well inside Int32
    "counts": "^(true|false)$",
    "missing_materials": rf'^\\[("{PLAIN}"(,"{PLAIN}")*)?\\]$',
    "datetime": rf'^\\{{"_type_":"datetime_iso","_data_":"{PLAIN}"\\}}$',
    "actor": rf'^\\{{"user":"{PLAIN}","role":"{PLAIN}"\\}}$',
}
DATETIME_PREFIX = len('{"_type_":"datetime_iso","_data_":"')


def in_plain_shape() -> str:
    """The SQL condition on a stored case event's fields (`fields`: [(name, JSON text)]) for it to be read
    in SQL: each value the rows use absent or of the type the projector's checks accept, in the form the
    JSON transcoder writes it. Stricter where that is simpler: what fails merely takes the projector's path."""
    def listed(fields: tuple[str, ...]) -> str:
        return ", ".join(quote(field) for field in fields)

    def pattern(kind: str) -> str:
        return f"match(field.2, '{FIELD_TEXT[kind]}')"

    each_field = (f"arrayAll(field -> multiIf("
                  f"field.1 IN ({listed(TEXT_FIELDS)}), {pattern('text')}, "
                  f"field.1 IN ({listed(DAY_FIELDS)}), {pattern('days')}, "
                  f"field.1 IN ('occurred_at', 'timestamp'), {pattern('datetime')}, "
                  f"field.1 IN ('counts', 'missing_materials', 'actor'), "
                  f"if(field.1 = 'counts', {pattern('counts')}, "
                  f"if(field.1 = 'actor', {pattern('actor')}, {pattern('missing_materials')})), "
                  "field.1 != 'class_version'), fields)")
    return " AND ".join([
        "length(keys) = length(arrayDistinct(keys))", f"hasAll(keys, [{listed(REQUIRED_FIELDS)}])", each_field])


def datetime_text(field: str) -> str:
    """A datetime's text, from its JSON text (checked to be `{"_type_":"datetime_iso","_data_":"…"}`)."""
    return (f"substring(fields[indexOf(keys, '{field}')].2, {DATETIME_PREFIX + 1}, "
            f"length(fields[indexOf(keys, '{field}')].2) - {DATETIME_PREFIX + 2})")


def case_events_sql(store: Path, topics: dict[str, str], low: str = "00", high: str = "g") -> str:
    """case_events rows, as `rows.case_event_row` makes them, for the case events in the plain shape, of
    the cases whose ids are in [low, high); `topics`: stored topic -> event type, of the case events
    whose stored JSON is read directly."""
    names = ", ".join(quote(topic) for topic in topics)
    types = ", ".join(quote(event_type) for event_type in topics.values())
    states = ", ".join(quote(STATE_AFTER[event_type]) for event_type in topics.values())

    def json(field: str) -> str:
        """The field's JSON text ('' if absent)."""
        return f"fields[indexOf(keys, '{field}')].2"

    def text(field: str) -> str:
        """A string field's value: checked to be a plain string, it is its JSON text without the quotes."""
        return f"substring({json(field)}, 2, length({json(field)}) - 2)"

    columns = {
        "case_id": CASE_ID,  # as str(UUID) writes it
        "version": "toUInt32(originator_version)",
        "position": "position",
        "event_type": f"transform(topic, [{names}], [{types}], '')",
        "state_after": f"transform(topic, [{names}], [{states}], '')",
        "occurred_us": "toUnixTimestamp64Micro(parseDateTime64BestEffort(occurred_text, 6))",
        "occurred_on": "occurred_on",
        "occurred_ord": "ordinal",
        "occurred_ord_before": "ordinal - is_workday",
        "recorded_us": "toUnixTimestamp64Micro(parseDateTime64BestEffort(recorded_text, 6))",
        "item_code": text("item"),
        "item_name": text("item_name"),
        "item_kind": text("kind"),
        "department_code": f"if(has(keys, 'department'), {text('department')}, {text('staff_department')})",
        "channel": text("channel"),
        "window_code": text("window"),
        "hall_code": text("hall"),
        "staff_code": text("staff"),
        "staff_name": text("staff_name"),
        "promised_days": f"toInt32OrZero({json('promised_days')})",
        "legal_days": f"toInt32OrZero({json('legal_days')})",
        "reason": text("reason"),
        "counts": f"toUInt8({json('counts')} = 'true')",
        "extended_days": f"if(topic = 'domain.case:Case.Extended', toInt32OrZero({json('days')}), 0)",
        # a list of plain strings: one more than its '","'
        "missing_materials": f"toUInt16(if({json('missing_materials')} IN ('', '[]'), 0, "
                             f"countSubstrings({json('missing_materials')}, '\",\"') + 1))",
        "outcome": text("outcome"),
        "actor_user": f"extract({json('actor')}, '\"user\":\"([^\"]*)\"')",
        "actor_role": f"extract({json('actor')}, '\"role\":\"([^\"]*)\"')",
        "hash": text("hash"),
        "previous_hash": text("previous_hash"),
    }
    assert list(columns) == list(COLUMNS["case_events"]), "case_events changed: change its replay too"
    stored = (f"SELECT assumeNotNull(originator_id) AS originator_id, assumeNotNull(originator_version) AS "
              f"originator_version, assumeNotNull(topic) AS topic, assumeNotNull(state) AS state "
              f"FROM sqlite({quote(str(store))}, 'stored_events') "
              f"WHERE {between(low, high, 'originator_id')} AND topic IN ({names}) "
              f"AND match(originator_id, '{UUID_HEX}') AND originator_version BETWEEN 1 AND 4294967295 "
              "AND isValidUTF8(state)")
    # each state parsed once, into its fields' JSON text: checked, then read off
    checked = (f"SELECT originator_id, originator_version, topic, fields, keys, "
               f"{datetime_text('occurred_at')} AS occurred_text, {datetime_text('timestamp')} AS recorded_text, "
               f"toDate(substring(occurred_text, 1, 10)) AS occurred_on FROM ("
               f"SELECT originator_id, originator_version, topic, JSONExtractKeysAndValuesRaw(state) AS fields, "
               f"arrayMap(field -> field.1, fields) AS keys FROM ({stored})) WHERE {in_plain_shape()} "
               f"AND match(occurred_text, '{OCCURRED_TEXT}') AND match(recorded_text, '{RECORDED_TEXT}')")
    return (f"INSERT INTO case_events SELECT {', '.join(f'{sql} AS {name}' for name, sql in columns.items())} "
            f"FROM ({checked}) AS stored "
            f"INNER JOIN (SELECT * FROM {POSITIONS} WHERE {between(low, high, 'aggregate_id')}) AS positions "
            f"ON positions.aggregate_id = stored.originator_id AND positions.version = stored.originator_version "
            f"INNER JOIN calendar_days AS calendar ON calendar.day = stored.occurred_on {NEW_ROWS}")


NEVER_DAY = "toDate('1970-01-01')"
# The facts of case_state each event type sets (the last such event's): column -> (case_events column, never).
FACTS = {
    "CaseSubmitted": {"item_code": ("item_code", "''"), "item_name": ("item_name", "''"),
                      "item_kind": ("item_kind", "''"), "department_code": ("department_code", "''"),
                      "channel": ("channel", "''"), "submitted_us": ("occurred_us", str(NEVER_US)),
                      "submitted_on": ("occurred_on", NEVER_DAY)},
    "CaseAccepted": {"window_code": ("window_code", "''"), "hall_code": ("hall_code", "''"),
                     "staff_code": ("staff_code", "''"), "staff_name": ("staff_name", "''"),
                     "staff_department": ("department_code", "''"), "promised_days": ("promised_days", "0"),
                     "legal_days": ("legal_days", "0"), "accepted_us": ("occurred_us", str(NEVER_US)),
                     "accepted_on": ("occurred_on", NEVER_DAY), "accepted_ord": ("occurred_ord", str(OPEN_END)),
                     "missing_materials": ("missing_materials", "0")},
    "CaseRefused": {"refused_us": ("occurred_us", str(NEVER_US)), "refused_on": ("occurred_on", NEVER_DAY)},
    "CaseConcluded": {"concluded_us": ("occurred_us", str(NEVER_US)), "concluded_on": ("occurred_on", NEVER_DAY),
                      "concluded_ord": ("occurred_ord", str(OPEN_END)), "outcome": ("outcome", "''")},
    "CaseDelivered": {"delivered_us": ("occurred_us", str(NEVER_US))},
    "CaseWithdrawn": {"withdrawn_us": ("occurred_us", str(NEVER_US)), "withdrawn_on": ("occurred_on", NEVER_DAY),
                      "withdrawn_ord": ("occurred_ord", str(OPEN_END))},
    "CaseMaterialsReceived": {"materials_us": ("occurred_us", str(NEVER_US)),
                              "materials_on": ("occurred_on", NEVER_DAY)},
}
# The histories case_state keeps as aligned arrays: name -> (the case_events columns each entry holds
# after the version, the event types that make an entry).
HISTORIES = {
    "suspensions": (("occurred_us", "occurred_on", "occurred_ord", "occurred_ord_before", "reason", "counts"),
                    ("CaseSuspended",)),
    "resumptions": (("occurred_us", "occurred_on", "occurred_ord_before"), ("CaseResumed",)),
    "extensions": (("occurred_us", "extended_days"), ("CaseExtended",)),
    "holders": (("occurred_on", "staff_code", "department_code"), ("CaseAccepted", "CaseTransferred")),
}


def each(history: str, column: str) -> str:
    """One column of a history's entries, as an array (entries are tuples: the version, then the columns)."""
    index = 1 if column == "version" else HISTORIES[history][0].index(column) + 2
    return f"arrayMap(entry -> entry.{index}, {history})"


def case_state_sql(low: str = "00", high: str = "g") -> str:
    """case_state rows, as the projector folds case_events rows onto them (projections.case_state),
    for the cases in case_events whose ids are in [low, high): the facts of the last event of each type,
    and the histories in version order."""
    grouped = {"folded_version": "max(version)", "folded_position": "argMax(position, version)",
               "folded_latest_us": "argMax(occurred_us, version)",
               "folded_state": "if(countIf(state_after != '') = 0, '', argMaxIf(state_after, version, state_after != ''))"}
    for event_type, facts in FACTS.items():
        grouped[f"count_{event_type}"] = f"countIf(event_type = '{event_type}')"
        grouped |= {f"folded_{column}": f"if(count_{event_type} = 0, {never}, "
                                        f"argMaxIf({source}, version, event_type = '{event_type}'))"
                    for column, (source, never) in facts.items()}
    grouped |= {name: f"arraySort(groupArrayIf(tuple(version, {', '.join(columns)}), "
                      f"event_type IN ({', '.join(map(quote, types))})))"
                for name, (columns, types) in HISTORIES.items()}
    # A resumption ends the latest suspension before it; of several, the last one counts.
    grouped["resumed_by"] = ("arrayMap(i -> arrayLastIndex(r -> r.1 > suspensions[i].1 AND r.1 < "
                             f"if(i < length(suspensions), suspensions[i + 1].1, {OPEN_END + 1}), resumptions), "
                             "arrayEnumerate(suspensions))")

    def resumed(column: str, never: str) -> str:
        index = HISTORIES["resumptions"][0].index(column) + 2
        return f"arrayMap(r -> if(r = 0, {never}, resumptions[r].{index}), resumed_by)"

    arrays = {
        "suspended_versions": each("suspensions", "version"),
        "suspended_us": each("suspensions", "occurred_us"),
        "suspended_on": each("suspensions", "occurred_on"),
        "suspended_ord": each("suspensions", "occurred_ord"),
        "suspended_ordb": each("suspensions", "occurred_ord_before"),
        "suspension_reasons": each("suspensions", "reason"),
        "suspension_counts": each("suspensions", "counts"),
        "resumed_us": resumed("occurred_us", str(NEVER_US)),
        "resumed_on": resumed("occurred_on", NEVER_DAY),
        "resumed_ordb": resumed("occurred_ord_before", str(OPEN_END)),
        "extended_versions": each("extensions", "version"),
        "extended_us": each("extensions", "occurred_us"),
        "extended_days": each("extensions", "extended_days"),
        "holder_from_on": each("holders", "occurred_on"),
        "holder_staff": each("holders", "staff_code"),
        "holder_departments": each("holders", "department_code"),
    }
    # worked out from the row's other columns, a step further out (an alias would be expanded in place)
    derived = {"overdue_ord": first_overdue_sql("accepted_ord", "promised_days + arraySum(extended_days)",
                                                "suspended_ordb", "resumed_ordb", "suspension_counts")}
    columns = [column for column in COLUMNS["case_state"] if column != "case_id"]
    assert set(columns) == ({name.removeprefix("folded_") for name in grouped if name.startswith("folded_")}
                            | set(arrays) | set(derived))
    row = ["case_id"] + [f"{arrays[column]} AS {column}" if column in arrays else f"folded_{column} AS {column}"
                         for column in columns if column not in derived]
    # folded under other names: an alias named like a column of case_events would stand for that column
    return (f"INSERT INTO case_state SELECT case_id, "
            f"{', '.join(f'{derived[column]} AS {column}' if column in derived else column for column in columns)} "
            f"FROM (SELECT {', '.join(row)} FROM ("
            f"SELECT case_id, {', '.join(f'{sql} AS {name}' for name, sql in grouped.items())} "
            f"FROM case_events WHERE {between(low, high)} GROUP BY case_id)) {NEW_ROWS}")


def id_ranges(events: int, per_range: int = 2_000_000) -> list[tuple[str, str]]:
    """Aggregate ids split by their first two hex digits into ranges of about `per_range` events each (at
    most 256): a large store is replayed a range at a time, which bounds the memory a step takes and
    shows progress. The last range ends after every hex id."""
    count = min(256, max(1, events // per_range))
    bounds = [f"{index * 256 // count:02x}" for index in range(count)] + ["g"]
    return list(zip(bounds[:-1], bounds[1:]))


def between(low: str, high: str, column: str = "case_id") -> str:
    """The ids in [low, high); no condition for them all (SQLite then reads its table in order, which is
    faster than through its index)."""
    return "1" if (low, high) == ("00", "g") else f"{column} >= '{low}' AND {column} < '{high}'"


def load_positions(store: Path, clickhouse: ClickHouse, chunk: int = 200_000) -> int:
    """Every stored event's position with its identity (an identity no case could have as "", 0, so that
    it joins nothing); returns the last position. Read on a connection of its own, straight off the
    index of identities (it holds the rowid too)."""
    last = 0
    with closing(sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        cursor = connection.execute("SELECT rowid, originator_id, originator_version FROM stored_events")
        while rows := cursor.fetchmany(chunk):
            positions, aggregates, versions = (list(column) for column in zip(*rows))
            if not column_fits("String", aggregates):
                aggregates = [aggregate if fits(aggregate, "String") else "" for aggregate in aggregates]
            if not column_fits("UInt32", versions):
                versions = [version if fits(version, "UInt32") else 0 for version in versions]
            clickhouse.insert_columns(POSITIONS, {"aggregate_id": aggregates, "version": versions,
                                                  "position": positions})
            last = max(last, max(positions))
    return last
