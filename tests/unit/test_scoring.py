"""A month scored by hand under the default scheme (base 100, bounds 0–110, bonus cap 10, grades 95/85/70,
5 red flags and 3 stars for a score of 95 or more with 10 cases accepted), then the rules one by one.

Windows (accepted, on-time rate; the arithmetic):
  W01  30  0.90  overdue ×1, letter ×6, banner ×4   100 − 5 + min(6 + 8, 10) = 105 (letter +6, banner +4)
  W02  12  0.80  banner ×2                          100 + 4 = 104
  W08   9  1.00  letter ×1                          100 + 1 = 101, but 9 cases: no red flag
  W03  11  1.00  —                                  100 ┐ the higher rate wins, whatever the cases
  W04  15  0.90  —                                  100 │ same rate: more cases accepted wins
  W05  14  0.90  —                                  100 │ same rate and cases: the code decides
  W06  14  0.90  —                                  100 │ (the 6th eligible window: no red flag)
  W07  20  None  —                                  100 ┘ no rate ranks lowest, even with more cases
  W10   5  0.50  overdue ×1                         100 − 5 = 95      excellent
  W09  20  0.95  overdue ×1, late ×1                100 − 5 − 1 = 94  good
  W11  10  0.70  overdue ×3                         100 − 15 = 85     good
  W12  10  0.70  overdue ×3, late ×1                100 − 15 − 1 = 84 pass
  W13  10  0.60  overdue ×6                         100 − 30 = 70     pass
  W14  10  0.60  overdue ×6, late ×1                100 − 30 − 1 = 69 fail
  W15  10  0.10  overdue ×20, rude ×1, red card ×1, letter ×2
                                                    100 − 100 − 3 − 10 + 2 = −11 → 0 fail
Red flags: the first five eligible in rank order, W01 W02 (W08 skipped) W03 W04 W05.

Staff (accepted, on-time rate):
  S04  10  0.80  letter ×3                100 + 3 = 103         star
  S09  30  1.00  complaint ×1, banner ×3  100 − 5 + 6 = 101     a verified complaint: no star
  S01  12  1.00  —                        100                   star
  S08   9  0.99  —                        100                   9 cases: no star
  S03  11  0.95  — (flagged disqualified) 100                   no star
  S07  10  0.50  —                        100                   star (the third)
  S06  10  0.90  phone ×1                 100 − 1 = 99          eligible, but the stars are taken
  S02  15  1.00  bad review ×1            100 − 2 = 98          a valid bad review: no star
  S05  20  1.00  yellow card ×1           100 − 5 = 95          a card: no star
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.scheme import load_default_scheme
from domain.scoring import Score, ScoreLine, SubjectMonth, score_subjects, talks_required

SCHEME = load_default_scheme()


def ids(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}-{number}" for number in range(1, count + 1))


def window(code: str, accepted: int, rate: float | None, **counts: int) -> SubjectMonth:
    """A window's month; counts by rule, written with `__` for the dot (inspection__rude=1)."""
    refs = {rule.replace("__", "."): ids(f"{code}-{rule}", count) for rule, count in counts.items()}
    return SubjectMonth(code=code, refs=refs, accepted=accepted, on_time_rate=rate)


def staff(code: str, accepted: int, rate: float | None, disqualified: bool = False, **counts: int) -> SubjectMonth:
    return replace(window(code, accepted, rate, **counts), disqualified=disqualified)


WINDOWS = [
    # Listed out of order on purpose: the input order must not matter.
    window("W15", 10, 0.10, overdue=20, inspection__rude=1, card__red=1, commendation__letter=2),
    window("W06", 14, 0.90),
    window("W05", 14, 0.90),
    window("W07", 20, None),
    window("W01", 30, 0.90, overdue=1, commendation__letter=6, commendation__banner=4),
    window("W04", 15, 0.90),
    window("W03", 11, 1.00),
    window("W08", 9, 1.00, commendation__letter=1),
    window("W02", 12, 0.80, commendation__banner=2),
    window("W09", 20, 0.95, overdue=1, late_entry=1),
    window("W10", 5, 0.50, overdue=1),
    window("W11", 10, 0.70, overdue=3),
    window("W12", 10, 0.70, overdue=3, late_entry=1),
    window("W13", 10, 0.60, overdue=6),
    window("W14", 10, 0.60, overdue=6, late_entry=1),
]

