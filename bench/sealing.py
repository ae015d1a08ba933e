"""What sealing personal data and the keyed hash chain cost, side by side in one run.

  command path   case lifecycles (submit, accept, conclude) through the domain on a SQLite store:
                 before = applicant in clear + unkeyed SHA-256 chain (the skeleton),
                 after  = applicant sealed with AES-GCM under a per-applicant key + HMAC-SHA256 chain
  rebuild        the same two stores replayed into chDB
  verify         every stream's chain recomputed from the store (`sunlight verify`, links and hashes)

Usage: .venv/bin/python bench/sealing.py [--cases 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.keys import Keys  # noqa: E402
from api.processes import rebuild  # noqa: E402
from api.vault import SqliteKeyStore, Vault  # noqa: E402
from api.verification import follow_chains  # noqa: E402
from domain.application import ServiceCentre  # noqa: E402
from domain.base import Actor, HashChain  # noqa: E402
from projections.backends import ChdbClickHouse  # noqa: E402
from projections.projector import Projector  # noqa: E402
from tests.utils.cases import register_catalogue  # noqa: E402

NOW = datetime(2026, 11, 20, 2, tzinfo=timezone.utc)
CLERK = Actor("clerk", "clerk")
KEYS = Keys(b"benchmark master secret, at least 32 bytes long")


class UnkeyedChain(HashChain):
    """The skeleton's chain: SHA-256 of the canonical event, no key."""

    def hash_of(self, event) -> str:
        fields = {name: value for name, value in vars(event).items() if name != "hash"}
        text = json.dumps({"type": type(event).__qualname__, **fields}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class ClearVault:
    """The skeleton's applicant: stored as given (beside a reference, so the rest of the code runs)."""

    def seal(self, person: dict[str, str]) -> dict[str, str]:
        return {"ref": "ap_clear", "sealed": json.dumps(person, ensure_ascii=False)}


def centre(path: Path, chain: HashChain, vault) -> ServiceCentre:
    built = ServiceCentre({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
                          chain=chain, vault=vault, clock=lambda: NOW)
    register_catalogue(built)
    return built


def lifecycles_per_second(built: ServiceCentre, cases: int) -> float:
    start = datetime(2026, 3, 2, 9)
    started = time.perf_counter()
    for index in range(cases):
        at = start + timedelta(minutes=index)
        person = {"name": "王芳", "id_number": f"370202199001{index:06d}", "phone": "13812345678"}
        case = built.submit_case(item="P5", channel="window", applicant=person, actor=CLERK, at=at)
        built.accept_case(case.id, window="A01", staff="S01", actor=CLERK, at=at + timedelta(minutes=5))
        built.conclude_case(case.id, outcome="approved", actor=CLERK, at=at + timedelta(days=2))
    return 3 * cases / (time.perf_counter() - started)


def rebuild_rate(built: ServiceCentre, folder: Path) -> float:
    store = ChdbClickHouse(folder)
    started = time.perf_counter()
    events = rebuild(built, Projector(store, built.calendar))
    rate = events / (time.perf_counter() - started)
    store.close()
    return rate


def verify_rate(built: ServiceCentre) -> float:
    started = time.perf_counter()
    checks = follow_chains(built, None, lambda _: None)
    events = sum(check.events for _, check in checks.values())
    assert all(check.broken is None for _, check in checks.values())
    return events / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sunlight-sealing-"))
    before = centre(work / "before.sqlite3", UnkeyedChain(b"x" * 32), ClearVault())
    after = centre(work / "after.sqlite3", HashChain(KEYS.hash_chain),
                   Vault(SqliteKeyStore(work / "keys.sqlite3"), KEYS.applicant_keys, KEYS.person_digest))
    rows = [("commands/s (domain, SQLite)", lifecycles_per_second(before, options.cases),
             lifecycles_per_second(after, options.cases)),
            ("rebuild events/s (chDB)", rebuild_rate(before, work / "chdb-before"), rebuild_rate(after, work / "chdb-after")),
            ("verify events/s (chain only)", verify_rate(before), verify_rate(after))]
    print(f"Sealing and the keyed chain ({options.cases} case lifecycles, {3 * options.cases} commands)")
    print(f"  {'':32} {'before':>12} {'after':>12} {'after/before':>13}")
    for label, plain, sealed in rows:
        print(f"  {label:32} {plain:12,.0f} {sealed:12,.0f} {sealed / plain:12.2f}x")


if __name__ == "__main__":
    main()
