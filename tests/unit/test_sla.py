import math
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.sla import SlaClock, Suspension, WarningPolicy, sla_clock

D = date.fromisoformat
CALENDAR = WorkingCalendar()

# Most cases use National Day 2025: holidays Wed 10-01 .. Wed 10-08, adjusted working days
# Sun 09-28 and Sat 10-11. Accepted Fri 09-26, the working days after acceptance are:
#   09-28 (Sun), 09-29, 09-30, 10-09, 10-10, 10-11 (Sat), 10-13, 10-14, ...
ACCEPTED = D("2025-09-26")


def clock(as_of: str, promised_days: int = 5, accepted_on: date = ACCEPTED, **kwargs) -> SlaClock:
    return sla_clock(CALENDAR, promised_days=promised_days, accepted_on=accepted_on, as_of=D(as_of), **kwargs)


# --- open promised cases ------------------------------------------------------------------


def test_promised_case_across_national_day():
    # N = 5 counts 09-28, 09-29, 09-30, 10-09, 10-10 -> deadline Fri 10-10; yellow threshold 1.
    assert clock("2025-09-26") == SlaClock(0, 5, D("2025-10-10"), "none", None)
    assert clock("2025-09-30") == SlaClock(3, 2, D("2025-10-10"), "none", None)
    assert clock("2025-10-05") == SlaClock(3, 2, D("2025-10-10"), "none", None)  # holiday: no change
    assert clock("2025-10-09") == SlaClock(4, 1, D("2025-10-10"), "yellow", None)
    assert clock("2025-10-10") == SlaClock(5, 0, D("2025-10-10"), "yellow", None)
    # Sat 10-11 is an adjusted working day, so the case is overdue on a Saturday.
    assert clock("2025-10-11") == SlaClock(6, -1, D("2025-10-10"), "red", None)
    assert clock("2025-10-12") == SlaClock(6, -1, D("2025-10-10"), "red", None)  # Sunday off


def test_suspension_across_a_holiday():
    # Suspended Mon 09-29, resumed Fri 10-10: 09-29, 09-30 and 10-09 do not count (10-01..08
    # are holidays anyway; the resumption day counts). Counted: 09-28, 10-10, 10-11, 10-13,
    # 10-14 -> deadline Tue 10-14.
    resumed = [Suspension(D("2025-09-29"), D("2025-10-10"))]
    assert clock("2025-10-10", suspensions=resumed) == SlaClock(2, 3, D("2025-10-14"), "none", None)
    assert clock("2025-10-13", suspensions=resumed) == SlaClock(4, 1, D("2025-10-14"), "yellow", None)
    assert clock("2025-10-15", suspensions=resumed) == SlaClock(6, -1, D("2025-10-14"), "red", None)


def test_still_open_suspension_freezes_elapsed_and_has_no_deadline():
    # Suspended Tue 09-30, not resumed: only 09-28 and 09-29 count, however long it lasts.
    still_open = [Suspension(D("2025-09-30"))]
    assert clock("2025-09-30", suspensions=still_open) == SlaClock(2, 3, None, "none", None)
    assert clock("2025-10-10", suspensions=still_open) == SlaClock(2, 3, None, "none", None)
    assert clock("2025-11-20", suspensions=still_open) == SlaClock(2, 3, None, "none", None)


def test_suspended_and_resumed_the_same_day_loses_no_days():
    # start <= d < end is empty when start == end: same figures as without the suspension.
    same_day = [Suspension(D("2025-09-29"), D("2025-09-29"))]
    assert clock("2025-09-30", suspensions=same_day) == SlaClock(3, 2, D("2025-10-10"), "none", None)
    assert clock("2025-10-10", suspensions=same_day) == clock("2025-10-10")


def test_two_suspensions():
    # Suspended 09-29..10-09 (09-29, 09-30 lost) and 10-13..10-15 (10-13, 10-14 lost).
    # Counted: 09-28, 10-09, 10-10, 10-11, 10-15 -> deadline Wed 10-15.
    both = [Suspension(D("2025-09-29"), D("2025-10-09")), Suspension(D("2025-10-13"), D("2025-10-15"))]
    assert clock("2025-10-15", suspensions=both) == SlaClock(5, 0, D("2025-10-15"), "yellow", None)


def test_yellow_and_red_on_a_fifteen_day_limit():
    # November 2025 has no holidays. Accepted Mon 11-03, N = 15, threshold 3.
    # Counted: 11-04..07 (4), 11-10..14 (9), 11-17 (10), 11-18 (11), 11-19 (12), ..., 11-24 (15).
    accepted = D("2025-11-03")
    assert clock("2025-11-18", 15, accepted) == SlaClock(11, 4, D("2025-11-24"), "none", None)
    assert clock("2025-11-19", 15, accepted) == SlaClock(12, 3, D("2025-11-24"), "yellow", None)
    assert clock("2025-11-24", 15, accepted) == SlaClock(15, 0, D("2025-11-24"), "yellow", None)
    assert clock("2025-11-25", 15, accepted) == SlaClock(16, -1, D("2025-11-24"), "red", None)


