"""The scoring scheme as versioned data: the default file, the wire shape, every refusal, the version in force."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from domain.base import InvalidValue
from domain.scheme import DEFAULT_PATH, Scheme, load_default_scheme, parse_scheme, scheme_for

INSPECTION = {"absent": -2, "off_post": -1, "untidy": -1, "chatting": -1, "phone": -1, "rude": -3, "other": -1}
CARD = {"yellow": -5, "red": -10}
COMMENDATION = {"letter": 1, "banner": 2}

# Issue 7 §3, word for word.
ISSUE_SCHEME = {
    "version": 1, "effective_from": "2026-01",
    "base": 100, "min_score": 0, "max_score": 110, "bonus_cap": 10,
    "grades": {"excellent": 95, "good": 85, "pass": 70},
    "window": {"overdue": -5, "late_entry": -1, "bad_review": -2, "rectification_overdue": -3, "complaint": -5,
               "inspection": INSPECTION, "card": CARD, "commendation": COMMENDATION},
    "staff": {"overdue": -5, "bad_review": -2, "rectification_overdue": -3, "complaint": -5,
              "inspection": INSPECTION, "card": CARD, "commendation": COMMENDATION},
    "honours": {"red_flags": 5, "stars": 3, "min_score": 95, "min_cases": 10},
}

# A value no message may repeat back.
ODD = "<<DO-NOT-ECHO>>"


def issue_scheme() -> dict:
    # Through JSON, not deepcopy: deepcopy would keep window and staff sharing their inner tables.
    return json.loads(json.dumps(ISSUE_SCHEME))


def test_the_default_file_is_the_issues_scheme_exactly():
    scheme = load_default_scheme()
    assert DEFAULT_PATH.name == "scoring-scheme.toml" and DEFAULT_PATH.parent.name == "config"
    assert scheme.as_dict() == ISSUE_SCHEME
    # …key order too, so the wire shows the rules in the issue's order.
    assert json.dumps(scheme.as_dict()) == json.dumps(ISSUE_SCHEME)


def test_a_scheme_round_trips_through_its_wire_shape():
    scheme = load_default_scheme()
    assert parse_scheme(json.loads(json.dumps(scheme.as_dict()))) == scheme


def test_the_fields_mirror_the_wire_shape():
    scheme = load_default_scheme()
    assert (scheme.version, scheme.effective_from, scheme.base, scheme.bonus_cap) == (1, "2026-01", 100, 10)
    assert (scheme.grades.excellent, scheme.grades.good, scheme.grades.pass_) == (95, 85, 70)
    assert scheme.window.inspection.rude == -3 and scheme.staff.card.red == -10
    assert scheme.window.late_entry == -1 and scheme.staff.late_entry is None
    assert scheme.honours.red_flags == 5 and scheme.honours.stars == 3


def test_the_rules_are_named_dotted_in_the_schemes_order():
    scheme = load_default_scheme()
    assert [rule for rule, _ in scheme.window.points()] == [
        "overdue", "late_entry", "bad_review", "rectification_overdue", "complaint",
        "inspection.absent", "inspection.off_post", "inspection.untidy", "inspection.chatting", "inspection.phone",
        "inspection.rude", "inspection.other", "card.yellow", "card.red", "commendation.letter", "commendation.banner"]
    assert dict(scheme.staff.points()) == {rule: points for rule, points in scheme.window.points() if rule != "late_entry"}


def test_grades_are_the_lowest_score_of_each():
    grades = load_default_scheme().grades
    assert [grades.of(score) for score in (110, 95, 94, 85, 84, 70, 69, 0)] == [
        "excellent", "excellent", "good", "good", "pass", "pass", "fail", "fail"]


def test_another_file_can_be_loaded(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("bonus_cap = 10", "bonus_cap = 20")
    (tmp_path / "scheme.toml").write_text(text, encoding="utf-8")
    assert load_default_scheme(tmp_path / "scheme.toml").bonus_cap == 20


def test_a_new_version_is_assigned_by_the_server():
    data = issue_scheme()
    del data["version"]  # POST /schemes carries no version
    assert parse_scheme(data, version=4).version == 4
    assert parse_scheme(issue_scheme(), version=7).version == 7  # an edited copy of the current one


def put(path: str, value: object):
    """A change to the issue's scheme: set the value at a dotted path."""
    def change(data: dict) -> None:
        *tables, key = path.split(".")
        for table in tables:
            data = data[table]
        data[key] = value
    return change


def drop(path: str):
    def change(data: dict) -> None:
        *tables, key = path.split(".")
        for table in tables:
            data = data[table]
        del data[key]
    return change


