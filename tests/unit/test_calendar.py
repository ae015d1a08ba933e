import logging
from datetime import date, datetime

import pytest

from domain.calendar import CalendarOverridesError, WorkingCalendar

D = date.fromisoformat


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sunlight.calendar" and r.levelno == logging.WARNING]


# --- chinese_calendar data ----------------------------------------------------------------


def test_national_day_2025():
    calendar = WorkingCalendar()
    # Holidays Wed 10-01 .. Wed 10-08; adjusted working days Sun 09-28 and Sat 10-11.
    assert calendar.is_workday(D("2025-09-28"))
    assert calendar.is_workday(D("2025-10-11"))
    for day in range(1, 9):
        assert not calendar.is_workday(date(2025, 10, day))
    # 09-27 Sat (off), 09-28 Sun (work), 09-29, 09-30, 10-01..08 (off), 10-09, 10-10,
    # 10-11 Sat (work), 10-12 Sun (off).
    assert list(calendar.workdays(D("2025-09-27"), D("2025-10-12"))) == [
        D("2025-09-28"), D("2025-09-29"), D("2025-09-30"),
        D("2025-10-09"), D("2025-10-10"), D("2025-10-11"),
    ]  # fmt: skip
    # Same window, counted strictly after Fri 09-26: the six days above.
    assert calendar.workdays_in(D("2025-09-26"), D("2025-10-12")) == 6


def test_new_year_2026():
    calendar = WorkingCalendar()
    # chinese_calendar 1.11.0: holidays Thu 01-01, Fri 01-02, Sat 01-03; Sun 01-04 is worked.
    assert [calendar.is_workday(date(2026, 1, day)) for day in (1, 2, 3, 4, 5)] == [
        False, False, False, True, True,
    ]  # fmt: skip
    # Wed 2025-12-31 (work), 01-01..03 (off), Sun 01-04 (work), Mon 01-05 (work).
    assert list(calendar.workdays(D("2025-12-31"), D("2026-01-05"))) == [
        D("2025-12-31"), D("2026-01-04"), D("2026-01-05"),
    ]  # fmt: skip


def test_spring_festival_2026():
    calendar = WorkingCalendar()
    # chinese_calendar 1.11.0: holidays Sun 02-15 .. Mon 02-23 (nine days);
    # adjusted working days Sat 02-14 and Sat 02-28.
    for day in range(15, 24):
        assert not calendar.is_workday(date(2026, 2, day))
    assert calendar.is_workday(D("2026-02-14"))
    assert calendar.is_workday(D("2026-02-28"))
    # Fri 02-13, Sat 02-14, (holidays), Tue 02-24 .. Fri 02-27, Sat 02-28; Sun 03-01 off.
    assert list(calendar.workdays(D("2026-02-13"), D("2026-03-01"))) == [
        D("2026-02-13"), D("2026-02-14"),
        D("2026-02-24"), D("2026-02-25"), D("2026-02-26"), D("2026-02-27"), D("2026-02-28"),
    ]  # fmt: skip


def test_workdays_in_is_empty_when_upto_is_not_after():
    calendar = WorkingCalendar()
    assert calendar.workdays_in(D("2025-11-05"), D("2025-11-05")) == 0
    assert calendar.workdays_in(D("2025-11-05"), D("2025-11-03")) == 0
    # Only Thu 11-06 lies in (11-05, 11-06].
    assert calendar.workdays_in(D("2025-11-05"), D("2025-11-06")) == 1


def test_knows_the_package_years_only():
    calendar = WorkingCalendar()
    assert calendar.knows(2004) and calendar.knows(2025) and calendar.knows(2026)
    assert not calendar.knows(2003) and not calendar.knows(2027) and not calendar.knows(2035)


def test_rejects_datetimes_to_avoid_utc_local_date_mixups():
    with pytest.raises(TypeError):
        WorkingCalendar().is_workday(datetime(2025, 10, 9, 9, 0))


# --- overrides ----------------------------------------------------------------------------


def test_overrides_add_a_holiday_and_a_working_day_and_win_over_the_package():
    calendar = WorkingCalendar(
        extra_holidays=[D("2025-10-09")],  # a Thursday the package says is worked
        extra_workdays=[D("2025-10-12"), D("2025-10-01")],  # a Sunday; a National Day holiday
    )
    assert not calendar.is_workday(D("2025-10-09"))
    assert calendar.is_workday(D("2025-10-12"))
    assert calendar.is_workday(D("2025-10-01"))
    # 10-01 (override), 10-10, 10-11 (调休), 10-12 (override); 10-09 removed.
    assert calendar.workdays_in(D("2025-09-30"), D("2025-10-12")) == 4


def test_a_day_cannot_be_both_holiday_and_working_day():
    with pytest.raises(ValueError, match="2025-10-09"):
        WorkingCalendar(extra_holidays=[D("2025-10-09")], extra_workdays=[D("2025-10-09")])


def test_overrides_file_absent_means_no_overrides(tmp_path):
    plain = WorkingCalendar()
    assert WorkingCalendar.from_overrides_file(None).version == plain.version
    assert WorkingCalendar.from_overrides_file(tmp_path / "missing.toml").version == plain.version


