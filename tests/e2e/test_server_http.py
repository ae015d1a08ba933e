"""End to end through HTTP on the server deployment: PostgreSQL → relay → Kafka → projector →
ClickHouse. The relay and the projector are killed (SIGKILL) and restarted mid-stream; at the
end the live read models must equal a clean rebuild from the event store."""

from __future__ import annotations

import os
import random
import subprocess
import threading
import time
from datetime import datetime, timedelta

import pytest

from api.settings import Settings
from domain.calendar import WorkingCalendar
from domain.sla import WarningPolicy
from projections.backends import ServerClickHouse
from projections.cases import case_clocks
from api.processes import rebuild_read_models
from tests.conftest import CLICKHOUSE_URL, KAFKA_BOOTSTRAP, unique
from tests.utils.api_client import Api
from tests.utils.processes import SUNLIGHT, Process, free_port, wait_for_http

PASSWORD = "server-admin-password"
CALENDAR = WorkingCalendar()
MOMENTS = [datetime(2025, 10, 9, 12), datetime(2025, 12, 1, 9), datetime(2026, 2, 25, 17), datetime(2026, 11, 1)]


@pytest.fixture
def server(tmp_path, postgres_database, clickhouse_server, kafka_topic):
    env = {
        "SUNLIGHT_ADMIN_PASSWORD": PASSWORD, "SUNLIGHT_DATA_DIR": str(tmp_path),
        "SUNLIGHT_DATABASE_URL": postgres_database, "SUNLIGHT_KAFKA_BOOTSTRAP": KAFKA_BOOTSTRAP,
        "SUNLIGHT_KAFKA_TOPIC": kafka_topic, "SUNLIGHT_KAFKA_GROUP": unique("projector"),
        "SUNLIGHT_CLICKHOUSE_URL": CLICKHOUSE_URL.rsplit("/", 1)[0] + f"/{clickhouse_server.database}",
    }
    port = free_port()
    processes = {
        "api": Process(["api", "--mode", "server", "--port", str(port)], env, tmp_path / "api.log"),
        "relay": Process(["relay"], env, tmp_path / "relay.log"),
        "project": Process(["project"], env, tmp_path / "project.log"),
    }
    processes["api"].start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", processes["api"])
        processes["relay"].start()
        processes["project"].start()
        yield Api(f"http://127.0.0.1:{port}").login("admin", PASSWORD), processes, env, clickhouse_server
    finally:
        for process in processes.values():
            process.stop()


def drive_random_case(api: Api, rng: random.Random) -> None:
    moment = datetime(2025, 9, 1, 9) + timedelta(hours=rng.randint(0, 24 * 150))
    case_id = api.new_case(rng.choice(["SPJY", "GTHS", "SBKB"]), moment.isoformat())
    moment += timedelta(minutes=rng.randint(1, 120))
    window = rng.choice(["A01", "A02"])
    api.post(f"/cases/{case_id}/accept", {"window": window, "staff": "S0" + window[-1], "at": moment.isoformat()}, 200)
    for action in rng.sample(["suspend", "conclude"], k=rng.randint(0, 2)):
        moment += timedelta(days=rng.randint(1, 9))
        if action == "suspend":
            api.post(f"/cases/{case_id}/suspend", {"reason": "supplement", "at": moment.isoformat()}, 200)
            moment += timedelta(days=rng.randint(0, 6))
            api.post(f"/cases/{case_id}/resume", {"at": moment.isoformat()}, 200)
        else:
            api.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": moment.isoformat()}, 200)
            return


def health(api: Api) -> dict:
    return api.get("/health").json()


def wait_until(condition, what: str, processes: dict, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what}\n"
                         + "\n".join(f"--- {name}\n{p.output()}" for name, p in processes.items()))


def starts(process: Process, marker: str) -> int:
    return process.log.read_text(errors="replace").count(marker)


class Load(threading.Thread):
    """Commands keep coming while processes die: cases with random histories, through HTTP."""

    def __init__(self, api: Api) -> None:
        super().__init__(daemon=True)
        self.api, self.stop, self.error = api, threading.Event(), None

    def run(self) -> None:
        rng = random.Random(7)
        try:
            for _ in range(3000):  # bounded; the test stops it long before
                if self.stop.is_set():
                    return
                drive_random_case(self.api, rng)
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error


