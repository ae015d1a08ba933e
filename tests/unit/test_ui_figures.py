"""The monthly figures page (月度指标) against canned JSON shaped as GET /metrics/cases answers."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.unit.test_ui_client import FakeApi, running, serve_everything, signed_in
from ui.i18n import TEXT

ZH, EN = TEXT["zh"], TEXT["en"]


def figures(key: str, name: str, accepted: int, concluded: int, on_time: int, immediate: int, same_day: int,
            avg: float | None, speedup: float | None, overdue: int = 0, yellow: int = 0) -> dict:
    row = {"accepted": accepted, "concluded": concluded, "concluded_on_time": on_time,
           "on_time_rate": round(on_time / concluded, 4) if concluded else None,
           "immediate_accepted": immediate, "immediate_same_day": same_day,
           "immediate_rate": round(same_day / immediate, 4) if immediate else None,
           "avg_elapsed_workdays": avg, "speedup_rate": speedup, "withdrawn": 1, "refused": 2,
           "overdue": overdue, "yellow": yellow}
    return {"key": key, "name": name, **row} if key else row


ITEMS = [
    figures("A09", "规划许可窗口", 120, 114, 113, 0, 0, 3.6, 0.4706, overdue=1, yellow=2),  # 113/114 = 0.9912
    figures("A10", "不动产登记窗口", 80, 70, 63, 30, 30, 2.5, 0.5),
    figures("B03", "B03 专业窗口", 5, 0, 0, 4, 3, None, None),  # nothing concluded: on-time rate null
]
TOTAL = figures("", "", 205, 184, 176, 34, 33, 3.18, 0.4801, overdue=1, yellow=2)


def metrics_route(api: FakeApi, items=ITEMS, page: int | None = None):
    """GET /metrics/cases answering the asked period and grouping, `page` items at a time."""
    def answer(query: dict) -> tuple[int, dict]:
        offset = int(query.get("offset", ["0"])[0])
        limit = int(query.get("limit", [str(page or len(items))])[0])
        return 200, {"from": query["from"][0], "to": query["to"][0], "by": query.get("by", [None])[0],
                     "items": items[offset:offset + limit], "total": TOTAL, "count": len(items)}
    api.routes[("GET", "/metrics/cases")] = answer


@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    metrics_route(api)
    yield from running(api)


def last_full_month() -> tuple[str, str]:
    first_of_this = datetime.now(timezone(timedelta(hours=8))).date().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1).isoformat(), last.isoformat()


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_figures_page_asks_for_the_last_full_month_by_window_and_shows_the_total_as_tiles(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "figures")
    assert not at.exception and not at.error
    start, end = last_full_month()
    query = fake_api.last("/metrics/cases")["query"]
    assert query == {"from": [start], "to": [end], "by": ["window"]}
    assert fake_api.last("/metrics/cases")["headers"]["authorization"] == "Bearer tok-123"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[ZH["metric_on_time_rate"]] == "95.7%"  # 176/184
    assert tiles[ZH["metric_immediate_rate"]] == "97.1%"
    assert tiles[ZH["metric_speedup_rate"]] == "48.0%"
    assert tiles[ZH["metric_avg_elapsed_workdays"]] == "3.18"
    assert (tiles[ZH["metric_accepted"]], tiles[ZH["metric_overdue"]], tiles[ZH["metric_yellow"]]) == ("205", "1", "2")


def test_figures_table_has_localised_columns_and_rates_in_percent(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "figures")
    table = at.dataframe[0].value
    assert list(table.columns) == [ZH["by_window_key"], ZH["col_name"]] + [ZH[f"metric_{f}"] for f in (
        "accepted", "concluded", "concluded_on_time", "on_time_rate", "immediate_accepted", "immediate_same_day",
        "immediate_rate", "avg_elapsed_workdays", "speedup_rate", "withdrawn", "refused", "overdue", "yellow")]
    first = table.iloc[0]
    assert (first[ZH["by_window_key"]], first[ZH["col_name"]]) == ("A09", "规划许可窗口")
    assert first[ZH["metric_on_time_rate"]] == pytest.approx(99.12)  # shown as 99.1% by the column format
    assert first[ZH["metric_speedup_rate"]] == pytest.approx(47.06)
    assert table.iloc[2][ZH["metric_on_time_rate"]] != table.iloc[2][ZH["metric_on_time_rate"]]  # null: NaN, not 0


def test_rates_are_drawn_as_bars_and_a_null_rate_is_not_drawn(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "figures")
    specs = charts(at)
    assert len(specs) == 3  # on-time, immediate, speed-up
    on_time = specs[0]["layer"][0]
    assert on_time["mark"]["type"] == "bar"
    assert on_time["encoding"]["x"]["title"] == f"{ZH['metric_on_time_rate']} (%)"
    assert {(row["group"], row["text"]) for row in on_time["data"]["values"]} == {
        ("A09 规划许可窗口", "99.1%"), ("A10 不动产登记窗口", "90.0%")}  # B03 concluded nothing: no bar, not a 0
    assert any("B03 专业窗口" in caption.value for caption in at.caption)
    immediate = specs[1]["layer"][0]["data"]["values"]
    assert {row["group"] for row in immediate} == {"A10 不动产登记窗口", "B03 专业窗口"}


def test_the_csv_download_has_the_raw_field_names_a_bom_and_the_rows(monkeypatch, fake_api):
    from ui.views.figures import figures_csv

    at = signed_in(monkeypatch, fake_api, "figures")
    button = at.download_button(key="m_csv")
    assert button.label == ZH["download_csv"] and button.proto.url.endswith(".csv")

    data = figures_csv(ITEMS)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese names right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["key", "name", "accepted", "concluded", "concluded_on_time", "on_time_rate",
                       "immediate_accepted", "immediate_same_day", "immediate_rate", "avg_elapsed_workdays",
                       "speedup_rate", "withdrawn", "refused", "overdue", "yellow"]
    assert rows[1] == ["A09", "规划许可窗口", "120", "114", "113", "0.9912", "0", "0", "", "3.6", "0.4706",
                       "1", "2", "1", "2"]
    assert len(rows) == 1 + len(ITEMS) and rows[3][5] == ""  # a null rate is an empty cell


def test_the_month_picker_and_the_grouping_change_the_question(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "figures")
    picker = at.selectbox(key="m_month")
    this_month = datetime.now(timezone(timedelta(hours=8))).date().replace(day=1)
    assert picker.options[0].startswith(f"{this_month.year}年{this_month.month}月")
    earlier = date(this_month.year - 1, this_month.month, 1)  # the same month a year ago
    picker.set_value(earlier).run()
    following = date(earlier.year + (earlier.month == 12), earlier.month % 12 + 1, 1)
    query = fake_api.last("/metrics/cases")["query"]
    assert query["from"] == [earlier.isoformat()]
    assert query["to"] == [(following - timedelta(days=1)).isoformat()]

    picker.set_value(this_month).run()  # the month in progress: up to today, not to its last day
    today = datetime.now(timezone(timedelta(hours=8))).date()
    assert fake_api.last("/metrics/cases")["query"]["to"] == [today.isoformat()]

    at.radio(key="m_by").set_value("department").run()
    assert not at.exception
    assert fake_api.last("/metrics/cases")["query"]["by"] == ["department"]
    assert list(at.dataframe[0].value.columns)[0] == ZH["by_department_key"]


def test_a_paginated_answer_is_fetched_to_the_end(monkeypatch, fake_api):
    many = [figures(f"W{n:03d}", f"窗口{n}", 10, 10, 9, 0, 0, 2.0, 0.5) for n in range(7)]
    metrics_route(fake_api, many, page=3)
    at = signed_in(monkeypatch, fake_api, "figures")
    assert len(at.dataframe[0].value) == 7
    offsets = [r["query"].get("offset") for r in fake_api.requests if r["path"] == "/metrics/cases"]
    assert offsets[-3:] == [None, ["3"], ["6"]]


def test_figures_in_english_when_the_language_is_switched(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "figures")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert at.header[0].value == EN["figures_title"]
    assert {m.label for m in at.metric} >= {EN["metric_on_time_rate"], EN["metric_speedup_rate"]}
    assert EN["metric_immediate_rate"] in at.dataframe[0].value.columns
    assert at.radio(key="m_by").options == [EN["by_window"], EN["by_department"]]
    assert at.selectbox(key="m_month").options[1] == last_full_month()[0][:7]  # "2025-09"
    assert at.download_button(key="m_csv").label == EN["download_csv"]


def test_an_api_error_is_shown_not_raised(monkeypatch, fake_api):
    fake_api.routes[("GET", "/metrics/cases")] = (422, {"detail": [
        {"loc": ["query", "by"], "msg": "Input should be 'window', 'hall', 'department', 'staff' or 'item'"}]})
    at = signed_in(monkeypatch, fake_api, "figures")
    assert not at.exception
    assert any("422" in e.value and "by" in e.value for e in at.error)
