"""The entry forms for inspections (现场巡查), commendations (表扬) and cards (黄红牌), and the month's
listings, against canned JSON shaped as GET /inspections, /commendations and /cards answer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.unit.test_ui_client import TOKEN, FakeApi, running, serve_everything, signed_in
from ui.client import SunlightClient
from ui.i18n import TEXT, translator
from ui.views.supervision import (CHOICE_LABELS, ENTRIES, choice_label, entries_csv, entry_body, entry_problem,
                                  entry_rows, may_record)

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH, T_EN = translator("zh"), translator("en")

INSPECTIONS = {"items": [
    {"id": "in-1", "window": "A12", "staff": "S-1", "staff_department": "D-1", "kind": "phone", "note": "上班时间玩手机",
     "occurred_at": "2026-01-06T10:30:00+08:00", "actor": {"user": "sup", "role": "supervisor"}},
    {"id": "in-2", "window": "B03", "staff": None, "kind": "absent", "note": "",
     "occurred_at": "2026-01-07T14:00:00+08:00", "actor": {"user": "sup", "role": "supervisor"}},
], "count": 2}
COMMENDATIONS = {"items": [{"id": "cm-1", "window": "A12", "staff": "S-1", "kind": "banner", "note": "赠送锦旗",
                            "occurred_at": "2026-01-08T09:00:00+08:00"}], "count": 1}
CARDS = {"items": [{"id": "cd-1", "window": "B03", "staff": None, "colour": "yellow", "reason": "多次空岗",
                    "occurred_at": "2026-01-09T16:00:00+08:00"}], "count": 3}


# -- pure functions ------------------------------------------------------------------------------

def test_the_kinds_are_put_in_the_words_of_the_score_lines():
    assert [choice_label(T_ZH, "inspection", k) for k in ENTRIES["inspection"]["choices"]] == [
        "空岗", "串岗", "仪容不整", "扎堆聊天", "玩手机", "态度生硬", "其他"]
    assert [choice_label(T_ZH, "commendation", k) for k in ENTRIES["commendation"]["choices"]] == ["表扬信", "锦旗"]
    assert [choice_label(T_EN, "card", c) for c in ENTRIES["card"]["choices"]] == ["Yellow card", "Red card"]
    for lang in (ZH, EN):
        keys = ({f"entry_{e}" for e in ENTRIES} | {f"entry_{spec['text']}" for spec in ENTRIES.values()}
                | set(CHOICE_LABELS.values()) | {"window_required", "reason_required", "cards_supervisor_only"})
        assert keys <= lang.keys(), keys - lang.keys()


def test_the_bodies_leave_out_what_was_not_given():
    assert entry_body("inspection", "A12", None, "absent", "  ") == {"window": "A12", "kind": "absent"}
    assert entry_body("inspection", "A12", "S-1", "rude", " 态度生硬 ") == {
        "window": "A12", "kind": "rude", "staff": "S-1", "note": "态度生硬"}
    assert entry_body("commendation", "B03", None, "letter", "") == {"window": "B03", "kind": "letter"}
    assert entry_body("card", "B03", "S-3", "red", "屡教不改") == {
        "window": "B03", "colour": "red", "staff": "S-3", "reason": "屡教不改"}


def test_a_window_is_always_needed_and_a_card_needs_its_reason():
    assert entry_problem("inspection", None, "x") == "window_required"
    assert entry_problem("inspection", "A12", "") is None
    assert entry_problem("commendation", "A12", "") is None
    assert entry_problem("card", "A12", "  ") == "reason_required"
    assert entry_problem("card", "A12", "多次空岗") is None


def test_cards_are_issued_by_supervisors_the_rest_by_admins_too():
    assert may_record("inspection", {"admin"}) and may_record("commendation", {"supervisor"})
    assert may_record("card", {"supervisor"}) and not may_record("card", {"admin"})
    assert not may_record("inspection", {"department", "auditor"})


def test_the_rows_and_the_csv_files():
    rows = entry_rows(T_ZH, "inspection", INSPECTIONS["items"])
    assert list(rows[0]) == [ZH[k] for k in ("col_occurred_at", "col_window", "col_staff", "inspection_kind",
                                             "entry_note", "col_id")]
    assert [(r[ZH["col_staff"]], r[ZH["inspection_kind"]]) for r in rows] == [("S-1", "玩手机"), ("-", "空岗")]
    assert rows[0][ZH["col_occurred_at"]] == "2026-01-06 10:30:00"
    cards = entry_rows(T_ZH, "card", CARDS["items"])
    assert (cards[0][ZH["card_colour"]], cards[0][ZH["entry_reason"]]) == ("黄牌", "多次空岗")

    data = entries_csv("inspection", INSPECTIONS["items"])
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table == [["id", "occurred_at", "window", "staff", "kind", "note"],
                     ["in-1", "2026-01-06T10:30:00+08:00", "A12", "S-1", "phone", "上班时间玩手机"],
                     ["in-2", "2026-01-07T14:00:00+08:00", "B03", "", "absent", ""]]
    assert list(csv.reader(io.StringIO(entries_csv("card", CARDS["items"]).decode("utf-8-sig"))))[0] == [
        "id", "occurred_at", "window", "staff", "colour", "reason"]


def test_a_card_listed_as_kind_and_note_reads_the_same():
    listed = [{"id": "cd-2", "window": "B03", "staff": "S-3", "kind": "red", "note": "屡教不改",
               "occurred_at": "2026-01-10T09:00:00+08:00"}]
    row = entry_rows(T_ZH, "card", listed)[0]
    assert (row[ZH["card_colour"]], row[ZH["entry_reason"]]) == ("红牌", "屡教不改")
    table = list(csv.reader(io.StringIO(entries_csv("card", listed).decode("utf-8-sig"))))
    assert table[1] == ["cd-2", "2026-01-10T09:00:00+08:00", "B03", "S-3", "red", "屡教不改"]


# -- the client and the page -------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    for path, listing in (("/inspections", INSPECTIONS), ("/commendations", COMMENDATIONS), ("/cards", CARDS)):
        api.routes[("GET", path)] = (200, listing)
        api.routes[("POST", path)] = (201, listing["items"][0])
    yield from running(api)


def test_the_client_posts_json_and_lists_by_period(fake_api):
    api = SunlightClient(fake_api.url, token=TOKEN)
    api.inspect("A12", "absent")
    assert json.loads(fake_api.last("/inspections")["body"]) == {"window": "A12", "kind": "absent"}
    api.commend("A12", "banner", staff="S-1", note="锦旗")
    assert json.loads(fake_api.last("/commendations")["body"]) == {"window": "A12", "staff": "S-1", "kind": "banner",
                                                                   "note": "锦旗"}
    api.issue_card("B03", "red", "屡教不改")
    assert json.loads(fake_api.last("/cards")["body"]) == {"window": "B03", "colour": "red", "reason": "屡教不改"}
    assert api.cards("2026-01-01", "2026-01-31", window="B03", staff=None) == CARDS
    assert fake_api.last("/cards")["query"] == {"from": ["2026-01-01"], "to": ["2026-01-31"], "window": ["B03"]}


def test_the_page_lists_the_month_of_each_kind(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "supervision")
    assert not at.exception and not at.error
    assert [tab.label for tab in at.tabs] == [ZH["entry_inspection"], ZH["entry_commendation"], ZH["entry_card"]]
    for path in ("/inspections", "/commendations", "/cards"):
        query = fake_api.last(path)["query"]
        assert query["from"][0].endswith("-01") and query["to"][0] > query["from"][0] and query["limit"] == ["500"]
    assert list(at.dataframe[0].value[ZH["inspection_kind"]]) == ["玩手机", "空岗"]
    assert list(at.dataframe[2].value[ZH["card_colour"]]) == ["黄牌"]
    assert any(c.value == ZH["shown_of"].format(shown=1, count=3) for c in at.caption)  # more cards than shown
    assert {b.key for b in at.get("download_button")} == {"sv_inspection_csv", "sv_commendation_csv", "sv_card_csv"}


def test_recording_an_inspection_sends_its_window_staff_kind_and_note(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "supervision")
    at.selectbox(key="sv_inspection_window").set_value("A12")
    at.selectbox(key="sv_inspection_staff").set_value("S-1")
    at.selectbox(key="sv_inspection_choice").set_value("chatting")
    at.text_input(key="sv_inspection_text").input("三人聚集聊天")
    next(b for b in at.button if b.form_id == "sv_form_inspection").click().run()
    assert not at.exception and not at.error
    body = json.loads([r for r in fake_api.requests if r["method"] == "POST"][-1]["body"])
    assert body == {"window": "A12", "staff": "S-1", "kind": "chatting", "note": "三人聚集聊天"}
    assert any(s.value == ZH["entry_recorded"].format(what="扎堆聊天", window="A12") for s in at.success)


def test_a_card_without_a_reason_or_an_entry_without_a_window_is_not_sent(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "supervision")
    at.selectbox(key="sv_card_window").set_value("B03")
    next(b for b in at.button if b.form_id == "sv_form_card").click().run()
    assert ZH["reason_required"] in [w.value for w in at.warning]
    next(b for b in at.button if b.form_id == "sv_form_commendation").click().run()
    assert ZH["window_required"] in [w.value for w in at.warning]
    assert not [r for r in fake_api.requests if r["method"] == "POST"]


def test_an_admin_records_inspections_but_not_cards(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "supervision", roles=("admin",), lang="en")
    assert not at.exception
    forms = {b.form_id for b in at.button if b.form_id}
    assert forms == {"sv_form_inspection", "sv_form_commendation"}
    assert any(c.value == EN["cards_supervisor_only"] for c in at.caption)


def test_switching_to_english_relabels_the_choices(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "supervision")
    assert "态度生硬" in at.selectbox(key="sv_inspection_choice").options
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert at.header[0].value == EN["supervision_title"]
    choice = at.selectbox(key="sv_inspection_choice")
    assert "Rude" in choice.options and "态度生硬" not in choice.options
    assert at.selectbox(key="sv_card_staff").options[0] == EN["no_staff"]
