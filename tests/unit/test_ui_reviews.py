"""The bad-review queue (差评处置) against canned JSON shaped as GET /reviews and GET /reviews/{id} answer:
which step each state allows and to whom, the rows and the CSV file, then the page and its forms."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tests.unit.test_ui_client import TOKEN, FakeApi, running, serve_everything, signed_in
from ui.client import SunlightClient
from ui.i18n import TEXT, translator
from ui.views.reviews import (ACTIONS, CHANNELS, OUTCOMES, STATES, action_problem, allowed_actions, due_label,
                              is_late, review_rows, reviews_csv)

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH = translator("zh")
WORKERS = {"supervisor", "department", "admin"}


def review(rid: str, state: str, **fields) -> dict:
    return {"id": rid, "case": f"C-{rid}", "window": "A12", "staff": "S-1", "staff_department": "D-1", "rating": 1,
            "bad": True, "counts": state != "overturned", "channel": "pad", "comment": "等了很久", "state": state,
            "deadline": None, "verification_deadline": "2026-01-07", "rectification_deadline": None, "outcome": None,
            "given_at": "2026-01-05T10:00:00+08:00", "verified_at": None, "rectified_at": None, "return_rating": None,
            **fields}


AWAITING = review("R1", "awaiting_verification", deadline="2026-01-07")
RECTIFYING = review("R2", "rectifying", deadline="2026-01-14", outcome="rectify_by_deadline",
                    rectification_deadline="2026-01-14", verified_at="2026-01-07T09:00:00")
APPEALED = review("R3", "appealed", outcome="appeal", rating=2, channel="hotline")
EXPLAINED = review("R4", "explained", outcome="explain", return_rating=4)
ITEMS = [AWAITING, RECTIFYING, APPEALED, EXPLAINED]
HISTORY = [{"version": 1, "type": "ReviewGiven", "occurred_at": "2026-01-05T10:00:00", "recorded_at": "2026-01-05T10:00:01",
            "actor": {"user": "clerk1", "role": "clerk"}, "payload": {"rating": 1}, "hash": "f" * 64,
            "previous_hash": "0" * 64}]


# -- pure functions ------------------------------------------------------------------------------

@pytest.mark.parametrize("state, expected", [
    ("recorded", []),
    ("awaiting_verification", ["verify"]),
    ("rectifying", ["rectify", "return_visit"]),
    ("rectified", ["return_visit"]),
    ("explained", ["return_visit"]),
    ("appealed", ["appeal_decision"]),
    ("overturned", []),
])
def test_each_state_allows_its_next_step(state, expected):
    assert allowed_actions(review("R", state), {"supervisor"}) == expected


def test_who_may_take_which_step():
    assert allowed_actions(APPEALED, {"department", "admin"}) == []  # the appeal is the supervisor's
    assert allowed_actions(AWAITING, {"department"}) == ["verify"]
    assert allowed_actions(AWAITING, {"auditor", "clerk"}) == []
    assert allowed_actions(RECTIFYING, {"admin"}) == ["rectify", "return_visit"]
    assert allowed_actions(EXPLAINED, WORKERS) == []  # one return visit only
    assert allowed_actions({"state": "something_new"}, WORKERS) == []


def test_a_review_is_late_only_while_the_centre_owes_a_step_past_its_deadline():
    assert is_late(AWAITING, date(2026, 1, 8)) and not is_late(AWAITING, date(2026, 1, 7))
    assert is_late(RECTIFYING, date(2026, 1, 15))
    assert not is_late(review("R", "rectified", deadline="2026-01-01"), date(2026, 2, 1))
    assert not is_late(review("R", "awaiting_verification"), date(2026, 2, 1))  # no deadline known
    assert due_label(T_ZH, AWAITING, date(2026, 1, 8)) == "⚠️ 2026-01-07 已逾期"
    assert due_label(T_ZH, AWAITING, date(2026, 1, 6)) == "2026-01-07"
    assert due_label(T_ZH, EXPLAINED, date(2026, 1, 6)) == "-"


def test_the_rows_put_states_channels_and_outcomes_in_words():
    rows = review_rows(T_ZH, ITEMS, date(2026, 1, 10))
    assert list(rows[0]) == [ZH[k] for k in ("col_review", "col_case_id", "col_window", "col_staff", "col_rating",
                                             "col_channel", "review_state", "col_due", "col_outcome", "col_given_at",
                                             "col_return_rating")]
    assert [r[ZH["review_state"]] for r in rows] == ["待核实", "整改中", "申诉中", "已解释"]
    assert [r[ZH["col_outcome"]] for r in rows] == ["-", "限期整改", "申诉复核", "解释说明"]
    assert [r[ZH["col_channel"]] for r in rows] == ["评价器", "评价器", "12345 热线", "评价器"]
    assert [r[ZH["col_due"]] for r in rows][:2] == ["⚠️ 2026-01-07 已逾期", "2026-01-14"]
    assert rows[0][ZH["col_given_at"]] == "2026-01-05 10:00:00"
    assert rows[3][ZH["col_return_rating"]] == 4


def test_the_csv_has_the_api_field_names_and_leaves_the_comment_out():
    data = reviews_csv(ITEMS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "case", "window"] and "state" in rows[0] and "comment" not in rows[0]
    assert len(rows) == 1 + len(ITEMS)
    first = dict(zip(rows[0], rows[1]))
    assert (first["id"], first["state"], first["bad"], first["deadline"], first["outcome"]) == (
        "R1", "awaiting_verification", "true", "2026-01-07", "")
    assert "等了很久" not in data.decode("utf-8-sig")


def test_every_step_needs_a_note_and_every_code_has_words_in_both_languages():
    assert action_problem("  ") == "note_required" and action_problem("已电话致歉") is None
    for lang in (ZH, EN):
        keys = ({f"rstate_{s}" for s in STATES} | {f"channel_{c}" for c in CHANNELS}
                | {f"outcome_{o}" for o in OUTCOMES} | {f"action_{a}" for a in ACTIONS} | {"note_required", "late"})
        assert keys <= lang.keys(), keys - lang.keys()


# -- the client ----------------------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/reviews")] = (200, {"items": ITEMS, "count": len(ITEMS)})
    for item in ITEMS:
        api.routes[("GET", f"/reviews/{item['id']}")] = (200, {**item, "history": HISTORY})
        for step in ("verify", "rectify", "appeal-decision", "return-visit"):
            api.routes[("POST", f"/reviews/{item['id']}/{step}")] = (200, item)
    yield from running(api)


def test_the_client_sends_the_filters_and_the_json_bodies(fake_api):
    api = SunlightClient(fake_api.url, token=TOKEN)
    api.reviews(date(2026, 1, 1), date(2026, 1, 31), bad=True, state=None, window="A12", limit=500)
    assert fake_api.last("/reviews")["query"] == {"from": ["2026-01-01"], "to": ["2026-01-31"], "bad": ["true"],
                                                  "window": ["A12"], "limit": ["500"]}
    assert api.review("R1")["history"] == HISTORY
    api.verify_review("R1", "rectify_by_deadline", "限期五日整改")
    api.rectify_review("R2", "已整改")
    api.decide_appeal("R3", False, "申诉不成立")
    api.return_visit("R2", 4, "群众表示认可")
    sent = {r["path"]: (r["headers"]["content-type"], json.loads(r["body"])) for r in fake_api.requests
            if r["method"] == "POST"}
    assert sent == {
        "/reviews/R1/verify": ("application/json", {"outcome": "rectify_by_deadline", "note": "限期五日整改"}),
        "/reviews/R2/rectify": ("application/json", {"note": "已整改"}),
        "/reviews/R3/appeal-decision": ("application/json", {"upheld": False, "note": "申诉不成立"}),
        "/reviews/R2/return-visit": ("application/json", {"rating": 4, "note": "群众表示认可"}),
    }


# -- the page ------------------------------------------------------------------------------------

def test_the_queue_asks_for_bad_reviews_and_shows_the_first_one(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "reviews")
    assert not at.exception and not at.error
    query = fake_api.last("/reviews")["query"]
    assert query["bad"] == ["true"] and query["limit"] == ["500"] and "from" in query and "to" in query
    assert list(at.dataframe[0].value[ZH["review_state"]]) == ["待核实", "整改中", "申诉中", "已解释"]
    assert at.download_button(key="rv_csv").label == ZH["download_csv"]
    assert at.selectbox(key="rv_pick").value == "R1"
    assert any(s.value == ZH["review_detail"].format(id="R1") for s in at.subheader)
    assert [tab.label for tab in at.tabs] == [ZH["action_verify"]]
    assert list(at.dataframe[1].value[ZH["col_type"]]) == ["ReviewGiven"]  # its history

    at.checkbox(key="rv_bad").uncheck().run()
    at.selectbox(key="rv_state").set_value("rectifying").run()
    query = fake_api.last("/reviews")["query"]
    assert "bad" not in query and query["state"] == ["rectifying"]


def test_verifying_a_review_sends_the_outcome_and_the_note(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "reviews")
    at.selectbox(key="rv_outcome").set_value("rectify_now")
    at.text_area[0].input("当场致歉并补办")
    next(b for b in at.button if b.label == ZH["action_verify"]).click().run()
    assert not at.exception and not at.error
    assert json.loads(fake_api.last("/reviews/R1/verify")["body"]) == {"outcome": "rectify_now", "note": "当场致歉并补办"}
    assert any(s.value == ZH["action_done"].format(action=ZH["action_verify"], id="R1") for s in at.success)


def test_a_step_without_a_note_is_not_sent(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "reviews")
    next(b for b in at.button if b.label == ZH["action_verify"]).click().run()
    assert [w.value for w in at.warning] == [ZH["note_required"]]
    assert not [r for r in fake_api.requests if r["method"] == "POST"]


def test_a_supervisor_decides_an_appeal_and_a_refusal_is_shown(monkeypatch, fake_api):
    fake_api.routes[("POST", "/reviews/R3/appeal-decision")] = (409, {"detail": "cannot decide the appeal of a review "
                                                                               "that is overturned"})
    at = signed_in(monkeypatch, fake_api, "reviews")
    at.selectbox(key="rv_pick").set_value("R3").run()
    assert [tab.label for tab in at.tabs] == [ZH["action_appeal_decision"]]
    at.radio[0].set_value(True)
    at.text_area[0].input("经核实系恶意差评")
    next(b for b in at.button if b.label == ZH["action_appeal_decision"]).click().run()
    assert not at.exception
    assert json.loads(fake_api.last("/reviews/R3/appeal-decision")["body"]) == {"upheld": True, "note": "经核实系恶意差评"}
    assert any("409" in e.value and "overturned" in e.value for e in at.error)


def test_a_department_user_sees_no_appeal_decision_and_english_labels(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "reviews", roles=("department",), lang="en")
    assert not at.exception
    at.selectbox(key="rv_pick").set_value("R3").run()
    assert not at.tabs
    assert any(c.value == EN["no_actions"] for c in at.caption)
    at.selectbox(key="rv_pick").set_value("R2").run()
    assert [tab.label for tab in at.tabs] == [EN["action_rectify"], EN["action_return_visit"]]
