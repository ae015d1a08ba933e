"""The month's figures against hand-computed values around National Day 2025.

Holidays 10-01..10-08; Sun 09-28 and Sat 10-11 are working days. P5 has N = 5 and legal limit 20;
IMM is an immediate item (即办件, N = 0). Accepted Fri 09-26, a case counts 09-28, 09-29, 09-30,
10-09, 10-10, 10-11, 10-13, 10-14…; accepted Thu 10-09, it counts 10-10, 10-11, 10-13, 10-14, 10-15,
10-16, 10-17, 10-20…

The cases (staff S001 unless said):
  X  P5 accepted 09-26, concluded 09-30                         elapsed 3, on time (September)
  A  P5 accepted 09-26, concluded 10-09, delivered 10-13         elapsed 4, on time
  B  P5 accepted 09-26, extended +3 on 10-09, concluded 10-14    elapsed 8 = N 8, on time
  C  P5 accepted 09-26 by S003, suspended `other` 09-29 (the clock keeps running), resumed 10-09,
     concluded (denied) 10-13                                    elapsed 7 > 5, late
  D  P5 accepted 09-26, withdrawn 10-09
  E  IMM accepted 10-09, concluded 10-10                         not the same day
  F  IMM accepted 10-10 09:00, concluded 10-10 11:00             the same day
  G  P5 submitted and refused 10-10                              never accepted
  H  P5 accepted 10-09 by S003, open                             elapsed 8 on 10-20: red
  I  P5 accepted 10-14, open                                     elapsed 4 on 10-20: yellow (threshold 1)
  J  P5 accepted 10-20 09:00, open                               elapsed 0: none
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from domain.base import SYSTEM, Actor, replay
from domain.calendar import WorkingCalendar
from domain.clock import SHANGHAI
from domain.metrics import (
    GROUPINGS,
    CaseCounts,
    CaseFigures,
    case_counts,
    case_figures,
    counts_by,
    counts_of,
    period_as_of,
    rounded_ratio,
)
from domain.sla import WarningPolicy
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)  # Mon 10-20 10:00 in Beijing
CALENDAR = WorkingCalendar()
POLICY = WarningPolicy()
CLERK = Actor("clerk-li", "clerk")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- the public figures from counts: one definition of each rate ---------------------------------


def test_the_seeds_figure_defines_the_speedup_rate():
    # Seed 003: 平均办结天数 3.6, 3.2 days ahead of a legal limit of 6.8 on average: 提速率 47.1%.
    counts = CaseCounts(concluded=5, concluded_on_time=5, elapsed_sum=18, legal_sum=34)
    figures = case_figures(counts)
    assert (counts.legal_sum - counts.elapsed_sum) / counts.concluded == 3.2
    assert (figures.avg_elapsed_workdays, figures.speedup_rate, figures.on_time_rate) == (3.6, 0.4706, 1.0)
    assert f"{figures.speedup_rate:.1%}" == "47.1%"


def test_a_rate_with_nothing_to_divide_by_is_none_not_zero():
    assert case_figures(CaseCounts(withdrawn=2)) == CaseFigures(
        accepted=0, concluded=0, concluded_on_time=0, on_time_rate=None, immediate_accepted=0, immediate_same_day=0,
        immediate_rate=None, avg_elapsed_workdays=None, speedup_rate=None, withdrawn=2, refused=0, overdue=0, yellow=0)


def test_rates_round_half_away_from_zero_exactly():
    assert rounded_ratio(1, 32, 4) == 0.0313  # 0.03125: a float would round it down to 0.0312
    assert rounded_ratio(1, 8, 2) == 0.13
    assert rounded_ratio(2, 3, 4) == 0.6667
    assert rounded_ratio(-1, 32, 4) == -0.0313
    assert rounded_ratio(0, 7, 4) == 0.0
    assert rounded_ratio(3, 0, 4) is None


def test_cases_slower_than_the_legal_limit_give_a_negative_speedup():
    assert case_figures(CaseCounts(concluded=1, elapsed_sum=30, legal_sum=20)).speedup_rate == -0.5


def test_counts_add_up_field_by_field():
    one = CaseCounts(accepted=1, concluded=1, elapsed_sum=4, legal_sum=20, overdue=1)
    other = CaseCounts(accepted=2, refused=1, elapsed_sum=3, legal_sum=20)
    assert one + other == one.add(other) == CaseCounts(accepted=3, concluded=1, elapsed_sum=7, legal_sum=40, refused=1,
                                                       overdue=1)
    assert sum([one, other], CaseCounts()) == one + other
    assert not CaseCounts() and one


# -- the moment a period is taken at ----------------------------------------------------------


def test_a_period_is_taken_at_the_end_of_its_last_day_or_now_if_earlier():
    assert period_as_of(D("2025-10-11"), NOW) == datetime(2025, 10, 11, 23, 59, 59, 999999, SHANGHAI)
    assert period_as_of(D("2025-10-31"), NOW) == NOW
    assert period_as_of(D("2025-10-31"), NOW).tzinfo == SHANGHAI


# -- counts from cases ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def centre():
    centre = register_small_centre(make_centre(calendar=CALENDAR, clock=lambda: NOW), at=bj("2025-09-01 09:00"))
    centre.register("staff", code="S003", name="员工S003", window="A12", department="D01", role="window_staff",
                    actor=SYSTEM, at=bj("2025-09-01 09:00"))
    return centre


def accepted(centre, at: str, item: str = "P5", staff: str = "S001"):
    case = centre.submit_case(item=item, channel="window", applicant={"name": "张三"}, actor=CLERK, at=bj(at))
    return centre.accept_case(case.id, window="A12", staff=staff, actor=CLERK, at=bj(at)).id


@pytest.fixture(scope="module")
def cases(centre):
    def do(command, case_id, at: str, **fields):
        getattr(centre, command)(case_id, actor=CLERK, at=bj(at), **fields)
        return case_id

    ids = {}
    ids["X"] = do("conclude_case", accepted(centre, "2025-09-26 10:00"), "2025-09-30 10:00", outcome="approved")
    ids["A"] = do("conclude_case", accepted(centre, "2025-09-26 10:00"), "2025-10-09 10:00", outcome="approved")
    do("deliver_case", ids["A"], "2025-10-13 10:00", method="mail")
    ids["B"] = do("extend_case", accepted(centre, "2025-09-26 10:00"), "2025-10-09 09:00", days=3, reason="专家论证")
    do("conclude_case", ids["B"], "2025-10-14 16:00", outcome="approved")
    ids["C"] = do("suspend_case", accepted(centre, "2025-09-26 10:00", staff="S003"), "2025-09-29 09:00", reason="other")
    do("resume_case", ids["C"], "2025-10-09 09:00")
    do("conclude_case", ids["C"], "2025-10-13 10:00", outcome="denied")
    ids["D"] = do("withdraw_case", accepted(centre, "2025-09-26 10:00"), "2025-10-09 10:00", reason="申请人撤回")
    ids["E"] = do("conclude_case", accepted(centre, "2025-10-09 10:00", "IMM"), "2025-10-10 09:30", outcome="approved")
    ids["F"] = do("conclude_case", accepted(centre, "2025-10-10 09:00", "IMM"), "2025-10-10 11:00", outcome="approved")
    ids["G"] = centre.submit_case(item="P5", channel="window", applicant={"name": "王五"}, actor=CLERK,
                                  at=bj("2025-10-10 09:00")).id
    do("refuse_case", ids["G"], "2025-10-10 09:20", reason="不属于受理范围")
    ids["H"] = accepted(centre, "2025-10-09 11:00", staff="S003")
    ids["I"] = accepted(centre, "2025-10-14 11:00")
    ids["J"] = accepted(centre, "2025-10-20 09:00")
    return ids


def folded(centre, cases, as_of: datetime):
    """Every case that existed at as_of, as it stood then."""
    found = (replay(centre.case_events(case_id), as_of) for case_id in cases.values())
    return [case for case in found if case is not None]


def period(first: str, last: str) -> dict:
    return {"first": D(first), "last": D(last), "as_of": period_as_of(D(last), NOW), "calendar": CALENDAR,
            "policy": POLICY}


OCTOBER = CaseCounts(accepted=5, concluded=3, concluded_on_time=2, elapsed_sum=4 + 8 + 7, legal_sum=60,
                     immediate_accepted=2, immediate_same_day=1, withdrawn=1, refused=1, overdue=1, yellow=1)


@pytest.mark.parametrize("first, last, expected", [
    # Taken at now (10-20 10:00): accepted E F H I J; concluded A B C (C late); overdue H, yellow I.
    ("2025-10-01", "2025-10-31", OCTOBER),
    # Taken at the end of 10-11: I and J did not exist yet; C (concluded 10-13) was open and red
    # (elapsed 6 > 5), B yellow (N = 8, elapsed 6, remaining 2 <= ⌈20% of 8⌉ = 2), H none (elapsed 2).
    ("2025-10-01", "2025-10-11", CaseCounts(accepted=3, concluded=1, concluded_on_time=1, elapsed_sum=4, legal_sum=20,
                                            immediate_accepted=2, immediate_same_day=1, withdrawn=1, refused=1,
                                            overdue=1, yellow=1)),
    # Taken at the end of 09-30: X concluded (elapsed 3); A B C D open with elapsed 3 of 5: none.
    ("2025-09-01", "2025-09-30", CaseCounts(accepted=5, concluded=1, concluded_on_time=1, elapsed_sum=3, legal_sum=20)),
])
def test_the_periods_counts(centre, cases, first, last, expected):
    window = period(first, last)
    assert case_counts(folded(centre, cases, window["as_of"]), **window) == expected


def test_octobers_figures(centre, cases):
    window = period("2025-10-01", "2025-10-31")
    figures = case_figures(case_counts(folded(centre, cases, window["as_of"]), **window))
    assert (figures.on_time_rate, figures.immediate_rate) == (0.6667, 0.5)  # 2/3, 1/2
    assert (figures.avg_elapsed_workdays, figures.speedup_rate) == (6.33, 0.6833)  # 19/3, (60 − 19)/60


def test_the_extension_counts_in_n_and_the_other_suspension_in_elapsed(centre, cases):
    window = period("2025-10-01", "2025-10-31")
    case_b, case_c = (centre.case(cases[name], window["as_of"]) for name in "BC")
    assert counts_of(case_b, **window) == CaseCounts(concluded=1, concluded_on_time=1, elapsed_sum=8, legal_sum=20)
    assert counts_of(case_c, **window) == CaseCounts(concluded=1, concluded_on_time=0, elapsed_sum=7, legal_sum=20)


def test_counts_by_staff_place_every_accepted_case_and_leave_the_refused_one_to_the_total(centre, cases):
    window = period("2025-10-01", "2025-10-31")
    groups = counts_by(folded(centre, cases, window["as_of"]), GROUPINGS["staff"], **window)
    assert groups == {
        # E F I J accepted; A B concluded on time; D withdrawn; I yellow. X counts nothing in October.
        "S001": CaseCounts(accepted=4, concluded=2, concluded_on_time=2, elapsed_sum=12, legal_sum=40,
                           immediate_accepted=2, immediate_same_day=1, withdrawn=1, yellow=1),
        # H accepted and red; C concluded late.
        "S003": CaseCounts(accepted=1, concluded=1, elapsed_sum=7, legal_sum=20, overdue=1),
    }
    assert sum(groups.values(), CaseCounts()) + CaseCounts(refused=1) == OCTOBER


def test_counts_by_item_add_up_to_the_total(centre, cases):
    window = period("2025-10-01", "2025-10-31")
    groups = counts_by(folded(centre, cases, window["as_of"]), GROUPINGS["item"], **window)
    assert groups["IMM"] == CaseCounts(accepted=2, immediate_accepted=2, immediate_same_day=1)
    assert sum(groups.values(), CaseCounts()) == OCTOBER
    assert set(counts_by(folded(centre, cases, window["as_of"]), GROUPINGS["department"], **window)) == {"D01"}


def test_a_case_must_be_folded_as_of_the_moment_asked_about(centre, cases):
    window = period("2025-10-01", "2025-10-11")
    with pytest.raises(ValueError, match="fold it"):
        counts_of(centre.case(cases["C"]), **window)  # concluded 10-13, after as_of
