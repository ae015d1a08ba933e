"""Every read-model table, defined once. The dialect is what ClickHouse 18.16 and chDB both accept:
ReplacingMergeTree keyed on the event's identity, so a replayed event replaces itself."""

import hashlib

CASE_EVENTS = """
CREATE TABLE IF NOT EXISTS case_events (
    case_id String,
    version UInt32,
    position UInt64,
    event_type String,
    state_after String,
    occurred_us Int64,
    occurred_on Date,
    occurred_ord UInt32,
    occurred_ord_before UInt32,
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
    counts UInt8,
    extended_days Int32,
    missing_materials UInt16,
    outcome String,
    actor_user String,
    actor_role String,
    hash String,
    previous_hash String
) ENGINE = ReplacingMergeTree(position) PARTITION BY toYear(occurred_on) ORDER BY (case_id, version)
"""

# One row per case: its state after its latest event, kept by the projector (projections.case_state),
# with the history the SLA clock needs as aligned arrays, so that a case's clock as of any moment is
# arithmetic on one row. "Never" is 9223372036854775807 for a moment, 1970-01-01 for a day and
# 4294967295 for an ordinal. latest_us is the business time of the case's latest event; overdue_ord
# the ordinal of its first overdue working day as its history stands (projections.case_state), so
# that a period's overdue cases are found by one range of one column. Sorted by submission day,
# which never changes, so that a question about the cases open at a moment reads only the days
# from the oldest of them on.
CASE_STATE = """
CREATE TABLE IF NOT EXISTS case_state (
    case_id String,
    version UInt32,
    position UInt64,
    state String,
    item_code String,
    item_name String,
    item_kind String,
    department_code String,
    channel String,
    window_code String,
    hall_code String,
    staff_code String,
    staff_name String,
    staff_department String,
    promised_days Int32,
    legal_days Int32,
    submitted_us Int64,
    submitted_on Date,
    accepted_us Int64,
    accepted_on Date,
    accepted_ord UInt32,
    refused_us Int64,
    refused_on Date,
    concluded_us Int64,
    concluded_on Date,
    concluded_ord UInt32,
    outcome String,
    delivered_us Int64,
    withdrawn_us Int64,
    withdrawn_on Date,
    withdrawn_ord UInt32,
    missing_materials UInt16,
    materials_us Int64,
    materials_on Date,
    suspended_versions Array(UInt32),
    suspended_us Array(Int64),
    suspended_on Array(Date),
    suspended_ord Array(UInt32),
    suspended_ordb Array(UInt32),
    suspension_reasons Array(String),
    suspension_counts Array(UInt8),
    resumed_us Array(Int64),
    resumed_on Array(Date),
    resumed_ordb Array(UInt32),
    extended_versions Array(UInt32),
    extended_us Array(Int64),
    extended_days Array(Int32),
    holder_from_on Array(Date),
    holder_staff Array(String),
    holder_departments Array(String),
    latest_us Int64,
    overdue_ord UInt32
) ENGINE = ReplacingMergeTree(version) ORDER BY (submitted_on, case_id)
"""

# One row per review (好差评), its state after its latest event, folded by the projector
# (projections.review_state): the moments of each step, so its state, deadline and findings as of
# any moment are arithmetic on the row. "Never" as in case_state. Sorted by the review's date, by
# which reviews are counted.
REVIEW_STATE = """
CREATE TABLE IF NOT EXISTS review_state (
    review_id String,
    version UInt32,
    position UInt64,
    state String,
    case_id String,
    window_code String,
    staff_code String,
    staff_department String,
    rating UInt8,
    channel String,
    given_us Int64,
    given_on Date,
    given_ord UInt32,
    verified_us Int64,
    verified_on Date,
    outcome String,
    decided_us Int64,
    upheld UInt8,
    deadline Date,
    deadline_us Int64,
    rectified_us Int64,
    rectified_on Date,
    rectified_on_time UInt8,
    return_us Int64,
    return_rating UInt8
) ENGINE = ReplacingMergeTree(version) ORDER BY (given_on, review_id)
"""

# Inspections (现场巡查), commendations (表扬) and cards (黄牌/红牌): one row per record, each a
# one-event aggregate. `kind` is the inspection's kind, the commendation's kind or the card's colour;
# `note` the inspector's note or the card's reason.
SUPERVISION_RECORDS = """
CREATE TABLE IF NOT EXISTS supervision_records (
    record_id String,
    record_kind String,
    kind String,
    window_code String,
    staff_code String,
    note String,
    occurred_us Int64,
    occurred_on Date,
    actor_user String,
    actor_role String,
    position UInt64
) ENGINE = ReplacingMergeTree(position) PARTITION BY toYear(occurred_on) ORDER BY (occurred_on, record_id)
"""

