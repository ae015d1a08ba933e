"""12345 complaints (市民诉求) through HTTP on the embedded deployment: their whole life, row scope, 409s
and 422s, personal data, and the two catalogue trees. Around National Day 2025 (holidays Wed 10-01 ..
Wed 10-08; Sun 09-28 and Sat 10-11 working): 15 working days after Tue 09-30 end on Tue 10-28.

Only an admin or a supervisor may date a command far back, so the department's steps happen now."""

from __future__ import annotations

import re

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "complaints-admin-password"
NAME, PHONE, CONTENT = "欧阳娜", "13912345678", "小区物业乱收费，请回电"
USERS = {"hotline1": (["hotline"], {}), "officer": (["supervisor"], {}), "auditor": (["auditor"], {}),
         "clerk1": (["clerk"], {"window": "A01"}), "dept_sj": (["department"], {"department": "SJ"}),
         "dept_zr": (["department"], {"department": "ZR"}), "dept_zj": (["department"], {"department": "ZJ"})}


@pytest.fixture(scope="module")
def users(tmp_path_factory) -> dict[str, Api]:
    """The API client's small centre, two more departments, a category tree, areas and one client per user."""
    with embedded_api(tmp_path_factory.mktemp("complaints"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        admin.post("/catalogue/departments", {"code": "ZJ", "name": "住房和城乡建设局"}, 201)
        for code, parent in (("CJ", None), ("CJ01", "CJ"), ("CJ0101", "CJ01")):
            admin.post("/catalogue/complaint-categories", {"code": code, "name": f"分类 {code}", "parent": parent}, 201)
        admin.post("/catalogue/areas", {"code": "CY", "name": "城阳区", "lat": 36.31, "lon": 120.4}, 201)
        admin.post("/catalogue/areas", {"code": "CY01", "name": "流亭街道", "parent": "CY"}, 201)
        clients = {"admin": admin}
        for name, (roles, scope) in USERS.items():
            admin.create_user(name, f"{name}-password", roles, **scope)
            clients[name] = admin.as_user(name, f"{name}-password")
        yield clients


def receive(user: Api, expect: int = 201, **fields) -> dict:
    body = {"channel": "phone", "type": "complaint", "category": "CJ0101", "area": "CY01", "content": CONTENT,
            "citizen": {"name": NAME, "phone": PHONE}, **fields}
    return user.post("/complaints", body, expect).json()


def step(user: Api, complaint: dict, action: str, body: dict, expect: int = 200):
    return user.post(f"/complaints/{complaint['id']}/{action}", body, expect)


def loc(response) -> list:
    return response.json()["detail"][0]["loc"]


def test_a_complaints_whole_life(users):
    admin, hotline, sj, zr = users["admin"], users["hotline1"], users["dept_sj"], users["dept_zr"]
    complaint = receive(admin, at="2025-09-30T09:00:00", subject={"staff": "S01"})
    assert re.fullmatch(r"12345-20250930-\d{4}", complaint["reference"])
    assert (complaint["state"], complaint["type"], complaint["category_path"], complaint["area_path"]) == (
        "received", "complaint", ["CJ", "CJ01", "CJ0101"], ["CY", "CY01"])
    assert complaint["subject"] == {"window": "A01", "staff": "S01", "department": "SJ"}
    assert (complaint["citizen"], complaint["content"]) == ({"name": NAME, "phone": PHONE}, CONTENT)
    assert complaint["citizen_ref"].startswith("ap_")

    dispatched = step(admin, complaint, "dispatch", {"department": "SJ", "at": "2025-09-30T10:30:00"}).json()
    assert (dispatched["state"], dispatched["department"], dispatched["due_date"], dispatched["limit_days"],
            dispatched["dispatched_within_2h"]) == ("dispatched", "SJ", "2025-10-28", 15, True)
    refused = step(zr, complaint, "object", {"reason": "非本部门"}, 403)
    assert "department SJ" in refused.json()["detail"]
    returned = step(sj, complaint, "object", {"reason": "属自然资源局职责"}).json()
    assert (returned["state"], returned["objection_count"]) == ("returned", 1)
    assert "returned" in step(sj, complaint, "reply", {"reply": "x"}, 409).json()["detail"]
    again = step(hotline, complaint, "dispatch", {"department": "ZR"}).json()
    assert (again["department"], again["departments"], again["due_date"]) == ("ZR", ["SJ", "ZR"], "2025-10-28")
    late = step(zr, complaint, "reply", {"reply": "已核查处理"}).json()
    assert (late["state"], late["replied_on_time"], late["overdue"]) == ("replied", False, True)
    redo = step(hotline, complaint, "review", {"approved": False, "note": "答复不清"}).json()
    assert (redo["state"], redo["department"], redo["redo_count"]) == ("dispatched", "ZR", 1)
    step(zr, complaint, "reply", {"reply": "已重新处理并说明"})
    assert step(hotline, complaint, "review", {"approved": True, "note": "同意"}).json()["state"] == "awaiting_callback"
    closed = step(hotline, complaint, "callback", {"verdict": "satisfied", "note": "满意"}).json()
    assert (closed["state"], closed["verdicts"]) == ("closed", ["satisfied"])
    verified = step(users["officer"], complaint, "verify", {"valid": True, "note": "属实"}).json()
    assert verified["valid"] is True
    step(users["officer"], complaint, "verify", {"valid": False}, 409)

    # As of a moment: dispatched and on time on the holiday 10-01; merely received before the dispatch.
    then = admin.get(f"/complaints/{complaint['id']}", as_of="2025-10-01T12:00:00").json()
    assert (then["state"], then["department"], then["remaining_workdays"], then["overdue"], then["version"]) == (
        "dispatched", "SJ", 15, False, 2)
    assert admin.get(f"/complaints/{complaint['reference']}", as_of="2025-09-30T10:00:00").json()["state"] == "received"
    admin.get(f"/complaints/{complaint['id']}", as_of="2025-09-30T08:00:00", expect=404)

    history = admin.get(f"/complaints/{complaint['id']}/history")
    assert [event["type"] for event in history.json()["events"]] == [
        "ComplaintReceived", "ComplaintDispatched", "ComplaintObjected", "ComplaintDispatched", "ComplaintReplied",
        "ComplaintReviewed", "ComplaintReplied", "ComplaintReviewed", "ComplaintCalledBack", "ComplaintVerified"]
    first = history.json()["events"][0]["payload"]
    assert first["citizen_ref"] == complaint["citizen_ref"] and "citizen" not in first
    assert NAME not in history.text and PHONE not in history.text and CONTENT not in history.text
    verdict = users["auditor"].get(f"/audit/complaint/{complaint['id']}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 10)


def test_an_enquiry_dispatched_and_replied_at_once_is_on_time(users):
    hotline, sj = users["hotline1"], users["dept_sj"]
    enquiry = receive(hotline, type="enquiry", channel="wechat")
    dispatched = step(hotline, enquiry, "dispatch", {"department": "SJ"}).json()
    assert (dispatched["dispatched_within_2h"], dispatched["limit_days"], dispatched["remaining_workdays"]) == (
        True, 2, 2)
    replied = step(sj, enquiry, "reply", {"reply": "已答复"}).json()
    assert (replied["replied_on_time"], replied["overdue"]) == (True, False)
    answered = step(hotline, receive(hotline, type="enquiry"), "answer", {"reply": "请到市民中心办理"}).json()
    assert (answered["state"], answered["answered_directly"]) == ("replied", True)
    step(hotline, answered, "review", {"approved": True}, 409)
    assert step(hotline, answered, "callback", {"verdict": "unsatisfied"}).json()["state"] == "closed"


def test_row_scope_and_roles(users):
    complaint = receive(users["hotline1"])
    step(users["hotline1"], complaint, "dispatch", {"department": "SJ"})
    assert users["dept_sj"].get(f"/complaints/{complaint['id']}").json()["citizen"] == {"name": NAME, "phone": PHONE}
    assert "never dispatched" in users["dept_zj"].get(f"/complaints/{complaint['id']}", expect=403).json()["detail"]
    users["dept_zj"].get(f"/complaints/{complaint['id']}/history", expect=403)
    users["clerk1"].get(f"/complaints/{complaint['id']}", expect=403)
    receive(users["clerk1"], expect=403)
    receive(users["officer"], expect=403)
    step(users["dept_sj"], complaint, "dispatch", {"department": "ZR"}, 403)
    step(users["hotline1"], complaint, "verify", {"valid": True}, 403)
    step(users["admin"], complaint, "verify", {"valid": True}, 403)  # a supervisor's call
    step(users["admin"], complaint, "reply", {"reply": "x"}, 403)  # the department's
    assert step(users["officer"], complaint, "escalate", {"level": 2, "note": "督办"}).json()["escalation_level"] == 2
    backdated = step(users["hotline1"], complaint, "escalate", {"level": 3, "at": "2025-10-09T10:00:00"}, 403)
    assert "hours in the past" in backdated.json()["detail"]
    audited = users["auditor"].get(f"/complaints/{complaint['id']}").json()
    assert audited["content"] is None and audited["citizen"] == {"name": "欧**", "phone": "*********78"}
    hotline_view = users["hotline1"].get(f"/complaints/{complaint['id']}").json()
    # the hotline calls the citizen back (回访): it reads their number in clear
    assert hotline_view["content"] == CONTENT and hotline_view["citizen"]["phone"] == PHONE


def test_conflicts_name_the_state(users):
    hotline = users["hotline1"]
    complaint = receive(hotline)
    assert "received" in step(hotline, complaint, "review", {"approved": True}, 409).json()["detail"]
    assert "received" in step(hotline, complaint, "callback", {"verdict": "satisfied"}, 409).json()["detail"]
    step(hotline, complaint, "escalate", {"level": 2})
    assert "only rises" in step(hotline, complaint, "escalate", {"level": 1}, 409).json()["detail"]
    assert "names no window" in step(users["officer"], complaint, "verify", {"valid": True}, 409).json()["detail"]
    duplicate = receive(hotline)
    merged = step(hotline, duplicate, "merge", {"into": complaint["reference"]}).json()
    assert (merged["state"], merged["merged_into"]) == ("merged", complaint["id"])
    assert hotline.get(f"/complaints/{complaint['id']}").json()["duplicates"] == [duplicate["id"]]
    assert "merged" in step(hotline, duplicate, "dispatch", {"department": "SJ"}, 409).json()["detail"]
    assert "merged" in step(hotline, receive(hotline), "merge", {"into": duplicate["id"]}, 409).json()["detail"]
    step(hotline, complaint, "merge", {"into": complaint["id"]}, 422)
    stale = step(hotline, complaint, "dispatch", {"department": "SJ", "expected_version": 1}, 409)
    assert "version" in stale.json()["detail"]


def test_invalid_input_names_the_field(users):
    hotline = users["hotline1"]
    cases = [({"type": "rumour"}, ["body", "type"]), ({"channel": "fax"}, ["body", "channel"]),
             ({"category": "NOPE"}, ["body", "category"]), ({"area": "CJ"}, ["body", "area"]),
             ({"content": ""}, ["body", "content"]), ({"subject": {"window": "Z99"}}, ["body", "subject", "window"]),
             ({"subject": {}}, ["body", "subject"]), ({"citizen": {"name": NAME, "id": "x"}}, ["body", "citizen", "id"])]
    for fields, field in cases:
        answer = receive(hotline, expect=422, **fields)
        assert answer["detail"][0]["loc"] == field, fields
        assert NAME not in str(answer) and PHONE not in str(answer)
    complaint = receive(hotline)
    for action, body, field in (("dispatch", {"department": "NOPE"}, ["body", "department"]),
                                ("escalate", {"level": 4}, ["body", "level"]),
                                ("escalate", {"level": True}, ["body", "level"]),
                                ("review", {"approved": "yes"}, ["body", "approved"]),
                                ("merge", {"into": "12345-20200101-0001"}, ["body", "into"]),
                                ("callback", {"verdict": "so-so"}, ["body", "verdict"])):
        assert loc(step(hotline, complaint, action, body, 422)) == field, (action, body)
    hotline.get("/complaints/not-an-id", expect=404)
    hotline.get("/complaints/00000000-0000-0000-0000-000000000000", expect=404)


def test_three_objections_make_a_problem_ticket(users):
    hotline, sj = users["hotline1"], users["dept_sj"]
    complaint = receive(hotline)
    for _ in range(3):
        step(hotline, complaint, "dispatch", {"department": "SJ"})
        shown = step(sj, complaint, "object", {"reason": "非本部门"}).json()
    assert (shown["problem"], shown["problem_reason"], shown["escalation_level"], shown["objection_count"]) == (
        True, "sent_back", 1, 3)
    events = hotline.get(f"/complaints/{complaint['id']}/history").json()["events"]
    assert [event["type"] for event in events[-2:]] == ["ComplaintObjected", "ComplaintBecameProblem"]
    assert events[-1]["occurred_at"] == events[-2]["occurred_at"]


def test_an_erased_citizen_reads_erased_and_the_chain_still_verifies(users):
    admin = users["admin"]
    complaint = receive(admin)
    admin.post(f"/applicants/{complaint['citizen_ref']}/erase", {}, 200)
    shown = admin.get(f"/complaints/{complaint['id']}")
    assert shown.json()["citizen"] == {"name": "[erased]", "phone": "[erased]"} and shown.json()["content"] == "[erased]"
    assert PHONE not in shown.text
    assert users["auditor"].get(f"/audit/complaint/{complaint['id']}/verify").json()["valid"] is True


def test_the_catalogue_trees(users):
    admin = users["admin"]
    leaf = admin.post("/catalogue/complaint-categories", {"code": "CJ010101", "name": "物业收费",
                                                          "parent": "CJ0101"}, 201).json()
    assert (leaf["depth"], leaf["path"]) == (4, ["CJ", "CJ01", "CJ0101", "CJ010101"])
    admin.post("/catalogue/complaint-categories", {"code": "CJ", "name": "again"}, 409)
    assert loc(admin.post("/catalogue/complaint-categories", {"code": "X1", "name": "x", "parent": "CY"}, 422)) == [
        "body", "parent"]
    assert loc(admin.post("/catalogue/areas", {"code": "X2", "name": "x", "lat": 36.0}, 422)) == ["body", "lon"]
    assert loc(admin.post("/catalogue/areas", {"code": "X3", "name": "x", "lat": 91, "lon": 0}, 422)) == ["body", "lat"]
    users["hotline1"].post("/catalogue/areas", {"code": "X4", "name": "x"}, 403)
    community = admin.post("/catalogue/areas", {"code": "CY0101", "name": "社区", "parent": "CY01", "lat": 36.3,
                                                "lon": 120.39}, 201).json()
    assert (community["depth"], community["path"], community["lat"]) == (3, ["CY", "CY01", "CY0101"], 36.3)
    areas = {item["code"]: item for item in users["hotline1"].get("/catalogue/areas").json()["items"]}
    assert areas["CY0101"] == {"code": "CY0101", "name": "社区", "parent": "CY01", "depth": 3,
                               "path": ["CY", "CY01", "CY0101"], "lat": 36.3, "lon": 120.39}
    assert (areas["CY"]["parent"], areas["CY01"]["lat"]) == (None, None)  # a street without coordinates
    categories = {item["code"]: item for item in admin.get("/catalogue/complaint-categories").json()["items"]}
    assert categories["CJ010101"]["path"] == ["CJ", "CJ01", "CJ0101", "CJ010101"] and "lat" not in categories["CJ"]
    assert users["auditor"].get("/audit/area/CY/verify").json()["valid"] is True
