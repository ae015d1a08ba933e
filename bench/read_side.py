"""The read side at province scale: the questions a supervisor asks, timed over synthetic stores.

    .venv/bin/python bench/read_side.py [--sizes 100000 1000000 10000000] [--server-max 1000000]
    .venv/bin/python bench/read_side.py --data DIR      (a store bench/synthetic.py built: its questions only)

For each size, a synthetic store (bench/synthetic.py) is built on chDB and, up to --server-max
cases, on the ClickHouse server; then each question is asked --repeat times and the median is
printed, with its growth per 10x more cases. Targets on this 2-core machine (issue 6): at 10M
cases, questions about now and about one month under 1 s, as of a past moment under 10 s.
Figures, never assertions: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import build  # noqa: E402
from domain.calendar import WorkingCalendar  # noqa: E402
from domain.clock import SHANGHAI  # noqa: E402
from domain.sla import WarningPolicy  # noqa: E402
from domain.metrics import period_as_of  # noqa: E402
from domain.scheme import load_default_scheme  # noqa: E402
from domain.scoring import score_subjects, talks_required  # noqa: E402
from projections import cases  # noqa: E402
from projections.complaints import complaint_counts_by, complaint_findings_in, hotspots_of  # noqa: E402
from projections.findings import findings  # noqa: E402
from projections.reviews import review_findings  # noqa: E402
from projections.metrics import case_counts_by  # noqa: E402
from projections.scores import month_subjects, months_overdue  # noqa: E402
from projections.backends import ChdbClickHouse, ServerClickHouse  # noqa: E402

CALENDAR, POLICY = WorkingCalendar(), WarningPolicy()
SCHEME = load_default_scheme()


def scored(store, subject: str, first, now: datetime) -> list:
    """What GET /scores/windows (or /assessments/staff) of a live month does: the month's inputs, then the
    scores; for windows, when some fail, the month before too (约谈: fail two months running), whose overdue
    findings were found with the month's (api.monthly_scores.Board)."""
    before = (first - timedelta(days=1)).replace(day=1)
    overdue = months_overdue(store, months=[first, before] if subject == "window" else [first], as_of=now)
    inputs = month_subjects(store, month=first, as_of=now, subjects=(subject,), overdue=overdue[0])
    scores = score_subjects(SCHEME, subject, inputs[subject])
    if subject == "window" and any(score.grade == "fail" for score in scores):
        previous = month_subjects(store, month=before, as_of=now, subjects=(subject,), ranking=False,
                                  overdue=overdue[1])
        talks_required(score_subjects(SCHEME, subject, previous[subject]), scores)
    return scores


def questions(now: datetime) -> dict:
    year_ago = now - timedelta(days=365)
    last = now.date().replace(day=1) - timedelta(days=1)  # the last full month
    first = last.replace(day=1)
    quarter_first = (first - timedelta(days=62)).replace(day=1)  # the last three full months
    month_end = period_as_of(last, now)
    return {
        "/warnings now": lambda store: cases.warnings(store, now, POLICY, CALENDAR, limit=100),
        "/warnings a year ago": lambda store: cases.warnings(store, year_ago, POLICY, CALENDAR, limit=100),
        "/metrics/cases month by window": lambda store: case_counts_by(
            store, first=first, last=last, as_of=month_end, policy=POLICY, by="window"),
        "/findings month": lambda store: findings(store, first=first, last=last, as_of=month_end),
        "/findings month, every kind but talks": lambda store: (
            findings(store, first=first, last=last, as_of=month_end)
            + review_findings(store, first=first, last=last, as_of=month_end, verify_days=2)
            + complaint_findings_in(store, first=first, last=last, as_of=month_end)),
        "/scores/windows month": lambda store: scored(store, "window", first, now),
        "/assessments/staff month": lambda store: scored(store, "staff", first, now),
        "/complaints/kpis month by department": lambda store: complaint_counts_by(
            store, first=first, last=last, as_of=month_end, by="department"),
        "/complaints/hotspots quarter by category": lambda store: hotspots_of(
            store, by="category", level=2, first=quarter_first, last=last, period="week", top=10, as_of=month_end),
    }


def median_seconds(ask, store, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        ask(store)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(store, size: int, now: datetime, repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    build(store, size, now.date())
    print(f"    built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return {name: median_seconds(ask, store, repeat) for name, ask in questions(now).items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--server-max", type=int, default=1_000_000)
    parser.add_argument("--clickhouse", default="clickhouse://127.0.0.1:9000/sunlight_read_bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="time the questions on this store (bench/synthetic.py --data) only")
    options = parser.parse_args()
    now = datetime.combine(datetime.now(SHANGHAI).date(), clock_time(17, 0), SHANGHAI)
    if options.data:
        store = ChdbClickHouse(options.data / "chdb")
        size = store.query("SELECT count() AS cases FROM case_state")[0]["cases"]
        report({("chDB", size): {name: median_seconds(ask, store, options.repeat)
                                 for name, ask in questions(now).items()}}, [size])
        return
    work = Path(tempfile.mkdtemp(prefix="sunlight-read-"))
    results: dict[tuple[str, int], dict[str, float]] = {}
    chdb = ChdbClickHouse(work / "chdb")  # one chDB session per process
    for size in options.sizes:
        print(f"  chDB, {size:,} cases", file=sys.stderr)
        results[("chDB", size)] = measure(chdb, size, now, options.repeat)
        if size <= options.server_max:
            print(f"  ClickHouse server, {size:,} cases", file=sys.stderr)
            server = ServerClickHouse(options.clickhouse)
            results[("server", size)] = measure(server, size, now, options.repeat)
            server.execute(f"DROP DATABASE IF EXISTS {server.database}")
            server.close()
    report(results, options.sizes)


def report(results: dict[tuple[str, int], dict[str, float]], sizes: list[int]) -> None:
    names = list(next(iter(results.values())))
    print("Read side: median seconds per question (growth per 10x cases)")
    for backend in ("chDB", "server"):
        for name in names:
            cells, previous = [], None
            for size in sizes:
                figures = results.get((backend, size))
                if figures is None:
                    cells.append(f"{'-':>16}")
                    continue
                growth = f" ({figures[name] / previous:4.1f}x)" if previous else " " * 8
                cells.append(f"{figures[name]:8.3f}{growth}")
                previous = figures[name]
            print(f"  {backend:7} {name:32} " + "  ".join(cells))
    print("  sizes: " + ", ".join(f"{size:,}" for size in sizes))


if __name__ == "__main__":
    main()
