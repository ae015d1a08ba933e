"""A case's whole life through HTTP on the embedded deployment, with hand-computed dates around
National Day 2025 (holidays 10-01..10-08; Sun 09-28 and Sat 10-11 are working days)."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "life-admin-password"


@pytest.fixture(scope="module")
def officer(tmp_path_factory) -> Api:
    """A supervisor: these histories lie in 2025, and backdating is a supervisor's call."""
    with embedded_api(tmp_path_factory.mktemp("life"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        admin.post("/catalogue/windows", {"code": "B01", "name": "规划窗口", "hall": "SMZX", "department": "ZR"}, 201)
        admin.post("/catalogue/staff", {"code": "S09", "name": "赵审查", "window": "B01", "department": "ZR"}, 201)
        admin.create_user("officer", "officer-password", ["supervisor"])
        yield admin.as_user("officer", "officer-password")


def accepted(officer: Api, **accept) -> str:
    case_id = officer.new_case("SPJY", "2025-09-26T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2025-09-26T10:00:00", **accept},
                 200)
    return case_id


def test_an_other_suspension_counts_a_supplement_does_not(officer):
    for reason, elapsed, suspended, deadline in (("other", 5, 0, "2025-10-10"), ("supplement", 3, 2, "2025-10-13")):
        case_id = accepted(officer)
        officer.post(f"/cases/{case_id}/suspend", {"reason": reason, "at": "2025-09-29T09:00:00"}, 200)
        officer.post(f"/cases/{case_id}/resume", {"at": "2025-10-09T09:00:00"}, 200)
        view = officer.get(f"/cases/{case_id}", as_of="2025-10-10T18:00:00").json()
        assert (view["elapsed_workdays"], view["suspended_workdays"], view["deadline"]) == (elapsed, suspended, deadline)


def test_missing_materials_arrive_later(officer):
    case_id = accepted(officer, missing_materials=["营业执照复印件"])
    assert officer.get(f"/cases/{case_id}").json()["pending_materials"] == ["营业执照复印件"]
    assert officer.post(f"/cases/{case_id}/materials", {"at": "2025-09-30T10:00:00"}, 200).json()[
        "pending_materials"] == []
    again = officer.post(f"/cases/{case_id}/materials", {"at": "2025-09-30T11:00:00"})
    assert again.status_code == 409 and "no pending materials" in again.json()["detail"]


def test_an_extension_moves_the_deadline_and_is_refused_once_red(officer):
    case_id = accepted(officer)
    bad = officer.post(f"/cases/{case_id}/extend", {"days": 31, "reason": "x", "at": "2025-10-09T09:00:00"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "days"]
    view = officer.post(f"/cases/{case_id}/extend", {"days": 3, "reason": "专家论证", "at": "2025-10-09T09:00:00"},
                        200).json()
    assert view["extended_days"] == 3
    later = officer.get(f"/cases/{case_id}", as_of="2025-10-11T18:00:00").json()
    assert (later["deadline"], later["remaining_workdays"], later["warning"]) == ("2025-10-14", 2, "yellow")
    red = accepted(officer)
    refused = officer.post(f"/cases/{red}/extend", {"days": 3, "reason": "补", "at": "2025-10-11T09:00:00"})
    assert refused.status_code == 409 and "overdue" in refused.json()["detail"]


def test_stages_holders_and_who_an_overdue_case_is_charged_to(officer):
    case_id = accepted(officer)
    officer.post(f"/cases/{case_id}/transfer", {"staff": "S09", "stage": "review", "at": "2025-09-30T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/transfer", {"staff": "S02", "stage": "decision", "at": "2025-10-10T16:00:00"},
                 200)
    view = officer.get(f"/cases/{case_id}", as_of="2025-10-13T18:00:00").json()
    assert (view["stage"], view["handler"]) == ("decision", "S02")
    assert view["holders"] == [
        {"stage": "acceptance", "staff": "S01", "department": "SJ", "from": "2025-09-26", "to": "2025-09-30",
         "workdays": 3},
        {"stage": "review", "staff": "S09", "department": "ZR", "from": "2025-09-30", "to": "2025-10-10",
         "workdays": 2},
        {"stage": "decision", "staff": "S02", "department": "SJ", "from": "2025-10-10", "to": None, "workdays": 2},
    ]
    assert sum(holder["workdays"] for holder in view["holders"]) == view["elapsed_workdays"] == 7
    assert view["charged_to"] == {"staff": "S02", "department": "SJ", "stage": "decision"}
    assert officer.get(f"/cases/{case_id}", as_of="2025-10-10T18:00:00").json()["charged_to"] is None
    unknown = officer.post(f"/cases/{case_id}/transfer", {"staff": "S01", "stage": "lunch"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "stage"]


def test_delivery_and_withdrawal_end_the_clock(officer):
    delivered = accepted(officer)
    early = officer.post(f"/cases/{delivered}/deliver", {"method": "mail", "at": "2025-09-30T10:00:00"})
    assert early.status_code == 409 and "accepted" in early.json()["detail"]
    officer.post(f"/cases/{delivered}/conclude", {"outcome": "approved", "at": "2025-10-09T10:00:00"}, 200)
    view = officer.post(f"/cases/{delivered}/deliver", {"method": "mail", "at": "2025-10-13T10:00:00"}, 200).json()
    assert (view["state"], view["delivery_method"], view["elapsed_workdays"], view["on_time"]) == (
        "delivered", "mail", 4, True)

    withdrawn = accepted(officer)
    officer.post(f"/cases/{withdrawn}/withdraw", {"reason": "申请人撤回", "at": "2025-10-09T10:00:00"}, 200)
    view = officer.get(f"/cases/{withdrawn}", as_of="2025-10-20T18:00:00").json()
    assert (view["state"], view["warning"], view["elapsed_workdays"]) == ("withdrawn", "none", 4)
    listed = officer.get("/warnings", as_of="2025-10-20T18:00:00").json()["items"]
    assert withdrawn not in {item["case_id"] for item in listed}
    again = officer.post(f"/cases/{withdrawn}/conclude", {"outcome": "approved"})
    assert again.status_code == 409 and "withdrawn" in again.json()["detail"]
