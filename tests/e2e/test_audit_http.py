"""Tamper evidence as an auditor checks it, on the embedded deployment: rows of the SQLite event store
are changed, deleted and appended behind the platform's back; `GET /audit/…/verify` and
`sunlight verify` find each one. Then a raw event with business time year 1 is planted: the
deployment still restarts and keeps serving."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.embedded import SECRET_KEY, embedded_api
from tests.utils.api_client import Api
from tests.utils.processes import SUNLIGHT

PASSWORD = "audit-admin-password"


def case_with(api: Api, *commands: tuple[str, dict]) -> str:
    case_id = api.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "王芳"}}, 201).json()["id"]
    for command, body in commands:
        api.post(f"/cases/{case_id}/{command}", body, 200)
    return case_id


ACCEPT = ("accept", {"window": "A01", "staff": "S01"})
SUSPEND, RESUME = ("suspend", {"reason": "supplement"}), ("resume", {})
CONCLUDE = ("conclude", {"outcome": "approved"})


class Store:
    """The event store's SQLite file, written as someone with access to the rows (and not the key) would."""

    def __init__(self, data: Path) -> None:
        self.connection = sqlite3.connect(str(data / "events.sqlite3"), isolation_level=None)

    def state(self, case_id: str, version: int) -> bytes:
        return self.connection.execute("SELECT state FROM stored_events WHERE originator_id = ? AND "
                                       "originator_version = ?", (case_id.replace("-", ""), version)).fetchone()[0]

    def replace(self, case_id: str, version: int, old: bytes, new: bytes) -> None:
        state = self.state(case_id, version)
        assert old in state
        self.connection.execute("UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
                                (state.replace(old, new), case_id.replace("-", ""), version))

    def delete(self, case_id: str, version: int) -> None:
        self.connection.execute("DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?",
                                (case_id.replace("-", ""), version))

    def append_copy(self, case_id: str, version: int, previous_hash: str) -> None:
        """Version+1, a copy of `version` whose link points at `version`: right link, wrong own hash."""
        topic, state = self.connection.execute(
            "SELECT topic, state FROM stored_events WHERE originator_id = ? AND originator_version = ?",
            (case_id.replace("-", ""), version)).fetchone()
        old_link = state.split(b'"previous_hash":"')[1][:64]
        self.connection.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)",
                                (case_id.replace("-", ""), version + 1, topic,
                                 state.replace(old_link, previous_hash.encode())))


def verify(api: Api, case_id: str) -> dict:
    return api.get(f"/audit/case/{case_id}/verify").json()


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    """Cases changed behind the platform's back, and what the API said about each."""
    data = tmp_path_factory.mktemp("audit")
    found = {}
    with embedded_api(data, PASSWORD) as admin:
        admin.create_catalogue()
        admin.create_user("clerk1", "clerk1-password", ["clerk"], window="A01")
        admin.create_user("auditor", "auditor-password", ["auditor"])
        auditor = admin.as_user("auditor", "auditor-password")
        cases = {name: case_with(admin, *commands) for name, commands in (
            ("untouched", (ACCEPT, SUSPEND, RESUME)), ("altered_middle", (ACCEPT, SUSPEND, RESUME)),
            ("deleted_last", (ACCEPT, CONCLUDE)), ("altered_last", (ACCEPT, CONCLUDE)), ("appended", (ACCEPT,)))}
        found["before"] = {name: verify(auditor, case_id) for name, case_id in cases.items()}
        found["clerk"] = admin.as_user("clerk1", "clerk1-password").get(
            f"/audit/case/{cases['untouched']}/verify", expect=None).status_code
        found["unknown"] = auditor.get("/audit/case/00000000-0000-0000-0000-000000000000/verify", expect=None).status_code
        found["wrong_stream"] = auditor.get(f"/audit/item/{cases['untouched']}/verify", expect=None).status_code
        found["item_by_code"] = auditor.get("/audit/item/SPJY/verify").json()

        store = Store(data)
        store.replace(cases["altered_middle"], 2, b'"staff":"S01"', b'"staff":"S02"')
        store.delete(cases["deleted_last"], 3)
        store.replace(cases["altered_last"], 3, b'"outcome":"approved"', b'"outcome":"denied"')
        last_hash = admin.get(f"/cases/{cases['appended']}/history").json()["events"][-1]["hash"]  # public
        store.append_copy(cases["appended"], 2, last_hash)
        found["after"] = {name: verify(auditor, case_id) for name, case_id in cases.items()}
        found["cli_while_running"] = run_verify(data)
    found["cli"] = run_verify(data)
    found["cli_items"] = run_verify(data, "--stream", "item")
    found["cases"] = cases
    found["data"] = data
    return found