STAFF = [
    staff("S01", 12, 1.00),
    staff("S02", 15, 1.00, bad_review=1),
    staff("S03", 11, 0.95, disqualified=True),
    staff("S04", 10, 0.80, commendation__letter=3),
    staff("S05", 20, 1.00, card__yellow=1),
    staff("S06", 10, 0.90, inspection__phone=1),
    staff("S07", 10, 0.50),
    staff("S08", 9, 0.99),
    staff("S09", 30, 1.00, complaint=1, commendation__banner=3),
]


def table(scores: list[Score]) -> list[tuple[str, int, str, int, bool]]:
    return [(score.code, score.score, score.grade, score.rank, score.honoured) for score in scores]


# -- the hand-computed month ---------------------------------------------------------------------


def test_the_windows_month():
    assert table(score_subjects(SCHEME, "window", WINDOWS)) == [
        ("W01", 105, "excellent", 1, True),
        ("W02", 104, "excellent", 2, True),
        ("W08", 101, "excellent", 3, False),
        ("W03", 100, "excellent", 4, True),
        ("W04", 100, "excellent", 5, True),
        ("W05", 100, "excellent", 6, True),
        ("W06", 100, "excellent", 7, False),
        ("W07", 100, "excellent", 8, False),
        ("W10", 95, "excellent", 9, False),
        ("W09", 94, "good", 10, False),
        ("W11", 85, "good", 11, False),
        ("W12", 84, "pass", 12, False),
        ("W13", 70, "pass", 13, False),
        ("W14", 69, "fail", 14, False),
        ("W15", 0, "fail", 15, False),
    ]


def test_the_staff_month():
    assert table(score_subjects(SCHEME, "staff", STAFF)) == [
        ("S04", 103, "excellent", 1, True),
        ("S09", 101, "excellent", 2, False),
        ("S01", 100, "excellent", 3, True),
        ("S08", 100, "excellent", 4, False),
        ("S03", 100, "excellent", 5, False),
        ("S07", 100, "excellent", 6, True),
        ("S06", 99, "excellent", 7, False),
        ("S02", 98, "excellent", 8, False),
        ("S05", 95, "excellent", 9, False),
    ]


def by_code(scores: list[Score]) -> dict[str, Score]:
    return {score.code: score for score in scores}


def test_the_lines_explain_every_point_in_the_schemes_order():
    w15 = by_code(score_subjects(SCHEME, "window", WINDOWS))["W15"]
    assert [(line.rule, line.count, line.points) for line in w15.lines] == [
        ("overdue", 20, -100), ("inspection.rude", 1, -3), ("card.red", 1, -10), ("commendation.letter", 2, 2)]
    assert w15.lines[0].refs == tuple(sorted(ids("W15-overdue", 20)))  # sorted as text: -1, -10, -11, …
    assert w15.lines[1].refs == ("W15-inspection__rude-1",)


def test_a_subject_with_nothing_keeps_the_base_and_has_no_lines():
    [score] = score_subjects(SCHEME, "window", [SubjectMonth("W99")])
    assert (score.score, score.grade, score.rank, score.honoured, score.lines) == (100, "excellent", 1, False, ())


# -- bonuses and bounds --------------------------------------------------------------------------


def test_when_the_bonus_cap_bites_the_lines_show_the_points_granted_in_rule_order():
    w01 = by_code(score_subjects(SCHEME, "window", WINDOWS))["W01"]
    # letter ×6 = +6 fits under the cap of 10; banner ×4 = +8 gets the 4 left.
    assert [(line.rule, line.count, line.points) for line in w01.lines] == [
        ("overdue", 1, -5), ("commendation.letter", 6, 6), ("commendation.banner", 4, 4)]
    assert SCHEME.base + sum(line.points for line in w01.lines) == w01.score == 105


def test_a_line_past_the_cap_grants_nothing_but_still_shows_its_events():
    [score] = score_subjects(SCHEME, "window", [window("W01", 0, None, commendation__letter=12, commendation__banner=1)])
    # letter ×12 = +12 → +10, the whole cap; banner ×1 = +2 → 0.
    assert [(line.rule, line.count, line.points) for line in score.lines] == [
        ("commendation.letter", 12, 10), ("commendation.banner", 1, 0)]
    assert score.score == 110  # the ceiling, reached exactly through the cap