def restart_and_see_it_work(api: Api, processes: dict, names: list[str]) -> None:
    """SIGKILL, let unpublished work pile up, restart, and wait until events flow again."""
    markers = {"relay": "relay starting after position", "project": "projecting"}
    before = {name: starts(processes[name], markers[name]) for name in names}
    for name in names:
        processes[name].kill()
    time.sleep(1.5)
    projected = health(api)["projected"]
    for name in names:
        processes[name].start()
    wait_until(lambda: all(starts(processes[name], markers[name]) > before[name] for name in names)
               and health(api)["projected"] > projected + 10, f"{names} work again", processes, timeout=60)


def test_killed_relay_and_projector_lose_nothing_and_count_nothing_twice(server):
    api, processes, env, live = server
    api.create_catalogue()
    load = Load(api)
    load.start()
    try:
        wait_until(lambda: health(api)["projected"] > 40, "the first events are projected", processes)
        restart_and_see_it_work(api, processes, ["relay"])
        restart_and_see_it_work(api, processes, ["project"])
        restart_and_see_it_work(api, processes, ["relay", "project"])
    finally:
        load.stop.set()
        load.join(60)
    assert load.error is None, load.error
    wait_until(lambda: health(api)["projected"] >= health(api)["events"], "the read models caught up", processes)
    final = health(api)
    assert final["events"] > 150
    resumed = [line for line in processes["relay"].log.read_text().splitlines() if "relay starting after position" in line]
    assert len(resumed) == 3 and all(int(line.rsplit(" ", 1)[1]) > 0 for line in resumed[1:]), resumed

    rebuilt_url = CLICKHOUSE_URL.rsplit("/", 1)[0] + f"/{unique('sunlight_rebuilt')}"
    settings = Settings(mode="server", database_url=env["SUNLIGHT_DATABASE_URL"], clickhouse_url=rebuilt_url,
                        data_dir=env["SUNLIGHT_DATA_DIR"])
    assert rebuild_read_models(settings) == final["events"]
    rebuilt = ServerClickHouse(rebuilt_url)
    try:
        identity = "SELECT case_id, version, position, event_type, hash FROM case_events FINAL ORDER BY case_id, version"
        assert live.query(identity) == rebuilt.query(identity)
        catalogue = "SELECT * FROM catalogue FINAL ORDER BY entry_kind, code"
        assert live.query(catalogue) == rebuilt.query(catalogue)
        for moment in MOMENTS:
            live_clocks = case_clocks(live, moment, WarningPolicy(), CALENDAR)
            assert live_clocks == case_clocks(rebuilt, moment, WarningPolicy(), CALENDAR)
        served = api.get("/warnings", as_of=MOMENTS[0].isoformat()).json()
        assert served["count"] == len([row for row in case_clocks(rebuilt, MOMENTS[0], WarningPolicy(), CALENDAR)
                                       if row["warning"] != "none" and row["state"] != "concluded"])
    finally:
        rebuilt.execute(f"DROP DATABASE IF EXISTS {rebuilt.database}")
        rebuilt.close()


PERSON = {"name": "欧阳明月", "id_number": "37020219900101123X", "phone": "13912345678"}


