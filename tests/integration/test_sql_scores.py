"""A month's inputs to the scores (projections.scores.month_subjects) from the read models, against a
hand-computed March 2026 (no holidays: the working days are Monday to Friday), on chDB and on the
ClickHouse server. Every rule is charged as issue 7 §3 says, with the ids behind it.

| case | item (limit) | accepted | what happens |
|---|---|---|---|
| c1 | P1 (1) | A01 by S01, Mon 03-02 | to S02 on 03-03 for review; never concluded: overdue from Wed 03-04, held by S02 |
| c2 | P5 (5) | A01 by S01, 03-02 | concluded 03-05 on time; rated 1 on 03-06 (r2, a valid bad review) |
| c3 | P5 (5) | A02 by S02, 03-02 | concluded 03-03; rated 2 on 03-04 (r3), appealed, upheld on 03-10: it leaves the scores |
| c4 | P5 (5) | A02 by S02, 03-09 | concluded 03-10; rated 2 that day (r4), to be rectified by 03-17, never: overdue 03-18 |
| c5 | P5 (5) | A03 by S03, 03-11 | submission and acceptance recorded 27 hours late (two late entries); concluded 03-12 |
| c6 | P1 (1) | A01 by S01, 04-01 | overdue in April: not in March |

Supervision in March: an absence (空岗) of S01 at A01; phones at A02, nobody named; a yellow card to
S02 at A02; a banner for S03 at A03 and a letter for A03. An inspection at A01 on 04-01 is April's.
A04 and S04 have nothing: they are scored too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.base import Actor
from domain.clock import SHANGHAI
from domain.scheme import load_default_scheme
from domain.scoring import SubjectMonth, score_subjects
from projections.findings import findings
from projections.scores import late_entries, month_subjects, month_subjects_and_details
from tests.utils.cases import ITEMS
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre
from tests.utils.projection import projected

CLERK = Actor("clerk", "clerk")
OFFICER = Actor("officer", "supervisor")
MARCH = date(2026, 3, 1)
NOW = datetime(2026, 4, 20, 9, tzinfo=SHANGHAI)
WINDOWS = {"A01": "S01", "A02": "S02", "A03": "S03", "A04": "S04"}


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Month:
    """The centre of the table above, each event recorded five minutes after its business time unless told."""

    def __init__(self) -> None:
        self.now = bj("2026-02-01 09:00")
        self.centre = make_centre(clock=lambda: self.now)
        register_small_centre(self.centre, at=bj("2026-02-01 08:00"), items=ITEMS, windows=WINDOWS)
        self.ids: dict[str, str] = {}

    def at(self, text: str, late: timedelta = timedelta(minutes=5)) -> datetime:
        moment = bj(text)
        self.now = max(self.now, moment + late)
        return moment

    def case(self, name: str, item: str, window: str, accepted: str, *, concluded: str | None = None,
             late: timedelta = timedelta(minutes=5)) -> str:
        centre = self.centre
        case = centre.submit_case(item=item, channel="window", applicant={"name": "王芳"}, actor=CLERK,
                                  at=self.at(accepted, late) - timedelta(minutes=30))
        centre.accept_case(case.id, window=window, staff=WINDOWS[window], actor=CLERK, at=self.at(accepted, late))
        self.ids[name] = str(case.id)
        if concluded:
            self.conclude(name, concluded)
        return str(case.id)

    def conclude(self, case: str, at: str) -> None:
        self.centre.conclude_case(self.ids[case], outcome="approved", actor=CLERK, at=self.at(at))

    def review(self, name: str, case: str, rating: int, given: str) -> str:
        review = self.centre.give_review(self.ids[case], rating=rating, channel="pad", actor=CLERK, at=self.at(given))
        self.ids[name] = str(review.id)
        return str(review.id)


@pytest.fixture(scope="module")
def march() -> Month:
    month = Month()
    centre, ids = month.centre, month.ids
    # in the order of business time, so that only c5 is entered late
    month.case("c1", "P1", "A01", "2026-03-02 10:00")
    month.case("c2", "P5", "A01", "2026-03-02 10:30")
    month.case("c3", "P5", "A02", "2026-03-02 11:00")
    centre.transfer_case(ids["c1"], staff="S02", stage="review", actor=CLERK, at=month.at("2026-03-03 09:00"))
    month.conclude("c3", "2026-03-03 15:00")
    month.review("r3", "c3", 2, "2026-03-04 09:00")
    centre.verify_review(ids["r3"], outcome="appeal", note="恶意差评", actor=OFFICER, at=month.at("2026-03-04 16:00"))
    month.conclude("c2", "2026-03-05 15:00")
    month.review("r2", "c2", 1, "2026-03-06 09:00")
    month.case("c4", "P5", "A02", "2026-03-09 10:00", concluded="2026-03-10 11:00")
    month.review("r4", "c4", 2, "2026-03-10 12:00")
    centre.verify_review(ids["r4"], outcome="rectify_by_deadline", note="属实", actor=OFFICER,
                         at=month.at("2026-03-10 16:00"))
    centre.decide_appeal(ids["r3"], upheld=True, note="查无此事", actor=OFFICER, at=month.at("2026-03-10 17:00"))
    month.case("c5", "P5", "A03", "2026-03-11 09:00", concluded="2026-03-12 16:00", late=timedelta(hours=27))
    for name, record in (
            ("i1", lambda: centre.inspect(window="A01", staff="S01", kind="absent", actor=OFFICER,
                                          at=month.at("2026-03-12 10:00"))),
            ("i2", lambda: centre.inspect(window="A02", kind="phone", actor=OFFICER, at=month.at("2026-03-12 11:00"))),
            ("k1", lambda: centre.issue_card(window="A02", staff="S02", colour="yellow", reason="屡教不改",
                                             actor=OFFICER, at=month.at("2026-03-13 10:00"))),
            ("m1", lambda: centre.commend(window="A03", staff="S03", kind="banner", actor=OFFICER,
                                          at=month.at("2026-03-16 10:00"))),
            ("m2", lambda: centre.commend(window="A03", kind="letter", actor=OFFICER, at=month.at("2026-03-16 11:00"))),
            ("i9", lambda: centre.inspect(window="A01", staff="S01", kind="rude", actor=OFFICER,
                                          at=month.at("2026-04-01 10:00")))):
        ids[name] = str(record().id)
    month.case("c6", "P1", "A01", "2026-04-01 10:00")
    month.now = NOW.astimezone(UTC)
    return month


@pytest.fixture
def store(read_models, march):
    return projected(read_models, march.centre)


def expected(ids: dict[str, str]) -> dict[str, list[SubjectMonth]]:
    def refs(**rules: list[str]) -> dict[str, tuple[str, ...]]:
        return {rule.replace("__", "."): tuple(sorted(values)) for rule, values in sorted(rules.items())}

    c5_entries = [f"{ids['c5']}#1", f"{ids['c5']}#2"]
    return {
        "window": [
            SubjectMonth("A01", refs(overdue=[ids["c1"]], bad_review=[ids["r2"]], inspection__absent=[ids["i1"]]),
                         accepted=2, on_time_rate=1.0),
            SubjectMonth("A02", refs(bad_review=[ids["r4"]], rectification_overdue=[ids["r4"]],
                                     inspection__phone=[ids["i2"]], card__yellow=[ids["k1"]]),
                         accepted=2, on_time_rate=1.0),
            SubjectMonth("A03", refs(late_entry=c5_entries, commendation__banner=[ids["m1"]],
                                     commendation__letter=[ids["m2"]]), accepted=1, on_time_rate=1.0),
            SubjectMonth("A04"),
        ],
        "staff": [
            SubjectMonth("S01", refs(bad_review=[ids["r2"]], inspection__absent=[ids["i1"]]), accepted=2,
                         on_time_rate=1.0, disqualified=True),
            SubjectMonth("S02", refs(overdue=[ids["c1"]], bad_review=[ids["r4"]], rectification_overdue=[ids["r4"]],
                                     card__yellow=[ids["k1"]]), accepted=2, on_time_rate=1.0, disqualified=True),
            SubjectMonth("S03", refs(commendation__banner=[ids["m1"]]), accepted=1, on_time_rate=1.0),
            SubjectMonth("S04"),
        ],
    }


def test_the_month_counts_each_rule_for_whom_it_is_charged_to(store, march):
    found = month_subjects(store, month=MARCH, as_of=NOW)
    assert found == expected(march.ids)


def test_the_month_scores_as_hand_computed(store, march):
    scheme = load_default_scheme()
    found, details = month_subjects_and_details(store, month=MARCH, as_of=NOW)
    windows = {score.code: (score.score, score.rank) for score in score_subjects(scheme, "window", found["window"])}
    # A01 100-5-2-2; A02 100-2-3-1-5; A03 100-2+2+1; A04 100 (no case: ranks after A03's rate)
    assert windows == {"A01": (91, 3), "A02": (89, 4), "A03": (101, 1), "A04": (100, 2)}
    staff = {score.code: score.score for score in score_subjects(scheme, "staff", found["staff"])}
    assert staff == {"S01": 96, "S02": 85, "S03": 102, "S04": 100}
    assert details["window"]["A01"] == {"name": "综合受理 A01", "hall": "H01", "department": "D01"}
    assert details["staff"]["S03"] == {"name": "李娜", "window": "A03", "department": "D01"}


def test_the_late_entries_are_the_findings_events(store, march):
    """One ref per event entered late; the same events as the late_entry findings of /findings."""
    as_of = datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI)
    rows = late_entries(store, first=MARCH, last=date(2026, 3, 31), as_of=as_of, hours=24)
    assert [(row["case_id"], row["version"], row["window"]) for row in rows] == [
        (march.ids["c5"], 1, "A03"), (march.ids["c5"], 2, "A03")]
    listed = [finding for finding in findings(store, first=MARCH, last=date(2026, 3, 31), as_of=as_of)
              if finding.kind == "late_entry"]
    assert [(finding.case_id, finding.window) for finding in listed] == [(march.ids["c5"], "A03")] * 2


def test_as_of_an_earlier_moment(store, march):
    """On 03-05 the appeal of r3 was not yet upheld (it counted), c4 and the supervision had not happened."""
    ids = march.ids
    found = month_subjects(store, month=MARCH, as_of=bj("2026-03-05 12:00"))
    windows = {month.code: dict(month.refs) for month in found["window"]}
    assert windows == {"A01": {"overdue": (ids["c1"],)}, "A02": {"bad_review": (ids["r3"],)}, "A03": {}, "A04": {}}
    staff = {month.code: (dict(month.refs), month.disqualified) for month in found["staff"]}
    assert staff["S02"] == ({"overdue": (ids["c1"],), "bad_review": (ids["r3"],)}, True)
    # only windows asked for: the staff are not read
    assert list(month_subjects(store, month=MARCH, as_of=NOW, subjects=("window",))) == ["window"]


def test_a_month_with_nothing_scores_every_subject_from_the_base(store, march):
    found = month_subjects(store, month=date(2026, 2, 1), as_of=NOW)
    assert found == {"window": [SubjectMonth(code) for code in WINDOWS],
                     "staff": [SubjectMonth(code) for code in WINDOWS.values()]}


def test_without_ranking_figures_the_scores_and_grades_are_the_same(store, march):
    """Grades (for 约谈) are read without the month's case figures, which only ranks and honours use."""
    scheme = load_default_scheme()
    for subject in ("window", "staff"):
        full = score_subjects(scheme, subject, month_subjects(store, month=MARCH, as_of=NOW)[subject])
        light = score_subjects(scheme, subject, month_subjects(store, month=MARCH, as_of=NOW, ranking=False)[subject])
        assert {s.code: (s.score, s.grade, s.lines) for s in light} == {s.code: (s.score, s.grade, s.lines) for s in full}
        assert any(s.lines for s in full)
