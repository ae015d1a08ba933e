"""What the read models answer about reviews, inspections, commendations and cards, through HTTP on
the embedded deployment: listings within scope, the month's review figures, and the review findings,
hand-computed around National Day 2025 (holidays Wed 10-01 .. Wed 10-08; Sat 10-11 is a working day).
The working days after Tue 09-30 are 10-09 (1), 10-10 (2), 10-11 (3), 10-13 (4), 10-14 (5)."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "listings-admin-password"
SEPTEMBER = {"from": "2025-09-01", "to": "2025-09-30"}
OCTOBER = {"from": "2025-10-01", "to": "2025-10-31"}


def served_case(officer: Api) -> str:
    case_id = officer.new_case("SPJY", "2025-09-26T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2025-09-26T10:00:00"}, 200)
    officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": "2025-09-29T16:00:00"}, 200)
    return case_id


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> dict[str, Api]:
    """Four reviews of 09-30 at A01 (S01): a 1 never verified, a 2 to rectify by 10-14 and never
    rectified, a 5, and a 2 overturned on appeal the same day; one inspection, commendation and card."""
    with embedded_api(tmp_path_factory.mktemp("listings"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        for name, roles, scope in (("officer", ["supervisor"], {}), ("clerk2", ["clerk"], {"window": "A02"}),
                                   ("dept_zr", ["department"], {"department": "ZR"})):
            admin.create_user(name, f"{name}-password", roles, **scope)
        users = {"admin": admin, **{name: admin.as_user(name, f"{name}-password")
                                    for name in ("officer", "clerk2", "dept_zr")}}
        officer = users["officer"]

        def review(rating: int, hour: int) -> dict:
            body = {"case": served_case(officer), "rating": rating, "channel": "pad", "at": f"2025-09-30T{hour}:00:00"}
            return admin.post("/reviews", body, 201).json()

        users["unverified"] = review(1, 10)
        to_rectify = users["to_rectify"] = review(2, 11)
        officer.post(f"/reviews/{to_rectify['id']}/verify", {"outcome": "rectify_by_deadline", "note": "属实",
                                                             "at": "2025-09-30T16:00:00"}, 200)
        review(5, 12)
        appealed = review(2, 13)
        officer.post(f"/reviews/{appealed['id']}/verify", {"outcome": "appeal", "note": "恶意差评",
                                                           "at": "2025-09-30T14:00:00"}, 200)
        officer.post(f"/reviews/{appealed['id']}/appeal-decision", {"upheld": True, "note": "查实",
                                                                    "at": "2025-09-30T15:00:00"}, 200)
        officer.post("/inspections", {"window": "A01", "kind": "absent", "note": "9:05 空岗",
                                      "at": "2025-10-09T09:05:00"}, 201)
        officer.post("/commendations", {"window": "A01", "staff": "S01", "kind": "banner",
                                        "at": "2025-10-10T10:00:00"}, 201)
        officer.post("/cards", {"window": "A01", "staff": "S01", "colour": "yellow", "reason": "多次空岗",
                                "at": "2025-10-13T10:00:00"}, 201)
        yield users


def test_the_review_listing_filters_pages_and_keeps_to_scope(centre):
    officer = centre["officer"]
    bad = officer.get("/reviews", bad="true", **SEPTEMBER).json()
    assert bad["count"] == 3 and all(item["bad"] for item in bad["items"])
    assert {item["state"] for item in bad["items"]} == {"awaiting_verification", "rectifying", "overturned"}
    waiting = officer.get("/reviews", state="rectifying").json()["items"]
    assert [(item["id"], item["deadline"], item["verification_deadline"]) for item in waiting] == [
        (centre["to_rectify"]["id"], "2025-10-14", "2025-10-10")]
    page = officer.get("/reviews", limit=2, offset=1).json()
    assert (page["count"], len(page["items"])) == (4, 2)
    assert officer.get("/reviews", **OCTOBER).json()["count"] == 0
    assert centre["clerk2"].get("/reviews").json()["count"] == 0  # every review is of window A01
    assert centre["dept_zr"].get("/reviews").json()["count"] == 0
    bad_state = officer.get("/reviews", expect=None, state="lost")
    assert bad_state.status_code == 422 and bad_state.json()["detail"][0]["loc"] == ["query", "state"]


def test_the_months_review_figures(centre):
    figures = centre["officer"].get("/metrics/reviews", by="window", **SEPTEMBER).json()
    expected = {"reviews": 3, "r1": 1, "r2": 1, "r3": 0, "r4": 0, "r5": 1, "satisfaction_rate": 0.3333, "bad": 3,
                "bad_overturned": 1, "bad_valid": 2, "rectified": 0, "rectified_on_time": 0, "return_visits": 0,
                "return_visit_rate": 0.0}
    assert figures["total"] == expected
    assert [(item["key"], item["name"]) for item in figures["items"]] == [("A01", "A01 窗口")]
    assert {key: figures["items"][0][key] for key in expected} == expected
    assert centre["dept_zr"].get("/metrics/reviews", by="staff", **SEPTEMBER).json()["total"]["bad"] == 0


def test_review_findings_are_dated_the_day_they_arise(centre):
    officer = centre["officer"]
    unverified = officer.get("/findings", kind="review_unverified", **OCTOBER).json()["items"]
    assert [(item["date"], item["review_id"], item["window"], item["staff"], item["department"])
            for item in unverified] == [("2025-10-11", centre["unverified"]["id"], "A01", "S01", "SJ")]
    overdue = officer.get("/findings", kind="rectification_overdue", **OCTOBER).json()["items"]
    assert [(item["date"], item["review_id"], item["case_id"]) for item in overdue] == [
        ("2025-10-15", centre["to_rectify"]["id"], centre["to_rectify"]["case"])]
    everything = officer.get("/findings", **OCTOBER).json()["items"]
    assert {"review_unverified", "rectification_overdue"} <= {item["kind"] for item in everything}


def test_inspections_commendations_and_cards_are_listed_by_period_window_and_staff(centre):
    officer = centre["officer"]
    inspections = officer.get("/inspections", window="A01", **OCTOBER).json()
    assert [(item["kind"], item["note"], item["staff"], item["occurred_at"]) for item in inspections["items"]] == [
        ("absent", "9:05 空岗", None, "2025-10-09T09:05:00+08:00")]
    commendations = officer.get("/commendations", staff="S01", **OCTOBER).json()["items"]
    assert [(item["kind"], item["window"]) for item in commendations] == [("banner", "A01")]
    cards = officer.get("/cards", **OCTOBER).json()["items"]
    assert [(item["colour"], item["reason"], item["staff"]) for item in cards] == [("yellow", "多次空岗", "S01")]
    assert officer.get("/cards", **SEPTEMBER).json()["count"] == 0
    assert officer.get("/inspections", window="A02").json()["count"] == 0
    assert centre["dept_zr"].get("/inspections").json()["count"] == 0
    assert centre["clerk2"].get("/cards").json()["count"] == 0
