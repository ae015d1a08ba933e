"""Every read-model table, defined once. The dialect is what ClickHouse 18.16 and chDB both accept:
ReplacingMergeTree keyed on the event's identity, so a replayed event replaces itself."""

CASE_EVENTS = """
CREATE TABLE IF NOT EXISTS case_events (
    case_id String,
    version UInt32,
    position UInt64,
    event_type String,
    state_after String,
    occurred_us Int64,
    occurred_on Date,
    recorded_us Int64,
    item_code String,
    item_name String,
    item_kind String,
    department_code String,
    channel String,
    window_code String,
    hall_code String,
    staff_code String,
    staff_name String,
    promised_days Int32,
    legal_days Int32,
    reason String,
    outcome String,
    actor_user String,
    actor_role String,
    hash String,
    previous_hash String
) ENGINE = ReplacingMergeTree(position) ORDER BY (case_id, version)
"""

CATALOGUE = """
CREATE TABLE IF NOT EXISTS catalogue (
    entry_kind String,
    code String,
    name String,
    level String,
    hall_code String,
    department_code String,
    window_code String,
    role String,
    item_kind String,
    legal_days Int32,
    promised_days Int32,
    version UInt32,
    position UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (entry_kind, code)
"""

CALENDAR_DAYS = """
CREATE TABLE IF NOT EXISTS calendar_days (
    day Date,
    is_workday UInt8,
    calendar_version String
) ENGINE = ReplacingMergeTree ORDER BY day
"""

PROJECTION_POSITIONS = """
CREATE TABLE IF NOT EXISTS projection_positions (
    projector String,
    position UInt64
) ENGINE = ReplacingMergeTree(position) ORDER BY projector
"""

TABLES = {
    "case_events": CASE_EVENTS,
    "catalogue": CATALOGUE,
    "calendar_days": CALENDAR_DAYS,
    "projection_positions": PROJECTION_POSITIONS,
}

# The tables built from events (the calendar dimension is built from the calendar).
EVENT_TABLES = ("case_events", "catalogue")