def test_deadline_across_spring_festival_2026():
    # Holidays Sun 02-15 .. Mon 02-23; adjusted working days Sat 02-14 and Sat 02-28.
    # Accepted Thu 02-12, N = 5: 02-13, 02-14 (Sat), 02-24, 02-25, 02-26 -> deadline Thu 02-26.
    assert clock("2026-02-20", 5, D("2026-02-12")) == SlaClock(2, 3, D("2026-02-26"), "none", None)


# --- concluded cases ----------------------------------------------------------------------


def test_concluded_on_time_freezes_elapsed():
    # Concluded Thu 10-09: 09-28, 09-29, 09-30, 10-09 -> 4 <= 5. Asked much later: unchanged.
    expected = SlaClock(4, 1, D("2025-10-10"), "none", True)
    assert clock("2025-10-09", concluded_on=D("2025-10-09")) == expected
    assert clock("2025-11-03", concluded_on=D("2025-10-09")) == expected


def test_concluded_on_the_deadline_is_on_time():
    assert clock("2025-12-01", concluded_on=D("2025-10-10")) == SlaClock(5, 0, D("2025-10-10"), "none", True)


def test_concluded_late():
    # Concluded Mon 10-13: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13 -> 7 > 5.
    assert clock("2025-12-01", concluded_on=D("2025-10-13")) == SlaClock(7, -2, D("2025-10-10"), "none", False)


# --- immediate items (即办件, N = 0) --------------------------------------------------------


def test_immediate_item_is_yellow_on_the_acceptance_day_and_red_the_next_working_day():
    # Accepted Fri 10-10: nothing counted that day; the next working day is Sat 10-11 (调休).
    assert clock("2025-10-10", 0, D("2025-10-10")) == SlaClock(0, 0, D("2025-10-10"), "yellow", None)
    assert clock("2025-10-11", 0, D("2025-10-10")) == SlaClock(1, -1, D("2025-10-10"), "red", None)


def test_immediate_item_concluded_the_same_day_is_on_time():
    assert clock("2025-10-10", 0, D("2025-10-10"), concluded_on=D("2025-10-10")) == SlaClock(
        0, 0, D("2025-10-10"), "none", True
    )
    # Concluded on Sat 10-11, a working day later: late.
    assert clock("2025-10-20", 0, D("2025-10-10"), concluded_on=D("2025-10-11")).on_time is False


def test_immediate_item_accepted_on_a_non_working_day():
    # Accepted Sat 10-04 (holiday): still yellow through 10-08; first working day after is
    # Thu 10-09, which makes it red. The deadline is the acceptance day itself.
    assert clock("2025-10-04", 0, D("2025-10-04")) == SlaClock(0, 0, D("2025-10-04"), "yellow", None)
    assert clock("2025-10-08", 0, D("2025-10-04")) == SlaClock(0, 0, D("2025-10-04"), "yellow", None)
    assert clock("2025-10-09", 0, D("2025-10-04")) == SlaClock(1, -1, D("2025-10-04"), "red", None)
    # Concluded on a later holiday: no working day has passed, so on time.
    assert clock("2025-10-09", 0, D("2025-10-04"), concluded_on=D("2025-10-07")).on_time is True


# --- warning policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promised_days", "threshold"),
    [
        (0, 1),  # 0% of 0 is 0; the floor of 1 applies
        (1, 1),  # ceil(0.2) = 1
        (5, 1),  # exactly 1
        (15, 3),  # exactly 3
        (16, 4),  # ceil(3.2) = 4
        (20, 4),
    ],
)
def test_yellow_threshold(promised_days, threshold):
    assert WarningPolicy().yellow_threshold(promised_days) == threshold


def test_yellow_threshold_uses_integer_arithmetic():
    # 28% of 25 is exactly 7, but 0.28 * 25 is 7.000000000000001 in floating point.
    assert math.ceil(0.28 * 25) == 8  # the trap the policy avoids
    assert WarningPolicy(yellow_percent=28).yellow_threshold(25) == 7