def test_a_cap_of_zero_grants_no_bonus():
    [score] = score_subjects(replace(SCHEME, bonus_cap=0), "staff", [staff("S01", 0, None, commendation__banner=2)])
    assert [(line.rule, line.count, line.points) for line in score.lines] == [("commendation.banner", 2, 0)]
    assert score.score == 100


def test_the_score_never_goes_below_the_floor():
    w15 = by_code(score_subjects(SCHEME, "window", WINDOWS))["W15"]
    assert SCHEME.base + sum(line.points for line in w15.lines) == -11
    assert w15.score == 0


def test_the_score_never_goes_above_the_ceiling():
    generous = replace(SCHEME, bonus_cap=30)
    [score] = score_subjects(generous, "window", [window("W01", 0, None, commendation__banner=10)])
    # banner ×10 = +20, under this scheme's cap of 30: 100 + 20 = 120 → 110.
    assert [(line.rule, line.points) for line in score.lines] == [("commendation.banner", 20)]
    assert score.score == 110


# -- grades and ranks ----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "score", "grade"), [
    ("W10", 95, "excellent"), ("W09", 94, "good"), ("W11", 85, "good"), ("W12", 84, "pass"),
    ("W13", 70, "pass"), ("W14", 69, "fail")])
def test_every_grade_boundary(code, score, grade):
    scored = by_code(score_subjects(SCHEME, "window", WINDOWS))[code]
    assert (scored.score, scored.grade) == (score, grade)


def test_every_tie_break_level():
    ranks = {code: score.rank for code, score in by_code(score_subjects(SCHEME, "window", WINDOWS)).items()}
    # All five score 100.
    assert ranks["W03"] < ranks["W04"]  # rate 1.00 beats 0.90, though W03 accepted fewer cases (11 < 15)
    assert ranks["W04"] < ranks["W05"]  # same rate: 15 cases beat 14
    assert ranks["W05"] < ranks["W06"]  # same rate and cases: the code
    assert ranks["W06"] < ranks["W07"]  # no rate ranks below any rate, though W07 accepted the most (20)


def test_two_subjects_with_no_rate_are_ranked_by_cases_then_code():
    scores = score_subjects(SCHEME, "window", [SubjectMonth("W3", accepted=1), SubjectMonth("W1", accepted=1),
                                               SubjectMonth("W2", accepted=2)])
    assert [score.code for score in scores] == ["W2", "W1", "W3"]


# -- honours -------------------------------------------------------------------------------------


def test_red_flags_go_to_five_windows_at_most():
    flagged = [score.code for score in score_subjects(SCHEME, "window", WINDOWS) if score.honoured]
    assert flagged == ["W01", "W02", "W03", "W04", "W05"]  # W06 and W07 were eligible too


def test_red_flags_need_the_score_and_the_cases():
    scores = score_subjects(SCHEME, "window", [
        window("A", 30, 1.0, overdue=1, late_entry=1),  # 94 < 95, however many cases
        window("B", 10, 1.0, overdue=1),  # 95 and exactly 10 cases
        window("C", 9, 1.0),  # 100, one case short
    ])
    assert {score.code: score.honoured for score in scores} == {"C": False, "B": True, "A": False}


def test_no_red_flags_when_the_scheme_awards_none():
    none = replace(SCHEME, honours=replace(SCHEME.honours, red_flags=0))
    assert not any(score.honoured for score in score_subjects(none, "window", WINDOWS))


def test_stars_exclude_bad_reviews_cards_and_complaints():
    stars = [score.code for score in score_subjects(SCHEME, "staff", STAFF) if score.honoured]
    assert stars == ["S04", "S01", "S07"]


@pytest.mark.parametrize("rule", ["bad_review", "complaint", "card__yellow", "card__red"])
def test_a_disqualifying_event_in_the_counts_is_enough(rule):
    # Even with a bonus that lifts the score back to 100, and without the flag.
    refs = {rule.replace("__", "."): ("e-1",), "commendation.banner": ids("b", 5)}
    [score] = score_subjects(SCHEME, "staff", [SubjectMonth("S01", refs=refs, accepted=10, on_time_rate=1.0)])
    assert score.score >= 95 and not score.honoured


