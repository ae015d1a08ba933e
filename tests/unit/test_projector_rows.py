"""What the projector checks before ClickHouse sees a row, what a dead letter keeps, and how far the
calendar dimension reaches."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clock import TimeBounds
from projections.projector import (
    InvalidRow,
    calendar_range,
    checked,
    dead_letter_row,
    describe,
    fits,
)

HEAD = {"stream": "case", "aggregate_id": "a1", "version": 2, "hash": "ab", "position": 7}


@pytest.mark.parametrize(("value", "column_type", "expected"), [
    ("text", "String", True), ("\ud800", "String", False), (12, "String", False), ({"a": 1}, "String", False),
    (5, "UInt32", True), (-1, "UInt32", False), (2**32, "UInt32", False), (True, "UInt32", False),
    ("5", "Int32", False), (5.0, "Int32", False), (-(2**63), "Int64", True),
    (date(2026, 1, 5), "Date", True), (date(2149, 6, 6), "Date", True), (date(1, 1, 2), "Date", False),
    (date(1969, 12, 31), "Date", False), ("2026-01-05", "Date", False),
])
def test_a_value_fits_its_column_only_as_clickhouse_would_keep_it(value, column_type, expected):
    assert fits(value, column_type) is expected


def test_a_row_that_does_not_fit_names_the_column_and_never_the_value():
    assert checked("stream_heads", HEAD) == HEAD
    with pytest.raises(InvalidRow, match=r"^stream_heads\.version is not a valid UInt32$"):
        checked("stream_heads", {**HEAD, "version": "二"})
    with pytest.raises(InvalidRow, match="columns"):
        checked("stream_heads", {**HEAD, "extra": ""})


def test_a_dead_letter_keeps_the_error_type_only_and_survives_any_envelope():
    assert describe(ValueError("applicant 王芳 is wrong")) == "ValueError"
    assert describe(InvalidRow("catalogue.code is not a valid String")) == \
        "InvalidRow: catalogue.code is not a valid String"
    row = dead_letter_row(position="x", stream=None, aggregate_id="\ud800", version=-3, event_type=["?"],
                          error="KeyError")
    assert {key: value for key, value in row.items() if key != "recorded_us"} == {
        "position": 0, "stream": "?", "aggregate_id": "?", "version": 0, "event_type": "?", "error": "KeyError"}
    assert checked("dead_letters", row) == row


def test_the_calendar_dimension_is_the_range_the_domain_accepts():
    assert calendar_range(TimeBounds()) == (date(2004, 1, 1), date(2099, 12, 31))
    assert calendar_range(TimeBounds(earliest=date(2010, 1, 1), latest_as_of=date(2030, 1, 1))) == (
        date(2010, 1, 1), date(2030, 1, 1))
