"""The Chinese working calendar used by every SLA figure.

Statutory holidays and adjusted working days (调休) come from the ``chinese_calendar``
package, which only knows the years the State Council has already published. Operators
maintain an overrides file for the rest (and for local corrections); overrides always win.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar

logger = logging.getLogger("sunlight.calendar")

ONE_DAY = timedelta(days=1)
FRIDAY = 4

# The package's data range, read once: outside it chinese_calendar raises NotImplementedError.
_KNOWN_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

_OVERRIDE_KEYS = ("holidays", "workdays")


class CalendarOverridesError(ValueError):
    """The calendar overrides file cannot be read or contains an invalid entry."""


class WorkingCalendar:
    """Chinese working days: statutory holidays and adjusted working days (调休) from chinese_calendar, plus operator overrides.

    For a year chinese_calendar does not know, the calendar falls back to Monday–Friday plus
    the overrides and logs one warning per year, so a missing year degrades instead of crashing.

    Args:
        extra_holidays: Days that are not working days, whatever the package says.
        extra_workdays: Days that are working days, whatever the package says.

    Raises:
        ValueError: A day is listed both as a holiday and as a working day.
    """

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self._extra_holidays = frozenset(_require_date(day) for day in extra_holidays)
        self._extra_workdays = frozenset(_require_date(day) for day in extra_workdays)
        both = sorted(self._extra_holidays & self._extra_workdays)
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise ValueError(f"listed both as holiday and as working day: {listed}")
        self._is_workday_cache: dict[date, bool] = {}
        self._warned_years: set[int] = set()
        self._version = _fingerprint(self._extra_holidays, self._extra_workdays)

    @classmethod
    def from_overrides_file(cls, path: Path | None) -> WorkingCalendar:
        """Builds a calendar from an operator overrides file.

        The file is TOML with two lists of ISO dates::

            holidays = ["2027-01-01"]
            workdays = ["2027-02-07"]

        Args:
            path: The overrides file; None or a missing file means no overrides.

        Raises:
            CalendarOverridesError: The file is not valid TOML or has an invalid entry.
        """
        if path is None or not path.exists():
            return cls()
        overrides = _read_overrides(path)
        try:
            return cls(overrides["holidays"], overrides["workdays"])
        except ValueError as error:
            raise CalendarOverridesError(f"{path}: {error}") from error

    @property
    def version(self) -> str:
        """Short fingerprint of the package data version and the overrides.

        A published figure records it, so it can say which calendar it was computed with.
        """
        return self._version

    def knows(self, year: int) -> bool:
        """Whether chinese_calendar has official holiday data for the year."""
        return year in _KNOWN_YEARS

    def is_workday(self, day: date) -> bool:
        """Whether the day is a working day; warns once per year the package does not know."""
        _require_date(day)
        if not self.knows(day.year):
            self._warn_unknown_year(day.year)
        return self._cached_is_workday(day)

    def workdays_in(self, after: date, upto: date) -> int:
        """Counts working days d with after < d <= upto (0 if upto <= after)."""
        return sum(1 for _ in self.workdays(after + ONE_DAY, upto))

    def workdays(self, start: date, end: date) -> Iterator[date]:
        """Yields working days d with start <= d <= end, in order."""
        return (day for day in _days(start, end) if self.is_workday(day))

    def calendar_days(self, start: date, end: date) -> list[tuple[date, bool]]:
        """Lists every day from start to end inclusive with whether it is a working day.

        Fills the calendar dimension table, which deliberately reaches into future years,
        so it does not warn about years the package does not know.
        """
        return [(day, self._cached_is_workday(day)) for day in _days(_require_date(start), end)]

    def _cached_is_workday(self, day: date) -> bool:
        # The SLA code asks about the same days over and over, for every open case.
        answer = self._is_workday_cache.get(day)
        if answer is None:
            answer = self._compute_is_workday(day)
            self._is_workday_cache[day] = answer
        return answer

    def _compute_is_workday(self, day: date) -> bool:
        if day in self._extra_holidays:
            return False
        if day in self._extra_workdays:
            return True
        if self.knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() <= FRIDAY

    def _warn_unknown_year(self, year: int) -> None:
        if year in self._warned_years:
            return
        self._warned_years.add(year)
        logger.warning(
            "chinese_calendar %s has no official holidays for %d; counting Monday-Friday plus "
            "overrides. Maintain the calendar overrides file (config/calendar-overrides.toml) "
            "with that year's holidays and adjusted working days (调休).",
            chinese_calendar.__version__,
            year,
        )


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _require_date(day: date) -> date:
    # A datetime is a date subclass; accepting one would hide a UTC-vs-local-date mistake.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a local date, got {day!r}")
    return day


def _fingerprint(extra_holidays: frozenset[date], extra_workdays: frozenset[date]) -> str:
    text = "\n".join(
        [
            f"chinese_calendar={chinese_calendar.__version__}",
            "holidays=" + ",".join(sorted(day.isoformat() for day in extra_holidays)),
            "workdays=" + ",".join(sorted(day.isoformat() for day in extra_workdays)),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _read_overrides(path: Path) -> dict[str, list[date]]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CalendarOverridesError(f"{path}: cannot read calendar overrides: {error}") from error
    unknown = sorted(set(document) - set(_OVERRIDE_KEYS))
    if unknown:
        raise CalendarOverridesError(f"{path}: unknown keys {unknown}; expected {list(_OVERRIDE_KEYS)}")
    return {key: _parse_dates(path, key, document.get(key, [])) for key in _OVERRIDE_KEYS}


def _parse_dates(path: Path, key: str, entries: object) -> list[date]:
    if not isinstance(entries, list):
        raise CalendarOverridesError(f"{path}: {key} must be a list of dates, got {entries!r}")
    return [_parse_date(path, key, entry) for entry in entries]


def _parse_date(path: Path, key: str, entry: object) -> date:
    # TOML has a native date type; accept it as well as the documented "YYYY-MM-DD" strings.
    if isinstance(entry, date) and not isinstance(entry, datetime):
        return entry
    if isinstance(entry, str):
        try:
            parsed = date.fromisoformat(entry)
        except ValueError:
            parsed = None
        # fromisoformat also takes "20270101" and "2027-W01-1"; only the plain form is documented.
        if parsed is not None and parsed.isoformat() == entry:
            return parsed
    raise CalendarOverridesError(f"{path}: {key} entry {entry!r} is not a date like \"2027-01-01\"")
