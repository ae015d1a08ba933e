"""The month's figures through HTTP, hand-computed for October 2025 (holidays 10-01..10-08; Sat 10-11
is a working day). Items: SPJY promised 5 / legal 20, GTHS 1 / 15, SBKB immediate (即办件).

  A  SPJY at A01, accepted 09-26, concluded 10-09: elapsed 09-28 09-29 09-30 10-09 = 4, on time
  B  SPJY at A02, accepted 10-09, concluded 10-20: elapsed 10-10 10-11 10-13..10-17 10-20 = 8, late
  C  SBKB at A01, accepted and concluded 10-13: the same day
  D  SBKB at A02, accepted 10-14, concluded 10-15: not the same day
  E  GTHS refused 10-16 (never accepted: in the total, at no window)
  F  SPJY at A01, accepted 10-21, open: 8 working days by 10-31 > 5, overdue

October in total: accepted B C D F = 4; concluded A B = 2, on time 1 (0.5); immediate 2, same day
1 (0.5); 平均办结天数 (4 + 8) / 2 = 6.0; 提速率 (16 + 12) / 40 = 0.7; refused 1; overdue 1."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "metrics-admin-password"


def case(officer: Api, item: str, window: str, accepted: str, concluded: str | None = None) -> str:
    case_id = officer.new_case(item, f"{accepted}T09:00:00")
    staff = {"A01": "S01", "A02": "S02"}[window]
    officer.post(f"/cases/{case_id}/accept", {"window": window, "staff": staff, "at": f"{accepted}T09:30:00"}, 200)
    if concluded:
        officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": f"{concluded}T15:00:00"}, 200)
    return case_id


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with embedded_api(tmp_path_factory.mktemp("metrics"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.create_user("officer", "officer-password", ["supervisor"])
        admin.create_user("clerk1", "clerk1-password", ["clerk"], window="A01")
        officer = admin.as_user("officer", "officer-password")
        case(officer, "SPJY", "A01", "2025-09-26", "2025-10-09")
        case(officer, "SPJY", "A02", "2025-10-09", "2025-10-20")
        case(officer, "SBKB", "A01", "2025-10-13", "2025-10-13")
        case(officer, "SBKB", "A02", "2025-10-14", "2025-10-15")
        refused = officer.new_case("GTHS", "2025-10-16T09:00:00")
        officer.post(f"/cases/{refused}/refuse", {"reason": "材料不全", "at": "2025-10-16T10:00:00"}, 200)
        case(officer, "SPJY", "A01", "2025-10-21")
        yield admin


OCTOBER = {"from": "2025-10-01", "to": "2025-10-31"}


def test_the_months_figures_in_total(api):
    body = api.get("/metrics/cases", **OCTOBER).json()
    assert (body["from"], body["to"], body["by"], body["items"], body["count"]) == (
        "2025-10-01", "2025-10-31", None, [], 0)
    assert body["total"] == {"accepted": 4, "concluded": 2, "concluded_on_time": 1, "on_time_rate": 0.5,
                             "immediate_accepted": 2, "immediate_same_day": 1, "immediate_rate": 0.5,
                             "avg_elapsed_workdays": 6.0, "speedup_rate": 0.7, "withdrawn": 0, "refused": 1,
                             "overdue": 1, "yellow": 0}


def test_the_months_figures_by_window(api):
    body = api.get("/metrics/cases", by="window", **OCTOBER).json()
    by_key = {item["key"]: item for item in body["items"]}
    assert body["count"] == 2 and by_key["A01"]["name"] == "A01 窗口"
    assert {field: by_key["A01"][field] for field in ("accepted", "concluded", "on_time_rate", "immediate_rate",
                                                       "avg_elapsed_workdays", "speedup_rate", "overdue")} == {
        "accepted": 2, "concluded": 1, "on_time_rate": 1.0, "immediate_rate": 1.0, "avg_elapsed_workdays": 4.0,
        "speedup_rate": 0.8, "overdue": 1}
    assert {field: by_key["A02"][field] for field in ("accepted", "on_time_rate", "immediate_rate",
                                                       "avg_elapsed_workdays", "speedup_rate", "overdue")} == {
        "accepted": 2, "on_time_rate": 0.0, "immediate_rate": 0.0, "avg_elapsed_workdays": 8.0,
        "speedup_rate": 0.6, "overdue": 0}
    assert body["total"]["refused"] == 1  # the refused case is at no window but in the total


def test_a_month_with_nothing_concluded_has_null_rates(api):
    total = api.get("/metrics/cases", **{"from": "2025-08-01", "to": "2025-08-31"}).json()["total"]
    assert (total["accepted"], total["on_time_rate"], total["avg_elapsed_workdays"], total["speedup_rate"]) == (
        0, None, None, None)


def test_a_clerk_sees_the_figures_of_their_own_window(api):
    clerk = api.as_user("clerk1", "clerk1-password")
    body = clerk.get("/metrics/cases", by="window", **OCTOBER).json()
    assert [item["key"] for item in body["items"]] == ["A01"] and body["total"]["accepted"] == 2


def test_a_bad_period_names_the_field(api):
    for params, field in (({"from": "2025-10-31", "to": "2025-10-01"}, "to"),
                          ({"from": "1999-01-01", "to": "2025-10-01"}, "from"),
                          ({"from": "2025-10-01"}, "to")):
        response = api.get("/metrics/cases", expect=None, **params)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", field], params
    assert api.get("/metrics/cases", expect=None, by="weather", **OCTOBER).status_code == 422


def test_the_months_findings(api):
    """Overdue in October: B (N = 5 from 10-09: 10-10 10-11 10-13 10-14 10-15, first overdue 10-16, held by
    S02), D (即办件 from 10-14: overdue on 10-15, S02) and F (from 10-21: 10-22..10-28, first overdue 10-29,
    S01). Every October event was entered in 2026: 14 late entries (A 1, B 3, C 3, D 3, E 2, F 2)."""
    overdue = api.get("/findings", kind="overdue", **OCTOBER).json()
    assert [(item["date"], item["window"], item["staff"], item["department"]) for item in overdue["items"]] == [
        ("2025-10-15", "A02", "S02", "SJ"), ("2025-10-16", "A02", "S02", "SJ"), ("2025-10-29", "A01", "S01", "SJ")]
    assert overdue["count"] == 3 and "first overdue on 2025-10-16" in overdue["items"][1]["detail"]
    late = api.get("/findings", kind="late_entry", **OCTOBER).json()
    assert late["count"] == 14 and all("hours after its business time" in item["detail"] for item in late["items"])
    at_a01 = api.get("/findings", window="A01", **OCTOBER).json()
    assert {item["window"] for item in at_a01["items"]} == {"A01"}
    page = api.get("/findings", limit=5, offset=5, **OCTOBER).json()
    assert page["count"] == 17 and len(page["items"]) == 5
    clerk = api.as_user("clerk1", "clerk1-password")
    assert clerk.get("/findings", expect=None, **OCTOBER).status_code == 403
    assert api.get("/findings", expect=None, kind="gossip", **OCTOBER).status_code == 422
