"""The 12345 hotline's figures — 热线指标, 热点分析, 诉求地图 — against canned JSON shaped as GET
/complaints/kpis and GET /complaints/hotspots answer (issue 8 §3): the pure rows, charts and files, then
the pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.unit.test_ui_client import FakeApi, running, serve_everything, signed_in
from tests.unit.test_ui_complaints import AREAS, CATEGORIES
from ui.hotline import KPI_FIELDS
from ui.i18n import TEXT, translator
from ui.views.complaint_kpis import chart_rows, kpi_chart, kpi_csv, kpi_figure, kpi_label, kpi_table
from ui.views.complaint_map import (MAX_RADIUS, MIN_RADIUS, complaint_deck, coordinates, map_points, points_csv,
                                    unlocated, view_of)
from ui.views.hotspots import (change_label, change_of, direction, hotspot_rows, hotspots_csv, series_chart,
                               series_csv, series_rows, spot_labels)

ZH, EN = TEXT["zh"], TEXT["en"]
T_ZH, T_EN = translator("zh"), translator("en")


def kpis(key: str | None, name: str | None, received: int, dispatched: int, within: int, replied: int, on_time: int,
         redo: int, callbacks: int, satisfied: int, basically: int, merged: int = 0, problem: int = 0) -> dict:
    row = {"received": received, "dispatched": dispatched, "dispatched_within_2h": within,
           "dispatch_rate_2h": round(within / dispatched, 4) if dispatched else None, "replied": replied,
           "replied_on_time": on_time, "on_time_reply_rate": round(on_time / replied, 4) if replied else None,
           "redo": redo, "redo_rate": round(redo / replied, 4) if replied else None, "callbacks": callbacks,
           "satisfied": satisfied, "basically_satisfied": basically,
           "unsatisfied": callbacks - satisfied - basically,
           "satisfaction_rate": round((satisfied + basically) / callbacks, 4) if callbacks else None,
           "merged": merged, "problem": problem}
    return {"key": key, "name": name, **row} if key else row


BY_DEPARTMENT = [
    kpis("D-1", "市场监管局", 120, 110, 104, 100, 96, 5, 80, 60, 16, merged=4, problem=2),  # 104/110 = 0.9455
    kpis("D-2", "卫健委", 30, 30, 30, 0, 0, 0, 0, 0, 0),  # nothing replied yet: the reply rates are null
    kpis("hotline", "hotline", 50, 0, 0, 50, 50, 0, 45, 44, 1),  # answered directly
]
TOTAL = kpis(None, None, 200, 140, 134, 150, 146, 5, 125, 104, 17, merged=4, problem=2)
BY_TYPE = [kpis("complaint", "complaint", 90, 80, 75, 70, 66, 4, 60, 40, 12),
           kpis("enquiry", "enquiry", 110, 60, 59, 80, 80, 1, 65, 64, 1)]
BY_AREA = {1: [kpis("D01", "东城区", 40, 30, 29, 25, 25, 1, 20, 18, 1),
               kpis("D02", "西城区", 12, 10, 10, 8, 7, 0, 5, 5, 0)],
           2: [kpis("D0101", "东华门街道", 25, 20, 20, 18, 18, 0, 15, 14, 1),
               kpis("D0102", "景山街道", 10, 8, 7, 6, 5, 1, 4, 3, 0),
               kpis("D9901", "未登记街道", 3, 3, 3, 3, 3, 0, 0, 0, 0),
               kpis("D0103", "交道口街道", 0, 0, 0, 0, 0, 0, 0, 0, 0)]}
AREAS_LOCATED = [*AREAS, {"code": "D0103", "name": "交道口街道", "parent": "D01", "depth": 2,
                          "path": ["D01", "D0103"], "lat": 39.94, "lon": 116.41}]


def series(*counts: int, start: str = "2026-02-02") -> list[dict]:
    first = datetime.fromisoformat(start)
    return [{"start": (first + timedelta(weeks=n)).date().isoformat(), "count": c} for n, c in enumerate(counts)]


HOTSPOTS = [
    {"key": "C10101", "name": "占道经营", "count": 50, "series": series(10, 12, 13, 15), "previous_count": 40,
     "change": 10},
    {"key": "C2", "name": "交通出行", "count": 27, "series": series(9, 6, 7, 5), "previous_count": 30, "change": -3},
    {"key": "C3", "name": "其他", "count": 9, "series": series(2, 2, 3, 2), "previous_count": 0, "change": 9},
    {"key": "C4", "name": "其他", "count": 6, "series": series(1, 2, 1, 2), "previous_count": 6, "change": 0},
]


def last_full_month() -> tuple[str, str]:
    first_of_this = datetime.now(timezone(timedelta(hours=8))).date().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1).isoformat(), last.isoformat()


# -- KPIs -----------------------------------------------------------------------------------------

def test_a_group_is_named_in_words():
    assert kpi_label(T_ZH, BY_DEPARTMENT[0], "department") == "D-1 市场监管局"
    assert kpi_label(T_ZH, BY_DEPARTMENT[2], "department") == ZH["kpi_hotline"]  # never dispatched
    assert kpi_label(T_ZH, BY_TYPE[0], "type") == "投诉" and kpi_label(T_EN, BY_TYPE[1], "type") == "Enquiry"
    assert kpi_label(T_ZH, {"key": "wechat", "name": "wechat"}, "channel") == "微信"
    assert kpi_label(T_ZH, {"key": "C1", "name": "C1 城市管理"}, "category") == "C1 城市管理"
    assert kpi_label(T_ZH, {"key": "X", "name": None}, "area") == "X"
    assert kpi_figure("dispatch_rate_2h", 0.9571) == "95.7%" and kpi_figure("dispatch_rate_2h", None) == "—"
    assert kpi_figure("received", 200) == 200


def test_the_kpi_table_has_every_field_and_rates_in_percent():
    rows = kpi_table(T_ZH, BY_DEPARTMENT, "department")
    assert list(rows[0]) == [ZH["kpi_by_department"], ZH["col_name"], *(ZH[f"kpi_{f}"] for f in KPI_FIELDS)]
    assert rows[0][ZH["kpi_dispatch_rate_2h"]] == pytest.approx(94.55)
    assert rows[0][ZH["kpi_satisfaction_rate"]] == pytest.approx(95.0)  # (60 + 16) / 80
    assert rows[1][ZH["kpi_on_time_reply_rate"]] is None  # null, not 0
    assert rows[2][ZH["col_name"]] == "热线直接办理"


def test_a_null_rate_is_not_drawn_but_named_and_the_whole_is_a_dashed_line():
    bars, missing = chart_rows(T_ZH, BY_DEPARTMENT, "department", "on_time_reply_rate")
    assert [(b["group"], b["text"]) for b in bars] == [("D-1 市场监管局", "96.0%"), ("热线直接办理", "100.0%")]
    assert missing == ["D-2 卫健委"]
    spec = kpi_chart(T_ZH, bars, "on_time_reply_rate", TOTAL["on_time_reply_rate"]).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert spec["layer"][2]["mark"]["type"] == "rule" and spec["layer"][2]["data"]["values"][0]["value"] \
        == pytest.approx(97.33)
    counts, none = chart_rows(T_ZH, BY_DEPARTMENT, "department", "received")
    assert [b["value"] for b in counts] == [120, 30, 50] and none == []
    assert "scale" not in kpi_chart(T_ZH, counts, "received", 200).to_dict()["layer"][0]["encoding"]["x"]


def test_the_kpi_csv_has_the_api_field_names_and_empty_cells_for_null_rates():
    data = kpi_csv(BY_DEPARTMENT)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["key", "name", *KPI_FIELDS]
    first = dict(zip(rows[0], rows[1]))
    assert (first["key"], first["received"], first["dispatch_rate_2h"], first["satisfaction_rate"]) \
        == ("D-1", "120", "0.9455", "0.95")
    assert dict(zip(rows[0], rows[2]))["on_time_reply_rate"] == ""
    assert len(rows) == 1 + len(BY_DEPARTMENT)


# -- hot spots ------------------------------------------------------------------------------------

def test_the_change_is_an_arrow_a_difference_and_a_percentage():
    assert change_of(HOTSPOTS[0]) == (10, 0.25)
    assert [change_label(T_ZH, i) for i in HOTSPOTS] == ["↑10 (+25.0%)", "↓3 (-10.0%)", "↑9 (新增)", "持平"]
    assert [direction(i) for i in HOTSPOTS] == ["up", "down", "up", "same"]
    assert change_label(T_EN, HOTSPOTS[2]) == "↑9 (new)" and change_label(T_EN, HOTSPOTS[3]) == "Same"
    # without the count before, from `change` as given: an integer is a difference, a fraction a ratio
    assert change_label(T_ZH, {"count": 5, "change": -2}) == "↓2"
    assert change_label(T_ZH, {"count": 5, "change": 0.125}) == "↑12.5%"
    assert change_label(T_ZH, {"count": 5}) == "-" and direction({"count": 5}) is None


def test_names_that_repeat_get_their_code_and_the_series_are_points_per_period():
    labels = spot_labels(HOTSPOTS)
    assert labels == {"C10101": "占道经营", "C2": "交通出行", "C3": "其他 (C3)", "C4": "其他 (C4)"}
    rows = hotspot_rows(T_ZH, HOTSPOTS, "category")
    assert list(rows[0]) == [ZH[k] for k in ("col_rank", "kpi_by_category", "col_name", "col_count",
                                             "col_previous_count", "col_change")]
    assert [r[ZH["col_rank"]] for r in rows] == [1, 2, 3, 4] and rows[2][ZH["col_name"]] == "其他 (C3)"
    points = series_rows(HOTSPOTS)
    assert len(points) == 16 and points[0] == {"who": "占道经营", "key": "C10101", "start": "2026-02-02", "count": 10}
    spec = series_chart(T_ZH, HOTSPOTS, "week").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point"]
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["占道经营", "交通出行", "其他 (C3)", "其他 (C4)"]
    assert spec["layer"][0]["encoding"]["x"]["type"] == "temporal"


def test_the_hotspot_files_have_the_api_field_names():
    rows = list(csv.reader(io.StringIO(hotspots_csv(HOTSPOTS).decode("utf-8-sig"))))
    assert rows[0] == ["key", "name", "count", "previous_count", "change"]
    assert rows[2] == ["C2", "交通出行", "27", "30", "-3"]
    detail = list(csv.reader(io.StringIO(series_csv(HOTSPOTS).decode("utf-8-sig"))))
    assert detail[0] == ["key", "name", "start", "count"] and detail[1] == ["C10101", "占道经营", "2026-02-02", "10"]
    assert len(detail) == 1 + 16


# -- the map --------------------------------------------------------------------------------------

def test_only_areas_with_coordinates_and_complaints_are_points():
    assert set(coordinates(AREAS_LOCATED)) == {"D01", "D0101", "D0103"}
    assert coordinates([{"code": "X", "lat": 95.0, "lon": 10.0}, {"code": "Y", "lat": True, "lon": 1.0}]) == {}
    points = map_points(BY_AREA[2], AREAS_LOCATED)
    assert [(p["key"], p["received"]) for p in points] == [("D0101", 25)]  # D0102 and D9901 have no place, D0103 no complaints
    assert (points[0]["lat"], points[0]["lon"], points[0]["radius"]) == (39.914, 116.403, MAX_RADIUS)
    assert [i["key"] for i in unlocated(BY_AREA[2], AREAS_LOCATED)] == ["D0102", "D9901"]
    both = map_points(BY_AREA[1], [*AREAS_LOCATED[:3], {**AREAS[3], "lat": 39.91, "lon": 116.36}])
    assert [p["key"] for p in both] == ["D01", "D02"]
    assert both[0]["radius"] == MAX_RADIUS and MIN_RADIUS < both[1]["radius"] < MAX_RADIUS  # by the square root
    assert both[0]["colour"][0] > both[1]["colour"][1]  # redder for more
    view = view_of(both)
    assert view["latitude"] == pytest.approx((39.9288 + 39.91) / 2) and 3 <= view["zoom"] <= 12
    assert view_of(points)["zoom"] == 12  # one point: the closest zoom allowed


def test_the_deck_draws_the_points_with_a_tooltip_and_the_csv_lists_them():
    points = map_points(BY_AREA[1], [*AREAS_LOCATED[:3], {**AREAS[3], "lat": 39.91, "lon": 116.36}])
    deck = json.loads(complaint_deck(T_ZH, points).to_json())
    layer = deck["layers"][0]
    assert layer["@@type"] == "ScatterplotLayer" and len(layer["data"]) == 2
    assert deck["initialViewState"]["latitude"] == pytest.approx(view_of(points)["latitude"])
    rows = list(csv.reader(io.StringIO(points_csv(points).decode("utf-8-sig"))))
    assert rows[0] == ["key", "name", "received", "lat", "lon"] and rows[1] == ["D01", "东城区", "40", "39.9288", "116.416"]


# -- the pages --------------------------------------------------------------------------------------

@pytest.fixture
def fake_api():
    api = FakeApi()
    serve_everything(api)
    api.routes[("GET", "/catalogue/complaint-categories")] = (200, {"items": CATEGORIES, "count": len(CATEGORIES)})
    api.routes[("GET", "/catalogue/areas")] = (200, {"items": AREAS_LOCATED, "count": len(AREAS_LOCATED)})

    def answer_kpis(query: dict) -> tuple[int, dict]:
        by, level = query.get("by", [None])[0], int(query.get("level", ["1"])[0])
        items = {"department": BY_DEPARTMENT, "type": BY_TYPE, "area": BY_AREA.get(level, [])}.get(by, BY_TYPE)
        return 200, {"from": query["from"][0], "to": query["to"][0], "items": items, "total": TOTAL}

    api.routes[("GET", "/complaints/kpis")] = answer_kpis
    api.routes[("GET", "/complaints/hotspots")] = (200, {"items": HOTSPOTS})
    yield from running(api)


def test_the_kpi_page_asks_for_the_last_full_month_by_department_and_shows_the_whole(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_kpis", roles=("hotline",))
    assert not at.exception and not at.error
    start, end = last_full_month()
    assert fake_api.last("/complaints/kpis")["query"] == {"from": [start], "to": [end], "by": ["department"]}
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["kpi_received"]], tiles[ZH["kpi_dispatch_rate_2h"]], tiles[ZH["kpi_satisfaction_rate"]]) \
        == ("200", "95.7%", "96.8%")
    assert [tab.label for tab in at.tabs] == [ZH[f"kpi_{f}"] for f in ("received", "dispatch_rate_2h",
                                                                       "on_time_reply_rate", "redo_rate",
                                                                       "satisfaction_rate")]
    assert len(at.get("vega_lite_chart")) == 5
    table = at.dataframe[0].value
    assert list(table[ZH["col_name"]]) == ["D-1 市场监管局", "D-2 卫健委", "热线直接办理"]
    assert at.download_button(key="ck_csv").label == ZH["download_csv"]
    assert not [s for s in at.selectbox if s.key == "ck_level"]  # departments have no levels


def test_categories_and_areas_are_grouped_at_the_level_chosen(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_kpis", roles=("supervisor",))
    at.radio(key="ck_by").set_value("category").run()
    assert at.selectbox(key="ck_level").options == ["第 1 级", "第 2 级", "第 3 级"]  # the tree is 3 deep
    assert fake_api.last("/complaints/kpis")["query"]["level"] == ["1"]
    at.selectbox(key="ck_level").set_value(3).run()
    assert fake_api.last("/complaints/kpis")["query"]["level"] == ["3"]
    at.radio(key="ck_by").set_value("area").run()
    assert at.selectbox(key="ck_level").options == ["第 1 级", "第 2 级"]
    assert fake_api.last("/complaints/kpis")["query"]["level"] == ["1"]  # level 3 is not an area's: back to 1
    at.radio(key="ck_by").set_value("type").run()
    assert "level" not in fake_api.last("/complaints/kpis")["query"]
    assert list(at.dataframe[0].value[ZH["col_name"]]) == ["投诉", "咨询"]
    assert not at.exception


def test_the_kpi_page_in_english(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_kpis", roles=("auditor",), lang="en")
    assert not at.exception and at.header[0].value == EN["complaint_kpis_title"]
    assert at.radio(key="ck_by").options == [EN[f"kpi_group_{g}"] for g in ("department", "category", "area",
                                                                             "type", "channel")]
    assert EN["kpi_on_time_reply_rate"] in at.dataframe[0].value.columns


def test_an_api_error_on_the_kpi_page_is_shown_not_raised(monkeypatch, fake_api):
    fake_api.routes[("GET", "/complaints/kpis")] = (503, {"detail": "ClickHouse does not answer"})
    at = signed_in(monkeypatch, fake_api, "complaint_kpis", roles=("admin",))
    assert not at.exception and any("503" in e.value for e in at.error)


def test_the_hotspot_page_draws_the_series_and_ranks_the_changes(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "hotspots", roles=("department",))
    assert not at.exception and not at.error
    start, end = last_full_month()
    assert fake_api.last("/complaints/hotspots")["query"] == {"from": [start], "to": [end], "by": ["category"],
                                                              "level": ["1"], "period": ["week"], "top": ["10"]}
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["占道经营", "交通出行", "其他 (C3)", "其他 (C4)"]
    table = at.dataframe[0]
    assert list(table.value[ZH["col_change"]]) == ["↑10 (+25.0%)", "↓3 (-10.0%)", "↑9 (新增)", "持平"]
    styles = table.proto.arrow_data.styler.styles
    assert "color: #d62728" in styles and "color: #2ca02c" in styles  # a rise red, a fall green
    assert at.download_button(key="hs_csv") and at.download_button(key="hs_series_csv")
    at.radio(key="hs_by").set_value("area").run()
    at.radio(key="hs_period").set_value("month").run()
    at.number_input(key="hs_top").set_value(5).run()
    query = fake_api.last("/complaints/hotspots")["query"]
    assert (query["by"], query["period"], query["top"], query["level"]) == (["area"], ["month"], ["5"], ["1"])
    assert not at.exception


def test_no_hotspots_says_so(monkeypatch, fake_api):
    fake_api.routes[("GET", "/complaints/hotspots")] = (200, {"items": []})
    at = signed_in(monkeypatch, fake_api, "hotspots", roles=("hotline",))
    assert any(i.value == ZH["no_hotspots"] for i in at.info) and not at.get("vega_lite_chart")


def test_the_map_puts_only_located_areas_on_the_map_and_names_the_others(monkeypatch, fake_api):
    at = signed_in(monkeypatch, fake_api, "complaint_map", roles=("supervisor",))
    assert not at.exception and not at.error
    query = fake_api.last("/complaints/kpis")["query"]
    assert (query["by"], query["level"]) == (["area"], ["1"])
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [p["key"] for p in deck["layers"][0]["data"]] == ["D01"]  # 西城区 has no coordinates
    assert any(c.value == ZH["map_missing"].format(areas="西城区 (12)") for c in at.caption)
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles[ZH["map_areas"]], tiles[ZH["map_on_map"]], tiles[ZH["map_not_on_map"]]) == ("1", "40", "12")
    assert list(at.dataframe[0].value[ZH["col_area"]]) == ["东城区"]
    at.selectbox(key="mp_level").set_value(2).run()
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [p["key"] for p in deck["layers"][0]["data"]] == ["D0101"]
    assert list(at.dataframe[0].value[ZH["col_area"]]) == ["东城区 / 东华门街道"]
    assert at.download_button(key="mp_csv").label == ZH["download_csv"]


def test_a_map_without_coordinates_says_so(monkeypatch, fake_api):
    fake_api.routes[("GET", "/catalogue/areas")] = (200, {"items": [{**a, "lat": None, "lon": None} for a in AREAS],
                                                          "count": len(AREAS)})
    at = signed_in(monkeypatch, fake_api, "complaint_map", roles=("hotline",))
    assert not at.exception
    assert any(i.value == ZH["map_no_points"] for i in at.info) and not at.get("deck_gl_json_chart")
