"""Sunlight benchmarks: first figures, printed side by side from one run (never asserted in tests).

  commands/s through the API   embedded `sunlight api` over HTTP, one client, then four in parallel
  rebuild events/s             the same SQLite event store, of each size, rebuilt into chDB in bulk (the
                               embedded rebuild: projections.replay) and event by event (the projector's
                               own path, as in issue 5), and into the ClickHouse server event by event

Usage: .venv/bin/python bench/run.py [--cases 3000 30000] [--commands 600]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.application import ServiceCentre  # noqa: E402
from projections.backends import ChdbClickHouse, ServerClickHouse  # noqa: E402
from projections.projector import Projector  # noqa: E402
from api.processes import rebuild  # noqa: E402
from tests.utils.api_client import Api  # noqa: E402
from tests.utils.cases import random_case, random_moment, register_catalogue  # noqa: E402
from tests.utils.centre import make_centre  # noqa: E402
from tests.utils.processes import Process, free_port, wait_for_http  # noqa: E402


def commands_per_second(workdir: Path, commands: int, clients: int) -> float:
    port = free_port()
    process = Process(["api", "--data", str(workdir / f"api{clients}"), "--port", str(port)],
                      {"SUNLIGHT_ADMIN_PASSWORD": "bench-password"}, workdir / f"api{clients}.log").start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process)
        admin = Api(f"http://127.0.0.1:{port}").login("admin", "bench-password")
        admin.create_catalogue()

        signed_in = threading.local()  # one sign-in per client: argon2 is slow by design

        def lifecycle(index: int) -> int:
            if not hasattr(signed_in, "api"):
                signed_in.api = Api(f"http://127.0.0.1:{port}").login("admin", "bench-password")
            api = signed_in.api
            case_id = api.new_case("SPJY", "2026-03-02T09:00:00")
            api.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01", "at": "2026-03-02T09:30:00"}, 200)
            api.post(f"/cases/{case_id}/conclude", {"outcome": "approved", "at": "2026-03-05T10:00:00"}, 200)
            return 3

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            done = sum(pool.map(lifecycle, range(commands // 3)))
        return done / (time.perf_counter() - started)
    finally:
        process.stop()


def seeded_store(path: Path, cases: int) -> ServiceCentre:
    centre = make_centre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
                         clock=lambda: datetime(2026, 11, 20, tzinfo=timezone.utc))
    register_catalogue(centre)
    rng = random.Random(1)
    for index in range(cases):
        random_case(centre, rng, random_moment(rng, datetime(2025, 9, 1), datetime(2026, 9, 1)))
        if index % 500 == 0:
            print(f"\r  seeding store: {index}/{cases} cases", end="", file=sys.stderr)
    print(file=sys.stderr)
    return centre


def rebuild_rate(centre: ServiceCentre, store, bulk: bool) -> tuple[int, float]:
    projector = Projector(store, centre.calendar)  # the calendar's ordinals: made once per process, not timed
    started = time.perf_counter()
    events = rebuild(centre, projector, bulk=bulk)
    return events, events / (time.perf_counter() - started)


BEFORE = 11_000  # the chDB rebuild rate measured for issue 5, the baseline issue 6 sets its target by


def rebuild_rates(workdir: Path, cases: int, clickhouse: str) -> None:
    centre = seeded_store(workdir / f"events-{cases}.sqlite3", cases)
    chdb = ChdbClickHouse(workdir / "chdb", database=f"bench_{cases}")
    events, bulk = rebuild_rate(centre, chdb, bulk=True)
    _, by_event = rebuild_rate(centre, chdb, bulk=False)
    server = ServerClickHouse(clickhouse)
    _, on_server = rebuild_rate(centre, server, bulk=False)
    server.execute(f"DROP DATABASE IF EXISTS {server.database}")
    print(f"  {cases:,} cases, {events:,} events")
    print(f"    chDB in bulk                    {bulk:10,.0f} events/s   ({bulk / BEFORE:.1f}x the {BEFORE:,} events/s "
          f"of issue 5, target {5 * BEFORE:,}; {bulk / by_event:.1f}x event by event)")
    print(f"    chDB event by event             {by_event:10,.0f} events/s")
    print(f"    ClickHouse server event by event{on_server:10,.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--commands", type=int, default=600)
    parser.add_argument("--clickhouse", default="clickhouse://127.0.0.1:9000/sunlight_bench")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))

    print("API commands through HTTP (embedded: SQLite + chDB)")
    single = commands_per_second(workdir, options.commands, 1)
    parallel = commands_per_second(workdir, options.commands, 4)
    print(f"  1 client   {single:8.1f} commands/s")
    print(f"  4 clients  {parallel:8.1f} commands/s   ({parallel / single:.2f}x one client)")

    print("Projection rebuild from one SQLite store of random cases")
    for cases in options.cases:
        rebuild_rates(workdir, cases, options.clickhouse)


if __name__ == "__main__":
    main()
