"""Window scores, staff assessments, finalisation, amendments and what-if through HTTP on the embedded
deployment, over a hand-computed October 2026 (working days Mon-Fri from 10-12 on).

Every event is dated back into October, so each case event is a late entry (录入不及时) of its
window: scheme version 2, in force from 2026-10, counts them at 0 points and needs only 2 cases
for an honour (version 1: −1 each, 10 cases).

| window | staff | cases (all on time) | events | score v2 | rank | honour |
|---|---|---|---|---|---|---|
| A01 (SJ) | S01 | c1 (1 day, open: overdue 10-14), c2, c3 | c3 rated 1 on 10-15 (bad review) | 93 | 2 | — |
| A02 (SJ) | S02 | c4, c5 | a banner for S02 | 102 | 1 | red flag, star |
| B01 (ZR) | S03 | c6 | an absence of S03 (−2); a yellow card to the window (−5) | 93 / S03 98 | 3 | — |

A01 and B01 tie at 93 with every case on time: A01 has more cases. S01 has 93 (−5 overdue, −2 review).
Late entries (count, 0 points): A01 8 (c1 has no conclusion), A02 6, B01 3. Under version 1 they
cost a point each: A01 85, A02 96, B01 90, so B01 and A01 swap ranks and nobody has 10 cases.
"""

from __future__ import annotations

import copy

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "scores-admin-password"
MONTH = "2026-10"
USERS = {"officer": (["supervisor"], {}), "clerk1": (["clerk"], {"window": "A01"}),
         "dept_zr": (["department"], {"department": "ZR"}), "auditor": (["auditor"], {}),
         "hotline": (["hotline"], {})}