def run_verify(data: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([SUNLIGHT, "verify", "--data", str(data), *options], capture_output=True, text=True,
                          env={"SUNLIGHT_SECRET_KEY": SECRET_KEY, "PATH": "/usr/bin:/bin"}, timeout=120)


def test_untouched_streams_verify(tampered):
    for name, verdict in tampered["before"].items():
        assert verdict["valid"] is True and "reason" not in verdict, (name, verdict)
        assert verdict["stream"] == "case" and verdict["id"] == tampered["cases"][name]
    assert tampered["before"]["untouched"]["events"] == 4
    assert tampered["after"]["untouched"]["valid"] is True
    assert (tampered["item_by_code"]["valid"], tampered["item_by_code"]["id"]) == (True, "SPJY")


def test_only_auditors_supervisors_and_admins_verify_and_unknown_streams_are_404(tampered):
    assert (tampered["clerk"], tampered["unknown"], tampered["wrong_stream"]) == (403, 404, 404)


@pytest.mark.parametrize("name, version, words", [
    ("altered_middle", 2, "altered"),
    ("deleted_last", 3, "deleted"),
    ("altered_last", 3, "altered"),
    ("appended", 3, "altered"),
])
def test_each_change_behind_the_platforms_back_is_found(tampered, name, version, words):
    verdict = tampered["after"][name]
    assert (verdict["valid"], verdict["first_broken_version"]) == (False, version), verdict
    assert words in verdict["reason"]


def test_sunlight_verify_prints_every_broken_stream(tampered):
    cli = tampered["cli"]
    assert cli.returncode == 1, cli.stderr
    broken = [line for line in cli.stdout.splitlines() if line.startswith("BROKEN")]
    cases = tampered["cases"]
    assert sorted(line.split()[2] for line in broken) == sorted(
        cases[name] for name in ("altered_middle", "deleted_last", "altered_last", "appended"))
    assert "4 broken" in cli.stdout and "Traceback" not in cli.stderr
    assert tampered["cli_items"].returncode == 0 and "0 broken" in tampered["cli_items"].stdout


def test_sunlight_verify_says_plainly_when_a_running_api_holds_the_read_models(tampered):
    cli = tampered["cli_while_running"]
    assert cli.returncode == 1 and "heads not checked" in cli.stderr and "Traceback" not in cli.stderr
    # The links and hashes are checked all the same; a deleted last event needs the head to be seen.
    assert tampered["cases"]["altered_middle"] in cli.stdout


def test_an_event_from_year_one_in_the_store_does_not_stop_a_restart(tampered):
    data, store = tampered["data"], Store(tampered["data"])
    case_id = tampered["cases"]["untouched"]
    planted = store.state(case_id, 4).replace(b"2026-", b"0001-").replace(b'"_data_":"20', b'"_data_":"00')
    store.connection.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)",
                             ("0" * 31 + "1", 1, "domain.case:Case.Resumed", planted))
    with embedded_api(data, PASSWORD) as admin:
        assert admin.get("/health").json()["status"] == "ok"
        admin.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "李强"}}, 201)
        warnings = admin.get("/warnings").json()
        assert warnings["count"] == len(warnings["items"])
        assert admin.get(f"/cases/{case_id}").json()["version"] == 4