def test_yellow_threshold_is_configurable():
    assert WarningPolicy(yellow_percent=20, yellow_min_days=2).yellow_threshold(5) == 2
    assert WarningPolicy(yellow_percent=50, yellow_min_days=1).yellow_threshold(5) == 3
    # Accepted Mon 11-03, N = 5 -> elapsed 2 on Wed 11-05, remaining 3: yellow at 50%.
    policy = WarningPolicy(yellow_percent=50)
    assert clock("2025-11-05", 5, D("2025-11-03"), policy=policy).warning == "yellow"
    assert clock("2025-11-05", 5, D("2025-11-03")).warning == "none"


def test_negative_policy_is_refused():
    with pytest.raises(ValueError):
        WarningPolicy(yellow_percent=-1)


# --- invalid inputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"as_of": D("2025-09-25")},  # before acceptance
        {"promised_days": -1},
        {"concluded_on": D("2025-09-25")},  # before acceptance
        {"concluded_on": D("2025-10-11")},  # after as_of
        {"suspensions": [Suspension(D("2025-10-09"), D("2025-09-30"))]},  # ends before it starts
        {"suspensions": [Suspension(D("2025-10-11"))]},  # starts after as_of
        {"suspensions": [Suspension(D("2025-09-29"), D("2025-10-13"))]},  # resumes after as_of
    ],
)
def test_impossible_inputs_are_refused(kwargs):
    arguments = {"promised_days": 5, "accepted_on": ACCEPTED, "as_of": D("2025-10-10")} | kwargs
    with pytest.raises(ValueError):
        sla_clock(CALENDAR, **arguments)


# --- property: the clock agrees with a brute-force day-by-day count -----------------------

FIRST_DAY = D("2025-08-01")  # inside the package's data (it ends with 2026)
LAST_DAY = D("2026-11-30")
SPAN = (LAST_DAY - FIRST_DAY).days


def day_offsets(max_offset: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=max_offset)


@st.composite
def cases(draw):
    override_pool = [FIRST_DAY + timedelta(days=n) for n in draw(st.sets(day_offsets(SPAN), max_size=30))]
    split = draw(st.integers(0, len(override_pool)))
    extra_holidays, extra_workdays = set(override_pool[:split]), set(override_pool[split:])
    accepted_on = FIRST_DAY + timedelta(days=draw(day_offsets(SPAN - 90)))
    as_of = accepted_on + timedelta(days=draw(day_offsets(60)))
    suspensions = []
    for _ in range(draw(st.integers(0, 3))):
        start = accepted_on + timedelta(days=draw(day_offsets((as_of - accepted_on).days)))
        end = None if draw(st.booleans()) else start + timedelta(days=draw(day_offsets((as_of - start).days)))
        suspensions.append(Suspension(start, end))
    concluded_on = None
    if draw(st.booleans()):
        concluded_on = accepted_on + timedelta(days=draw(day_offsets((as_of - accepted_on).days)))
    return {
        "extra_holidays": extra_holidays,
        "extra_workdays": extra_workdays,
        "promised_days": draw(st.integers(0, 20)),
        "accepted_on": accepted_on,
        "as_of": as_of,
        "suspensions": suspensions,
        "concluded_on": concluded_on,
    }


def brute_force_elapsed(case) -> int:
    """Walks day by day, straight from chinese_calendar and the overrides."""
    suspended_days = set()
    upto = case["concluded_on"] or case["as_of"]
    for s in case["suspensions"]:
        last = (s.end - timedelta(days=1)) if s.end else upto
        suspended_days |= {s.start + timedelta(days=n) for n in range((last - s.start).days + 1)}
    elapsed, day = 0, case["accepted_on"] + timedelta(days=1)
    while day <= upto:
        worked = day in case["extra_workdays"] or (
            day not in case["extra_holidays"] and chinese_calendar.is_workday(day)
        )
        if worked and day not in suspended_days:
            elapsed += 1
        day += timedelta(days=1)
    return elapsed


@settings(max_examples=300, deadline=None)
@given(cases())
def test_clock_agrees_with_a_day_by_day_count(case):
    calendar = WorkingCalendar(case["extra_holidays"], case["extra_workdays"])
    result = sla_clock(
        calendar,
        promised_days=case["promised_days"],
        accepted_on=case["accepted_on"],
        as_of=case["as_of"],
        suspensions=case["suspensions"],
        concluded_on=case["concluded_on"],
    )
    assert result.elapsed_workdays == brute_force_elapsed(case)
    assert result.remaining_workdays == case["promised_days"] - result.elapsed_workdays
    currently_suspended = any(s.end is None for s in case["suspensions"])
    assert (result.deadline is None) == currently_suspended
    if not currently_suspended and case["concluded_on"] is None and result.deadline <= case["as_of"]:
        assert result.elapsed_workdays >= case["promised_days"]
    if case["concluded_on"] is not None:
        assert result.warning == "none"
        assert result.on_time == (result.elapsed_workdays <= case["promised_days"])