def case(officer: Api, item: str, window: str, staff: str, accepted: str, concluded: str | None = None) -> str:
    case_id = officer.new_case(item, f"{accepted[:10]}T09:00:00")
    officer.post(f"/cases/{case_id}/accept", {"window": window, "staff": staff, "at": accepted}, 200)
    if concluded:
        officer.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": concluded}, 200)
    return case_id


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    """The catalogue (A01, A02 of SJ; B01 of ZR, comprehensive), scheme version 2 and October's events."""
    with embedded_api(tmp_path_factory.mktemp("scores"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/departments", {"code": "ZR", "name": "自然资源和规划局"}, 201)
        admin.post("/catalogue/windows", {"code": "B01", "name": "B01 综合窗口", "hall": "SMZX", "department": "ZR",
                                          "kind": "comprehensive"}, 201)
        admin.post("/catalogue/staff", {"code": "S03", "name": "王五", "window": "B01", "department": "ZR",
                                        "role": "window_staff"}, 201)
        clients = {"admin": admin}
        for name, (roles, scope) in USERS.items():
            admin.create_user(name, f"{name}-password", roles, **scope)
            clients[name] = admin.as_user(name, f"{name}-password")
        officer = clients["officer"]
        scheme = admin.get("/schemes/current", month=MONTH).json()
        version1 = copy.deepcopy(scheme)
        scheme["window"]["late_entry"] = 0
        scheme["honours"]["min_cases"] = 2
        scheme["effective_from"] = MONTH
        assert admin.post("/schemes", scheme, 201).json()["version"] == 2

        ids = {"c1": case(officer, "GTHS", "A01", "S01", "2026-10-12T10:00:00"),
               "c2": case(officer, "SPJY", "A01", "S01", "2026-10-12T11:00:00", "2026-10-13T15:00:00"),
               "c3": case(officer, "SPJY", "A01", "S01", "2026-10-12T14:00:00", "2026-10-14T15:00:00"),
               "c4": case(officer, "SPJY", "A02", "S02", "2026-10-13T10:00:00", "2026-10-14T10:00:00"),
               "c5": case(officer, "SPJY", "A02", "S02", "2026-10-13T11:00:00", "2026-10-14T11:00:00"),
               "c6": case(officer, "SPJY", "B01", "S03", "2026-10-13T10:00:00", "2026-10-15T10:00:00")}
        ids["r1"] = admin.post("/reviews", {"case": ids["c3"], "rating": 1, "channel": "pad",
                                            "at": "2026-10-15T09:00:00"}, 201).json()["id"]
        ids["m1"] = officer.post("/commendations", {"window": "A02", "staff": "S02", "kind": "banner",
                                                    "at": "2026-10-20T10:00:00"}, 201).json()["id"]
        ids["i1"] = officer.post("/inspections", {"window": "B01", "staff": "S03", "kind": "absent",
                                                  "at": "2026-10-16T10:00:00"}, 201).json()["id"]
        ids["k1"] = officer.post("/cards", {"window": "B01", "colour": "yellow", "reason": "窗口脏乱",
                                            "at": "2026-10-16T11:00:00"}, 201).json()["id"]
        yield clients, ids, version1


def by_code(items: list[dict], subject: str) -> dict[str, dict]:
    return {item[subject]: item for item in items}


def lines(item: dict) -> dict[str, tuple[int, int, list[str]]]:
    return {line["rule"]: (line["count"], line["points"], line["refs"]) for line in item["lines"]}


def detail(response) -> object:
    return response.json()["detail"]


def test_live_window_scores_explain_every_point(centre):
    clients, ids, _ = centre
    body = clients["auditor"].get("/scores/windows", month=MONTH).json()
    assert (body["month"], body["scheme_version"], body["finalised"], body["finalised_at"]) == (MONTH, 2, False, None)
    assert (body["drift"], body["amendments"], body["talks_required"]) == ([], [], [])
    assert [(i["window"], i["score"], i["grade"], i["rank"], i["red_flag"]) for i in body["items"]] == [
        ("A02", 102, "excellent", 1, True), ("A01", 93, "good", 2, False), ("B01", 93, "good", 3, False)]
    items = by_code(body["items"], "window")
    assert (items["B01"]["name"], items["B01"]["hall"], items["B01"]["department"]) == ("B01 综合窗口", "SMZX", "ZR")
    a01 = lines(items["A01"])
    assert a01["overdue"] == (1, -5, [ids["c1"]])
    assert a01["bad_review"] == (1, -2, [ids["r1"]])
    assert (a01["late_entry"][0], a01["late_entry"][1]) == (8, 0)
    assert sorted({ref.split("#")[0] for ref in a01["late_entry"][2]}) == sorted([ids["c1"], ids["c2"], ids["c3"]])
    assert lines(items["A02"]) == {"late_entry": (6, 0, lines(items["A02"])["late_entry"][2]),
                                   "commendation.banner": (1, 2, [ids["m1"]])}
    b01 = lines(items["B01"])
    assert (b01["inspection.absent"], b01["card.yellow"], b01["late_entry"][0]) == (
        (1, -2, [ids["i1"]]), (1, -5, [ids["k1"]]), 3)
    for item in body["items"]:  # base + Σ points, within the bounds, is the score
        assert item["score"] == max(0, min(110, 100 + sum(line["points"] for line in item["lines"])))


def test_live_staff_assessments_and_the_star(centre):
    clients, ids, _ = centre
    body = clients["officer"].get("/assessments/staff", month=MONTH).json()
    assert (body["scheme_version"], body["finalised"]) == (2, False)
    assert [(i["staff"], i["score"], i["grade"], i["rank"], i["star"]) for i in body["items"]] == [
        ("S02", 102, "excellent", 1, True), ("S03", 98, "excellent", 2, False), ("S01", 93, "good", 3, False)]
    items = by_code(body["items"], "staff")
    assert (items["S03"]["name"], items["S03"]["window"], items["S03"]["department"]) == ("王五", "B01", "ZR")
    assert lines(items["S01"]) == {"overdue": (1, -5, [ids["c1"]]), "bad_review": (1, -2, [ids["r1"]])}
    assert lines(items["S03"]) == {"inspection.absent": (1, -2, [ids["i1"]])}  # the card named nobody
    assert "red_flag" not in items["S02"] and "late_entry" not in lines(items["S02"])


def test_scores_within_the_callers_scope(centre):
    clients, _, _ = centre
    zr = clients["dept_zr"].get("/scores/windows", month=MONTH).json()["items"]
    assert [(i["window"], i["rank"]) for i in zr] == [("B01", 3)]  # the centre's rank
    assert [i["staff"] for i in clients["dept_zr"].get("/assessments/staff", month=MONTH).json()["items"]] == ["S03"]
    assert [i["window"] for i in clients["clerk1"].get("/scores/windows", month=MONTH).json()["items"]] == ["A01"]
    assert [i["staff"] for i in clients["clerk1"].get("/assessments/staff", month=MONTH).json()["items"]] == ["S01"]
    clients["hotline"].get("/scores/windows", month=MONTH, expect=403)
    for month, field in (("2026-13", "month"), ("2003-12", "month"), ("2025-06", "month")):
        refused = clients["admin"].get("/scores/windows", month=month, expect=422)
        assert detail(refused)[0]["loc"] == ["query", field], month


def test_what_if_scores_both_tables_under_another_scheme(centre):
    clients, _, version1 = centre
    body = clients["officer"].post("/scores/what-if", {"month": MONTH, "scheme": version1}, 200).json()
    assert (body["month"], body["scheme_version"]) == (MONTH, 2)
    assert body["windows"] == [
        {"window": "A02", "score": 96, "grade": "excellent", "rank": 1, "red_flag": False, "current_score": 102,
         "current_rank": 1},
        {"window": "B01", "score": 90, "grade": "good", "rank": 2, "red_flag": False, "current_score": 93,
         "current_rank": 3},
        {"window": "A01", "score": 85, "grade": "good", "rank": 3, "red_flag": False, "current_score": 93,
         "current_rank": 2}]
    assert [(s["staff"], s["score"], s["rank"], s["star"], s["current_score"], s["current_rank"])
            for s in body["staff"]] == [("S02", 102, 1, False, 102, 1), ("S03", 98, 2, False, 98, 2),
                                        ("S01", 93, 3, False, 93, 3)]
    wrong = copy.deepcopy(version1)
    wrong["window"]["inspection"]["absent"] = 2
    refused = clients["officer"].post("/scores/what-if", {"month": MONTH, "scheme": wrong}, 422)
    assert detail(refused)[0]["loc"] == ["body", "scheme", "window", "inspection", "absent"]
    clients["auditor"].post("/scores/what-if", {"month": MONTH, "scheme": version1}, 403)
    # nothing was recorded
    assert clients["admin"].get("/scores/windows", month=MONTH).json()["scheme_version"] == 2


def test_finalise_drift_and_amend(centre):
    clients, ids, version1 = centre
    officer, admin = clients["officer"], clients["admin"]
    live = admin.get("/scores/windows", month=MONTH).json()
    early = officer.post("/assessments/2026-11/finalise", {}, 422)
    assert detail(early)[0]["loc"] == ["path", "month"] and "not over" in detail(early)[0]["msg"]
    officer.post("/assessments/2026-09/amendments", {"subject": "window", "code": "A01", "points": 1,
                                                     "reason": "x"}, 409)
    clients["auditor"].post(f"/assessments/{MONTH}/finalise", {}, 403)

    done = officer.post(f"/assessments/{MONTH}/finalise", {}, 201).json()
    assert (done["month"], done["scheme_version"], done["version"], done["amendments"]) == (MONTH, 2, 1, [])
    assert done["finalised_by"] == {"user": "officer", "role": "supervisor"}
    assert done["windows"] == live["items"]
    assert [(s["staff"], s["score"], s["star"]) for s in done["staff"]] == [
        ("S02", 102, True), ("S03", 98, False), ("S01", 93, False)]
    again = officer.post(f"/assessments/{MONTH}/finalise", {}, 409)
    assert "already finalised" in detail(again)

    finalised = admin.get("/scores/windows", month=MONTH).json()
    assert (finalised["finalised"], finalised["finalised_at"], finalised["drift"]) == (True, done["finalised_at"], [])
    assert finalised["items"] == live["items"]

    # A late inspection for October: the live score moves, the finalised one does not.
    officer.post("/inspections", {"window": "A02", "staff": "S02", "kind": "phone", "at": "2026-10-21T10:00:00"}, 201)
    drifted = admin.get("/scores/windows", month=MONTH).json()
    assert drifted["items"] == live["items"]
    assert drifted["drift"] == [{"subject": "window", "code": "A02", "live_score": 101, "finalised_score": 102}]
    staff = admin.get("/assessments/staff", month=MONTH).json()
    assert staff["drift"] == [{"subject": "staff", "code": "S02", "live_score": 101, "finalised_score": 102}]
    assert by_code(staff["items"], "staff")["S02"]["score"] == 102
    # what-if over a finalised month uses its recorded inputs
    whatif = officer.post("/scores/what-if", {"month": MONTH, "scheme": version1}, 200).json()
    assert (whatif["windows"][0]["window"], whatif["windows"][0]["current_score"]) == ("A02", 102)

    for body, field in (({"subject": "window", "code": "Z99", "points": 1, "reason": "x"}, "code"),
                        ({"subject": "staff", "code": "A02", "points": 1, "reason": "x"}, "code"),
                        ({"subject": "window", "code": "A02", "points": 0, "reason": "x"}, "points"),
                        ({"subject": "window", "code": "A02", "points": 111, "reason": "x"}, "points"),
                        ({"subject": "window", "code": "A02", "points": 1, "reason": ""}, "reason"),
                        ({"subject": "hall", "code": "A02", "points": 1, "reason": "x"}, "subject")):
        refused = officer.post(f"/assessments/{MONTH}/amendments", body, 422)
        assert detail(refused)[0]["loc"] == ["body", field], body
    amended = officer.post(f"/assessments/{MONTH}/amendments", {"subject": "window", "code": "A01", "points": 3,
                                                                 "reason": "超期系系统故障"}, 201).json()
    assert amended["version"] == 2
    assert [(i["window"], i["score"], i["grade"], i["rank"]) for i in amended["windows"]] == [
        ("A02", 102, "excellent", 1), ("A01", 96, "excellent", 2), ("B01", 93, "good", 3)]
    shown = admin.get("/scores/windows", month=MONTH).json()
    a01 = by_code(shown["items"], "window")["A01"]
    assert (a01["score"], a01["grade"], a01["red_flag"]) == (96, "excellent", True)  # 96 ≥ 95 with 3 cases
    assert lines(a01)["amendment"] == (1, 3, ["amendment-1"])
    [amendment] = shown["amendments"]
    assert (amendment["subject"], amendment["code"], amendment["points"], amendment["reason"],
            amendment["actor"]) == ("window", "A01", 3, "超期系系统故障", {"user": "officer", "role": "supervisor"})
    assert admin.get("/assessments/staff", month=MONTH).json()["amendments"] == []
    assert clients["dept_zr"].get("/scores/windows", month=MONTH).json()["amendments"] == []

    verdict = clients["auditor"].get(f"/audit/assessment/{done['id']}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 2)


def test_a_month_without_events_scores_every_subject_from_the_base(centre):
    clients, _, _ = centre
    body = clients["admin"].get("/scores/windows", month="2026-08").json()
    assert (body["scheme_version"], body["talks_required"]) == (1, [])
    assert [(i["window"], i["score"], i["rank"], i["lines"]) for i in body["items"]] == [
        ("A01", 100, 1, []), ("A02", 100, 2, []), ("B01", 100, 3, [])]


def test_a_window_failing_two_months_running_is_called_in_for_a_talk(centre):
    """B01 gets three red cards and a yellow one in June and in July 2026: 100 − 30 − 5 = 65, fail twice."""
    clients, _, _ = centre
    officer = clients["officer"]
    for month in ("06", "07"):
        for day, colour in (("08", "red"), ("09", "red"), ("10", "red"), ("11", "yellow")):
            officer.post("/cards", {"window": "B01", "colour": colour, "reason": "违纪",
                                    "at": f"2026-{month}-{day}T10:00:00"}, 201)
    june = clients["admin"].get("/scores/windows", month="2026-06").json()
    assert [(i["window"], i["score"], i["grade"]) for i in june["items"]][-1] == ("B01", 65, "fail")
    assert june["talks_required"] == []  # May was fine
    july = clients["admin"].get("/scores/windows", month="2026-07").json()
    assert july["talks_required"] == ["B01"]
    assert clients["dept_zr"].get("/scores/windows", month="2026-07").json()["talks_required"] == ["B01"]
    assert clients["clerk1"].get("/scores/windows", month="2026-07").json()["talks_required"] == []
    # the staff were not named: their assessments stay at the base
    staff = clients["admin"].get("/assessments/staff", month="2026-07").json()["items"]
    assert {item["staff"]: item["score"] for item in staff} == {"S01": 100, "S02": 100, "S03": 100}