def test_personal_data_stays_sealed_and_tampering_in_postgres_is_found(server):
    import psycopg
    from kafka import KafkaConsumer

    api, processes, env, live = server
    api.create_catalogue()
    case = api.post("/cases", {"item": "SPJY", "channel": "window", "applicant": PERSON}, 201).json()
    for command, body in (("accept", {"window": "A01", "staff": "S01"}), ("conclude", {"outcome": "approved"})):
        api.post(f"/cases/{case['id']}/{command}", body, 200)
    wait_until(lambda: health(api)["projected"] >= health(api)["events"], "the read models caught up", processes)
    assert api.get(f"/cases/{case['id']}").json()["applicant"] == PERSON  # the admin serves the applicant

    # Not on the topic, not in any read-model table, not in the PostgreSQL rows: only the reference.
    consumer = KafkaConsumer(env["SUNLIGHT_KAFKA_TOPIC"], bootstrap_servers=KAFKA_BOOTSTRAP,
                             auto_offset_reset="earliest", consumer_timeout_ms=4000)
    published = b"".join(message.value for message in consumer)
    consumer.close()
    tables = [row["name"] for row in live.query(f"SELECT name FROM system.tables WHERE database = '{live.database}'")]
    projected = "".join(str(live.query(f"SELECT * FROM {table}")) for table in tables).encode()
    with psycopg.connect(env["SUNLIGHT_DATABASE_URL"]) as connection:
        stored = b"".join(bytes(row[0]) for row in connection.execute("SELECT state FROM sunlight_events"))
    for value in PERSON.values():
        for place in (published, projected, stored):
            assert value.encode() not in place and value.encode("unicode_escape") not in place, value
    assert case["applicant_ref"].encode() in published and case["applicant_ref"].encode() in stored

    # Erasure in server mode; then a deleted last event, caught by the head the read models hold apart.
    api.post(f"/applicants/{case['applicant_ref']}/erase", {}, 200)
    assert api.get(f"/cases/{case['id']}").json()["applicant"]["name"] == "[erased]"
    assert api.get(f"/audit/case/{case['id']}/verify").json() == {"stream": "case", "id": case["id"], "events": 3,
                                                                  "valid": True}
    with psycopg.connect(env["SUNLIGHT_DATABASE_URL"], autocommit=True) as connection:
        connection.execute("DELETE FROM sunlight_events WHERE originator_id = %s AND originator_version = 3",
                           (case["id"],))
    verdict = api.get(f"/audit/case/{case['id']}/verify").json()
    assert (verdict["valid"], verdict["first_broken_version"], verdict["events"]) == (False, 3, 2)
    cli = subprocess.run([SUNLIGHT, "verify", "--mode", "server"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **env})
    assert cli.returncode == 1, cli.stderr
    assert [line.split()[1:3] for line in cli.stdout.splitlines() if line.startswith("BROKEN")] == [["case", case["id"]]]

    # as_of is bounded; at its far end the read models still agree with the case itself.
    assert api.get("/warnings", expect=None, as_of="2200-01-01").status_code == 422
    open_case = api.post("/cases", {"item": "SPJY", "channel": "window", "applicant": {"name": "李强"}}, 201).json()["id"]
    api.post(f"/cases/{open_case}/accept", {"window": "A01", "staff": "S01"}, 200)
    last = "2099-12-31T23:00:00"
    listed = {item["case_id"]: item for item in api.get("/warnings", as_of=last).json()["items"]}
    itself = api.get(f"/cases/{open_case}", as_of=last).json()
    assert (listed[open_case]["remaining_workdays"], listed[open_case]["warning"]) == (
        itself["remaining_workdays"], itself["warning"]) and itself["warning"] == "red"

    # Row scope on the ClickHouse server: a clerk of window A02 neither lists nor reads A01's case.
    api.create_user("clerk_a02", "clerk-a02-password", ["clerk"], window="A02")
    clerk = api.as_user("clerk_a02", "clerk-a02-password")
    assert open_case not in {item["case_id"] for item in clerk.get("/warnings", as_of=last).json()["items"]}
    assert clerk.get(f"/cases/{open_case}", expect=None).status_code == 403


def test_a_cases_life_the_months_figures_and_findings_on_the_server(server):
    """The same hand-computed October 2025 as the embedded test, through relay, Kafka and ClickHouse 18.16:
    B (SPJY, accepted 10-09 at A02, handed to S01 for review on 10-14, concluded 10-20: 8 of 5 days, its
    first overdue day 10-16 charged to S01) and F (accepted 10-21 at A01, open: overdue on 10-29)."""
    api, processes, _, _ = server
    api.create_catalogue()
    late = api.new_case("SPJY", "2025-10-09T09:00:00")
    api.post(f"/cases/{late}/accept", {"window": "A02", "staff": "S02", "at": "2025-10-09T09:30:00"}, 200)
    api.post(f"/cases/{late}/transfer", {"staff": "S01", "stage": "review", "at": "2025-10-14T10:00:00"}, 200)
    api.post(f"/cases/{late}/conclude", {"outcome": "approved", "at": "2025-10-20T15:00:00"}, 200)
    api.post(f"/cases/{late}/deliver", {"method": "mail", "at": "2025-10-21T10:00:00"}, 200)
    open_case = api.new_case("SPJY", "2025-10-21T09:00:00")
    api.post(f"/cases/{open_case}/accept", {"window": "A01", "staff": "S01", "at": "2025-10-21T09:30:00"}, 200)
    wait_until(lambda: health(api)["projected"] >= health(api)["events"], "the read models caught up", processes)

    view = api.get(f"/cases/{late}").json()
    assert (view["state"], view["elapsed_workdays"], view["charged_to"]) == (
        "delivered", 8, {"staff": "S01", "department": "SJ", "stage": "review"})
    october = {"from": "2025-10-01", "to": "2025-10-31"}
    total = api.get("/metrics/cases", **october).json()["total"]
    assert (total["accepted"], total["concluded"], total["on_time_rate"], total["avg_elapsed_workdays"],
            total["speedup_rate"], total["overdue"]) == (2, 1, 0.0, 8.0, 0.6, 1)
    overdue = api.get("/findings", kind="overdue", **october).json()["items"]
    assert [(item["case_id"], item["date"], item["staff"]) for item in overdue] == [
        (late, "2025-10-16", "S01"), (open_case, "2025-10-29", "S01")]
    by_window = {item["key"]: item for item in api.get("/metrics/cases", by="window", **october).json()["items"]}
    assert (by_window["A02"]["concluded"], by_window["A01"]["overdue"]) == (1, 1)


