"""The 12345 complaint queue (诉求工单) and a complaint's trace (工单追溯) against canned JSON shaped as
GET /complaints, GET /complaints/{id} and its history answer (issue 8): which step each state allows and to
whom, the rows, highlights and CSV file, the catalogue trees, the client's requests, then the pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.unit.test_ui_client import ROOT, TOKEN, FakeApi, running, serve_everything, signed_in
from ui.client import ApiError, SunlightClient
from ui.hotline import (CHANNELS, EVENTS, KPI_FIELDS, KPI_GROUPINGS, STATES, TYPES, VERDICTS, ancestry, depth_of,
                        event_label, event_name, tree_index, tree_label, tree_levels, tree_options)
from ui.i18n import TEXT, translator
from ui.session import PAGE_ROLES, may_open
from ui.views.complaint_trace import events_of, history_entry, timeline_chart, timeline_rows
from ui.views.complaints import (ACTIONS, OVERDUE_STYLE, PROBLEM_STYLE, action_problem, allowed_actions,
                                 complaint_rows, complaints_csv, escalation_choices, flags, intake_body,
                                 intake_problem, row_style, state_counts)

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH, T_EN = translator("zh"), translator("en")
HOTLINE, DEPARTMENT, SUPERVISOR, ADMIN, AUDITOR = {"hotline"}, {"department"}, {"supervisor"}, {"admin"}, {"auditor"}

CATEGORIES = [
    {"code": "C1", "name": "城市管理", "parent": None, "depth": 1, "path": ["C1"]},
    {"code": "C101", "name": "市容环境", "parent": "C1", "depth": 2, "path": ["C1", "C101"]},
    {"code": "C10101", "name": "占道经营", "parent": "C101", "depth": 3, "path": ["C1", "C101", "C10101"]},
    {"code": "C2", "name": "交通出行", "parent": None, "depth": 1, "path": ["C2"]},
]
AREAS = [
    {"code": "D01", "name": "东城区", "parent": None, "depth": 1, "path": ["D01"], "lat": 39.9288, "lon": 116.4160},
    {"code": "D0101", "name": "东华门街道", "parent": "D01", "depth": 2, "path": ["D01", "D0101"],
     "lat": 39.9140, "lon": 116.4030},
    {"code": "D0102", "name": "景山街道", "parent": "D01", "depth": 2, "path": ["D01", "D0102"], "lat": None,
     "lon": None},
    {"code": "D02", "name": "西城区", "parent": None, "depth": 1, "path": ["D02"]},
]


def complaint(cid: str, state: str, number: int, **fields) -> dict:
    return {"id": cid, "reference": f"12345-20260302-{number:04d}", "type": "complaint", "category": "C10101",
            "category_path": ["C1", "C101", "C10101"], "area": "D0101", "area_path": ["D01", "D0101"],
            "channel": "phone", "state": state, "version": 2, "received_at": "2026-03-02T09:15:00+08:00",
            "citizen_ref": f"ref-{cid}", "citizen": {"name": "张*", "phone": "138****0000"},
            "content": "路口占道经营，影响通行", "subject": None, "department": None, "departments": [],
            "first_dispatched_at": None, "limit_days": None, "due_date": None, "remaining_workdays": None,
            "overdue": False, "dispatched_within_2h": None, "answered_directly": False, "reply": None,
            "replied_at": None, "replied_on_time": None, "approved": None, "objection_count": 0, "redo_count": 0,
            "reopen_count": 0, "verdicts": [], "called_back_at": None, "closed_at": None, "escalation_level": 0,
            "problem": False, "problem_reason": None, "duplicates": [], "merged_into": None, "merged_at": None,
            "valid": None, "verified_at": None, **fields}


DISPATCHED = {"department": "D-1", "departments": ["D-1"], "first_dispatched_at": "2026-03-02T10:00:00+08:00",
              "limit_days": 15, "due_date": "2026-03-23", "remaining_workdays": 9, "dispatched_within_2h": True}
RECEIVED = complaint("CP-1", "received", 1, channel="wechat", type="enquiry")
OVERDUE = complaint("CP-2", "dispatched", 2, **{**DISPATCHED, "due_date": "2026-03-04", "remaining_workdays": -2,
                                                "overdue": True})
PROBLEM = complaint("CP-3", "returned", 3, **{**DISPATCHED, "departments": ["D-1", "D-2", "D-3"], "department": "D-3",
                                              "objection_count": 2, "problem": True, "problem_reason": "departments",
                                              "escalation_level": 1})
REPLIED = complaint("CP-4", "replied", 4, **DISPATCHED, reply="已协调城管清理", replied_at="2026-03-05T16:00:00+08:00",
                    replied_on_time=True)
AWAITING = complaint("CP-5", "awaiting_callback", 5, **DISPATCHED, approved=True, reply="已处理",
                     replied_on_time=False, redo_count=1)
CLOSED = complaint("CP-6", "closed", 6, **DISPATCHED, subject={"window": "A12", "staff": "S-1", "department": "D-1"},
                   verdicts=["satisfied"], escalation_level=3)
MERGED = complaint("CP-7", "merged", 7, merged_into="CP-1")
ITEMS = [RECEIVED, OVERDUE, PROBLEM, REPLIED, AWAITING, CLOSED, MERGED]
HISTORY = {"id": "CP-2", "reference": "12345-20260302-0002", "events": [
    {"version": 2, "type": "ComplaintDispatched", "occurred_at": "2026-03-02T10:00:00+08:00",
     "recorded_at": "2026-03-02T10:00:01+08:00", "actor": {"user": "hl1", "role": "hotline"},
     "payload": {"department": "D-1"}, "hash": "b" * 64, "previous_hash": "a" * 64},
    {"version": 1, "type": "ComplaintReceived", "occurred_at": "2026-03-02T09:15:00+08:00",
     "recorded_at": "2026-03-02T09:15:02+08:00", "actor": {"user": "hl1", "role": "hotline"},
     "payload": {"channel": "phone", "citizen_ref": "ref-CP-2"}, "hash": "a" * 64, "previous_hash": "0" * 64},
    {"version": 3, "type": "ComplaintEscalated", "occurred_at": "2026-03-06T09:00:00+08:00",
     "recorded_at": "2026-03-06T09:00:01+08:00", "actor": {"user": "sup", "role": "supervisor"},
     "payload": {"level": 1}, "hash": "c" * 64, "previous_hash": "b" * 64},
]}


def today() -> date:
    return datetime.now(timezone(timedelta(hours=8))).date()


# -- which step a state allows, and to whom ---------------------------------------------------------

@pytest.mark.parametrize("item, user_roles, expected", [
    (RECEIVED, HOTLINE, ["answer", "dispatch", "merge", "escalate"]),
    (RECEIVED, ADMIN, ["answer", "dispatch", "merge"]),  # an admin stands in for the hotline, but 督办 is not theirs
    (RECEIVED, DEPARTMENT, []),
    (OVERDUE, DEPARTMENT, ["object", "reply"]),
    (OVERDUE, HOTLINE, ["merge", "escalate"]),
    (OVERDUE, SUPERVISOR, ["escalate"]),
    (PROBLEM, HOTLINE, ["answer", "dispatch", "merge", "escalate"]),  # 改派 after an objection
    (PROBLEM, DEPARTMENT, []),
    (REPLIED, HOTLINE, ["review", "merge", "escalate"]),  # a department's reply is reviewed, not called back
    ({**REPLIED, "answered_directly": True}, HOTLINE, ["callback", "merge", "escalate"]),
    ({**REPLIED, "answered_directly": None}, ADMIN, ["review", "callback", "merge"]),  # unknown: both offered
    (AWAITING, HOTLINE, ["callback", "merge", "escalate"]),
    (CLOSED, HOTLINE, []),
    (CLOSED, SUPERVISOR, ["verify"]),  # it names a subject, not verified yet
    (MERGED, HOTLINE | SUPERVISOR | ADMIN | DEPARTMENT, []),  # a merged complaint takes no command
    (RECEIVED, AUDITOR, []),
])
def test_each_state_allows_its_steps_to_its_roles(item, user_roles, expected):
    assert allowed_actions(item, user_roles) == expected
    assert set(expected) <= set(ACTIONS)


def test_verification_needs_a_subject_and_happens_once_and_escalation_only_rises():
    with_subject = {**OVERDUE, "subject": {"window": "A12", "staff": None, "department": None}}
    assert "verify" in allowed_actions(with_subject, SUPERVISOR)
    assert "verify" not in allowed_actions(OVERDUE, SUPERVISOR)  # no subject
    assert "verify" not in allowed_actions({**with_subject, "valid": True, "verified_at": "2026-03-06T09:00:00"},
                                           SUPERVISOR)
    assert "verify" not in allowed_actions(with_subject, HOTLINE)
    assert escalation_choices(RECEIVED) == [1, 2, 3]
    assert escalation_choices(PROBLEM) == [2, 3]
    assert escalation_choices({**OVERDUE, "escalation_level": 3}) == []
    assert "escalate" not in allowed_actions({**OVERDUE, "escalation_level": 3}, SUPERVISOR)


# -- rows, highlights, CSV --------------------------------------------------------------------------

def test_overdue_and_problem_tickets_are_flagged_and_highlighted():
    assert flags(T_ZH, OVERDUE) == "🔴 超期"
    assert flags(T_ZH, PROBLEM) == "⚠️ 问题工单 ⏫ 1 级督办"
    assert flags(T_ZH, RECEIVED) == ""
    assert flags(T_EN, {**OVERDUE, "problem": True}) == "🔴 Overdue ⚠️ Problem ticket"
    assert row_style(OVERDUE) == OVERDUE_STYLE
    assert row_style(PROBLEM) == PROBLEM_STYLE
    assert row_style({**PROBLEM, "overdue": True}) == OVERDUE_STYLE  # overdue comes first
    assert row_style(RECEIVED) == ""
    counts = state_counts(ITEMS)
    assert (counts["received"], counts["dispatched"], counts["merged"], counts["overdue"], counts["problem"]) \
        == (1, 1, 1, 1, 1)


def test_the_rows_put_codes_in_words_and_name_categories_areas_and_departments():
    rows = complaint_rows(T_ZH, ITEMS, tree_index(CATEGORIES), tree_index(AREAS), {"D-1": "市场监管局"})
    assert list(rows[0]) == [ZH[k] for k in (
        "col_reference", "col_flags", "col_cstate", "col_ctype", "col_category", "col_area", "col_cchannel",
        "col_department", "col_due_date", "col_remaining", "col_escalation", "col_objections", "col_redo",
        "col_reopen", "col_within_2h", "col_replied_on_time", "col_received_at")]
    assert [r[ZH["col_cstate"]] for r in rows] == ["已受理", "已派单", "已退单", "已答复", "待回访", "已办结", "已并单"]
    first, overdue, problem = rows[0], rows[1], rows[2]
    assert (first[ZH["col_reference"]], first[ZH["col_ctype"]], first[ZH["col_cchannel"]]) \
        == ("12345-20260302-0001", "咨询", "微信")
    assert (first[ZH["col_category"]], first[ZH["col_area"]], first[ZH["col_department"]]) == ("占道经营", "东华门街道", "-")
    assert (overdue[ZH["col_department"]], overdue[ZH["col_due_date"]], overdue[ZH["col_remaining"]]) \
        == ("市场监管局 D-1", "2026-03-04", -2)
    assert overdue[ZH["col_within_2h"]] == "是" and first[ZH["col_within_2h"]] == "-"
    assert problem[ZH["col_department"]] == "D-3"  # not in the catalogue: the code
    assert (problem[ZH["col_objections"]], problem[ZH["col_escalation"]]) == (2, 1)
    assert first[ZH["col_received_at"]] == "2026-03-02 09:15:00"
    assert rows[4][ZH["col_replied_on_time"]] == "否"


def test_the_csv_has_the_api_field_names_and_leaves_the_citizen_out():
    data = complaints_csv(ITEMS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:8] == ["id", "reference", "type", "category", "area", "channel", "state", "department"]
    assert {"overdue", "problem", "escalation_level", "redo_count", "duplicates", "merged_into"} <= set(rows[0])
    assert len(rows) == 1 + len(ITEMS)
    overdue = dict(zip(rows[0], rows[2]))
    assert (overdue["id"], overdue["state"], overdue["overdue"], overdue["remaining_workdays"], overdue["due_date"]) \
        == ("CP-2", "dispatched", "true", "-2", "2026-03-04")
    assert dict(zip(rows[0], rows[7]))["merged_into"] == "CP-1"
    assert "路口占道经营" not in text and "138****0000" not in text and "citizen" not in rows[0]


def test_a_step_needs_its_text_and_a_dispatch_its_department():
    assert action_problem("answer", {"reply": " "}) == "reply_required"
    assert action_problem("reply", {"reply": "已处理"}) is None
    assert action_problem("object", {"reason": ""}) == "reason_required"
    assert action_problem("dispatch", {"department": None}) == "department_required"
    assert action_problem("dispatch", {"department": "D-1"}) is None
    assert action_problem("merge", {"into": ""}) == "into_required"
    for action in ("review", "callback", "escalate", "verify"):  # their notes are optional
        assert action_problem(action, {"note": ""}) is None


def test_the_intake_body_leaves_out_what_was_not_given():
    assert intake_problem(None, "D01", "x") == "category_required"
    assert intake_problem("C1", None, "x") == "area_required"
    assert intake_problem("C1", "D01", "  ") == "content_required"
    assert intake_problem("C1", "D01", "噪音扰民") is None
    assert intake_body(channel="phone", type="complaint", category="C10101", area="D0101", content=" 噪音扰民 ") == {
        "channel": "phone", "type": "complaint", "category": "C10101", "area": "D0101", "content": "噪音扰民"}
    body = intake_body(channel="web", type="report", category="C2", area="D01", content="窗口人员态度差", name="张三",
                       phone=" ", window="A12", staff=None, department="D-1")
    assert body["citizen"] == {"name": "张三"} and body["subject"] == {"window": "A12", "department": "D-1"}


# -- the catalogue trees and the words ------------------------------------------------------------

def test_the_trees_are_read_by_path_or_by_parent():
    index = tree_index(CATEGORIES)
    assert ancestry("C10101", index) == ["C1", "C101", "C10101"]
    assert tree_label("C10101", index) == "城市管理 / 市容环境 / 占道经营"
    assert tree_label("X9", index) == "X9" and tree_label(None, index) == "-"
    bare = tree_index([{k: v for k, v in row.items() if k not in ("path", "depth")} for row in CATEGORIES])
    assert ancestry("C10101", bare) == ["C1", "C101", "C10101"] and depth_of("C10101", bare) == 3
    assert tree_levels(CATEGORIES) == [1, 2, 3] and tree_levels(AREAS) == [1, 2]
    assert tree_levels([]) == [1, 2, 3]  # not readable: the usual three levels
    assert tree_options(CATEGORIES) == ["C2", "C1", "C101", "C10101"]  # a parent before its children, siblings by name
    cycle = tree_index([{"code": "A", "parent": "B"}, {"code": "B", "parent": "A"}])
    assert ancestry("A", cycle) == ["B", "A"]  # a cycle in the data does not hang the page


def test_every_code_has_words_in_both_languages():
    from ui.app import HOTLINE_PAGES

    for lang in (ZH, EN):
        keys = ({f"cstate_{s}" for s in STATES} | {f"ctype_{k}" for k in TYPES} | {f"cchannel_{c}" for c in CHANNELS}
                | {f"verdict_{v}" for v in VERDICTS} | {f"cevent_{e}" for e in EVENTS}
                | {f"caction_{a}" for a in ACTIONS} | {f"kpi_{f}" for f in KPI_FIELDS}
                | {f"kpi_group_{g}" for g in KPI_GROUPINGS} | {f"kpi_by_{g}" for g in KPI_GROUPINGS}
                | {f"page_{p}" for p in HOTLINE_PAGES} | {f"problem_{r}" for r in ("sent_back", "departments")}
                | {f"field_{f}" for f in ("reply", "reason", "into", "note", "content")}
                | {f"{f}_required" for f in ("reply", "reason", "into", "department", "category", "area", "content")}
                | {f"subject_{f}" for f in ("window", "staff", "department")} | {"section_hotline"})
        assert keys <= lang.keys(), keys - lang.keys()
    assert [T_ZH(f"cstate_{s}") for s in STATES] == ["已受理", "已派单", "已退单", "已答复", "待回访", "已办结", "已并单"]
    assert [T_ZH(f"ctype_{k}") for k in TYPES] == ["咨询", "求助", "建议", "投诉", "举报"]
    assert [T_ZH(f"verdict_{v}") for v in VERDICTS] == ["满意", "基本满意", "不满意"]
    assert T_ZH("section_hotline") == "12345 热线" and T_ZH("page_complaints") == "诉求工单"


def test_event_types_are_put_in_words_with_or_without_the_prefix():
    assert event_name("ComplaintDispatched") == "Dispatched" and event_name("CalledBack") == "CalledBack"
    assert event_label(T_ZH, "ComplaintReceived") == "受理"
    assert event_label(T_ZH, "ComplaintObjected") == "退单"
    assert event_label(T_EN, "ComplaintBecameProblem") == "Became a problem ticket"
    assert event_label(T_ZH, "ComplaintSomethingNew") == "ComplaintSomethingNew"


# -- the history, read defensively, and its timeline ------------------------------------------------

def test_the_history_is_read_in_version_order_whatever_its_wrapping():
    assert [e["version"] for e in events_of(HISTORY)] == [1, 2, 3]
    assert [e["version"] for e in events_of(HISTORY["events"])] == [1, 2, 3]
    assert [e["version"] for e in events_of({"items": HISTORY["events"]})] == [1, 2, 3]
    assert events_of({"id": "x"}) == [] and events_of(None) == []
    odd = history_entry(T_ZH, {"version": 1, "event": "ComplaintReceived", "at": "2026-03-02T09:15:00", "actor": "hl1"})
    assert odd["type"] == "受理 ComplaintReceived" and odd["actor"] == {"user": "hl1", "role": "?"}
    assert odd["occurred_at"] == "2026-03-02T09:15:00"


def test_the_timeline_places_each_event_and_fades_those_after_the_moment_asked_about():
    rows = timeline_rows(T_ZH, events_of(HISTORY), datetime(2026, 3, 5, 12, 0))
    assert [(r["version"], r["event"], r["at"], r["after"]) for r in rows] == [
        (1, "受理", "2026-03-02T09:15:00", False), (2, "转办", "2026-03-02T10:00:00", False),
        (3, "督办", "2026-03-06T09:00:00", True)]
    assert rows[0]["actor"] == "hl1 (hotline)"
    spec = timeline_chart(T_ZH, rows).to_dict()
    points = spec["layer"][1]
    assert points["mark"]["type"] == "point"
    assert points["encoding"]["y"]["sort"] == ["受理", "转办", "督办"]
    assert spec["layer"][0]["encoding"]["x"]["field"] == "at" and spec["layer"][0]["encoding"]["x"]["type"] == "temporal"
    assert [(r["version"], r["after"]) for r in spec["data"]["values"]] == [(1, False), (2, False), (3, True)]
    assert points["encoding"]["opacity"]["condition"]["test"] == "datum.after"
    assert timeline_rows(T_ZH, [{"version": 1, "type": "ComplaintReceived"}]) == []  # no time: not placed


# -- the client -----------------------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/catalogue/complaint-categories")] = (200, {"items": CATEGORIES, "count": len(CATEGORIES)})
    api.routes[("GET", "/catalogue/areas")] = (200, {"items": AREAS, "count": len(AREAS)})
    api.routes[("GET", "/complaints")] = (200, {"items": ITEMS, "count": len(ITEMS), "limit": 500, "offset": 0})
    api.routes[("POST", "/complaints")] = (201, {**RECEIVED, "id": "CP-9", "reference": "12345-20260302-0009"})
    for item in ITEMS:
        api.routes[("GET", f"/complaints/{item['id']}")] = (200, item)
        api.routes[("GET", f"/complaints/{item['id']}/history")] = (200, {**HISTORY, "id": item["id"]})
        api.routes[("GET", f"/audit/complaint/{item['id']}/verify")] = (200, {"stream": "complaint", "id": item["id"],
                                                                               "events": 3, "valid": True})
        for step in ACTIONS:
            api.routes[("POST", f"/complaints/{item['id']}/{step}")] = (200, item)
    yield from running(api)


def test_the_client_sends_the_filters_and_the_json_bodies(fake_api):
    api = SunlightClient(fake_api.url, token=TOKEN)
    assert api.catalogue("complaint-categories") == CATEGORIES and api.catalogue("areas") == AREAS
    api.complaints(date(2026, 3, 1), date(2026, 3, 31), state="dispatched", department="D-1", overdue=True,
                   problem=False, limit=500)
    assert fake_api.last("/complaints")["query"] == {
        "from": ["2026-03-01"], "to": ["2026-03-31"], "state": ["dispatched"], "department": ["D-1"],
        "overdue": ["true"], "problem": ["false"], "limit": ["500"]}
    api.complaints()
    assert fake_api.last("/complaints")["query"] == {}
    assert api.complaint("CP-2", as_of="2026-03-05T12:00:00")["id"] == "CP-2"
    assert fake_api.last("/complaints/CP-2")["query"] == {"as_of": ["2026-03-05T12:00:00"]}
    assert api.complaint_history("CP-2")["events"] == HISTORY["events"]
    api.receive_complaint(channel="phone", type="complaint", category="C10101", area="D0101", content="噪音扰民",
                          citizen={"name": "张三"})
    api.answer_complaint("CP-1", "已告知办理流程")
    api.dispatch_complaint("CP-1", "D-1")
    api.object_complaint("CP-2", "不属于本部门职责")
    api.reply_complaint("CP-2", "已处理")
    api.review_complaint("CP-4", False, "答复不清楚")
    api.call_back_complaint("CP-5", "basically_satisfied")
    api.merge_complaint("CP-3", "12345-20260302-0001")
    api.escalate_complaint("CP-2", 2, "超期督办")
    api.verify_complaint("CP-6", True, None)
    sent = [(r["path"], json.loads(r["body"])) for r in fake_api.requests if r["method"] == "POST"]
    assert sent == [
        ("/complaints", {"channel": "phone", "type": "complaint", "category": "C10101", "area": "D0101",
                         "content": "噪音扰民", "citizen": {"name": "张三"}}),
        ("/complaints/CP-1/answer", {"reply": "已告知办理流程"}),
        ("/complaints/CP-1/dispatch", {"department": "D-1"}),
        ("/complaints/CP-2/object", {"reason": "不属于本部门职责"}),
        ("/complaints/CP-2/reply", {"reply": "已处理"}),
        ("/complaints/CP-4/review", {"approved": False, "note": "答复不清楚"}),
        ("/complaints/CP-5/callback", {"verdict": "basically_satisfied"}),
        ("/complaints/CP-3/merge", {"into": "12345-20260302-0001"}),
        ("/complaints/CP-2/escalate", {"level": 2, "note": "超期督办"}),
        ("/complaints/CP-6/verify", {"valid": True}),
    ]
    with pytest.raises(ApiError):  # a reference or id is one path segment, never a path
        api.complaint("12345-20260302-0002/../x")
    assert fake_api.requests[-1]["path"] == "/complaints/12345-20260302-0002%2F..%2Fx"


# -- the pages --------------------------------------------------------------------------------------

def test_the_pages_are_open_to_the_roles_of_the_brief():
    assert PAGE_ROLES["complaints"] == {"hotline", "department", "supervisor", "admin"}
    assert PAGE_ROLES["complaint_trace"] == {"hotline", "department", "supervisor", "admin", "auditor"}
    for page in ("complaint_kpis", "hotspots", "complaint_map"):
        assert PAGE_ROLES[page] == {"supervisor", "auditor", "admin", "hotline", "department"}
        assert not may_open(page, ["clerk"])
    assert not may_open("complaints", ["auditor"]) and may_open("complaint_trace", ["auditor"])
    assert not may_open("complaints", ["clerk"]) and not may_open("complaint_trace", ["clerk"])


def test_the_queue_asks_for_the_last_30_days_and_highlights_overdue_and_problem_tickets(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    assert not at.exception and not at.error
    assert at.header[0].value == ZH["complaints_title"]
    query = fake_api.last("/complaints")["query"]
    assert query == {"from": [(today() - timedelta(days=30)).isoformat()], "to": [today().isoformat()],
                     "limit": ["500"]}
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["cq_total"]], tiles["已受理"], tiles[f"🔴 {ZH['cq_overdue']}"], tiles[f"⚠️ {ZH['cq_problem']}"]) \
        == ("7", "1", "1", "1")
    table = at.dataframe[0]
    assert list(table.value[ZH["col_reference"]]) == [c["reference"] for c in ITEMS]
    assert list(table.value[ZH["col_flags"]])[:3] == ["", "🔴 超期", "⚠️ 问题工单 ⏫ 1 级督办"]
    styles = {rule.split("{")[1].strip(" }"): rule.split("{")[0] for rule in table.proto.arrow_data.styler.styles.split("\n")}
    assert set(styles) == {OVERDUE_STYLE, PROBLEM_STYLE}
    assert "_row1_col0" in styles[OVERDUE_STYLE] and "_row2_col0" in styles[PROBLEM_STYLE]  # CP-2 red, CP-3 amber
    assert "_row0_" not in styles[OVERDUE_STYLE] + styles[PROBLEM_STYLE]
    assert at.download_button(key="cq_csv").label == ZH["download_csv"]
    assert at.selectbox(key="cq_pick").value == "CP-1"
    assert any(s.value == ZH["complaint_detail"].format(reference="12345-20260302-0001") for s in at.subheader)
    assert [tab.label for tab in at.tabs] == [ZH[f"caction_{a}"] for a in ("answer", "dispatch", "merge", "escalate")]
    links = at.get("page_link")
    assert [link.proto.query_string for link in links] == ["complaint=CP-1"]
    assert "complaint_trace" in links[0].proto.page


def test_a_queue_beyond_one_page_is_counted_by_the_api(monkeypatch, fake_api):
    per_state = {"received": 300, "returned": 20, "dispatched": 500, "replied": 80, "awaiting_callback": 100}

    def answer(query):
        if query.get("limit") == ["1"]:
            if "overdue" in query:
                return 200, {"items": ITEMS[1:2], "count": 45}
            if "problem" in query:
                return 200, {"items": ITEMS[2:3], "count": 7}
            return 200, {"items": ITEMS[:1], "count": per_state[query["state"][0]]}
        return 200, {"items": ITEMS, "count": 1200, "limit": 500, "offset": 0}

    fake_api.routes[("GET", "/complaints")] = answer
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["cq_total"]], tiles["已受理"], tiles["已派单"], tiles["待回访"]) == ("1200", "300", "500", "100")
    assert (tiles[f"🔴 {ZH['cq_overdue']}"], tiles[f"⚠️ {ZH['cq_problem']}"]) == ("45", "7")
    assert any(c.value.endswith(ZH["shown_of"].format(shown=7, count=1200)) for c in at.caption)
    before = len(fake_api.requests)
    at.checkbox(key="cq_f_overdue").check().run()  # every complaint listed is overdue: no question for that tile
    asked = [r["query"] for r in fake_api.requests[before:] if r["path"] == "/complaints"]
    assert len(asked) == 1 + 5 + 1 and all(q["overdue"] == ["true"] for q in asked)


def test_the_filters_reach_the_api(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("supervisor",))
    at.selectbox(key="cq_state").set_value("dispatched").run()
    at.selectbox(key="cq_department").set_value("D-1").run()
    at.checkbox(key="cq_f_overdue").check().run()
    at.checkbox(key="cq_f_problem").check().run()
    query = fake_api.last("/complaints")["query"]
    assert (query["state"], query["department"], query["overdue"], query["problem"]) \
        == (["dispatched"], ["D-1"], ["true"], ["true"])
    at.checkbox(key="cq_every_date").check().run()
    query = fake_api.last("/complaints")["query"]
    assert "from" not in query and "to" not in query
    assert not at.exception
    assert not [e for e in at.expander if e.label == ZH["intake_title"]]  # supervisors do not take complaints


def test_dispatching_a_complaint_sends_the_department(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    at.selectbox(key="cq_dispatch_department").set_value("D-2")
    next(b for b in at.button if b.label == ZH["caction_dispatch"]).click().run()
    assert not at.exception and not at.error
    assert json.loads(fake_api.last("/complaints/CP-1/dispatch")["body"]) == {"department": "D-2"}
    assert any(s.value == ZH["complaint_action_done"].format(action=ZH["caction_dispatch"],
                                                             reference="12345-20260302-0001") for s in at.success)


def test_a_direct_answer_without_a_reply_is_not_sent(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    next(b for b in at.button if b.label == ZH["caction_answer"]).click().run()
    assert [w.value for w in at.warning] == [ZH["reply_required"]]
    assert not [r for r in fake_api.requests if r["method"] == "POST"]


def test_a_department_objects_and_a_refusal_is_shown(monkeypatch, fake_api):
    fake_api.routes[("POST", "/complaints/CP-2/object")] = (403, {"detail": "complaint 12345-20260302-0002 is held "
                                                                            "by department D-1"})
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("department",))
    at.selectbox(key="cq_pick").set_value("CP-2").run()
    assert [tab.label for tab in at.tabs] == [ZH["caction_object"], ZH["caction_reply"]]
    assert any("2026-03-04" in e.value and "2" in e.value for e in at.error)  # overdue, said above the tiles
    at.text_area(key="cq_object_text").input("不属于本部门职责")
    next(b for b in at.button if b.label == ZH["caction_object"]).click().run()
    assert not at.exception
    assert json.loads(fake_api.last("/complaints/CP-2/object")["body"]) == {"reason": "不属于本部门职责"}
    assert any("403" in e.value and "held by department D-1" in e.value for e in at.error)


def test_a_review_and_a_callback_send_their_choice(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    at.selectbox(key="cq_pick").set_value("CP-4").run()
    assert [tab.label for tab in at.tabs][0] == ZH["caction_review"]
    at.radio(key="cq_review_approved").set_value(False)
    at.text_area(key="cq_review_text").input("答复不清楚，退回重办")
    next(b for b in at.button if b.label == ZH["caction_review"]).click().run()
    assert json.loads(fake_api.last("/complaints/CP-4/review")["body"]) == {"approved": False, "note": "答复不清楚，退回重办"}
    at.selectbox(key="cq_pick").set_value("CP-5").run()
    at.radio(key="cq_callback_verdict").set_value("unsatisfied")
    next(b for b in at.button if b.label == ZH["caction_callback"]).click().run()
    assert json.loads(fake_api.last("/complaints/CP-5/callback")["body"]) == {"verdict": "unsatisfied"}
    assert not at.exception


def test_a_supervisor_verifies_a_closed_complaint_and_escalates_an_open_one(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("supervisor",))
    at.selectbox(key="cq_pick").set_value("CP-6").run()
    assert [tab.label for tab in at.tabs] == [ZH["caction_verify"]]
    at.radio(key="cq_verify_valid").set_value(True)
    next(b for b in at.button if b.label == ZH["caction_verify"]).click().run()
    assert json.loads(fake_api.last("/complaints/CP-6/verify")["body"]) == {"valid": True}
    at.selectbox(key="cq_pick").set_value("CP-3").run()
    assert at.selectbox(key="cq_escalate_level").options == ["2 级督办", "3 级督办"]
    at.selectbox(key="cq_escalate_level").set_value(3)
    next(b for b in at.button if b.label == ZH["caction_escalate"]).click().run()
    assert json.loads(fake_api.last("/complaints/CP-3/escalate")["body"]) == {"level": 3}
    assert not at.exception


def test_the_hotline_receives_a_complaint_with_its_category_and_area(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    assert at.selectbox(key="cq_in_category").options[:1] != [None]
    assert "城市管理 / 市容环境 / 占道经营" in at.selectbox(key="cq_in_category").options
    next(b for b in at.button if b.label == ZH["intake_submit"]).click().run()
    assert [w.value for w in at.warning] == [ZH["category_required"]]
    at.selectbox(key="cq_in_channel").set_value("wechat")
    at.selectbox(key="cq_in_type").set_value("suggestion")
    at.selectbox(key="cq_in_category").set_value("C101")
    at.selectbox(key="cq_in_area").set_value("D0102")
    at.text_area(key="cq_in_content").input("建议增设公交站台")
    at.text_input(key="cq_in_phone").input("13800000000")
    next(b for b in at.button if b.label == ZH["intake_submit"]).click().run()
    assert not at.exception
    posted = [r for r in fake_api.requests if r["method"] == "POST" and r["path"] == "/complaints"]
    assert len(posted) == 1  # the first try, without a category, was not sent
    assert json.loads(posted[0]["body"]) == {
        "channel": "wechat", "type": "suggestion", "category": "C101", "area": "D0102", "content": "建议增设公交站台",
        "citizen": {"phone": "13800000000"}}
    assert any(s.value == ZH["intake_done"].format(reference="12345-20260302-0009") for s in at.success)


def test_the_queue_in_english(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("admin",), lang="en")
    assert not at.exception
    assert list(at.dataframe[0].value[EN["col_cstate"]]) == ["Received", "Dispatched", "Returned", "Replied",
                                                             "Awaiting callback", "Closed", "Merged"]
    assert at.selectbox(key="cq_state").options[1:3] == ["Received", "Dispatched"]


def test_an_auditor_and_a_clerk_do_not_get_the_queue(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_trace", roles=("auditor",))
    assert not at.exception
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/complaints.py")
    at = signed_in(monkeypatch, fake_api, "warnings", roles=("clerk",))
    for page in ("complaints", "complaint_trace", "complaint_kpis", "hotspots", "complaint_map"):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(f"views/{page}.py")


def test_the_trace_shows_the_state_the_timeline_the_history_and_the_verification(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_trace", roles=("auditor",))
    assert any(i.value == ZH["complaint_trace_enter_id"] for i in at.info)
    at.text_input(key="ct_id").input("CP-2").run()
    assert not at.exception
    assert "as_of" in fake_api.last("/complaints/CP-2")["query"]
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["col_cstate"]], tiles[ZH["col_due_date"]], tiles[ZH["col_remaining"]]) \
        == ("已派单", "2026-03-04", "-2")
    assert [e.value for e in at.error] == [ZH["cq_overdue_since"].format(due="2026-03-04", days=2)]
    assert [s.value for s in at.success] == [ZH["verify_intact"].format(n=3)]
    assert fake_api.last("/audit/complaint/CP-2/verify")["method"] == "GET"
    assert any(ZH["departments_route"].format(route="市场监管局 D-1") == c.value for c in at.caption)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][1]["encoding"]["y"]["sort"] == ["受理", "转办", "督办"]  # a lane per kind, in order
    assert not any(c.value == ZH["timeline_after_hint"] for c in at.caption)  # as of now: nothing after
    history = at.dataframe[0].value
    assert list(history[ZH["col_type"]]) == ["受理 ComplaintReceived", "转办 ComplaintDispatched",
                                             "督办 ComplaintEscalated"]
    assert list(history[ZH["col_hash"]])[0] == "a" * 12 + "…"


def test_the_queue_links_a_complaint_to_its_trace(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaints", roles=("hotline",))
    at.query_params["complaint"] = "CP-1"
    at.switch_page("views/complaint_trace.py").run()
    assert not at.exception
    assert at.text_input(key="ct_id").value == "CP-1"
    assert fake_api.last("/complaints/CP-1/history")["method"] == "GET"
    assert at.get("vega_lite_chart")
    assert not [s for s in at.success if s.value == ZH["verify_intact"].format(n=3)]  # the hotline does not audit


def test_an_unknown_complaint_is_shown_not_raised(monkeypatch, fake_api):
    fake_api.routes[("GET", "/complaints/nope")] = (404, {"detail": "complaint nope not found"})
    at = signed_in(monkeypatch, fake_api, "complaint_trace")
    at.text_input(key="ct_id").input("nope").run()
    assert not at.exception
    assert any("404" in e.value and "nope" in e.value for e in at.error)


def test_the_new_pages_import_nothing_of_the_project():
    import subprocess
    import sys

    code = (
        "import sys, ui.app, ui.hotline, ui.views.complaints, ui.views.complaint_trace, ui.views.complaint_kpis\n"
        "import ui.views.hotspots, ui.views.complaint_map\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'domain', 'api', 'projections', 'streams'})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
