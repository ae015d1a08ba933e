"""Reviews (好差评), inspections, commendations, cards and scoring schemes through HTTP on the embedded
deployment, with hand-computed deadlines around National Day 2025: holidays Wed 10-01 .. Wed 10-08;
Sun 09-28 and Sat 10-11 are working days (调休). The working days after Tue 09-30 are 10-09 (1),
10-10 (2), 10-11 (3), 10-13 (4), 10-14 (5), 10-15 (6)."""

from __future__ import annotations

import pytest

from domain.scheme_book import SchemeBook
from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "reviews-admin-password"
PHONE = "13800001111"
USERS = {"officer": (["supervisor"], {}), "clerk1": (["clerk"], {"window": "A01"}),
         "clerk2": (["clerk"], {"window": "A02"}), "dept_sj": (["department"], {"department": "SJ"}),
         "dept_zr": (["department"], {"department": "ZR"}), "auditor": (["auditor"], {})}


@pytest.fixture(scope="module")
def users(tmp_path_factory) -> dict[str, Api]:
    """The small centre of the API client, a second department (ZR), and one signed-in client per user."""
    with embedded_api(tmp_path_factory.mktemp("reviews"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        clients = {"admin": admin}
        for name, (roles, scope) in USERS.items():
            admin.create_user(name, f"{name}-password", roles, **scope)
            clients[name] = admin.as_user(name, f"{name}-password")
        yield clients


def served_case(officer: Api, concluded: str = "2025-09-29T16:00:00") -> str:
    """A case accepted at A01 by S01 on Fri 09-26 and concluded (the officer may date it back)."""
    case_id = officer.new_case("SPJY", "2025-09-26T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2025-09-26T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": concluded}, 200)
    return case_id


def bad_review(users, rating: int = 2, at: str = "2025-09-30T10:00:00", **extra) -> dict:
    body = {"case": served_case(users["officer"]), "rating": rating, "channel": "pad", "at": at, **extra}
    return users["admin"].post("/reviews", body, 201).json()


def step(user: Api, review: dict, action: str, body: dict, expect: int = 200):
    return user.post(f"/reviews/{review['id']}/{action}", body, expect)


def detail(response) -> str:
    return response.json()["detail"]


# -- the bad-review workflow ----------------------------------------------------------------------


def test_a_bad_review_is_verified_rectified_by_its_deadline_and_visited(users):
    officer, admin = users["officer"], users["admin"]
    review = bad_review(users, comment=f"态度差，请回电 {PHONE}")
    assert (review["window"], review["staff"], review["staff_department"], review["rating"], review["bad"]) == (
        "A01", "S01", "SJ", 2, True)
    assert (review["state"], review["deadline"], review["verification_deadline"]) == (
        "awaiting_verification", "2025-10-10", "2025-10-10")
    assert review["comment"] == f"态度差，请回电 {PHONE}" and review["comment_ref"].startswith("ap_")

    early = step(officer, review, "rectify", {"note": "已整改", "at": "2025-09-30T11:00:00"}, 409)
    assert "awaiting_verification" in detail(early)
    verified = step(officer, review, "verify", {"outcome": "rectify_by_deadline", "note": "属实",
                                                "at": "2025-09-30T16:00:00"}).json()
    assert (verified["state"], verified["deadline"], verified["rectification_deadline"]) == (
        "rectifying", "2025-10-14", "2025-10-14")
    again = step(officer, review, "verify", {"outcome": "explain", "note": "x"}, 409)
    assert "rectifying" in detail(again)
    rectified = step(officer, review, "rectify", {"note": "已培训", "at": "2025-10-14T17:00:00"}).json()
    assert (rectified["state"], rectified["rectified_on_time"]) == ("rectified", True)
    # A department user works the reviews of its own staff, with the time of now (no backdating).
    visited = step(users["dept_sj"], review, "return-visit", {"rating": 4, "note": "满意"}).json()
    assert (visited["return_rating"], visited["rating"], visited["state"], visited["version"]) == (4, 2, "rectified", 4)
    twice = step(users["dept_sj"], review, "return-visit", {"rating": 5, "note": "再访"}, 409)
    assert "already had its return visit" in detail(twice)

    shown = admin.get(f"/reviews/{review['id']}").json()
    assert [event["type"] for event in shown["history"]] == [
        "ReviewGiven", "ReviewVerified", "ReviewRectified", "ReviewReturnVisited"]
    given = shown["history"][0]["payload"]
    assert given["comment_ref"] == review["comment_ref"] and "comment" not in given
    then = admin.get(f"/reviews/{review['id']}", as_of="2025-10-10T12:00:00").json()
    assert (then["state"], then["deadline"], len(then["history"])) == ("rectifying", "2025-10-14", 2)
    admin.get(f"/reviews/{review['id']}", as_of="2025-09-30T09:00:00", expect=404)


def test_rectified_after_the_deadline_is_late(users):
    review = bad_review(users)
    step(users["officer"], review, "verify", {"outcome": "rectify_by_deadline", "note": "属实",
                                              "at": "2025-10-09T09:00:00"})
    late = step(users["officer"], review, "rectify", {"note": "整改", "at": "2025-10-17T09:00:00"}).json()
    assert (late["rectification_deadline"], late["rectified_on_time"]) == ("2025-10-15", False)  # 10-10 .. 10-15


def test_an_appeal_is_decided_by_a_supervisor_only(users):
    officer = users["officer"]
    upheld, dismissed = bad_review(users, rating=1), bad_review(users, rating=1)
    for review in (upheld, dismissed):
        step(officer, review, "verify", {"outcome": "appeal", "note": "恶意差评", "at": "2025-09-30T11:00:00"})
    refused = step(users["admin"], upheld, "appeal-decision", {"upheld": True, "note": "x"}, 403)
    assert "supervisor" in detail(refused)
    overturned = step(officer, upheld, "appeal-decision", {"upheld": True, "note": "查无此事",
                                                           "at": "2025-10-09T10:00:00"}).json()
    assert (overturned["state"], overturned["counts"], overturned["deadline"]) == ("overturned", False, None)
    counted = step(officer, dismissed, "appeal-decision", {"upheld": False, "note": "属实",
                                                           "at": "2025-10-09T10:00:00"}).json()
    assert (counted["state"], counted["counts"], counted["deadline"]) == ("rectifying", True, "2025-10-15")
    visit = step(officer, overturned, "return-visit", {"rating": 3, "note": "x"}, 409)
    assert "overturned" in detail(visit)


def test_one_review_per_case_and_only_of_a_served_case(users):
    admin = users["admin"]
    review = bad_review(users, rating=5)
    assert (review["state"], review["deadline"], review["verification_deadline"]) == ("recorded", None, None)
    second = admin.post("/reviews", {"case": review["case"], "rating": 1, "channel": "web"}, 409)
    assert "already has a review" in detail(second)
    open_case = admin.submit_case("SPJY")
    unserved = admin.post("/reviews", {"case": open_case, "rating": 5, "channel": "pad"}, 409)
    assert "submitted" in detail(unserved)
    for unknown in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        missing = admin.post("/reviews", {"case": unknown, "rating": 5, "channel": "pad"}, 422)
        assert missing.json()["detail"][0]["loc"] == ["body", "case"]
    bad_rating = admin.post("/reviews", {"case": open_case, "rating": 6, "channel": "pad"}, 422)
    assert bad_rating.json()["detail"][0]["loc"] == ["body", "rating"]
    admin.get("/reviews/00000000-0000-0000-0000-000000000000", expect=404)
    admin.get(f"/reviews/{review['case']}", expect=404)  # a case's id is not a review's


def test_row_scope_of_reviews(users):
    review = bad_review(users)  # of window A01, staff S01 of department SJ
    users["clerk1"].get(f"/reviews/{review['id']}")
    assert "window A01" in detail(users["clerk2"].get(f"/reviews/{review['id']}", expect=403))
    refused = step(users["dept_zr"], review, "verify", {"outcome": "explain", "note": "x"}, 403)
    assert "department SJ" in detail(refused)
    step(users["clerk1"], review, "verify", {"outcome": "explain", "note": "x"}, 403)  # a clerk does not verify
    # A clerk takes reviews of their own window's cases only; the auditor reads without the comment.
    case_id = served_case(users["officer"])
    users["clerk2"].post("/reviews", {"case": case_id, "rating": 5, "channel": "pad"}, 403)
    users["auditor"].post("/reviews", {"case": case_id, "rating": 5, "channel": "pad"}, 403)
    taken = users["clerk1"].post("/reviews", {"case": case_id, "rating": 1, "channel": "pad", "comment": PHONE},
                                 201).json()
    audited = users["auditor"].get(f"/reviews/{taken['id']}")
    assert audited.json()["comment"] is None and PHONE not in audited.text
    backdated = users["clerk1"].post("/reviews", {"case": served_case(users["officer"]), "rating": 5,
                                                  "channel": "pad", "at": "2025-10-09T10:00:00"}, 403)
    assert "hours in the past" in detail(backdated)


def test_a_reviews_chain_verifies(users):
    review = bad_review(users)
    step(users["officer"], review, "verify", {"outcome": "rectify_now", "note": "当场整改", "at": "2025-09-30T11:00:00"})
    verdict = users["auditor"].get(f"/audit/review/{review['id']}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 2)


# -- inspections, commendations, cards ------------------------------------------------------------


def test_inspections_commendations_and_cards(users):
    officer = users["officer"]
    inspection = officer.post("/inspections", {"window": "A01", "staff": "S01", "kind": "absent", "note": "10:05 空岗",
                                               "at": "2025-10-09T10:05:00"}, 201).json()
    assert (inspection["window"], inspection["staff"], inspection["staff_department"], inspection["kind"]) == (
        "A01", "S01", "SJ", "absent")
    assert inspection["occurred_at"].startswith("2025-10-09T10:05:00")
    commendation = officer.post("/commendations", {"window": "A02", "kind": "banner"}, 201).json()
    assert (commendation["window"], commendation["staff"], commendation["kind"]) == ("A02", None, "banner")
    card = officer.post("/cards", {"window": "A01", "staff": "S01", "colour": "yellow", "reason": "多次空岗"}, 201).json()
    assert (card["colour"], card["reason"], card["actor"]) == ("yellow", "多次空岗", {"user": "officer",
                                                                                   "role": "supervisor"})
    for path, body, field in (("/inspections", {"window": "Z99", "kind": "absent"}, "window"),
                              ("/commendations", {"window": "A01", "staff": "S99", "kind": "letter"}, "staff"),
                              ("/cards", {"window": "A01", "colour": "green", "reason": "x"}, "colour"),
                              ("/cards", {"window": "A01", "colour": "red", "reason": ""}, "reason")):
        assert officer.post(path, body, 422).json()["detail"][0]["loc"] == ["body", field]
    users["admin"].post("/cards", {"window": "A01", "colour": "red", "reason": "x"}, 403)  # a supervisor's call
    users["clerk1"].post("/inspections", {"window": "A01", "kind": "absent"}, 403)
    verdict = users["auditor"].get(f"/audit/inspection/{inspection['id']}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 1)


# -- scoring schemes ------------------------------------------------------------------------------


def test_scheme_versions_and_the_one_in_force_for_a_month(users):
    officer, admin = users["officer"], users["admin"]
    default = admin.get("/schemes/current", month="2026-03").json()
    assert (default["version"], default["effective_from"], default["window"]["overdue"]) == (1, "2026-01", -5)
    assert default["grades"] == {"excellent": 95, "good": 85, "pass": 70}

    changed = {**default, "effective_from": "2026-06", "window": {**default["window"], "overdue": -8}}
    refused = users["clerk1"].post("/schemes", changed, 403)
    assert "admin or supervisor" in detail(refused)
    positive = {**changed, "window": {**changed["window"], "inspection": {**default["window"]["inspection"],
                                                                          "absent": 2}}}
    assert officer.post("/schemes", positive, 422).json()["detail"][0]["loc"] == [
        "body", "window", "inspection", "absent"]
    missing = {**changed, "honours": {key: value for key, value in default["honours"].items() if key != "stars"}}
    assert officer.post("/schemes", missing, 422).json()["detail"][0]["loc"] == ["body", "honours", "stars"]
    disorder = {**changed, "grades": {"excellent": 80, "good": 85, "pass": 70}}
    assert officer.post("/schemes", disorder, 422).json()["detail"][0]["loc"] == ["body", "grades", "good"]
    assert admin.get("/schemes/current", month="2026-07").json()["version"] == 1  # nothing was recorded

    second = officer.post("/schemes", changed, 201).json()  # GET's shape sent back, its version ignored
    assert (second["version"], second["effective_from"], second["window"]["overdue"]) == (2, "2026-06", -8)
    months = {month: admin.get("/schemes/current", month=month).json()["version"]
              for month in ("2026-01", "2026-05", "2026-06", "2027-01")}
    assert months == {"2026-01": 1, "2026-05": 1, "2026-06": 2, "2027-01": 2}
    admin.get("/schemes/current", month="2025-10", expect=404)
    assert admin.get("/schemes/current", month="2026-13", expect=422).json()["detail"][0]["loc"] == ["query", "month"]
    verdict = users["auditor"].get(f"/audit/scheme_book/{SchemeBook.id_for()}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 1)


def test_an_erased_comment_reads_erased_and_the_chain_still_verifies(users):
    admin = users["admin"]
    review = bad_review(users, comment=f"王先生 {PHONE}")
    admin.post(f"/applicants/{review['comment_ref']}/erase", {}, 200)
    shown = admin.get(f"/reviews/{review['id']}")
    assert shown.json()["comment"] == "[erased]" and PHONE not in shown.text
    assert users["auditor"].get(f"/audit/review/{review['id']}/verify").json()["valid"] is True
