"""The what-if page (模拟评分) against canned JSON shaped as GET /schemes/current and POST /scores/what-if
answer: the weights in and out of the scheme, the rank changes, the rows, the chart and the CSV files."""

from __future__ import annotations

import copy
import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from tests.unit.test_ui_client import FakeApi, running, serve_everything, signed_in
from ui.i18n import TEXT, translator
from ui.views.what_if import (SUBJECT_RULES, SUBJECTS, changed_rules, flat_rules, rank_arrow, rank_change,
                              slope_chart, weight_bounds, what_if_csv, what_if_rows, with_weights)

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH = translator("zh")
ROOT = Path(__file__).resolve().parents[2]
# the scheme in force, as GET /schemes/current answers (version 1 is the TOML file)
SCHEME = tomllib.loads((ROOT / "config" / "scoring-scheme.toml").read_text(encoding="utf-8"))

WHAT_IF = {"month": "2026-01",
           "windows": [
               {"window": "A10", "score": 96, "grade": "excellent", "rank": 1, "red_flag": True, "current_score": 88,
                "current_rank": 3},
               {"window": "A09", "score": 95, "grade": "excellent", "rank": 2, "red_flag": True, "current_score": 103,
                "current_rank": 1},
               {"window": "A12", "score": 90, "grade": "good", "rank": 3, "red_flag": False, "current_score": 100,
                "current_rank": 2},
               {"window": "B03", "score": 70, "grade": "pass", "rank": 4, "red_flag": False, "current_score": 63,
                "current_rank": 4},
           ],
           "staff": [
               {"staff": "S-1", "score": 100, "grade": "excellent", "rank": 1, "star": True, "current_score": 101,
                "current_rank": 1},
               {"staff": "S-3", "score": 88, "grade": "good", "rank": 2, "star": False, "current_score": 73,
                "current_rank": None},
           ]}


# -- pure functions ------------------------------------------------------------------------------

def test_the_rules_of_the_scheme_come_out_flat_and_go_back_in_place():
    window = flat_rules(SCHEME, "window")
    assert list(window) == list(SUBJECT_RULES["window"]) and len(window) == 16
    assert (window["overdue"], window["inspection.rude"], window["card.red"], window["commendation.banner"]) == (
        -5, -3, -10, 2)
    staff = flat_rules(SCHEME, "staff")
    assert "late_entry" not in staff and len(staff) == 15

    before = copy.deepcopy(SCHEME)
    changed = with_weights(SCHEME, {"window": {"overdue": -8, "inspection.absent": -4}, "staff": {"card.red": -20}})
    assert SCHEME == before  # the scheme in force is not touched
    assert changed["window"]["overdue"] == -8 and changed["window"]["inspection"]["absent"] == -4
    assert changed["window"]["inspection"]["rude"] == -3 and changed["staff"]["card"] == {"yellow": -5, "red": -20}
    assert (changed["version"], changed["base"], changed["honours"]) == (SCHEME["version"], 100, SCHEME["honours"])
    assert with_weights(SCHEME, {s: flat_rules(SCHEME, s) for s in SUBJECTS}) == SCHEME


def test_only_the_weights_that_differ_count_as_changed():
    same = {s: flat_rules(SCHEME, s) for s in SUBJECTS}
    assert changed_rules(SCHEME, same) == []
    edited = copy.deepcopy(same)
    edited["window"]["late_entry"], edited["staff"]["commendation.letter"] = -2, 3
    assert changed_rules(SCHEME, edited) == [("window", "late_entry"), ("staff", "commendation.letter")]


def test_deductions_stay_at_or_below_zero_and_bonuses_at_or_above():
    assert weight_bounds("overdue") == (-1000, 0) and weight_bounds("inspection.other") == (-1000, 0)
    assert weight_bounds("commendation.banner") == (0, 1000)
    for subject in SUBJECTS:
        for rule, points in flat_rules(SCHEME, subject).items():
            low, high = weight_bounds(rule)
            assert low <= points <= high


def test_rank_changes_are_places_gained():
    windows = WHAT_IF["windows"]
    assert [rank_change(w) for w in windows] == [2, -1, -1, 0]
    assert [rank_arrow(rank_change(w)) for w in windows] == ["↑2", "↓1", "↓1", "="]
    assert rank_change(WHAT_IF["staff"][1]) is None and rank_arrow(None) == "-"


