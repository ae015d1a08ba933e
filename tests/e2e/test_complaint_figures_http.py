"""The 12345 queue, KPIs, hot spots, findings and the complaint rule of the scores through HTTP on the
embedded deployment, hand-computed around National Day 2025 (holidays Wed 10-01 .. Wed 10-08; Sat
10-11 is a working day). The working days after Tue 09-30 are 10-09 (1), 10-10 (2), 10-11 (3), 10-13
(4) … 10-28 (15)."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api

PASSWORD = "figures-admin-password"
PERIOD = {"from": "2025-09-29", "to": "2025-10-31"}


@pytest.fixture(scope="module")
def hotline(tmp_path_factory) -> dict:
    """Five complaints, taken by an admin standing in for the hotline (so their times may lie in 2025):
    c1 dispatched to SJ within 2 h and never replied (due 10-28); c2 answered directly and called back
    on time; c3 (help: due in 10 working days, 10-21) dispatched to ZR only after 3 h and
    never replied; c4 merged into c3 half an hour after it came in; c5 answered directly on 10-09 and
    never called back (due Fri 10-10: late on Sat 10-11, a working day)."""
    with embedded_api(tmp_path_factory.mktemp("figures"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        for code, parent in (("CJ", None), ("CJ01", "CJ"), ("SH", None)):
            admin.post("/catalogue/complaint-categories", {"code": code, "name": f"分类 {code}", "parent": parent}, 201)
        admin.post("/catalogue/areas", {"code": "CY", "name": "城阳区", "lat": 36.31, "lon": 120.4}, 201)
        admin.post("/catalogue/areas", {"code": "CY01", "name": "流亭街道", "parent": "CY"}, 201)
        for name, roles, scope in (("officer", ["supervisor"], {}), ("dept_zr", ["department"], {"department": "ZR"})):
            admin.create_user(name, f"{name}-password", roles, **scope)
        users = {"admin": admin, **{name: admin.as_user(name, f"{name}-password") for name in ("officer", "dept_zr")}}

        def receive(at: str, **fields) -> str:
            body = {"channel": "phone", "type": "complaint", "category": "CJ01", "area": "CY01", "content": "诉求",
                    "at": at, **fields}
            return admin.post("/complaints", body, 201).json()["id"]

        def act(complaint: str, action: str, at: str, **body) -> None:
            admin.post(f"/complaints/{complaint}/{action}", {**body, "at": at}, 200)

        c = users["ids"] = {}
        c[1] = receive("2025-09-30T09:00:00", subject={"staff": "S01"})
        act(c[1], "dispatch", "2025-09-30T10:00:00", department="SJ")
        c[2] = receive("2025-09-30T09:30:00", type="enquiry", category="SH", channel="web")
        act(c[2], "answer", "2025-09-30T10:00:00", reply="已答复")
        act(c[2], "callback", "2025-10-09T10:00:00", verdict="satisfied", note="满意")
        c[3] = receive("2025-09-30T11:00:00", type="help", area="CY", channel="wechat")
        act(c[3], "dispatch", "2025-09-30T14:00:00", department="ZR")
        c[4] = receive("2025-09-30T14:30:00")
        act(c[4], "merge", "2025-09-30T15:00:00", into=c[3])
        c[5] = receive("2025-10-09T09:00:00")
        act(c[5], "answer", "2025-10-09T09:30:00", reply="已答复")
        users["officer"].post(f"/complaints/{c[1]}/verify", {"valid": True, "note": "属实",
                                                             "at": "2026-03-10T10:00:00"}, 200)
        yield users


def test_the_kpis_of_the_period_in_total_and_by_department(hotline):
    admin = hotline["admin"]
    kpis = admin.get("/complaints/kpis", by="department", **PERIOD).json()
    assert kpis["total"] == {
        "received": 5, "dispatched": 2, "dispatched_within_2h": 1, "dispatch_rate_2h": 0.5, "replied": 2,
        "replied_on_time": 2, "on_time_reply_rate": 1.0, "redo": 0, "redo_rate": 0.0, "callbacks": 1,
        "satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0, "satisfaction_rate": 1.0, "merged": 1,
        "problem": 0}
    by = {item["key"]: (item["name"], item["received"], item["dispatched"], item["dispatched_within_2h"],
                        item["replied"], item["merged"]) for item in kpis["items"]}
    assert by == {"SJ": ("市场监管局", 1, 1, 1, 0, 0), "ZR": ("自然资源和规划局", 1, 1, 0, 0, 0),
                  "hotline": ("12345 热线", 3, 0, 0, 2, 1)}
    categories = admin.get("/complaints/kpis", by="category", level=1, **PERIOD).json()["items"]
    assert {item["key"]: item["received"] for item in categories} == {"CJ": 4, "SH": 1}
    assert hotline["dept_zr"].get("/complaints/kpis", **PERIOD).json()["total"]["received"] == 1  # c3 only


def test_the_hot_spots_by_week(hotline):
    spots = hotline["admin"].get("/complaints/hotspots", by="area", level=1, period="week", top=3,
                                 **{"from": "2025-09-29", "to": "2025-10-12"}).json()["items"]
    assert spots == [{"key": "CY", "name": "城阳区", "count": 5, "previous_count": 0, "change": None,
                      "series": [{"start": "2025-09-29", "count": 4}, {"start": "2025-10-06", "count": 1}]}]


def test_the_queue_filters_overdue_complaints_and_keeps_to_scope(hotline):
    admin, ids = hotline["admin"], hotline["ids"]
    queue = admin.get("/complaints", **PERIOD).json()
    assert queue["count"] == 5
    overdue = admin.get("/complaints", overdue="true").json()["items"]
    assert {item["id"] for item in overdue} == {ids[1], ids[3]}  # never replied, both past due
    first = next(item for item in overdue if item["id"] == ids[1])
    assert (first["due_date"], first["department"], first["dispatched_within_2h"], first["subject"]["staff"]) == (
        "2025-10-28", "SJ", True, "S01")
    merged = admin.get("/complaints", state="merged").json()["items"]
    assert [(item["id"], item["merged_into"], item["overdue"]) for item in merged] == [(ids[4], ids[3], False)]
    assert [item["id"] for item in hotline["dept_zr"].get("/complaints").json()["items"]] == [ids[3]]
    assert admin.get("/complaints", department="SJ").json()["count"] == 1


def test_complaint_findings(hotline):
    ids = hotline["ids"]
    found = hotline["admin"].get("/findings", **PERIOD).json()["items"]
    complaint_findings = [(item["kind"], item["date"], item["complaint_id"], item["department"]) for item in found
                          if item["complaint_id"]]
    assert complaint_findings == [("dispatch_late", "2025-09-30", ids[3], None),
                                  ("callback_late", "2025-10-11", ids[5], None),
                                  ("reply_overdue", "2025-10-22", ids[3], "ZR"),  # help: 10 working days
                                  ("reply_overdue", "2025-10-29", ids[1], "SJ")]


def test_a_valid_complaint_counts_against_the_window_and_the_staff_member(hotline):
    officer, ids = hotline["officer"], hotline["ids"]
    windows = {item["window"]: item for item in officer.get("/scores/windows", month="2026-03").json()["items"]}
    assert windows["A01"]["score"] == 95
    assert windows["A01"]["lines"] == [{"rule": "complaint", "count": 1, "points": -5, "refs": [ids[1]]}]
    staff = {item["staff"]: item for item in officer.get("/assessments/staff", month="2026-03").json()["items"]}
    assert (staff["S01"]["score"], staff["S01"]["star"]) == (95, False)