# One row per 12345 complaint (市民诉求), its state after its latest event, folded by the projector
# (projections.complaint_state): the moment of every step (arrays where a step repeats: dispatches,
# approved replies, callbacks), so its KPIs, clock and findings as of any moment are arithmetic on the
# row. "Never" as in case_state. Sorted by the day it was received.
COMPLAINT_STATE = """
CREATE TABLE IF NOT EXISTS complaint_state (
    complaint_id String,
    version UInt32,
    position UInt64,
    state String,
    reference String,
    request_type String,
    category String,
    category_path Array(String),
    area String,
    area_path Array(String),
    channel String,
    subject_window String,
    subject_staff String,
    subject_department String,
    received_us Int64,
    received_on Date,
    updated_on Date,
    dispatch_us Array(Int64),
    dispatch_on Array(Date),
    dispatch_ord Array(UInt32),
    dispatch_departments Array(String),
    within_2h UInt8,
    limit_days UInt16,
    due_date Date,
    due_ord UInt32,
    department String,
    answered_us Int64,
    first_reply_us Int64,
    first_reply_on Date,
    first_reply_on_time UInt8,
    replied_us Int64,
    replied_on Date,
    replied_ord UInt32,
    first_redo_us Int64,
    first_redo_on Date,
    approval_us Array(Int64),
    approval_on Array(Date),
    approval_ord Array(UInt32),
    approval_departments Array(String),
    callback_us Array(Int64),
    callback_on Array(Date),
    callback_verdicts Array(String),
    merged_us Int64,
    merged_on Date,
    merged_ord UInt32,
    merged_into String,
    problem_us Int64,
    problem_on Date,
    escalation_level UInt8,
    objection_count UInt16,
    redo_count UInt16,
    reopen_count UInt16,
    verified_us Int64,
    verified_on Date,
    valid UInt8,
    closed_us Int64
) ENGINE = ReplacingMergeTree(version) ORDER BY (received_on, complaint_id)
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
    parent_code String,
    depth UInt8,
    path Array(String),
    has_coordinates UInt8,
    lat Float64,
    lon Float64,
    version UInt32,
    position UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (entry_kind, code)
"""

CALENDAR_DAYS = """
CREATE TABLE IF NOT EXISTS calendar_days (
    day Date,
    is_workday UInt8,
    ordinal UInt32,
    calendar_version String
) ENGINE = ReplacingMergeTree ORDER BY day
"""

PROJECTION_POSITIONS = """
CREATE TABLE IF NOT EXISTS projection_positions (
    projector String,
    position UInt64
) ENGINE = ReplacingMergeTree(position) ORDER BY projector
"""

STREAM_HEADS = """
CREATE TABLE IF NOT EXISTS stream_heads (
    stream String,
    aggregate_id String,
    version UInt32,
    hash String,
    position UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (stream, aggregate_id)
"""

# Events the read models could not take: where they are and why, never their payload (it may hold
# personal data). The event itself stays in the store (and, in server mode, on the dead-letter topic).
DEAD_LETTERS = """
CREATE TABLE IF NOT EXISTS dead_letters (
    position UInt64,
    stream String,
    aggregate_id String,
    version UInt32,
    event_type String,
    error String,
    recorded_us Int64
) ENGINE = ReplacingMergeTree ORDER BY (position, aggregate_id, version)
"""

READ_MODEL_SCHEMA = """
CREATE TABLE IF NOT EXISTS read_model_schema (
    fingerprint String
) ENGINE = TinyLog
"""

TABLES = {
    "read_model_schema": READ_MODEL_SCHEMA,
    "case_events": CASE_EVENTS,
    "case_state": CASE_STATE,
    "review_state": REVIEW_STATE,
    "supervision_records": SUPERVISION_RECORDS,
    "complaint_state": COMPLAINT_STATE,
    "catalogue": CATALOGUE,
    "stream_heads": STREAM_HEADS,
    "dead_letters": DEAD_LETTERS,
    "calendar_days": CALENDAR_DAYS,
    "projection_positions": PROJECTION_POSITIONS,
}

# The tables built from events (the calendar dimension is built from the calendar).
EVENT_TABLES = ("case_events", "supervision_records", "catalogue", "stream_heads")


def columns_of(ddl: str) -> dict[str, str]:
    """Column name -> ClickHouse type, read from one of the definitions above."""
    body = ddl[ddl.index("(\n") + 2:ddl.index("\n) ENGINE")]
    return dict(line.strip().rstrip(",").split(" ", 1) for line in body.splitlines())


COLUMNS = {table: columns_of(ddl) for table, ddl in TABLES.items()}

# Which definitions the read models were built with: when it changes, they are rebuilt from the log.
SCHEMA_FINGERPRINT = hashlib.sha256("\n".join(TABLES.values()).encode()).hexdigest()[:16]