def test_the_rows_set_current_and_what_if_side_by_side():
    rows = what_if_rows(T_ZH, WHAT_IF["windows"], "window", {"A10": "不动产登记窗口"})
    assert list(rows[0]) == [ZH[k] for k in ("col_window", "col_name", "col_current_score", "col_what_if_score",
                                             "col_current_rank", "col_what_if_rank", "col_rank_change", "col_grade",
                                             "col_red_flag")]
    assert [(r[ZH["col_window"]], r[ZH["col_rank_change"]], r[ZH["col_red_flag"]]) for r in rows] == [
        ("A10", "↑2", "🚩"), ("A09", "↓1", "🚩"), ("A12", "↓1", ""), ("B03", "=", "")]
    assert rows[0][ZH["col_name"]] == "不动产登记窗口" and rows[1][ZH["col_name"]] == ""
    staff = what_if_rows(T_ZH, list(reversed(WHAT_IF["staff"])), "staff", {})
    assert [r[ZH["col_staff"]] for r in staff] == ["S-1", "S-3"]  # ordered by the what-if rank
    assert staff[0][ZH["col_star"]] == "⭐" and staff[0][ZH["col_grade"]] == "优秀"


def test_the_csv_files_carry_both_scores_and_the_rank_change():
    rows = list(csv.reader(io.StringIO(what_if_csv(WHAT_IF["windows"], "window").decode("utf-8-sig"))))
    assert rows[0] == ["window", "current_score", "current_rank", "score", "rank", "rank_change", "grade", "red_flag"]
    assert rows[1] == ["A10", "88", "3", "96", "1", "2", "excellent", "true"]
    staff = list(csv.reader(io.StringIO(what_if_csv(WHAT_IF["staff"], "staff").decode("utf-8-sig"))))
    assert staff[0][-1] == "star" and staff[2][2] == "" and staff[2][5] == ""


def test_the_chart_draws_each_subject_from_its_current_to_its_what_if_score():
    spec = slope_chart(T_ZH, WHAT_IF["windows"], "window").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point"]
    values = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
    a10 = [(v["series"], v["score"], v["direction"]) for v in values if v["who"] == "A10"]
    assert a10 == [(ZH["series_current"], 88, ZH["direction_up"]), (ZH["series_what_if"], 96, ZH["direction_up"])]
    assert {v["direction"] for v in values if v["who"] == "B03"} == {ZH["direction_same"]}


def test_every_label_of_the_page_in_both_languages():
    for lang in (ZH, EN):
        keys = ({f"weights_{s}" for s in SUBJECTS} | {f"what_if_{s}" for s in SUBJECTS}
                | {f"direction_{d}" for d in ("up", "down", "same")} | {"series_current", "series_what_if"})
        assert keys <= lang.keys(), keys - lang.keys()


# -- the page ------------------------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/schemes/current")] = (200, SCHEME)
    api.routes[("POST", "/scores/what-if")] = (200, WHAT_IF)
    yield from running(api)


def test_the_weights_in_force_are_edited_and_sent_whole(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "what_if")
    assert not at.exception and not at.error
    assert fake_api.last("/schemes/current")["query"]["month"][0][4] == "-"
    assert at.number_input(key="wi_window_overdue").value == -5
    assert at.number_input(key="wi_staff_card.red").value == -10
    assert not [n for n in at.number_input if n.key == "wi_staff_late_entry"]
    at.number_input(key="wi_window_overdue").set_value(-10)
    at.number_input(key="wi_staff_commendation.banner").set_value(5)
    next(b for b in at.button if b.label == ZH["what_if_submit"]).click().run()
    assert not at.exception and not at.error
    sent = json.loads(fake_api.last("/scores/what-if")["body"])
    assert sent["month"] == fake_api.last("/schemes/current")["query"]["month"][0]
    assert sent["scheme"] == with_weights(SCHEME, {"window": {"overdue": -10}, "staff": {"commendation.banner": 5}})
    assert any(c.value == ZH["changed_rules"].format(n=2) for c in at.caption)
    table = at.dataframe[0].value
    assert list(table[ZH["col_rank_change"]]) == ["↑2", "↓1", "↓1", "="]
    assert {b.key for b in at.get("download_button")} == {"wi_window_csv", "wi_staff_csv"}

    at.button(key="wi_reset").click().run()  # back to the weights in force; the result goes with them
    assert at.number_input(key="wi_window_overdue").value == -5
    assert not at.dataframe


def test_a_refused_scheme_is_shown_not_raised(monkeypatch, fake_api):
    fake_api.routes[("POST", "/scores/what-if")] = (422, {"detail": [
        {"loc": ["body", "scheme", "window", "overdue"], "msg": "a deduction cannot be above zero"}]})
    at = signed_in(monkeypatch, fake_api, "what_if", lang="en")
    next(b for b in at.button if b.label == EN["what_if_submit"]).click().run()
    assert not at.exception
    assert any("422" in e.value and "scheme.window.overdue" in e.value for e in at.error)
