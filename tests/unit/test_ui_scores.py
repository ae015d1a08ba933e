"""The window scores (窗口月度评分) and staff assessments (工作人员月度考核) pages against canned JSON shaped as
GET /scores/windows and GET /assessments/staff answer (issue 7 §4): the pure rows and files, then the pages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from tests.unit.test_ui_client import ROOT, FakeApi, running, serve_everything, signed_in
from ui.i18n import TEXT, translator
from ui.finalising import amendment_problem
from ui.scoreboard import (GRADES, HONOURS, RULES, amendment_rows, case_refs, drift_rows, grade_counts,
                           grade_label, grade_styles, line_rows, lines_csv, points_total, ref_kind, rule_label,
                           score_chart, score_rows, scores_csv)
from ui.session import PAGE_ROLES, may_open

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH, T_EN = translator("zh"), translator("en")


def line(rule: str, refs: list[str], points_each: int) -> dict:
    return {"rule": rule, "count": len(refs), "points": points_each * len(refs), "refs": refs}


WINDOWS = {"month": "2026-01", "scheme_version": 2, "finalised": False, "items": [
    {"window": "A09", "name": "规划许可窗口", "hall": "H-1", "department": "ZRZY", "score": 103, "grade": "excellent",
     "rank": 1, "red_flag": True, "lines": [line("commendation.banner", ["cm-1", "cm-2"], 2),
                                            line("late_entry", ["C-9#3"], -1)]},
    {"window": "A12", "name": "A12 综合受理", "hall": "H-1", "department": "D-1", "score": 100, "grade": "excellent",
     "rank": 2, "red_flag": False, "lines": []},
    {"window": "A10", "name": "不动产登记窗口", "hall": "H-1", "department": "ZRZY", "score": 88, "grade": "good",
     "rank": 3, "red_flag": False, "lines": [line("overdue", ["C-1", "C-2"], -5), line("inspection.absent", ["in-1"], -2)]},
    {"window": "B03", "name": "B03 专业窗口", "hall": "H-2", "department": "D-2", "score": 63, "grade": "fail",
     "rank": 4, "red_flag": False, "lines": [line("overdue", ["C-3", "C-4", "C-5", "C-6", "C-7"], -5),
                                             line("card.yellow", ["cd-1"], -5),
                                             line("rectification_overdue", ["rv-1", "rv-2"], -3),
                                             line("late_entry", ["C-3#2"], -1)]},
]}
STAFF = {"month": "2026-01", "scheme_version": 2, "finalised": True, "finalised_at": "2026-02-02T09:00:00+08:00",
         "drift": [{"subject": "staff", "code": "S-2", "live_score": 93, "finalised_score": 95},
                   {"subject": "window", "code": "A10", "live_score": 83, "finalised_score": 88}],
         "items": [
             {"staff": "S-1", "name": "张三", "window": "A12", "department": "D-1", "score": 101, "grade": "excellent", "rank": 1,
              "star": True, "lines": [line("commendation.letter", ["cm-3"], 1)]},
             {"staff": "S-2", "name": "李四", "window": "A12", "department": "D-1", "score": 95, "grade": "excellent", "rank": 2,
              "star": False, "lines": [line("bad_review", ["rv-3"], -2), line("inspection.phone", ["in-2"], -1),
                                       line("amendment", ["amendment-1"], -2)]},
             {"staff": "S-3", "name": "王五", "window": "B03", "department": "D-2", "score": 73, "grade": "pass", "rank": 3,
              "star": False, "lines": [line("overdue", ["C-3"], -5), line("card.red", ["cd-2"], -10),
                                       line("complaint", ["cp-1"], -5), line("inspection.rude", ["in-3", "in-4"], -3),
                                       line("inspection.off_post", ["in-5"], -1)]},
         ],
         "amendments": [{"number": 1, "subject": "staff", "code": "S-2", "points": -2, "reason": "漏登一次差评",
                         "at": "2026-02-03T10:00:00+08:00", "actor": {"user": "sup", "role": "supervisor"}}]}
FINALISED = {**WINDOWS, "finalised": True, "finalised_at": "2026-02-02T09:00:00+08:00", "talks_required": ["B03"]}


def labelled(widgets, label: str):
    """The one widget of a kind with this label (a form's widgets have no key)."""
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, [w.label for w in widgets]
    return found[0]


def last_full_month() -> str:
    first_of_this = datetime.now(timezone(timedelta(hours=8))).date().replace(day=1)
    return (first_of_this - timedelta(days=1)).strftime("%Y-%m")


# -- pure functions ------------------------------------------------------------------------------

def test_every_rule_and_grade_is_put_in_words_in_both_languages():
    assert len(RULES) == 16
    assert [rule_label(T_ZH, r) for r in ("overdue", "late_entry", "bad_review", "rectification_overdue", "complaint")] \
        == ["超期办件", "录入不及时", "差评", "整改超期", "有效投诉"]
    assert [rule_label(T_ZH, f"inspection.{k}") for k in ("absent", "off_post", "untidy", "chatting", "phone",
                                                           "rude", "other")] \
        == ["空岗", "串岗", "仪容不整", "扎堆聊天", "玩手机", "态度生硬", "其他"]
    assert [rule_label(T_ZH, r) for r in ("card.yellow", "card.red", "commendation.letter", "commendation.banner")] \
        == ["黄牌", "红牌", "表扬信", "锦旗"]
    assert rule_label(T_EN, "inspection.absent") == "Absent from post"
    assert rule_label(T_ZH, "amendment") == "更正" and rule_label(T_EN, "amendment") == "Amendment"
    assert rule_label(T_ZH, "queue.abandoned") == "queue.abandoned"  # unknown: as it is
    assert [grade_label(T_ZH, g) for g in GRADES] == ["优秀", "良好", "合格", "不合格"]
    assert [grade_label(T_EN, g) for g in GRADES] == ["Excellent", "Good", "Pass", "Fail"]
    for lang in (ZH, EN):
        for rule in RULES:
            assert lang["rule_" + rule.replace(".", "_")].strip()
        for key in ("col_window", "col_staff", *(f"col_{h}" for h in HONOURS.values())):
            assert lang[key].strip()
        for key in ("points_required", "reason_required"):
            assert lang[key].strip()


def test_refs_are_case_ids_only_for_overdue_and_late_entry():
    assert ref_kind("overdue") == ref_kind("late_entry") == "case"
    assert ref_kind("bad_review") == ref_kind("rectification_overdue") == "review"
    assert (ref_kind("inspection.rude"), ref_kind("card.red"), ref_kind("commendation.letter")) \
        == ("inspection", "card", "commendation")
    b03 = WINDOWS["items"][3]["lines"]
    assert case_refs(b03) == ["C-3", "C-4", "C-5", "C-6", "C-7"]  # C-3 twice (overdue, late as C-3#2): once
    assert case_refs(WINDOWS["items"][0]["lines"]) == ["C-9"]  # a late entry names the case and its event
    assert ref_kind("amendment") == "amendment"
    assert case_refs(WINDOWS["items"][1]["lines"]) == []


def test_the_score_table_is_ranked_with_grades_and_red_flags_in_words():
    rows = score_rows(T_ZH, WINDOWS["items"], "window")
    assert list(rows[0]) == [ZH[k] for k in ("col_rank", "col_window", "col_name", "col_hall", "col_department",
                                             "col_score", "col_grade", "col_red_flag")]
    assert [(r[ZH["col_window"]], r[ZH["col_score"]], r[ZH["col_grade"]], r[ZH["col_red_flag"]]) for r in rows] == [
        ("A09", 103, "优秀", "🚩"), ("A12", 100, "优秀", ""), ("A10", 88, "良好", ""), ("B03", 63, "不合格", "")]
    staff = score_rows(T_EN, STAFF["items"], "staff")
    assert list(staff[0]) == [EN[k] for k in ("col_rank", "col_staff", "col_name", "col_window", "col_department",
                                              "col_score", "col_grade", "col_star")]  # a window, not a hall
    assert staff[2][EN["col_window"]] == "B03"
    assert [r[EN["col_star"]] for r in staff] == ["⭐", "", ""]
    assert grade_counts(WINDOWS["items"]) == {"excellent": 2, "good": 1, "pass": 0, "fail": 1}
    styles = grade_styles(T_ZH)
    assert "#d62728" in styles["不合格"] and "#2ca02c" in styles["优秀"] and len(set(styles.values())) == 4


def test_lines_explain_the_points_and_add_up_to_the_score():
    lines = WINDOWS["items"][3]["lines"]
    rows = line_rows(T_ZH, lines)
    assert [(r[ZH["col_rule"]], r[ZH["col_count"]], r[ZH["col_points"]]) for r in rows] == [
        ("超期办件", 5, -25), ("黄牌", 1, -5), ("整改超期", 2, -6), ("录入不及时", 1, -1)]
    assert rows[2][ZH["col_refs"]] == "rv-1 rv-2"
    assert line_rows(T_ZH, STAFF["items"][1]["lines"])[2][ZH["col_rule"]] == "更正"
    for item in WINDOWS["items"]:  # base 100 + the points (within the bounds) give the score
        assert 100 + points_total(item["lines"]) == item["score"]
    assert points_total([]) == 0


def test_amendment_rows_say_who_corrected_what_and_why():
    rows = amendment_rows(T_ZH, STAFF["amendments"], "staff")
    assert rows == [{ZH["col_number"]: 1, ZH["col_staff"]: "S-2", ZH["col_points"]: -2, ZH["amend_reason"]: "漏登一次差评",
                     ZH["col_occurred_at"]: "2026-02-03 10:00:00", ZH["col_actor"]: "sup"}]
    assert amendment_rows(T_ZH, STAFF["amendments"], "window") == []


def test_drift_rows_keep_the_subject_of_the_page():
    assert drift_rows(T_ZH, STAFF["drift"], "staff") == [
        {ZH["col_staff"]: "S-2", ZH["col_live_score"]: 93, ZH["col_finalised_score"]: 95}]
    assert [r[ZH["col_window"]] for r in drift_rows(T_ZH, STAFF["drift"], "window")] == ["A10"]
    assert drift_rows(T_ZH, [], "window") == []


def test_the_csv_files_have_the_api_field_names_a_bom_and_a_row_per_subject_or_line():
    data = scores_csv(WINDOWS["items"], "window")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["rank", "window", "name", "hall", "department", "score", "grade", "red_flag"]
    assert rows[1] == ["1", "A09", "规划许可窗口", "H-1", "ZRZY", "103", "excellent", "true"]
    assert len(rows) == 1 + len(WINDOWS["items"]) and rows[2][-1] == "false"
    staff = list(csv.reader(io.StringIO(scores_csv(STAFF["items"], "staff").decode("utf-8-sig"))))
    assert staff[0] == ["rank", "staff", "name", "window", "department", "score", "grade", "star"]
    assert staff[1] == ["1", "S-1", "张三", "A12", "D-1", "101", "excellent", "true"]
    detail = list(csv.reader(io.StringIO(lines_csv(WINDOWS["items"], "window").decode("utf-8-sig"))))
    assert detail[0] == ["window", "rule", "count", "points", "refs"]
    assert detail[1] == ["A09", "commendation.banner", "2", "4", "cm-1 cm-2"]
    assert len(detail) == 1 + sum(len(i["lines"]) for i in WINDOWS["items"])  # A12 has no line, no row


def test_the_chart_draws_a_bar_per_subject_in_rank_order_coloured_by_grade():
    spec = score_chart(T_ZH, WINDOWS["items"], "window").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["sort"] == ["A09 规划许可窗口", "A12 A12 综合受理", "A10 不动产登记窗口", "B03 B03 专业窗口"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["优秀", "良好", "合格", "不合格"]
    assert [row["score"] for row in spec["data"]["values"]] == [103, 100, 88, 63]


def test_an_amendment_needs_points_and_a_reason():
    assert amendment_problem(0, "录入错误") == "points_required"
    assert amendment_problem(-3, "  ") == "reason_required"
    assert amendment_problem(2, "锦旗漏登") is None


def test_the_pages_are_open_to_the_roles_of_the_issue():
    for page in ("scores", "assessments"):
        assert PAGE_ROLES[page] == {"supervisor", "auditor", "admin", "department"}
        assert not may_open(page, ["clerk", "hotline"])
    assert may_open("reviews", ["department"]) and not may_open("reviews", ["auditor"])
    assert may_open("supervision", ["admin"]) and not may_open("supervision", ["department"])
    assert may_open("what_if", ["clerk", "supervisor"]) and not may_open("what_if", ["auditor"])
    assert may_open("warnings", ["clerk"]) and may_open("trace", [])  # the case pages stay open to everyone


# -- the pages -----------------------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/scores/windows")] = lambda query: (200, {**WINDOWS, "month": query["month"][0]})
    api.routes[("GET", "/assessments/staff")] = lambda query: (200, {**STAFF, "month": query["month"][0]})
    yield from running(api)


def test_the_scores_page_asks_for_the_last_full_month_and_shows_the_ranked_table(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "scores")
    assert not at.exception and not at.error
    assert fake_api.last("/scores/windows")["query"] == {"month": [last_full_month()]}
    assert at.header[0].value == ZH["scores_title"]
    assert any(ZH["scheme_caption"].format(version=2) == c.value for c in at.caption)
    assert any(ZH["not_finalised"] in i.value for i in at.info)
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["优秀"], tiles["良好"], tiles["不合格"], tiles[ZH["col_red_flag"]]) == ("2", "1", "1", "1")
    table = at.dataframe[0].value
    assert list(table[ZH["col_window"]]) == ["A09", "A12", "A10", "B03"]
    assert list(table[ZH["col_grade"]]) == ["优秀", "优秀", "良好", "不合格"]
    assert at.download_button(key="sc_csv").label == ZH["download_csv"]
    assert at.download_button(key="sc_lines_csv").label == ZH["download_lines_csv"]


def test_choosing_a_window_shows_its_lines_and_links_its_cases_to_the_trace(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "scores")
    assert at.selectbox(key="sc_pick").value == "A09"  # the top of the ranking first
    at.selectbox(key="sc_pick").set_value("B03").run()
    assert not at.exception
    assert any(s.value == ZH["lines_title"].format(name="B03 B03 专业窗口") for s in at.subheader)
    assert any(c.value == ZH["lines_total"].format(points=-37, score=63, grade="不合格") for c in at.caption)
    lines = at.dataframe[1].value
    assert list(lines[ZH["col_rule"]]) == ["超期办件", "黄牌", "整改超期", "录入不及时"]
    links = at.get("page_link")
    assert sorted(link.proto.label for link in links) == ["C-3", "C-4", "C-5", "C-6", "C-7"]  # in 3 columns
    assert all("trace" in link.proto.page for link in links)
    assert {link.proto.label: link.proto.query_string for link in links}["C-3"] == "case=C-3"

    at.selectbox(key="sc_pick").set_value("A12").run()
    assert any(ZH["no_lines"] in i.value for i in at.info)
    assert not at.get("page_link")


def test_a_linked_case_opens_in_the_trace(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "scores")
    at.query_params["case"] = "C-1"
    at.switch_page("views/trace.py").run()
    assert not at.exception
    assert at.text_input(key="trace_case_id").value == "C-1"
    assert fake_api.last("/cases/C-1")["method"] == "GET"


def test_a_supervisor_finalises_the_month_once_confirmed(monkeypatch, fake_api):
    month = last_full_month()
    fake_api.routes[("POST", f"/assessments/{month}/finalise")] = (200, {"month": month, "finalised": True})
    at = signed_in(monkeypatch, fake_api, "scores")
    assert at.button(key="sc_finalise").disabled  # not before the confirmation
    at.checkbox(key="sc_confirm").check().run()
    at.button(key="sc_finalise").click().run()
    assert not at.exception
    assert fake_api.last(f"/assessments/{month}/finalise")["method"] == "POST"
    assert any(s.value == ZH["finalised_ok"].format(month=month) for s in at.success)


def test_a_refused_finalisation_shows_the_api_s_reason(monkeypatch, fake_api):
    month = last_full_month()
    fake_api.routes[("POST", f"/assessments/{month}/finalise")] = (409, {"detail": f"{month} is already finalised"})
    at = signed_in(monkeypatch, fake_api, "scores")
    at.checkbox(key="sc_confirm").check().run()
    at.button(key="sc_finalise").click().run()
    assert not at.exception
    assert any("409" in e.value and "already finalised" in e.value for e in at.error)


def test_an_amendment_is_sent_with_its_subject_points_and_reason(monkeypatch, fake_api):
    month = last_full_month()
    fake_api.routes[("POST", f"/assessments/{month}/amendments")] = (201, {"code": "A10"})
    fake_api.routes[("GET", "/scores/windows")] = (200, FINALISED)
    at = signed_in(monkeypatch, fake_api, "scores")
    assert not [b for b in at.button if b.key == "sc_finalise"]  # finalised once
    labelled(at.selectbox, ZH["col_window"]).set_value("A10")
    labelled(at.number_input, ZH["amend_points"]).set_value(3)
    labelled(at.text_input, ZH["amend_reason"]).input("锦旗漏登")
    labelled(at.button, ZH["amend_submit"]).click().run()
    assert not at.exception and [e.value for e in at.error] == [ZH["talks_required"].format(windows="B03")]
    body = json.loads(fake_api.last(f"/assessments/{month}/amendments")["body"])
    assert body == {"subject": "window", "code": "A10", "points": 3, "reason": "锦旗漏登"}
    assert any(s.value == ZH["amended_ok"].format(code="A10", points=3) for s in at.success)


def test_a_live_month_cannot_be_amended_yet(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "scores")
    assert any(c.value == ZH["amend_after_finalising"] for c in at.caption)
    assert not [b for b in at.button if b.label == ZH["amend_submit"]]


def test_a_finalised_month_shows_the_windows_to_be_called_in(monkeypatch, fake_api):
    fake_api.routes[("GET", "/scores/windows")] = (200, FINALISED)
    at = signed_in(monkeypatch, fake_api, "scores")
    assert [e.value for e in at.error] == [ZH["talks_required"].format(windows="B03")]
    assert any("2026-02-02 09:00:00" in s.value for s in at.success)


def test_an_auditor_reads_the_scores_but_cannot_finalise(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "scores", roles=("auditor",))
    assert not at.exception
    assert not [b for b in at.button if b.key == "sc_finalise"]
    assert not [e for e in at.expander if e.label == ZH["finalise_title"]]


def test_the_assessments_page_shows_stars_the_finalised_state_and_the_drift(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "assessments", lang="en")
    assert not at.exception and not at.error
    assert fake_api.last("/assessments/staff")["query"] == {"month": [last_full_month()]}
    assert any("2026-02-02 09:00:00" in s.value for s in at.success)
    assert any(w.value == EN["drift_title"] for w in at.warning)
    drift = at.dataframe[0].value
    assert list(drift[EN["col_staff"]]) == ["S-2"]  # the window's drift belongs to the other page
    assert list(at.dataframe[1].value[EN["amend_reason"]]) == ["漏登一次差评"]
    table = at.dataframe[2].value
    assert list(table[EN["col_star"]]) == ["⭐", "", ""]
    assert list(table[EN["col_grade"]]) == ["Excellent", "Excellent", "Pass"]
    at.selectbox(key="as_pick").set_value("S-3").run()
    assert list(at.dataframe[3].value[EN["col_rule"]]) == ["Overdue case", "Red card", "Verified complaint", "Rude",
                                                           "Off post"]
    assert not [b for b in at.button if b.key == "as_finalise"]  # finalised: no second finalisation


def test_an_api_error_on_the_scores_page_is_shown_not_raised(monkeypatch, fake_api):
    fake_api.routes[("GET", "/scores/windows")] = (503, {"detail": "ClickHouse does not answer"})
    at = signed_in(monkeypatch, fake_api, "scores")
    assert not at.exception
    assert any("503" in e.value for e in at.error)


def test_the_menu_shows_a_role_only_its_pages(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "warnings", roles=("clerk",))
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/scores.py")
    at = signed_in(monkeypatch, fake_api, "scores", roles=("auditor",))
    assert not at.exception and at.header[0].value == ZH["scores_title"]
    for page in ("reviews", "supervision", "what_if"):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(f"views/{page}.py")


def test_the_new_pages_import_nothing_of_the_project():
    code = (
        "import sys, ui.app, ui.scoreboard, ui.views.scores, ui.views.assessments, ui.views.reviews\n"
        "import ui.views.supervision, ui.views.what_if\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'domain', 'api', 'projections', 'streams'})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