def test_overrides_file_is_read(tmp_path):
    path = tmp_path / "overrides.toml"
    path.write_text('holidays = ["2025-10-09"]\nworkdays = ["2025-10-12"]\n', encoding="utf-8")
    calendar = WorkingCalendar.from_overrides_file(path)
    assert not calendar.is_workday(D("2025-10-09"))
    assert calendar.is_workday(D("2025-10-12"))
    assert calendar.version == WorkingCalendar([D("2025-10-09")], [D("2025-10-12")]).version


def test_shipped_overrides_file_is_valid():
    from pathlib import Path

    shipped = Path(__file__).parents[2] / "config" / "calendar-overrides.toml"
    assert WorkingCalendar.from_overrides_file(shipped).version == WorkingCalendar().version


@pytest.mark.parametrize(
    ("content", "named_in_error"),
    [
        ('holidays = ["2027-13-01"]', "2027-13-01"),
        ('workdays = ["20270207"]', "20270207"),
        ("holidays = [20270101]", "20270101"),
        ('holidays = "2027-01-01"', "holidays"),
        ('holiday = ["2027-01-01"]', "holiday"),
        ('holidays = ["2027-01-01"', "cannot read"),
        ('holidays = ["2027-01-01"]\nworkdays = ["2027-01-01"]', "2027-01-01"),
    ],
)
def test_malformed_overrides_file_names_the_file_and_the_entry(tmp_path, content, named_in_error):
    path = tmp_path / "overrides.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarOverridesError) as raised:
        WorkingCalendar.from_overrides_file(path)
    assert str(path) in str(raised.value)
    assert named_in_error in str(raised.value)


# --- version ------------------------------------------------------------------------------


def test_version_is_a_short_stable_fingerprint_of_the_overrides():
    plain = WorkingCalendar()
    assert len(plain.version) == 12 and int(plain.version, 16) >= 0
    assert plain.version == WorkingCalendar().version
    one_way = WorkingCalendar([D("2027-01-01"), D("2027-02-06")], [D("2027-02-07")])
    other_order = WorkingCalendar([D("2027-02-06"), D("2027-01-01")], [D("2027-02-07")])
    assert one_way.version == other_order.version
    assert one_way.version != plain.version
    swapped = WorkingCalendar([D("2027-02-07")], [D("2027-01-01"), D("2027-02-06")])
    assert swapped.version != one_way.version


# --- years the package does not know -------------------------------------------------------


def test_unknown_year_falls_back_to_monday_to_friday_and_warns_once(caplog):
    calendar = WorkingCalendar()
    caplog.set_level(logging.WARNING, logger="sunlight.calendar")
    # 2035-01-01 is a Monday: in the fallback it is worked (no holiday data).
    # Mon 01-01 .. Fri 01-05 worked, Sat 01-06 and Sun 01-07 off.
    assert list(calendar.workdays(D("2035-01-01"), D("2035-01-07"))) == [date(2035, 1, d) for d in range(1, 6)]
    assert calendar.workdays_in(D("2034-12-31"), D("2035-12-31")) == 261  # 52 weeks + Mon 12-31
    assert not calendar.is_workday(D("2035-01-06"))
    records = warnings_logged(caplog)
    assert len(records) == 1
    assert "2035" in records[0].getMessage() and "overrides" in records[0].getMessage()
    # Another unknown year gets its own single warning.
    calendar.is_workday(D("2036-03-03"))
    calendar.is_workday(D("2036-03-04"))
    messages = [r.getMessage() for r in warnings_logged(caplog)]
    assert len(messages) == 2 and "2036" in messages[1]


def test_unknown_year_still_applies_overrides(caplog):
    caplog.set_level(logging.WARNING, logger="sunlight.calendar")
    calendar = WorkingCalendar(extra_holidays=[D("2035-01-01")], extra_workdays=[D("2035-01-06")])
    assert not calendar.is_workday(D("2035-01-01"))  # Monday, overridden to a holiday
    assert calendar.is_workday(D("2035-01-06"))  # Saturday, overridden to a working day
    assert len(warnings_logged(caplog)) == 1


def test_each_calendar_instance_warns_for_itself(caplog):
    caplog.set_level(logging.WARNING, logger="sunlight.calendar")
    WorkingCalendar().is_workday(D("2035-05-07"))
    WorkingCalendar().is_workday(D("2035-05-07"))
    assert len(warnings_logged(caplog)) == 2


def test_calendar_days_covers_future_years_without_warning(caplog):
    caplog.set_level(logging.WARNING, logger="sunlight.calendar")
    calendar = WorkingCalendar()
    days = calendar.calendar_days(D("2026-12-30"), D("2027-01-04"))
    # Wed, Thu (2026, package data); Fri 2027-01-01 (fallback: worked), Sat, Sun off, Mon worked.
    assert days == [
        (D("2026-12-30"), True), (D("2026-12-31"), True), (D("2027-01-01"), True),
        (D("2027-01-02"), False), (D("2027-01-03"), False), (D("2027-01-04"), True),
    ]  # fmt: skip
    assert warnings_logged(caplog) == []
    # Asking the SLA way afterwards still warns once, even though the answer is cached.
    assert calendar.is_workday(D("2027-01-04"))
    assert len(warnings_logged(caplog)) == 1
