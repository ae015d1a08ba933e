"""Who may touch what, through HTTP on the embedded deployment: row scope, window kinds, backdating
and the read-only auditor. Each test reproduces a way the skeleton once gave way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import utc_now
from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "scope-admin-password"
FAR_FUTURE = "2027-06-01T12:00:00"  # every case accepted today and still open is red by then


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """Two departments: SJ with specialist window A01, SW with specialist window B01, and the
    comprehensive window Z01 (一窗受理); a clerk at each window, a user of each department."""
    with embedded_api(tmp_path_factory.mktemp("scope"), PASSWORD) as admin:
        admin.post("/catalogue/halls", {"code": "SMZX", "name": "市民中心", "level": "city"}, 201)
        for code, name in (("SJ", "市场监管局"), ("SW", "税务局")):
            admin.post("/catalogue/departments", {"code": code, "name": name}, 201)
        for window, department, kind, staff in (("A01", "SJ", "specialist", "S01"), ("B01", "SW", "specialist", "S02"),
                                                ("Z01", "SJ", "comprehensive", "S03")):
            admin.post("/catalogue/windows", {"code": window, "name": window, "hall": "SMZX", "department": department,
                                              "kind": kind}, 201)
            admin.post("/catalogue/staff", {"code": staff, "name": f"员工{staff}", "window": window,
                                            "department": department}, 201)
        admin.post("/catalogue/items", {"code": "SPJY", "name": "食品经营许可", "department": "SJ", "kind": "promised",
                                        "legal_days": 20, "promised_days": 5}, 201)
        admin.post("/catalogue/items", {"code": "FPLY", "name": "发票领用", "department": "SW", "kind": "promised",
                                        "legal_days": 5, "promised_days": 2}, 201)
        for user, roles, scope in (("clerk_a", ["clerk"], {"window": "A01"}), ("clerk_b", ["clerk"], {"window": "B01"}),
                                   ("clerk_z", ["clerk"], {"window": "Z01"}),
                                   ("dept_sj", ["department"], {"department": "SJ"}),
                                   ("dept_sw", ["department"], {"department": "SW"}),
                                   ("auditor", ["auditor"], {}), ("supervisor", ["supervisor"], {})):
            admin.create_user(user, f"{user}-password", roles, **scope)
        yield admin


def as_(api: Api, user: str) -> Api:
    return api.as_user(user, f"{user}-password")


def submit(user: Api, item: str, **extra) -> str:
    body = {"item": item, "channel": "window", "applicant": {"name": "王芳"}, **extra}
    return user.post("/cases", body, 201).json()["id"]


def accepted(user: Api, item: str, window: str, staff: str) -> str:
    case_id = submit(user, item)
    user.post(f"/cases/{case_id}/accept", {"window": window, "staff": staff}, 200)
    return case_id


def refused(response, status: int = 403) -> str:
    assert response.status_code == status, response.text
    return response.json()["detail"]


def test_a_clerk_acts_only_on_cases_accepted_at_their_own_window(api):
    clerk_a, clerk_b = as_(api, "clerk_a"), as_(api, "clerk_b")
    case_id = accepted(clerk_b, "FPLY", "B01", "S02")

    assert "accepted at window B01" in refused(clerk_a.get(f"/cases/{case_id}", expect=None))
    assert "accepted at window B01" in refused(clerk_a.get(f"/cases/{case_id}/history", expect=None))
    for command, body in (("suspend", {"reason": "supplement"}), ("resume", {}), ("conclude", {"outcome": "approved"})):
        assert "clerk_a works at window A01" in refused(clerk_a.post(f"/cases/{case_id}/{command}", body))
    assert clerk_b.get(f"/cases/{case_id}").json()["version"] == 2  # nothing was written
    clerk_b.post(f"/cases/{case_id}/conclude", {"outcome": "approved"}, 200)


def test_a_specialist_window_accepts_only_its_departments_items_a_comprehensive_one_any(api):
    clerk_a, clerk_z = as_(api, "clerk_a"), as_(api, "clerk_z")
    other_department = submit(clerk_a, "FPLY")  # anyone may take an application
    response = clerk_a.post(f"/cases/{other_department}/accept", {"window": "A01", "staff": "S01"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "window"]
    assert "A01 works" not in refused(clerk_a.post(f"/cases/{other_department}/accept",
                                                  {"window": "B01", "staff": "S02"}))
    # 一窗受理: the comprehensive window takes any department's item.
    assert clerk_z.post(f"/cases/{other_department}/accept", {"window": "Z01", "staff": "S03"}, 200).json()[
        "window"] == "Z01"


def test_staff_accept_only_at_their_own_window(api):
    clerk_a = as_(api, "clerk_a")
    case_id = submit(clerk_a, "SPJY")
    response = clerk_a.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S03"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "staff"]
    assert "S03 works at window Z01" in response.json()["detail"][0]["msg"]


def test_a_department_user_reads_and_acts_only_on_their_departments_cases(api):
    case_id = accepted(as_(api, "clerk_b"), "FPLY", "B01", "S02")
    dept_sj, dept_sw = as_(api, "dept_sj"), as_(api, "dept_sw")
    assert "belongs to department SW" in refused(dept_sj.get(f"/cases/{case_id}", expect=None))
    assert "belongs to department SW" in refused(dept_sj.post(f"/cases/{case_id}/suspend", {"reason": "hearing"}))
    assert dept_sw.get(f"/cases/{case_id}").json()["department"] == "SW"
    dept_sw.post(f"/cases/{case_id}/suspend", {"reason": "hearing"}, 200)
    dept_sw.post(f"/cases/{case_id}/resume", {}, 200)
    assert refused(dept_sw.post("/cases", {"item": "FPLY", "channel": "window", "applicant": {"name": "王芳"}}))


def test_listings_are_filtered_to_the_callers_scope(api):
    at_a = accepted(as_(api, "clerk_a"), "SPJY", "A01", "S01")
    at_b = accepted(as_(api, "clerk_b"), "FPLY", "B01", "S02")

    def listed(user: str, **filters) -> set[str]:
        return {item["case_id"] for item in as_(api, user).get("/warnings", as_of=FAR_FUTURE, **filters).json()["items"]}

    every = listed("supervisor")
    assert {at_a, at_b} <= every and listed("auditor") == every
    clerk_a_sees = listed("clerk_a")
    assert at_a in clerk_a_sees and at_b not in clerk_a_sees
    assert listed("clerk_a", window="B01") == set()
    dept_sw_sees = listed("dept_sw")
    assert at_b in dept_sw_sees and at_a not in dept_sw_sees
    assert listed("dept_sw", department="SJ") == set()
    windows = {item["window"] for item in as_(api, "clerk_a").get("/warnings", as_of=FAR_FUTURE).json()["items"]}
    assert windows == {"A01"}


def test_a_users_window_and_department_must_exist(api):
    def refused_field(body: dict) -> list:
        response = api.post("/users", {"username": "newcomer", "password": "long-enough", **body})
        assert response.status_code == 422, response.text
        return response.json()["detail"][0]["loc"]

    assert refused_field({"roles": ["clerk"], "window": "Z99"}) == ["body", "window"]
    assert refused_field({"roles": ["department"], "department": "NOPE"}) == ["body", "department"]
    assert refused_field({"roles": ["clerk"]}) == ["body", "window"]
    assert refused_field({"roles": ["department"]}) == ["body", "department"]
    assert refused_field({"roles": ["clerk"], "window": "A01", "department": "SW"}) == ["body", "department"]
    created = api.post("/users", {"username": "newcomer", "password": "long-enough", "roles": ["clerk"],
                                  "window": "B01"}, 201).json()
    assert (created["window"], created["department"]) == ("B01", "SW")


def test_backdating_beyond_the_limit_needs_a_supervisor(api):
    clerk_a, supervisor = as_(api, "clerk_a"), as_(api, "supervisor")
    now = utc_now()
    too_old = (now - timedelta(hours=73)).isoformat()
    detail = refused(clerk_a.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "王芳"},
                                             "at": too_old}))
    assert "72 hours" in detail and "supervisor" in detail
    case_id = submit(clerk_a, "SPJY", at=(now - timedelta(hours=71)).isoformat())
    clerk_a.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01",
                                              "at": (now - timedelta(hours=70)).isoformat()}, 200)
    # The clerk cannot conclude an overdue case "on time" by dating it back; a supervisor may correct the record.
    assert refused(clerk_a.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": too_old}))
    old_case = submit(supervisor, "SPJY", at=(now - timedelta(days=30)).isoformat())
    assert supervisor.get(f"/cases/{old_case}").json()["state"] == "submitted"
    # Out of bounds is a 422 before anything else, whoever asks.
    response = clerk_a.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "王芳"},
                                       "at": "0001-01-01T00:00:00"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "at"]


def test_the_auditor_changes_nothing(api):
    auditor = as_(api, "auditor")
    case_id = accepted(as_(api, "clerk_a"), "SPJY", "A01", "S01")
    assert auditor.get(f"/cases/{case_id}").status_code == 200
    for path, body in (("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "王芳"}}),
                       (f"/cases/{case_id}/suspend", {"reason": "hearing"}),
                       (f"/cases/{case_id}/conclude", {"outcome": "approved"}),
                       ("/applicants/ap_0123456789abcdef0123/erase", {})):
        assert refused(auditor.post(path, body))


def test_warnings_come_a_page_at_a_time_with_the_full_count(api):
    supervisor = as_(api, "supervisor")
    for _ in range(3):
        accepted(as_(api, "clerk_a"), "SPJY", "A01", "S01")
    whole = supervisor.get("/warnings", as_of=FAR_FUTURE, limit=1000).json()
    assert whole["count"] == len(whole["items"]) >= 3
    pages = [supervisor.get("/warnings", as_of=FAR_FUTURE, limit=2, offset=offset).json()
             for offset in range(0, whole["count"], 2)]
    assert all(page["count"] == whole["count"] and len(page["items"]) <= 2 for page in pages)
    assert [item["case_id"] for page in pages for item in page["items"]] == [item["case_id"] for item in whole["items"]]
    assert supervisor.get("/warnings", expect=None, limit=0).status_code == 422
    assert supervisor.get("/warnings", expect=None, limit=1001).status_code == 422
