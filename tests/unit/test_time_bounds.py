"""The bounds of every moment the platform accepts: no overflow, a clear field, Beijing time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from domain.clock import SHANGHAI, OutOfRange, TimeBounds

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)
BOUNDS = TimeBounds()


@pytest.mark.parametrize("moment", [
    datetime(1, 1, 1), datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))), datetime(9999, 12, 31, 23, 59, 59),
    datetime(2100, 1, 1), datetime(2003, 12, 31, 23, 59, 59, tzinfo=SHANGHAI),
])
def test_as_of_outside_the_bounds_names_the_field(moment):
    with pytest.raises(OutOfRange, match="between 2004-01-01 and 2099-12-31") as raised:
        BOUNDS.as_of(moment)
    assert (raised.value.field, raised.value.location) == ("as_of", "query")


def test_as_of_at_the_edges_is_beijing_time():
    assert BOUNDS.as_of(datetime(2004, 1, 1)) == datetime(2004, 1, 1, tzinfo=SHANGHAI)
    assert BOUNDS.as_of(datetime(2099, 12, 31, 23, 59, 59)).date() == date(2099, 12, 31)
    # 2099-12-31 16:00 UTC is already 2100 in Beijing.
    with pytest.raises(OutOfRange):
        BOUNDS.as_of(datetime(2099, 12, 31, 16, 0, tzinfo=timezone.utc))


def test_a_business_time_lies_between_the_earliest_date_and_now():
    assert BOUNDS.business_time(datetime(2026, 11, 22, 9, 0), NOW) == datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(OutOfRange, match="in the future"):
        BOUNDS.business_time(NOW + timedelta(seconds=1), NOW)
    with pytest.raises(OutOfRange, match="before 2010-01-01"):
        TimeBounds(earliest=date(2010, 1, 1)).business_time(datetime(2009, 12, 31, 12), NOW)


def test_bounds_outside_what_the_calendar_and_read_models_know_are_refused():
    with pytest.raises(ValueError):
        TimeBounds(earliest=date(1990, 1, 1))
    with pytest.raises(ValueError):
        TimeBounds(latest_as_of=date(2150, 1, 1))