MALFORMED = [
    # (what is wrong, the change, the field named)
    ("a missing rule", drop("window.inspection.absent"), "window.inspection.absent"),
    ("a missing grade", drop("grades.pass"), "grades.pass"),
    ("a missing section", drop("honours"), "honours"),
    ("no version and none assigned", drop("version"), "version"),
    ("an unknown top-level key", put("weights", {}), "weights"),
    ("staff have no late-entry rule", put("staff.late_entry", -1), "staff.late_entry"),
    ("an unknown inspection kind", put("window.inspection.sleeping", -1), "window.inspection.sleeping"),
    ("an unknown card colour", put("staff.card.green", -1), "staff.card.green"),
    ("points as text", put("window.card.red", ODD), "window.card.red"),
    ("points as a fraction", put("staff.commendation.letter", 1.5), "staff.commendation.letter"),
    ("points as a boolean", put("window.overdue", True), "window.overdue"),
    ("a boolean bound", put("max_score", False), "max_score"),
    ("a table where points belong", put("window.complaint", {"verified": -5}), "window.complaint"),
    ("points where a table belongs", put("window.inspection", -1), "window.inspection"),
    ("a month without its zero", put("effective_from", "2026-1"), "effective_from"),
    ("a thirteenth month", put("effective_from", "2026-13"), "effective_from"),
    ("a day, not a month", put("effective_from", "2026-01-01"), "effective_from"),
    ("a month as a number", put("effective_from", 202601), "effective_from"),
    ("a month as text", put("effective_from", ODD), "effective_from"),
    ("good not below excellent", put("grades.good", 95), "grades.good"),
    ("pass not below good", put("grades.pass", 90), "grades.pass"),
    ("min_score above max_score", put("min_score", 111), "min_score"),
    ("base above the ceiling", put("base", 120), "base"),
    ("a negative bonus cap", put("bonus_cap", -1), "bonus_cap"),
    ("a negative number of red flags", put("honours.red_flags", -1), "honours.red_flags"),
    ("a negative number of stars", put("honours.stars", -1), "honours.stars"),
    ("a negative number of cases", put("honours.min_cases", -1), "honours.min_cases"),
    ("an honours bar as text", put("honours.min_score", ODD), "honours.min_score"),
    ("a deduction turned into a bonus", put("window.inspection.rude", 3), "window.inspection.rude"),
    ("a card turned into a bonus", put("staff.card.yellow", 5), "staff.card.yellow"),
    ("a bonus turned into a deduction", put("staff.commendation.banner", -2), "staff.commendation.banner"),
    ("a version of 0", put("version", 0), "version"),
    ("a version as text", put("version", ODD), "version"),
]


@pytest.mark.parametrize(("change", "field"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_a_malformed_scheme_is_refused_naming_the_field(change, field):
    data = issue_scheme()
    change(data)
    with pytest.raises(InvalidValue) as refused:
        parse_scheme(data)
    assert refused.value.field == field
    assert ODD not in str(refused.value)


@pytest.mark.parametrize(("path", "value"), [
    ("window.inspection.absent", 987654321), ("staff.commendation.letter", -987654321), ("grades.good", 987654321),
    ("bonus_cap", -987654321), ("max_score", 12.345678), ("honours.stars", "987654321"), ("effective_from", "9876-54"),
])
def test_a_message_never_echoes_the_value(path, value):
    data = issue_scheme()
    put(path, value)(data)
    with pytest.raises(InvalidValue) as refused:
        parse_scheme(data)
    assert refused.value.field == path
    assert str(value) not in str(refused.value) and "9876" not in str(refused.value)


def test_a_scheme_that_is_not_a_table_is_refused():
    with pytest.raises(InvalidValue) as refused:
        parse_scheme([ODD])
    assert refused.value.field == "scheme" and ODD not in str(refused.value)


def test_a_malformed_assigned_version_is_refused():
    with pytest.raises(InvalidValue) as refused:
        parse_scheme(issue_scheme(), version=0)
    assert refused.value.field == "version"


def test_zero_points_are_allowed_on_either_side():
    data = issue_scheme()
    put("window.late_entry", 0)(data)
    put("staff.commendation.letter", 0)(data)
    scheme = parse_scheme(data)
    assert scheme.window.late_entry == 0 and scheme.staff.commendation.letter == 0


# -- the version in force ------------------------------------------------------------------------


def version(number: int, effective_from: str) -> Scheme:
    return replace(load_default_scheme(), version=number, effective_from=effective_from)


def test_a_month_is_scored_with_the_latest_version_in_force():
    v1, v2, v3 = version(1, "2026-01"), version(2, "2026-04"), version(3, "2026-06")
    schemes = [v3, v1, v2]  # in any order
    assert scheme_for("2026-01", schemes) is v1
    assert scheme_for("2026-03", schemes) is v1
    assert scheme_for("2026-04", schemes) is v2
    assert scheme_for("2026-05", schemes) is v2
    assert scheme_for("2027-01", schemes) is v3


def test_a_later_version_from_an_earlier_month_supersedes():
    # Version 3 corrects the weights back to February: from then on it is the latest in force.
    v1, v2, v3 = version(1, "2026-01"), version(2, "2026-04"), version(3, "2026-02")
    assert scheme_for("2026-01", [v1, v2, v3]) is v1
    assert scheme_for("2026-02", [v1, v2, v3]) is v3
    assert scheme_for("2026-05", [v1, v2, v3]) is v3


def test_a_month_before_every_scheme_has_none():
    with pytest.raises(InvalidValue) as refused:
        scheme_for("2025-12", [version(1, "2026-01")])
    assert refused.value.field == "month"
    with pytest.raises(InvalidValue):
        scheme_for("2026-01", [])


@pytest.mark.parametrize("month", ["2026-1", "2026-00", "2026/01", "", "2026-01-31"])
def test_a_malformed_month_is_refused(month):
    with pytest.raises(InvalidValue) as refused:
        scheme_for(month, [version(1, "2026-01")])
    assert refused.value.field == "month"
