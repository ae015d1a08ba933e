"""The findings page (监察发现) against canned JSON shaped as GET /findings answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.unit.test_ui_client import FakeApi, running, serve_everything, signed_in
from ui.i18n import TEXT

ZH, EN = TEXT["zh"], TEXT["en"]


def finding(kind: str, n: int, window: str = "A12", department: str = "D-1") -> dict:
    return {"kind": kind, "case_id": f"C-{kind[:4]}-{n}", "date": f"2025-09-{n % 28 + 1:02d}", "window": window,
            "department": department, "staff": "S-1", "detail": f"{kind} #{n}"}


FINDINGS = ([finding("overdue", n) for n in range(2)] + [finding("late_entry", n) for n in range(3)]
            + [finding("late_supplement_request", 0, "B03", "D-2")])


def findings_route(api: FakeApi, findings: list[dict]):
    """GET /findings as the contract says: filtered by kind, window and department, a page at a time,
    with the count of all that match."""
    def answer(query: dict) -> tuple[int, dict]:
        one = {key: values[0] for key, values in query.items()}
        matching = [f for f in findings if all(one.get(k) in (None, f[k]) for k in ("kind", "window", "department"))]
        offset, limit = int(one.get("offset", 0)), int(one.get("limit", 100))
        return 200, {"items": matching[offset:offset + limit], "count": len(matching)}
    api.routes[("GET", "/findings")] = answer


@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    findings_route(api, FINDINGS)
    yield from running(api)


def listings(api: FakeApi) -> list[dict]:
    """The queries of the listing (the per-kind counts ask for one finding each)."""
    return [r["query"] for r in api.requests if r["path"] == "/findings" and r["query"].get("limit") != ["1"]]


def test_findings_of_the_last_full_month_are_counted_per_kind_and_listed(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "findings")
    assert not at.exception and not at.error
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {ZH["kind_overdue"]: "2", ZH["kind_late_entry"]: "3", ZH["kind_late_supplement_request"]: "1",
                     ZH["kind_materials_overdue"]: "0", ZH["kind_review_unverified"]: "0",
                     ZH["kind_rectification_overdue"]: "0", ZH["kind_talk_required"]: "0", ZH["findings_total"]: "6"}
    table = at.dataframe[0].value
    assert list(table.columns) == [ZH[k] for k in ("finding_kind", "col_case_id", "col_date", "col_window",
                                                    "col_department", "col_staff", "col_detail")]
    assert list(table[ZH["finding_kind"]]).count(ZH["kind_late_entry"]) == 3
    assert "市场监管局 D-1" in set(table[ZH["col_department"]])  # the department's name from the catalogue

    first_of_this = datetime.now(timezone(timedelta(hours=8))).date().replace(day=1)
    last = first_of_this - timedelta(days=1)
    query = listings(fake_api)[-1]
    assert (query["from"], query["to"]) == ([last.replace(day=1).isoformat()], [last.isoformat()])
    assert (query["limit"], query["offset"]) == (["50"], ["0"])


def test_the_filters_reach_the_api(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "findings")
    at.selectbox(key="fd_kind").set_value("late_entry").run()
    at.selectbox(key="fd_window").set_value("A12").run()
    at.date_input(key="fd_from").set_value(date(2025, 9, 1)).run()
    at.date_input(key="fd_to").set_value(date(2025, 9, 15)).run()
    assert not at.exception and not at.error
    query = listings(fake_api)[-1]
    assert query == {"from": ["2025-09-01"], "to": ["2025-09-15"], "kind": ["late_entry"], "window": ["A12"],
                     "limit": ["50"], "offset": ["0"]}
    assert set(at.dataframe[0].value[ZH["finding_kind"]]) == {ZH["kind_late_entry"]}
    # the tiles still count every kind (within the window and the period)
    counts = [r["query"] for r in fake_api.requests if r["path"] == "/findings" and r["query"].get("limit") == ["1"]]
    assert {q["kind"][0] for q in counts[-7:]} == {"overdue", "late_entry", "late_supplement_request",
                                                   "materials_overdue", "review_unverified", "rectification_overdue",
                                                   "talk_required"}
    assert all(q["window"] == ["A12"] and q["to"] == ["2025-09-15"] for q in counts[-7:])

    at.selectbox(key="fd_department").set_value("D-2").run()  # A12 is not a D-2 window: the choice goes
    assert listings(fake_api)[-1]["department"] == ["D-2"] and "window" not in listings(fake_api)[-1]


def test_a_long_listing_is_paged(monkeypatch, fake_api):
    findings_route(fake_api, [finding("late_entry", n) for n in range(120)])
    at = signed_in(monkeypatch, fake_api, "findings")
    assert len(at.dataframe[0].value) == 50
    page = at.number_input(key="fd_page")
    assert page.value == 1
    page.set_value(3).run()
    assert not at.exception
    assert listings(fake_api)[-1]["offset"] == ["100"]
    assert len(at.dataframe[0].value) == 20
    assert any("3 / 3" in c.value and "120" in c.value for c in at.caption)

    at.selectbox(key="fd_kind").set_value("late_entry").run()  # a new filter starts again on page 1
    assert listings(fake_api)[-1]["offset"] == ["0"]


def test_a_role_without_access_gets_a_plain_message(monkeypatch, fake_api):
    fake_api.routes[("GET", "/findings")] = (403, {"detail": "supervisor, auditor or admin only"})
    at = signed_in(monkeypatch, fake_api, "findings", roles=("clerk",))
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [ZH["findings_forbidden"]]
    assert not at.dataframe and not at.metric
    assert at.session_state["token"] == "tok-123"  # still signed in


def test_findings_in_english(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "findings", lang="en")
    assert not at.exception
    assert at.header[0].value == EN["findings_title"]
    assert {m.label for m in at.metric} == {EN[f"kind_{k}"] for k in (
        "overdue", "late_entry", "late_supplement_request", "materials_overdue", "review_unverified",
        "rectification_overdue", "talk_required")} | {EN["findings_total"]}
    assert EN["kind_late_entry"] in set(at.dataframe[0].value[EN["finding_kind"]])
