"""End to end through HTTP on the embedded deployment (`sunlight api`: SQLite + chDB)."""

from __future__ import annotations

import pytest

from tests.utils.api_client import Api
from tests.utils.processes import Process, free_port, wait_for_http

PASSWORD = "e2e-admin-password"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    data = tmp_path_factory.mktemp("embedded")
    port = free_port()
    process = Process(["api", "--data", str(data), "--port", str(port)],
                      {"SUNLIGHT_ADMIN_PASSWORD": PASSWORD}, data / "api.log").start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process)
        admin = Api(f"http://127.0.0.1:{port}").login("admin", PASSWORD)
        admin.create_catalogue()
        admin.post("/users", {"username": "clerk1", "password": "clerk-password", "roles": ["clerk"],
                              "window": "A01"}, 201)
        admin.post("/users", {"username": "audit1", "password": "audit-password", "roles": ["auditor"]}, 201)
        admin.post("/users", {"username": "super1", "password": "super-password", "roles": ["supervisor"]}, 201)
        yield admin
    finally:
        process.stop()


def test_a_case_across_national_day_2025(api):
    officer = api.as_user("super1", "super-password")  # backdating is a supervisor's call
    case_id = officer.new_case("SPJY", "2025-09-26T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2025-09-26T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/suspend", {"reason": "supplement", "at": "2025-09-29T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/resume", {"at": "2025-10-10T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": "2025-10-16T15:00:00"}, 200)

    # Counted working days: 09-28 (working Sunday); 09-29, 09-30 and 10-09 suspended, 10-01..08 holidays;
    # then 10-10, 10-11 (working Saturday), 10-13, 10-14 → 5 of 5 on the 14th, due that day.
    on_the_14th = officer.get(f"/cases/{case_id}", as_of="2025-10-14T12:00:00").json()
    assert on_the_14th["state"] == "accepted"
    assert (on_the_14th["elapsed_workdays"], on_the_14th["remaining_workdays"]) == (5, 0)
    assert (on_the_14th["deadline"], on_the_14th["warning"]) == ("2025-10-14", "yellow")

    while_suspended = officer.get(f"/cases/{case_id}", as_of="2025-10-05T12:00:00").json()
    assert (while_suspended["state"], while_suspended["deadline"], while_suspended["elapsed_workdays"]) == ("suspended", None, 1)

    overdue = officer.get(f"/cases/{case_id}", as_of="2025-10-15T12:00:00").json()
    assert (overdue["state"], overdue["remaining_workdays"], overdue["warning"]) == ("accepted", -1, "red")

    concluded = officer.get(f"/cases/{case_id}").json()
    assert concluded["state"] == "concluded" and concluded["version"] == 5
    assert (concluded["elapsed_workdays"], concluded["on_time"], concluded["warning"]) == (7, False, "none")

    red = officer.get("/warnings", as_of="2025-10-15T12:00:00", level="red").json()
    assert case_id in [item["case_id"] for item in red["items"]] and red["count"] == len(red["items"])
    entry = next(item for item in red["items"] if item["case_id"] == case_id)
    assert (entry["window"], entry["staff"], entry["deadline"], entry["remaining_workdays"]) == ("A01", "S01", "2025-10-14", -1)
    after = officer.get("/warnings", as_of="2025-10-20T12:00:00").json()
    assert case_id not in [item["case_id"] for item in after["items"]]


def test_history_has_both_times_actor_and_a_hash_chain(api):
    officer = api.as_user("super1", "super-password")  # backdating is a supervisor's call
    case_id = officer.new_case("GTHS", "2025-12-30T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2025-12-30T09:30:00"}, 200)
    events = officer.get(f"/cases/{case_id}/history").json()["events"]
    assert [event["type"] for event in events] == ["CaseSubmitted", "CaseAccepted"]
    assert events[0]["occurred_at"] == "2025-12-30T09:00:00+08:00" and events[0]["recorded_at"] > "2026"
    assert events[1]["actor"] == {"user": "super1", "role": "supervisor"}
    assert events[0]["previous_hash"] == "0" * 64 and events[1]["previous_hash"] == events[0]["hash"]


def test_immediate_item_goes_red_the_next_working_day(api):
    officer = api.as_user("super1", "super-password")  # backdating is a supervisor's call
    case_id = officer.new_case("SBKB", "2025-12-31T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A02", "staff": "S02", "at": "2025-12-31T09:05:00"}, 200)
    same_day = officer.get(f"/cases/{case_id}", as_of="2025-12-31T17:00:00").json()
    assert (same_day["warning"], same_day["deadline"]) == ("yellow", "2025-12-31")
    # 2026-01-01..03 are holidays: the next working day is Sunday 01-04 (调休).
    assert officer.get(f"/cases/{case_id}", as_of="2026-01-03T12:00:00").json()["warning"] == "yellow"
    assert officer.get(f"/cases/{case_id}", as_of="2026-01-04T12:00:00").json()["warning"] == "red"
    yellow = officer.get("/warnings", as_of="2026-01-03T12:00:00", level="yellow", window="A02").json()
    assert [item["case_id"] for item in yellow["items"]] == [case_id]