def test_a_window_has_no_disqualification():
    [score] = score_subjects(SCHEME, "window", [replace(window("W01", 10, 1.0), disqualified=True)])
    assert score.honoured


# -- the wire shape and refused inputs -----------------------------------------------------------


def test_a_window_score_as_on_the_wire():
    w01 = by_code(score_subjects(SCHEME, "window", WINDOWS))["W01"]
    assert w01.as_dict() == {
        "window": "W01", "score": 105, "grade": "excellent", "rank": 1, "red_flag": True,
        "lines": [
            {"rule": "overdue", "count": 1, "points": -5, "refs": ["W01-overdue-1"]},
            {"rule": "commendation.letter", "count": 6, "points": 6, "refs": list(ids("W01-commendation__letter", 6))},
            {"rule": "commendation.banner", "count": 4, "points": 4, "refs": list(ids("W01-commendation__banner", 4))},
        ]}


def test_a_staff_assessment_as_on_the_wire():
    s02 = by_code(score_subjects(SCHEME, "staff", STAFF))["S02"]
    assert s02.as_dict() == {"staff": "S02", "score": 98, "grade": "excellent", "rank": 8, "star": False,
                             "lines": [{"rule": "bad_review", "count": 1, "points": -2, "refs": ["S02-bad_review-1"]}]}
    assert ScoreLine("overdue", 1, -5, ("c1",)).as_dict() == {"rule": "overdue", "count": 1, "points": -5, "refs": ["c1"]}


def test_staff_have_no_late_entry_rule():
    with pytest.raises(ValueError, match="late_entry"):
        score_subjects(SCHEME, "staff", [staff("S01", 0, None, late_entry=1)])


def test_an_unknown_rule_is_refused_not_ignored():
    with pytest.raises(ValueError, match="inspection.sleeping"):
        score_subjects(SCHEME, "window", [SubjectMonth("W01", refs={"inspection.sleeping": ("i1",)})])


def test_an_event_counted_twice_is_refused():
    with pytest.raises(ValueError):
        score_subjects(SCHEME, "window", [SubjectMonth("W01", refs={"overdue": ("c1", "c1")})])


def test_a_subject_given_twice_is_refused():
    with pytest.raises(ValueError):
        score_subjects(SCHEME, "window", [SubjectMonth("W01"), SubjectMonth("W01")])


def test_an_unknown_kind_of_subject_is_refused():
    with pytest.raises(ValueError):
        score_subjects(SCHEME, "hall", [])


# -- talks (约谈) ---------------------------------------------------------------------------------


def test_a_window_failing_two_months_running_is_called_in():
    def month(overdue: dict[str, int]) -> list[Score]:
        return score_subjects(SCHEME, "window", [window(code, 10, 1.0, overdue=count) for code, count in overdue.items()])

    previous = month({"W1": 7, "W2": 7, "W3": 0, "W5": 7})  # 65 fails; W5 is not scored this month
    current = month({"W1": 7, "W2": 0, "W3": 7, "W4": 7})
    assert talks_required(previous, current) == ["W1"]
    staff_failing = score_subjects(SCHEME, "staff", [staff("W1", 10, 1.0, overdue=7)])
    assert talks_required(staff_failing, staff_failing) == []  # staff are not windows


# -- the property: base + Σ points, then the bounds --------------------------------------------------


WINDOW_RULES = [rule for rule, _ in SCHEME.window.points()]


@given(counts=st.dictionaries(st.sampled_from(WINDOW_RULES), st.integers(min_value=0, max_value=30)),
       bonus_cap=st.integers(min_value=0, max_value=40))
def test_the_score_is_the_lines_within_the_bounds(counts, bonus_cap):
    scheme = replace(SCHEME, bonus_cap=bonus_cap)
    month = SubjectMonth("W01", refs={rule: ids(rule, count) for rule, count in counts.items()})
    [score] = score_subjects(scheme, "window", [month])
    raw = scheme.base + sum(line.points for line in score.lines)
    assert scheme.min_score <= score.score <= scheme.max_score
    assert score.score == max(scheme.min_score, min(scheme.max_score, raw))
    assert sum(line.points for line in score.lines if line.points > 0) <= bonus_cap
    assert [line.rule for line in score.lines] == [rule for rule in WINDOW_RULES if counts.get(rule)]
    assert all(line.count == len(line.refs) == counts[line.rule] for line in score.lines)
