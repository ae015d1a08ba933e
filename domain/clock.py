"""Business time: every naive time is Beijing time, and every day is a local date."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(moment: datetime) -> datetime:
    """The same moment as an aware Beijing time; a naive time is taken as Beijing time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def local_date(moment: datetime) -> date:
    return beijing(moment).date()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