def test_errors_name_the_problem(api):
    officer = api.as_user("super1", "super-password")  # it backdates
    auditor = api.as_user("audit1", "audit-password")
    case_id = officer.new_case("SPJY", "2026-03-02T09:00:00")

    assert Api(str(api.http.base_url)).get("/warnings", expect=None).status_code == 401
    assert auditor.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "x"}}).status_code == 403
    assert officer.post("/catalogue/departments", {"code": "X", "name": "x"}).status_code == 403
    assert officer.get("/cases/00000000-0000-0000-0000-000000000000", expect=None).status_code == 404
    assert officer.get("/cases/not-a-case", expect=None).status_code == 404

    conflict = officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved"})
    assert conflict.status_code == 409 and "submitted" in conflict.json()["detail"]
    assert api.post("/catalogue/departments", {"code": "SJ", "name": "重复"}).status_code == 409

    def field_of(response) -> list:
        assert response.status_code == 422, response.text
        return response.json()["detail"][0]["loc"]

    assert field_of(officer.post(f"/cases/{case_id}/accept", {"window": "Z99", "staff": "S01"})) == ["body", "window"]
    assert field_of(officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01",
                                                           "at": "2099-01-01T00:00:00"})) == ["body", "at"]
    assert field_of(officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01",
                                                           "at": "2026-03-01T00:00:00"})) == ["body", "at"]
    assert field_of(officer.post("/cases", {"item": "NOPE", "channel": "window", "applicant": {"name": "x"}})) == ["body", "item"]
    assert field_of(officer.post("/cases", {"item": "SPJY", "channel": "fax", "applicant": {"name": "x"}})) == ["body", "channel"]
    assert field_of(api.post("/catalogue/items", {"code": "BAD", "name": "x", "department": "SJ", "kind": "promised",
                                                  "legal_days": 2, "promised_days": 5})) == ["body", "promised_days"]
    assert officer.get("/warnings", expect=None, level="orange").status_code == 422
    # Nothing was half-written: the refused commands left the case as it was.
    assert officer.get(f"/cases/{case_id}").json()["version"] == 1


def test_users_catalogue_listing_and_limit_changes(api):
    assert api.post("/users", {"username": "clerk1", "password": "another-password", "roles": ["clerk"],
                               "window": "A01"}).status_code == 409
    bad_role = api.post("/users", {"username": "x1", "password": "long-enough", "roles": ["boss"]})
    assert bad_role.status_code == 422 and bad_role.json()["detail"][0]["loc"][:2] == ["body", "roles"]
    me = api.as_user("audit1", "audit-password").get("/users/me").json()
    assert me == {"username": "audit1", "roles": ["auditor"], "window": None, "department": None}

    windows = api.get("/catalogue/windows").json()
    assert windows["count"] == 2 and windows["items"][0] == {"code": "A01", "name": "A01 窗口", "hall": "SMZX",
                                                             "department": "SJ"}
    officer = api.as_user("super1", "super-password")  # it backdates
    before = officer.new_case("SPJY", "2026-04-01T09:00:00")
    officer.post(f"/cases/{before}/accept", {"window": "A01", "staff": "S01", "at": "2026-04-01T09:10:00"}, 200)
    changed = api.post("/catalogue/items/SPJY/limits", {"legal_days": 20, "promised_days": 3}, 200).json()
    assert changed["promised_days"] == 3
    after = officer.post("/cases", {"item": "SPJY", "channel": "online", "applicant": {"name": "赵磊"}}, 201).json()["id"]
    accepted = officer.post(f"/cases/{after}/accept", {"window": "A01", "staff": "S01"}, 200)
    assert accepted.json()["promised_days"] == 3
    assert officer.get(f"/cases/{before}").json()["promised_days"] == 5  # kept the limit in force at acceptance
    items = {item["code"]: item for item in api.get("/catalogue/items").json()["items"]}
    assert items["SPJY"]["promised_days"] == 3

    assert officer.get(f"/cases/{after}", expect=None, as_of="2026-04-01T00:00:00").status_code == 404
    nowhere = officer.get("/warnings", hall="NOWHERE").json()
    assert (nowhere["items"], nowhere["count"]) == ([], 0)
    in_hall = officer.get("/warnings", hall="SMZX", as_of="2026-05-20T12:00:00").json()
    assert before in {item["case_id"] for item in in_hall["items"]}
