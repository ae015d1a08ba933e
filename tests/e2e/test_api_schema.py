"""Schemathesis over every route of the embedded API, signed in as admin, with a valid catalogue,
users and cases loaded: no request may give a 5xx, and every answer must be as the schema says
(status code documented, content type and body matching)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.embedded import embedded_api

PASSWORD = "schema-admin-password"
SCHEMATHESIS = str(Path(sys.executable).with_name("st"))
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance")
MIN_REQUESTS = 1000


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with embedded_api(tmp_path_factory.mktemp("schema"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.create_user("clerk1", "clerk-password", ["clerk"], window="A01")
        admin.create_user("audit1", "audit-password", ["auditor"])
        admin.create_user("super1", "super-password", ["supervisor"])
        yield admin


@pytest.fixture(scope="module")
def cases(api) -> list[str]:
    """One case in each state a command can meet."""
    clerk = api.as_user("clerk1", "clerk-password")
    submitted, refused, accepted, suspended, concluded = (
        clerk.submit_case(item) for item in ("SPJY", "GTHS", "SPJY", "GTHS", "SBKB"))
    clerk.post(f"/cases/{refused}/refuse", {"reason": "材料不全"}, 200)
    for case_id in (accepted, suspended, concluded):
        clerk.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01"}, 200)
    clerk.post(f"/cases/{suspended}/suspend", {"reason": "supplement"}, 200)
    clerk.post(f"/cases/{concluded}/conclude", {"outcome": "approved"}, 200)
    return [submitted, refused, accepted, suspended, concluded]


# Times at the edges of what a datetime can hold, which once broke the clock, the calendar or chDB.
EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "2200-01-01T00:00:00", "2003-12-31T23:59:59"]


def known_values(api, cases: list[str]) -> str:
    """A schemathesis.toml that often puts real codes, case ids, applicant references and times at
    which the cases exist where the schema only says "string" or "date-time", so the requests reach
    the domain instead of stopping at 404 or 422; and sometimes times at the edges."""
    now = datetime.now(UTC)
    dictionaries = {"cases": cases, "items": ["SPJY", "GTHS", "SBKB"], "windows": ["A01", "A02"],
                    "staff": ["S01", "S02"], "departments": ["SJ"], "halls": ["SMZX"],
                    "applicants": [api.get(f"/cases/{case_id}").json()["applicant_ref"] for case_id in cases],
                    "times": [*EDGE_TIMES, now.isoformat(), (now + timedelta(days=40)).isoformat()]}
    bindings = {"path.case_id": ("cases", 0.5), "path.aggregate_id": ("cases", 0.5), "path.code": ("items", 0.5),
                "body.item": ("items", 0.5), "body.window": ("windows", 0.5), "query.window": ("windows", 0.5),
                "body.staff": ("staff", 0.5), "body.department": ("departments", 0.5),
                "query.department": ("departments", 0.5), "body.hall": ("halls", 0.5), "query.hall": ("halls", 0.5),
                "path.ref": ("applicants", 0.3), "body.at": ("times", 0.3), "query.as_of": ("times", 0.5)}
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}'
              for key, (name, probability) in bindings.items()]
    return "\n".join(lines) + "\n"


def test_every_route_answers_as_documented(api, cases, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(known_values(api, cases))
    report, har = tmp_path / "report.json", tmp_path / "requests.har"
    run = subprocess.run(
        [SCHEMATHESIS, "--config-file", str(config), "--no-color", "run", f"{api.http.base_url}/openapi.json",
         "--header", f"Authorization: Bearer {api.token}", "--checks", CHECKS, "--max-examples", "30",
         "--request-timeout", "30", "--report", "json,har", "--report-json-path", str(report),
         "--report-har-path", str(har)],
        capture_output=True, text=True, timeout=170, check=False)
    output = run.stdout[-20000:] + run.stderr[-5000:]

    # Counted from every request sent, not from schemathesis' verdict alone.
    statuses = [entry["response"]["status"] for entry in json.loads(har.read_text())["log"]["entries"]]
    assert len(statuses) >= MIN_REQUESTS, f"only {len(statuses)} requests\n{output}"
    server_errors = [status for status in statuses if status >= 500]
    assert not server_errors, f"{len(server_errors)} responses with 5xx\n{output}"
    result = json.loads(report.read_text())
    assert (result["failures"], result["errors"], run.returncode) == ([], [], 0), output
