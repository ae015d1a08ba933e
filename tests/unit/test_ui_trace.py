"""The case trace page (办件追溯) with the whole life of a case: stages, holders, charging, extensions,
materials, delivery and withdrawal, as GET /cases/{id} and its history now answer."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_ui_client import CASE, FakeApi, running, serve_everything, signed_in
from ui.i18n import TEXT

ZH, EN = TEXT["zh"], TEXT["en"]

OVERDUE = {**CASE, "id": "C-9", "item": "ZRZY001", "item_name": "建设工程规划许可证核发", "state": "accepted",
           "window": "A09", "staff": "S01", "warning": "red", "deadline": "2025-10-20", "elapsed_workdays": 23,
           "remaining_workdays": -1, "suspended_workdays": 2, "pending_materials": ["营业执照副本", "授权委托书"],
           "extended_days": 3, "stage": "approval", "handler": "S12",
           "holders": [
               {"stage": "acceptance", "staff": "S01", "department": "ZRZY", "from": "2025-09-15", "to": "2025-09-16",
                "workdays": 1},
               {"stage": "review", "staff": "S09", "department": "ZRZY", "from": "2025-09-16", "to": "2025-10-20",
                "workdays": 20},
               {"stage": "approval", "staff": "S12", "department": "XX", "from": "2025-10-20", "to": None,
                "workdays": 2}],
           "charged_to": {"staff": "S09", "department": "ZRZY", "stage": "review"},
           "delivery_method": None, "withdrawal_reason": None}
OVERDUE_HISTORY = {"id": "C-9", "events": [
    {"version": 1, "type": "CaseAccepted", "occurred_at": "2025-09-15T10:00:00", "recorded_at": "2025-09-15T10:00:01",
     "actor": {"user": "clerk1", "role": "clerk"}, "payload": {"window": "A09"}, "hash": "c" * 64, "previous_hash": None},
    {"version": 2, "type": "CaseTransferred", "occurred_at": "2025-09-16T09:00:00",
     "recorded_at": "2025-09-16T09:00:01", "actor": {"user": "clerk1", "role": "clerk"},
     "payload": {"staff": "S09", "staff_name": "王五", "department": "ZRZY", "stage": "review"},
     "hash": "d" * 64, "previous_hash": "c" * 64},
    {"version": 3, "type": "CaseExtended", "occurred_at": "2025-10-09T15:00:00", "recorded_at": "2025-10-09T15:00:01",
     "actor": {"user": "clerk1", "role": "clerk"}, "payload": {"days": 3, "reason": "需组织专家论证"},
     "hash": "e" * 64, "previous_hash": "d" * 64},
]}
DELIVERED = {**CASE, "id": "C-7", "state": "delivered", "warning": "none", "on_time": True, "stage": "decision",
             "handler": "S12", "holders": [], "charged_to": None, "pending_materials": [], "extended_days": 0,
             "delivery_method": "mail", "delivered_at": "2025-10-02T16:00:00+08:00"}
WITHDRAWN = {**CASE, "id": "C-8", "state": "withdrawn", "warning": "none", "stage": "review", "handler": "S09",
             "holders": [], "charged_to": None, "pending_materials": [], "extended_days": 0,
             "withdrawal_reason": "申请人主动撤回", "withdrawn_at": "2025-10-03T09:30:00"}


@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/catalogue/departments")] = (200, {"items": [{"code": "ZRZY", "name": "自然资源和规划局"}],
                                                           "count": 1})
    for case, history in ((OVERDUE, OVERDUE_HISTORY), (DELIVERED, None), (WITHDRAWN, None)):
        api.routes[("GET", f"/cases/{case['id']}")] = (200, case)
        api.routes[("GET", f"/cases/{case['id']}/history")] = (200, history or {"id": case["id"], "events": []})
        api.routes[("GET", f"/audit/case/{case['id']}/verify")] = (200, {"valid": True, "events": 3})
    yield from running(api)


def trace(monkeypatch, api: FakeApi, case_id: str, lang: str = "zh"):
    at = signed_in(monkeypatch, api, "trace", lang=lang)
    at.text_input(key="trace_case_id").input(case_id).run()
    assert not at.exception
    return at


def test_the_trace_shows_the_stage_the_holders_and_who_the_overdue_case_is_charged_to(monkeypatch, fake_api):
    at = trace(monkeypatch, fake_api, "C-9")
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["stage"]], tiles[ZH["handler"]]) == ("审核", "S12")
    assert (tiles[ZH["extended_days"]], tiles[ZH["suspended_workdays"]]) == ("3", "2")
    assert [e.value for e in at.error] == ["超期责任：审查环节 S09（自然资源和规划局 ZRZY）"]

    holders = at.dataframe[0].value
    assert list(holders.columns) == [ZH[k] for k in ("col_stage", "col_staff", "col_department", "col_from",
                                                      "col_to", "col_workdays")]
    assert list(holders[ZH["col_stage"]]) == ["受理", "审查", "审核"]
    assert list(holders[ZH["col_department"]]) == ["自然资源和规划局 ZRZY"] * 2 + ["XX"]  # unknown: the code
    assert list(holders[ZH["col_to"]]) == ["2025-09-16", "2025-10-20", ZH["until_now"]]
    assert list(holders[ZH["col_workdays"]]) == [1, 20, 2]

    assert any("营业执照副本、授权委托书" in w.value for w in at.warning)
    assert any("3 个工作日" in i.value and "需组织专家论证" in i.value and "2025-10-09" in i.value for i in at.info)
    assert list(at.dataframe[1].value[ZH["col_type"]]) == ["CaseAccepted", "CaseTransferred", "CaseExtended"]


def test_an_extension_after_the_moment_asked_about_is_not_listed(monkeypatch, fake_api):
    at = trace(monkeypatch, fake_api, "C-9")
    at.date_input(key="t_asof_date").set_value(date(2025, 10, 1)).run()
    assert not any("需组织专家论证" in i.value for i in at.info)


def test_delivered_and_withdrawn_cases_say_how_they_ended(monkeypatch, fake_api):
    at = trace(monkeypatch, fake_api, "C-7")
    assert {m.label: m.value for m in at.metric}[ZH["state"]] == "已送达"
    assert any(ZH["delivery_mail"] in i.value and "2025-10-02 16:00:00" in i.value for i in at.info)
    assert not at.error  # not overdue: no charge

    at.text_input(key="trace_case_id").input("C-8").run()
    assert {m.label: m.value for m in at.metric}[ZH["state"]] == "已撤回"
    assert any("申请人主动撤回" in i.value for i in at.info)


def test_the_trace_in_english(monkeypatch, fake_api):
    at = trace(monkeypatch, fake_api, "C-9", lang="en")
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[EN["stage"]], tiles[EN["state"]]) == ("Approval", "Accepted")
    assert [e.value for e in at.error] == ["Overdue, charged to S09 (自然资源和规划局 ZRZY) at the Review stage"]
    assert list(at.dataframe[0].value[EN["col_stage"]]) == ["Acceptance", "Review", "Approval"]
