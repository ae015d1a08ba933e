"""The console's pages of issues 7 and 8 against a real `sunlight api` (not a canned one): each page
renders without an exception or an error message on a centre with a case, a review, an inspection
and a complaint, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
PASSWORD = "console-admin-password"
PAGES = ("scores", "assessments", "reviews", "supervision", "what_if", "findings", "figures", "complaints",
         "complaint_kpis", "hotspots", "complaint_map", "complaint_trace")


@pytest.fixture(scope="module")
def officer(tmp_path_factory) -> Api:
    with embedded_api(tmp_path_factory.mktemp("console"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.post("/catalogue/complaint-categories", {"code": "CJ", "name": "城乡建设"}, 201)
        admin.post("/catalogue/areas", {"code": "CY", "name": "城阳区", "lat": 36.31, "lon": 120.4}, 201)
        case = admin.new_case("SPJY", "2026-10-12T09:00:00")
        admin.post(f"/cases/{case}/accept", {"window": "A01", "staff": "S01", "at": "2026-10-12T09:30:00"}, 200)
        admin.post(f"/cases/{case}/conclude", {"outcome": "approved", "at": "2026-10-13T15:00:00"}, 200)
        admin.post("/reviews", {"case": case, "rating": 2, "channel": "pad", "at": "2026-10-14T10:00:00"}, 201)
        admin.post("/inspections", {"window": "A01", "kind": "absent", "at": "2026-10-15T10:00:00"}, 201)
        complaint = admin.post("/complaints", {"channel": "phone", "type": "complaint", "category": "CJ", "area": "CY",
                                               "content": "噪音", "at": "2026-10-15T11:00:00"}, 201).json()
        admin.post(f"/complaints/{complaint['id']}/dispatch", {"department": "SJ", "at": "2026-10-15T11:30:00"}, 200)
        admin.create_user("officer", "officer-password", ["supervisor"])
        yield admin.as_user("officer", "officer-password")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_against_the_real_api(officer, monkeypatch, page, lang):
    monkeypatch.setenv("SUNLIGHT_API_URL", str(officer.http.base_url).rstrip("/"))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["token"] = officer.token
    app.session_state["username"] = "officer"
    app.session_state["roles"] = ["supervisor"]
    app.session_state["lang"] = lang
    app.run()
    shown = app.switch_page(f"views/{page}.py").run()
    assert not shown.exception, [exception.value for exception in shown.exception]
    assert not shown.error, [error.value for error in shown.error]
    assert not shown.warning, [warning.value for warning in shown.warning]  # e.g. "not allowed", "sign in"
    assert shown.dataframe or shown.metric or shown.get("vega_lite_chart") or shown.text_input or shown.number_input, page
