"""Whether rows fit their tables, checked before ClickHouse sees them. The backends disagree on a
value that does not fit: chDB clamps or converts some silently (year 1 becomes 1970-01-01, an object
becomes its JSON text), the server refuses them. So the projector refuses them itself, and names
the column, never the value (it may be personal data).

A batch is checked a column at a time (`misfits`): a few passes in C over each column's values,
and only a column that fails is searched row by row for the rows to blame."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from itertools import chain
from typing import Any

from projections.schema import COLUMNS

# The first and last days a ClickHouse Date holds (it is a day number, UInt16).
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2149, 6, 6)
INTEGER_RANGES = {"UInt8": (0, 2**8 - 1), "UInt16": (0, 2**16 - 1), "UInt32": (0, 2**32 - 1), "UInt64": (0, 2**64 - 1),
                  "Int32": (-2**31, 2**31 - 1), "Int64": (-2**63, 2**63 - 1)}


class InvalidRow(ValueError):
    """A row its table would refuse or silently alter; the message names the column, never the value."""


def checked(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row, if every value fits its column."""
    if row.keys() != COLUMNS[table].keys():
        raise InvalidRow(f"{table}: the row's columns are not the table's")
    for column, column_type, fits_column in CHECKS[table]:
        if not fits_column(row[column]):
            raise InvalidRow(f"{table}.{column} is not a valid {column_type}")
    return row


def columns_fit(table: str, rows: Sequence[dict[str, Any]], columns: dict[str, list[Any]]) -> bool:
    """Whether every row fits, given the rows and the same rows as columns: one pass per column."""
    expected = COLUMNS[table].keys()
    return (columns.keys() == expected and all(row.keys() == expected for row in rows)
            and all(column_fits(column_type, columns[column]) for column, column_type, _ in CHECKS[table]))


def misfits(table: str, rows: Sequence[dict[str, Any]]) -> dict[int, InvalidRow]:
    """The rows of a batch that do not fit the table, by index, each with what is wrong with it:
    the same verdict as `checked` row by row."""
    columns = COLUMNS[table].keys()
    wrong = {index: InvalidRow(f"{table}: the row's columns are not the table's")
             for index, row in enumerate(rows) if row.keys() != columns}
    for column, column_type, fits_column in CHECKS[table]:
        values = [row.get(column) for row in rows]
        if column_fits(column_type, values):
            continue
        for index, value in enumerate(values):
            if index not in wrong and not fits_column(value):
                wrong[index] = InvalidRow(f"{table}.{column} is not a valid {column_type}")
    return wrong


def fits(value: Any, column_type: str) -> bool:
    return check_for(column_type)(value)


def check_for(column_type: str) -> Callable[[Any], bool]:
    """Whether a value fits a column of this type; made once per column, asked once per value."""
    if column_type.startswith("Array("):
        element = check_for(array_element(column_type))
        return lambda value: type(value) is list and all(element(item) for item in value)
    if column_type == "String":
        return lambda value: type(value) is str and (value.isascii() or _is_utf8(value))
    if column_type == "Date":
        return lambda value: type(value) is date and FIRST_DATE <= value <= LAST_DATE
    if column_type == "Float64":
        return lambda value: type(value) is float and math.isfinite(value)
    low, high = INTEGER_RANGES[column_type]
    return lambda value: type(value) is int and low <= value <= high  # type(True) is bool: no boolean passes


def column_fits(column_type: str, values: list[Any]) -> bool:
    """Whether every value fits, in passes that run in C (type sets, min, max, one join)."""
    if not values:
        return True
    if column_type.startswith("Array("):
        return set(map(type, values)) == {list} and column_fits(array_element(column_type),
                                                                 list(chain.from_iterable(values)))
    if column_type == "String":
        if set(map(type, values)) != {str}:
            return False
        text = "".join(values)
        return text.isascii() or _is_utf8(text)
    if column_type == "Date":
        return set(map(type, values)) == {date} and FIRST_DATE <= min(values) and max(values) <= LAST_DATE
    if column_type == "Float64":
        return set(map(type, values)) == {float} and all(map(math.isfinite, values))
    low, high = INTEGER_RANGES[column_type]
    return set(map(type, values)) == {int} and low <= min(values) and max(values) <= high


def array_element(column_type: str) -> str:
    return column_type.removeprefix("Array(").removesuffix(")")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")  # a lone surrogate ("\ud800") does not encode
    except UnicodeEncodeError:
        return False
    return True


CHECKS = {table: [(column, column_type, check_for(column_type)) for column, column_type in columns.items()]
          for table, columns in COLUMNS.items()}
