"""What the projector checks before ClickHouse sees a row, what a dead letter keeps, and how far the
calendar dimension reaches."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.clock import TimeBounds
from projections.backends import as_columns
from projections.checks import InvalidRow, checked, column_fits, columns_fit, fits, misfits
from projections.ordinals import calendar_range
from projections.projector import dead_letter_row, describe

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


SOME_VALUES = st.one_of(
    st.text(max_size=3), st.just("\ud800"), st.integers(min_value=-2**64, max_value=2**65), st.booleans(),
    st.dates(), st.floats(), st.just(float("inf")), st.none(), st.lists(st.integers(min_value=-5, max_value=2**33), max_size=3),
    st.lists(st.text(max_size=2), max_size=2), st.lists(st.dates(), max_size=2),
)
COLUMN_TYPES = ["String", "UInt8", "UInt32", "UInt64", "Int64", "Date", "Float64", "Array(UInt32)", "Array(String)",
                "Array(Date)"]


@given(st.sampled_from(COLUMN_TYPES), st.lists(SOME_VALUES, max_size=6))
def test_a_column_checked_at_once_gets_the_verdict_of_its_values_one_by_one(column_type, values):
    assert column_fits(column_type, values) is all(fits(value, column_type) for value in values)


@given(st.lists(st.fixed_dictionaries({"version": SOME_VALUES, "hash": SOME_VALUES}), max_size=6))
def test_a_batch_blames_exactly_the_rows_a_row_by_row_check_refuses(changes):
    rows = [{**HEAD, **change} for change in changes]
    expected = {}
    for index, row in enumerate(rows):
        try:
            checked("stream_heads", row)
        except InvalidRow as error:
            expected[index] = str(error)
    assert {index: str(error) for index, error in misfits("stream_heads", rows).items()} == expected
    assert columns_fit("stream_heads", rows, as_columns(rows) if rows else {}) is (not expected and bool(rows))
