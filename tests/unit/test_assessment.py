"""A month's assessment (月度考核定稿) as an event-sourced aggregate, on an in-memory store, no read
models: finalised once and only after the month (Beijing time), its results scored from the inputs
with the scheme in force, and amended with reasons that re-grade and re-rank within the bounds.

The hand-computed month, October 2026 under scheme version 1 (base 100, red flags and stars need
≥ 95 and ≥ 10 cases accepted):

| window | accepted | on time | events | score | rank | red flag |
|---|---|---|---|---|---|---|
| A12 | 12 | 1.0 | a letter (+1) | 101 | 1 | yes |
| C03 | 3 | — | — | 100 | 2 | no (3 cases) |
| B01 | 10 | 0.9 | an overdue case (−5) | 95 | 3 | yes |

| staff | accepted | events | score | rank | star |
|---|---|---|---|---|---|
| S002 | 10 | — | 100 | 1 | yes |
| S001 | 12 | a valid bad review (−2) | 98 | 2 | no (score, and the bad review) |
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from domain.assessment import AMENDMENT_RULE, Assessment, check_month_over, month_days
from domain.audit import Head
from domain.base import Actor, BusinessTimeError, DuplicateCode, IllegalTransition, InvalidValue, UnknownReference
from domain.case_commands import VersionConflict
from domain.clock import SHANGHAI
from domain.scheme import load_default_scheme
from domain.scoring import SubjectMonth
from streams.envelope import STREAMS, envelope_of
from tests.utils.centre import TEST_CHAIN, make_centre

NOW = datetime(2026, 11, 3, 2, 0, tzinfo=timezone.utc)
SUPERVISOR = Actor("sup-wang", "supervisor")
SCHEME = load_default_scheme()
INPUTS = {
    "window": [
        SubjectMonth("A12", {"commendation.letter": ("cm-1",)}, accepted=12, on_time_rate=1.0),
        SubjectMonth("B01", {"overdue": ("case-9",)}, accepted=10, on_time_rate=0.9),
        SubjectMonth("C03", {}, accepted=3, on_time_rate=None),
    ],
    "staff": [
        SubjectMonth("S001", {"bad_review": ("rv-1",)}, accepted=12, on_time_rate=1.0, disqualified=True),
        SubjectMonth("S002", {}, accepted=10, on_time_rate=0.9),
    ],
}
DETAILS = {"window": {"A12": {"name": "综合受理 A12", "hall": "H01", "department": "D01"}},
           "staff": {"S001": {"name": "李娜", "window": "A12", "department": "D01"}}}


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def centre():
    return make_centre(clock=lambda: NOW)


def finalised(centre, month: str = "2026-10", at: str = "2026-11-02 09:00"):
    return centre.finalise_month(month, inputs=INPUTS, details=DETAILS, actor=SUPERVISOR, at=bj(at))


def table(results: list[dict], subject: str) -> list[tuple]:
    honour = "red_flag" if subject == "window" else "star"
    return [(item[subject], item["score"], item["grade"], item["rank"], item[honour]) for item in results]


def test_month_days_and_when_a_month_is_over():
    assert month_days("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_days("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_days("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    for bad in ("2026-13", "2026-1", "0000-01", "", None):
        with pytest.raises(InvalidValue) as refused:
            month_days(bad)
        assert refused.value.field == "month"
    with pytest.raises(InvalidValue, match="from 2026-11-01"):
        check_month_over("2026-10", bj("2026-10-31 23:59:59"))
    check_month_over("2026-10", bj("2026-11-01 00:00"))
    # 16:00 UTC on the 31st is already 1 November in Beijing
    check_month_over("2026-10", datetime(2026, 10, 31, 16, 0, tzinfo=timezone.utc))
    with pytest.raises(InvalidValue):
        check_month_over("2026-10", datetime(2026, 10, 31, 15, 59, tzinfo=timezone.utc))


def test_finalising_records_the_scores_of_the_inputs_with_the_scheme_in_force(centre):
    assessment = finalised(centre)
    assert (assessment.month, assessment.scheme_version, assessment.version) == ("2026-10", 1, 1)
    assert assessment.id == Assessment.id_for("2026-10")
    assert assessment.finalised_at == bj("2026-11-02 09:00")
    assert assessment.finalised_by == {"user": "sup-wang", "role": "supervisor"}
    loaded = centre.assessment("2026-10")
    windows, staff = loaded.amended_results("window", SCHEME), loaded.amended_results("staff", SCHEME)
    assert table(windows, "window") == [("A12", 101, "excellent", 1, True), ("C03", 100, "excellent", 2, False),
                                        ("B01", 95, "excellent", 3, True)]
    assert table(staff, "staff") == [("S002", 100, "excellent", 1, True), ("S001", 98, "excellent", 2, False)]
    assert windows[0] == {"name": "综合受理 A12", "hall": "H01", "department": "D01", "window": "A12", "score": 101,
                          "grade": "excellent", "rank": 1, "red_flag": True,
                          "lines": [{"rule": "commendation.letter", "count": 1, "points": 1, "refs": ["cm-1"]}]}
    assert staff[1]["lines"] == [{"rule": "bad_review", "count": 1, "points": -2, "refs": ["rv-1"]}]
    assert staff[1]["window"] == "A12"  # the staff member's own window, beside the score
    assert loaded.finalised_scores("window") == {"A12": 101, "C03": 100, "B01": 95}
    assert loaded.recorded_inputs("staff") == INPUTS["staff"]


def test_the_event_holds_inputs_and_results_with_each_ref_once(centre):
    finalised(centre)
    [event] = list(centre.events.get(Assessment.id_for("2026-10")))
    envelope = envelope_of(event, 1)
    assert (envelope.type, envelope.stream, envelope.version) == ("AssessmentFinalised", "assessment", 1)
    assert "assessment" in STREAMS
    payload = envelope.payload
    assert (payload["month"], payload["scheme_version"]) == ("2026-10", 1)
    assert payload["inputs"]["window"][1] == {"code": "B01", "refs": {"overdue": ["case-9"]}, "accepted": 10,
                                              "on_time_rate": 0.9, "disqualified": False}
    assert payload["results"]["window"][2]["lines"] == [{"rule": "overdue", "count": 1, "points": -5}]
    assert envelope.previous_hash == "0" * 64 and envelope.hash == TEST_CHAIN.hash_of(event)


def test_a_month_is_finalised_once_and_only_once_it_is_over(centre):
    with pytest.raises(InvalidValue) as early:
        finalised(centre, at="2026-10-31 18:00")
    assert early.value.field == "month"
    with pytest.raises(InvalidValue):
        centre.check_finalisable("2026-11")  # now is 3 November
    centre.check_finalisable("2026-10")
    finalised(centre)
    with pytest.raises(IllegalTransition, match="already finalised"):
        centre.check_finalisable("2026-10")
    with pytest.raises(IllegalTransition, match="already finalised"):
        finalised(centre, at="2026-11-02 10:00")
    # two finalisations racing past the check collide in the store (same natural id)
    twin = Assessment.finalise(month="2026-10", scheme=SCHEME, inputs=INPUTS, actor=SUPERVISOR, chain=TEST_CHAIN,
                               occurred_at=bj("2026-11-02 10:00"), recorded_at=NOW)
    with pytest.raises(DuplicateCode):
        centre.save_new(twin, "finalised at the same moment")
    assert centre.assessment("2026-10").version == 1


def test_a_month_before_any_scheme_cannot_be_finalised(centre):
    with pytest.raises(InvalidValue) as refused:
        finalised(centre, month="2025-10")
    assert refused.value.field == "month" and "no scoring scheme" in str(refused.value)


def test_amendments_add_points_within_the_bounds_and_regrade_and_rerank(centre):
    finalised(centre)
    centre.amend_assessment("2026-10", subject="window", code="B01", points=-1, reason="超期认定复核",
                            actor=SUPERVISOR, at=bj("2026-11-02 10:00"))
    assessment = centre.amend_assessment("2026-10", subject="window", code="C03", points=2, reason="补录表扬信",
                                         actor=SUPERVISOR, at=bj("2026-11-02 11:00"))
    windows = assessment.amended_results("window", SCHEME)
    # C03 overtakes A12 but has too few cases for a red flag; B01 (94) loses its red flag
    assert table(windows, "window") == [("C03", 102, "excellent", 1, False), ("A12", 101, "excellent", 2, True),
                                        ("B01", 94, "good", 3, False)]
    assert windows[2]["lines"] == [{"rule": "overdue", "count": 1, "points": -5, "refs": ["case-9"]},
                                   {"rule": AMENDMENT_RULE, "count": 1, "points": -1, "refs": ["amendment-1"]}]
    assert [(a.number, a.subject, a.code, a.points, a.reason) for a in assessment.amendments] == [
        (1, "window", "B01", -1, "超期认定复核"), (2, "window", "C03", 2, "补录表扬信")]
    assert assessment.amendments[0].at == bj("2026-11-02 10:00")
    # the finalised figures themselves never change
    assert assessment.finalised_scores("window") == {"A12": 101, "C03": 100, "B01": 95}
    assert table(assessment.amended_results("staff", SCHEME), "staff")[0] == ("S002", 100, "excellent", 1, True)

    centre.amend_assessment("2026-10", subject="window", code="A12", points=20, reason="x", actor=SUPERVISOR)
    centre.amend_assessment("2026-10", subject="staff", code="S001", points=-110, reason="y", actor=SUPERVISOR)
    centre.amend_assessment("2026-10", subject="staff", code="S001", points=5, reason="z", actor=SUPERVISOR)
    again = centre.assessment("2026-10")
    assert again.version == 6
    windows = again.amended_results("window", SCHEME)
    assert (windows[0]["window"], windows[0]["score"]) == ("A12", 110)  # 101 + 20, held at 110
    [s001] = [item for item in again.amended_results("staff", SCHEME) if item["staff"] == "S001"]
    assert (s001["score"], s001["grade"], s001["lines"][-1]) == (
        0, "fail", {"rule": AMENDMENT_RULE, "count": 2, "points": -105, "refs": ["amendment-4", "amendment-5"]})


def test_amendments_are_checked(centre):
    with pytest.raises(IllegalTransition, match="not finalised"):
        centre.amend_assessment("2026-10", subject="window", code="A12", points=1, reason="x", actor=SUPERVISOR)
    finalised(centre)
    amend = centre.amend_assessment
    for field, options in (("subject", {"subject": "hall"}), ("points", {"points": 0}), ("points", {"points": 111}),
                           ("points", {"points": -111}), ("points", {"points": True}), ("points", {"points": 1.5}),
                           ("reason", {"reason": "  "}), ("reason", {"reason": "长" * 501})):
        with pytest.raises(InvalidValue) as refused:
            amend("2026-10", **{"subject": "window", "code": "A12", "points": 1, "reason": "x", **options},
                  actor=SUPERVISOR)
        assert refused.value.field == field, options
    for subject, code in (("window", "S001"), ("staff", "A12"), ("window", "Z99")):
        with pytest.raises(UnknownReference) as unknown:
            amend("2026-10", subject=subject, code=code, points=1, reason="x", actor=SUPERVISOR)
        assert unknown.value.field == "code"
    with pytest.raises(BusinessTimeError):  # before the finalisation it corrects
        amend("2026-10", subject="window", code="A12", points=1, reason="x", actor=SUPERVISOR,
              at=bj("2026-11-02 08:00"))
    with pytest.raises(VersionConflict):
        amend("2026-10", subject="window", code="A12", points=1, reason="x", actor=SUPERVISOR, expected_version=2)
    assert centre.assessment("2026-10").version == 1


def test_the_stream_is_one_keyed_chain_that_verifies(centre):
    finalised(centre)
    centre.amend_assessment("2026-10", subject="staff", code="S002", points=-3, reason="迟到", actor=SUPERVISOR)
    events = list(centre.events.get(Assessment.id_for("2026-10")))
    assert [type(event).__qualname__ for event in events] == ["Assessment.Finalised", "Assessment.Amended"]
    assert events[1].previous_hash == events[0].hash
    amended = envelope_of(events[1], 2)
    assert (amended.type, amended.payload) == (
        "AssessmentAmended", {"subject": "staff", "code": "S002", "points": -3, "reason": "迟到"})
    verdict = centre.verify(Assessment.id_for("2026-10"), Head(2, events[1].hash))
    assert verdict.valid and verdict.events == 2


def test_results_need_the_scheme_they_were_finalised_with(centre):
    assessment = finalised(centre)
    with pytest.raises(ValueError, match="version 1"):
        assessment.amended_results("window", replace(SCHEME, version=2))


def test_the_inputs_must_cover_both_subjects(centre):
    with pytest.raises(ValueError):
        centre.finalise_month("2026-10", inputs={"window": INPUTS["window"]}, actor=SUPERVISOR,
                              at=bj("2026-11-02 09:00"))