def test_reviews_scores_and_complaints_on_the_server(server):
    """Issue 7 and 8 through relay, Kafka and ClickHouse 18.16: a bad review never verified, an
    inspection and a valid complaint against S01 in March 2026, read back as listings, figures,
    findings and scores."""
    api, processes, _, _ = server
    api.create_catalogue()
    api.post("/catalogue/complaint-categories", {"code": "CJ", "name": "城乡建设"}, 201)
    api.post("/catalogue/areas", {"code": "CY", "name": "城阳区", "lat": 36.31, "lon": 120.4}, 201)
    case = api.new_case("SPJY", "2026-03-02T09:00:00")
    api.post(f"/cases/{case}/accept", {"window": "A01", "staff": "S01", "at": "2026-03-02T09:30:00"}, 200)
    api.post(f"/cases/{case}/conclude", {"outcome": "approved", "at": "2026-03-03T15:00:00"}, 200)
    review = api.post("/reviews", {"case": case, "rating": 1, "channel": "pad", "at": "2026-03-04T10:00:00"}, 201).json()
    api.post("/inspections", {"window": "A01", "staff": "S01", "kind": "phone", "at": "2026-03-05T10:00:00"}, 201)
    complaint = api.post("/complaints", {"channel": "phone", "type": "complaint", "category": "CJ", "area": "CY",
                                         "content": "态度差", "subject": {"staff": "S01"},
                                         "at": "2026-03-05T11:00:00"}, 201).json()
    api.post(f"/complaints/{complaint['id']}/dispatch", {"department": "SJ", "at": "2026-03-05T11:30:00"}, 200)
    api.create_user("officer", "officer-password", ["supervisor"])
    officer = api.as_user("officer", "officer-password")
    officer.post(f"/complaints/{complaint['id']}/verify", {"valid": True, "note": "属实", "at": "2026-03-09T10:00:00"},
                 200)
    wait_until(lambda: health(api)["projected"] >= health(api)["events"], "the read models caught up", processes)

    march = {"from": "2026-03-01", "to": "2026-03-31"}
    assert [item["id"] for item in api.get("/reviews", bad="true", **march).json()["items"]] == [review["id"]]
    assert api.get("/metrics/reviews", **march).json()["total"]["bad_valid"] == 1
    unverified = api.get("/findings", kind="review_unverified", **march).json()["items"]
    assert [(item["review_id"], item["date"]) for item in unverified] == [(review["id"], "2026-03-09")]
    assert api.get("/inspections", **march).json()["items"][0]["kind"] == "phone"
    windows = {item["window"]: item for item in api.get("/scores/windows", month="2026-03").json()["items"]}
    points = {line["rule"]: line["points"] for line in windows["A01"]["lines"]}
    # entered months after their business time, the case's three events are late entries too (−1 each)
    assert points == {"bad_review": -2, "complaint": -5, "inspection.phone": -1, "late_entry": -3}
    assert windows["A01"]["score"] == 100 + sum(points.values())
    kpis = api.get("/complaints/kpis", by="department", **march).json()
    assert (kpis["total"]["received"], kpis["total"]["dispatched_within_2h"], kpis["items"][0]["key"]) == (1, 1, "SJ")
    assert api.get("/complaints", department="SJ").json()["items"][0]["id"] == complaint["id"]
    areas = api.get("/catalogue/areas").json()["items"]
    assert [(area["code"], area["lat"]) for area in areas] == [("CY", 36.31)]
