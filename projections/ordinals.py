"""The calendar dimension: every day the domain accepts, with its working-day ordinal (DESIGN §10)."""

from __future__ import annotations

from datetime import date

from domain.calendar import WorkingCalendar
from domain.clock import TimeBounds


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
