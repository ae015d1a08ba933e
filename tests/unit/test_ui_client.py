"""The UI's HTTP client against a tiny real HTTP server, the labels, and the Streamlit app."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ui.client import ApiError, SunlightClient
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
TOKEN = "tok-123"


# -- a canned-JSON HTTP server -----------------------------------------------------------------

class FakeApi:
    """Answers `routes[(method, path)] = (status, body)`, or `= answer(query) -> (status, body)`
    for a route whose answer depends on the query; records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, object]] = {}
        self.requests: list[dict] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                api.requests.append({
                    "method": self.command, "path": url.path, "query": parse_qs(url.query),
                    "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                })
                route = api.routes.get((self.command, url.path), (404, {"detail": f"no route {url.path}"}))
                status, payload = route(parse_qs(url.query)) if callable(route) else route
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def last(self, path: str) -> dict:
        return [r for r in self.requests if r["path"] == path][-1]


def running(api: FakeApi):
    api.thread.start()
    yield api
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture
def fake_api():
    yield from running(FakeApi())


WARNINGS = {
    "as_of": "2025-10-10T09:00:00",
    "items": [
        {"case_id": "C-1", "item": "I-01", "item_name": "营业执照变更", "window": "A12",
         "staff": "S-1", "staff_name": "张三", "hall": "H-1", "department": "D-1",
         "state": "accepted", "accepted_at": "2025-09-20T10:00:00", "deadline": "2025-09-30",
         "elapsed_workdays": 9, "remaining_workdays": -2, "promised_days": 5, "warning": "red"},
        {"case_id": "C-2", "item": "I-02", "item_name": "食品经营许可", "window": "A12",
         "staff": "S-2", "staff_name": "李四", "hall": "H-1", "department": "D-1",
         "state": "accepted", "accepted_at": "2025-10-09T14:30:00", "deadline": "2025-10-13",
         "elapsed_workdays": 1, "remaining_workdays": 1, "promised_days": 3, "warning": "yellow"},
        {"case_id": "C-3", "item": "I-02", "item_name": "食品经营许可", "window": "B03",
         "staff": "S-3", "staff_name": "王五", "hall": "H-2", "department": "D-2",
         "state": "suspended", "accepted_at": "2025-10-08T09:00:00", "deadline": None,
         "elapsed_workdays": 2, "remaining_workdays": 1, "promised_days": 3, "warning": "yellow"},
    ],
    "count": 3,
}
CATALOGUE = {
    "halls": [{"code": "H-1", "name": "市民中心", "level": "city"},
              {"code": "H-2", "name": "东区大厅", "level": "district"}],
    "departments": [{"code": "D-1", "name": "市场监管局"}, {"code": "D-2", "name": "卫健委"}],
    "windows": [{"code": "A12", "name": "A12 综合受理", "hall": "H-1", "department": "D-1"},
                {"code": "B03", "name": "B03 专业窗口", "hall": "H-2", "department": "D-2"}],
    "staff": [{"code": "S-1", "name": "张三"}],
    "items": [{"code": "I-01", "name": "营业执照变更"}],
}
CASE = {"id": "C-1", "item": "I-01", "state": "accepted", "deadline": "2025-09-30",
        "elapsed_workdays": 9, "remaining_workdays": -2, "warning": "red", "on_time": None,
        "version": 2, "window": "A12", "staff": "S-1"}
HISTORY = {"id": "C-1", "events": [
    {"version": 1, "type": "CaseSubmitted", "occurred_at": "2025-09-20T09:50:00",
     "recorded_at": "2025-09-20T09:50:02", "actor": {"user": "clerk1", "role": "clerk"},
     "payload": {"item": "I-01"}, "hash": "a" * 64, "previous_hash": None},
    {"version": 2, "type": "CaseAccepted", "occurred_at": "2025-09-20T10:00:00",
     "recorded_at": "2025-09-20T10:00:01", "actor": {"user": "clerk1", "role": "clerk"},
     "payload": {"window": "A12"}, "hash": "b" * 64, "previous_hash": "a" * 64},
]}


def serve_everything(api: FakeApi) -> None:
    api.routes[("POST", "/auth/token")] = (200, {"access_token": TOKEN, "token_type": "bearer",
                                                 "roles": ["supervisor"], "username": "sup"})
    for kind, items in CATALOGUE.items():
        api.routes[("GET", f"/catalogue/{kind}")] = (200, {"items": items, "count": len(items)})
    api.routes[("GET", "/warnings")] = (200, WARNINGS)
    api.routes[("GET", "/cases/C-1")] = (200, CASE)
    api.routes[("GET", "/cases/C-1/history")] = (200, HISTORY)
    api.routes[("GET", "/audit/case/C-1/verify")] = (200, {"stream": "case", "id": "C-1", "events": 2, "valid": True})


# -- client ------------------------------------------------------------------------------------

def test_login_posts_a_form_and_stores_the_token(fake_api):
    serve_everything(fake_api)
    api = SunlightClient(fake_api.url + "/")
    body = api.login("sup", "s3cret&=")
    assert body["access_token"] == TOKEN
    assert api.token == TOKEN and api.roles == ["supervisor"] and api.username == "sup"
    req = fake_api.last("/auth/token")
    assert req["method"] == "POST"
    assert req["headers"]["content-type"].startswith("application/x-www-form-urlencoded")
    form = parse_qs(req["body"])
    assert form["username"] == ["sup"] and form["password"] == ["s3cret&="]
    assert "authorization" not in req["headers"]


def test_bearer_header_is_sent_after_login(fake_api):
    serve_everything(fake_api)
    api = SunlightClient(fake_api.url)
    api.login("sup", "pw")
    assert api.catalogue("windows") == CATALOGUE["windows"]
    assert fake_api.last("/catalogue/windows")["headers"]["authorization"] == f"Bearer {TOKEN}"


def test_token_given_to_the_constructor_is_used(fake_api):
    serve_everything(fake_api)
    SunlightClient(fake_api.url, token="given").history("C-1")
    assert fake_api.last("/cases/C-1/history")["headers"]["authorization"] == "Bearer given"


def test_filters_become_query_params_and_none_is_omitted(fake_api):
    serve_everything(fake_api)
    api = SunlightClient(fake_api.url, token=TOKEN)
    assert api.warnings(as_of="2025-10-10T09:00:00", level="red", hall="H-1",
                        department=None, window=None) == WARNINGS
    query = fake_api.last("/warnings")["query"]
    assert query == {"as_of": ["2025-10-10T09:00:00"], "level": ["red"], "hall": ["H-1"]}
    api.warnings()
    assert fake_api.last("/warnings")["query"] == {}


def test_case_passes_as_of_and_omits_it_when_none(fake_api):
    serve_everything(fake_api)
    api = SunlightClient(fake_api.url, token=TOKEN)
    assert api.case("C-1", as_of="2025-09-25T12:00:00") == CASE
    assert fake_api.last("/cases/C-1")["query"] == {"as_of": ["2025-09-25T12:00:00"]}
    api.case("C-1")
    assert fake_api.last("/cases/C-1")["query"] == {}
    assert api.history("C-1") == HISTORY


def test_metrics_sends_the_period_the_grouping_and_the_page(fake_api):
    fake_api.routes[("GET", "/metrics/cases")] = (200, {"from": "2025-09-01", "to": "2025-09-30", "by": "window",
                                                       "items": [], "total": {}, "count": 0})
    api = SunlightClient(fake_api.url, token=TOKEN)
    assert api.metrics(date(2025, 9, 1), date(2025, 9, 30), "window")["by"] == "window"
    assert fake_api.last("/metrics/cases")["query"] == {"from": ["2025-09-01"], "to": ["2025-09-30"], "by": ["window"]}
    api.metrics("2025-09-01", "2025-09-30", by="department", limit=50, offset=100)
    assert fake_api.last("/metrics/cases")["query"] == {"from": ["2025-09-01"], "to": ["2025-09-30"],
                                                        "by": ["department"], "limit": ["50"], "offset": ["100"]}
    api.metrics(date(2025, 9, 1), date(2025, 9, 30))
    assert "by" not in fake_api.last("/metrics/cases")["query"]


def test_findings_sends_only_the_filters_given(fake_api):
    fake_api.routes[("GET", "/findings")] = (200, {"items": [], "count": 0})
    api = SunlightClient(fake_api.url, token=TOKEN)
    assert api.findings(date(2025, 9, 1), date(2025, 9, 30), kind="late_entry", window="A09",
                        department=None, limit=1, offset=0) == {"items": [], "count": 0}
    assert fake_api.last("/findings")["query"] == {"from": ["2025-09-01"], "to": ["2025-09-30"], "kind": ["late_entry"],
                                                   "window": ["A09"], "limit": ["1"], "offset": ["0"]}
    assert fake_api.last("/findings")["headers"]["authorization"] == f"Bearer {TOKEN}"
    api.findings()
    assert fake_api.last("/findings")["query"] == {}
    fake_api.routes[("GET", "/findings")] = (403, {"detail": "supervisor, auditor or admin only"})
    with pytest.raises(ApiError) as err:
        api.findings(date(2025, 9, 1), date(2025, 9, 30))
    assert err.value.status == 403


def test_api_error_carries_status_and_detail(fake_api):
    fake_api.routes[("POST", "/auth/token")] = (401, {"detail": "Incorrect username or password"})
    fake_api.routes[("GET", "/warnings")] = (422, {"detail": [
        {"loc": ["query", "level"], "msg": "Input should be 'yellow' or 'red'", "type": "enum"}]})
    fake_api.routes[("GET", "/cases/nope")] = (404, {"detail": "case nope not found"})
    api = SunlightClient(fake_api.url)
    with pytest.raises(ApiError) as err:
        api.login("sup", "wrong")
    assert (err.value.status, err.value.message) == (401, "Incorrect username or password")
    assert api.token is None
    with pytest.raises(ApiError) as err:
        api.warnings(level="orange")
    assert err.value.status == 422 and "level" in err.value.message and "yellow" in err.value.message
    with pytest.raises(ApiError) as err:
        api.case("nope")
    assert (err.value.status, err.value.message) == (404, "case nope not found")
    assert "case nope not found" in str(err.value)


def test_unreachable_api_is_an_api_error_with_status_0():
    api = SunlightClient("http://127.0.0.1:9", timeout=2)  # discard port: nothing listens
    with pytest.raises(ApiError) as err:
        api.warnings()
    assert err.value.status == 0 and "127.0.0.1:9" in err.value.message


def test_unknown_catalogue_kind_is_refused():
    with pytest.raises(ValueError):
        SunlightClient("http://127.0.0.1:9").catalogue("planets")


# -- labels and isolation ----------------------------------------------------------------------

def test_zh_and_en_have_the_same_keys_and_the_app_uses_only_known_keys():
    assert set(TEXT) == {"zh", "en"}
    assert TEXT["zh"].keys() == TEXT["en"].keys()
    assert all(v.strip() for lang in TEXT.values() for v in lang.values())
    used = set()
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert used, "the app should take its labels from TEXT"
    assert used <= TEXT["zh"].keys(), used - TEXT["zh"].keys()


def test_every_code_the_pages_put_in_words_has_a_label():
    from ui.app import PAGES
    from ui.views import figures, findings, trace

    keys = ({f"page_{p}" for p in PAGES} | {f"state_{s}" for s in trace.CASE_STATES}
            | {f"stage_{s}" for s in trace.STAGES} | {f"delivery_{m}" for m in trace.DELIVERY_METHODS}
            | {f"kind_{k}" for k in findings.KINDS} | {f"by_{g}" for g in figures.GROUPINGS}
            | {f"by_{g}_key" for g in figures.GROUPINGS} | {f"metric_{f}" for f in figures.FIELDS[2:]})
    assert keys <= TEXT["zh"].keys(), keys - TEXT["zh"].keys()


def test_the_page_files_are_not_in_a_pages_folder():
    """A pages/ folder beside ui/app.py turns on Streamlit's older multipage mode, which runs a page's
    file without the entry point (no sidebar, no login) when a session starts on that page's address."""
    from ui.app import PAGES

    assert not (ROOT / "ui" / "pages").exists()
    assert {path.stem for path in (ROOT / "ui" / "views").glob("*.py")} >= set(PAGES)


def test_ui_imports_nothing_of_the_project():
    code = (
        "import sys, ui, ui.client, ui.i18n, ui.app, ui.views.figures, ui.views.findings, ui.views.trace\n"
        "import ui.views.warnings\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'domain', 'api', 'projections', 'streams'})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the Streamlit app -------------------------------------------------------------------------

def _app(monkeypatch, url: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SUNLIGHT_API_URL", url)
    return AppTest.from_file(str(APP), default_timeout=30)


def signed_in(monkeypatch, api: FakeApi, page: str, roles=("supervisor",), lang: str = "zh"):
    """The app with a user signed in (as the login form leaves it), showing `page` (views/<page>.py)."""
    at = _app(monkeypatch, api.url)
    at.session_state["token"] = TOKEN
    at.session_state["username"] = "sup"
    at.session_state["roles"] = list(roles)
    at.session_state["lang"] = lang
    at.run()
    return at.switch_page(f"views/{page}.py").run()


def test_app_without_api_renders_the_login_prompt(monkeypatch):
    at = _app(monkeypatch, "http://127.0.0.1:9").run()
    assert not at.exception
    assert any(TEXT["zh"]["please_login"] in i.value for i in at.info)
    assert {ti.label for ti in at.sidebar.text_input} == {TEXT["zh"]["username"], TEXT["zh"]["password"]}
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert any(TEXT["en"]["please_login"] in i.value for i in at.info)


def test_app_login_without_api_shows_an_error(monkeypatch):
    at = _app(monkeypatch, "http://127.0.0.1:9").run()
    at.sidebar.text_input[0].input("sup")
    at.sidebar.text_input[1].input("pw")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert at.error and "127.0.0.1:9" in at.error[0].value
    assert "token" not in at.session_state


def test_app_logs_in_and_shows_warnings_and_a_case_trace(monkeypatch, fake_api):
    serve_everything(fake_api)
    at = _app(monkeypatch, fake_api.url).run()
    at.sidebar.text_input[0].input("sup")
    at.sidebar.text_input[1].input("pw")
    at.sidebar.button[0].click().run()
    assert not at.exception and not at.error
    assert at.session_state["token"] == TOKEN
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"🔴 {TEXT['zh']['red_count']}"] == "1"
    assert metrics[f"🟡 {TEXT['zh']['yellow_count']}"] == "2"
    table = at.dataframe[0].value
    assert list(table.columns) == [TEXT["zh"][k] for k in (
        "col_case_id", "col_item", "col_window", "col_staff", "col_accepted_at",
        "col_deadline", "col_elapsed", "col_remaining", "col_warning")]
    assert table.iloc[0][TEXT["zh"]["col_case_id"]] == "C-1"  # red first
    assert fake_api.last("/warnings")["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert "as_of" in fake_api.last("/warnings")["query"]

    # narrowing: choosing hall H-2 leaves only its window, and the filter reaches the API
    at.selectbox(key="f_hall").set_value("H-2").run()
    assert at.selectbox(key="f_window").options == [TEXT["zh"]["any"], "B03 · B03 专业窗口"]
    assert fake_api.last("/warnings")["query"]["hall"] == ["H-2"]

    at.switch_page("views/trace.py").run()
    at.text_input(key="trace_case_id").input("C-1").run()
    assert not at.exception and not at.error
    history = at.dataframe[0].value
    assert list(history[TEXT["zh"]["col_type"]]) == ["CaseSubmitted", "CaseAccepted"]
    assert list(history[TEXT["zh"]["col_hash"]]) == ["a" * 12 + "…", "b" * 12 + "…"]
    assert "as_of" in fake_api.last("/cases/C-1")["query"]
    assert [box.value for box in at.success] == [TEXT["zh"]["verify_intact"].format(n=2)]

    # an altered record is shown as such, with the version from which it cannot be trusted
    fake_api.routes[("GET", "/audit/case/C-1/verify")] = (200, {
        "stream": "case", "id": "C-1", "events": 2, "valid": False, "first_broken_version": 2,
        "reason": "its hash does not match its content: the stored event was altered"})
    at.run()
    assert any("第 2 版" in box.value and "altered" in box.value for box in at.error)


def test_app_expired_token_asks_to_log_in_again(monkeypatch, fake_api):
    serve_everything(fake_api)
    at = _app(monkeypatch, fake_api.url)
    at.session_state["token"] = "expired"
    fake_api.routes[("GET", "/catalogue/halls")] = (401, {"detail": "Token expired"})
    at.run()
    assert not at.exception
    assert any(TEXT["zh"]["session_expired"] in e.value for e in at.error)
    assert "token" not in at.session_state
    assert any(TEXT["zh"]["please_login"] in i.value for i in at.info)


def test_warnings_beyond_one_page_are_counted_by_the_api(monkeypatch, fake_api):
    serve_everything(fake_api)
    paged = {**WARNINGS, "count": 1500, "limit": 1000, "offset": 0}

    def answer(query):
        if query.get("level") == ["red"]:
            return 200, {**WARNINGS, "count": 400}
        if query.get("level") == ["yellow"]:
            return 200, {**WARNINGS, "count": 1100}
        return 200, paged

    fake_api.routes[("GET", "/warnings")] = answer
    at = signed_in(monkeypatch, fake_api, "warnings")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"🔴 {TEXT['zh']['red_count']}"] == "400"
    assert metrics[f"🟡 {TEXT['zh']['yellow_count']}"] == "1100"
    assert metrics[TEXT["zh"]["total_count"]] == "1500"
    assert fake_api.last("/warnings")["query"]["limit"] == ["1"]
