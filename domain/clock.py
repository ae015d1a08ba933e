"""Business time: every naive time is Beijing time, every day is a local date, and every moment
the platform accepts lies within fixed bounds (so no figure is ever asked of a day the calendar,
the read models or Python's datetime cannot represent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# chinese_calendar knows 2004 onwards; figures may be asked for any moment up to the end of 2099.
EARLIEST_DATE = date(2004, 1, 1)
LATEST_AS_OF = date(2099, 12, 31)


def beijing(moment: datetime) -> datetime:
    """The same moment as an aware Beijing time; a naive time is taken as Beijing time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def local_date(moment: datetime) -> date:
    return beijing(moment).date()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class OutOfRange(ValueError):
    """Raised when a moment lies outside the bounds the platform accepts; names the field."""

    def __init__(self, field: str, message: str, location: str = "body") -> None:
        super().__init__(message)
        self.field, self.location = field, location


@dataclass(frozen=True)
class TimeBounds:
    """Business times lie in [earliest, now]; `as_of` moments in [earliest, latest_as_of].

    Checked before anything converts a moment: comparing aware datetimes never overflows, while
    converting year 1 or 9999 to another offset does.
    """

    earliest: date = EARLIEST_DATE
    latest_as_of: date = LATEST_AS_OF

    def __post_init__(self) -> None:
        if not EARLIEST_DATE <= self.earliest <= self.latest_as_of <= LATEST_AS_OF:
            raise ValueError(f"time bounds must lie within {EARLIEST_DATE} .. {LATEST_AS_OF}; got "
                             f"{self.earliest} .. {self.latest_as_of}")

    @property
    def first_moment(self) -> datetime:
        return datetime.combine(self.earliest, time.min, SHANGHAI)

    @property
    def last_as_of_moment(self) -> datetime:
        return datetime.combine(self.latest_as_of, time.max, SHANGHAI)

    def business_time(self, moment: datetime, now: datetime, field: str = "at") -> datetime:
        """The business time as Beijing time, if it lies between the earliest date and now."""
        given = aware(moment)
        if given < self.first_moment:
            raise OutOfRange(field, f"{field} must not be before {self.earliest.isoformat()}")
        if given > now:
            raise OutOfRange(field, f"{field} {moment.isoformat()} is in the future")
        return beijing(given)

    def as_of(self, moment: datetime, field: str = "as_of", location: str = "query") -> datetime:
        """The moment a figure is asked for, as Beijing time, if it lies within the bounds."""
        given = aware(moment)
        if not self.first_moment <= given <= self.last_as_of_moment:
            raise OutOfRange(field, f"{field} must lie between {self.earliest.isoformat()} and "
                                    f"{self.latest_as_of.isoformat()} (Beijing time)", location)
        return beijing(given)


def aware(moment: datetime) -> datetime:
    """The moment as an aware time, a naive one taken as Beijing time, without converting it (so
    year 1 or 9999 in any offset never overflows)."""
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment

