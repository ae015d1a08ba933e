"""约谈 through HTTP: a window graded fail (under 70) two months running is called in for a talk on
the first day of the month after, as a `talk_required` finding and in the window scores."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api
from tests.utils.api_client import Api

PASSWORD = "talks-admin-password"


@pytest.fixture(scope="module")
def officer(tmp_path_factory) -> Api:
    """A01 is found rude 11 times in March 2026 (100 − 33 = 67: fail) and in April; A02 only in April
    (scheme version 1 is in force from 2026-01)."""
    with embedded_api(tmp_path_factory.mktemp("talks"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.create_user("officer", "officer-password", ["supervisor"])
        officer = admin.as_user("officer", "officer-password")
        for window, months in (("A01", ("03", "04")), ("A02", ("04",))):
            for month in months:
                for day in range(11):
                    officer.post("/inspections", {"window": window, "kind": "rude",
                                                  "at": f"2026-{month}-{day + 10}T10:00:00"}, 201)
        yield officer


def test_a_window_failing_two_months_running_is_called_in_the_next_month(officer):
    april = officer.get("/scores/windows", month="2026-04").json()
    assert {item["window"]: (item["score"], item["grade"]) for item in april["items"]} == {
        "A01": (67, "fail"), "A02": (67, "fail")}
    assert april["talks_required"] == ["A01"]
    talks = officer.get("/findings", **{"from": "2026-04-01", "to": "2026-05-31"}, kind="talk_required").json()
    assert [(item["date"], item["window"], item["department"], item["case_id"]) for item in talks["items"]] == [
        ("2026-05-01", "A01", "SJ", None)]
    assert "2026-03 and 2026-04" in talks["items"][0]["detail"]
    assert officer.get("/findings", **{"from": "2026-05-02", "to": "2026-05-31"}).json()["count"] == 0
