"""`sunlight verify`: every stream of the event store checked against the keyed hash chain and,
where the read models can be opened, against the heads held apart there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from api.bootstrap import build_centre, build_clickhouse, build_keys
from api.settings import Settings
from domain.application import ServiceCentre
from domain.audit import ChainCheck, Head, Verdict
from projections import queries
from streams.envelope import stream_of

BATCH = 5000


@dataclass(frozen=True)
class StreamVerdict:
    stream: str
    aggregate_id: str
    verdict: Verdict


@dataclass(frozen=True)
class Report:
    streams: int
    events: int
    broken: list[StreamVerdict]
    heads_checked: bool
    heads_problem: str | None = None


def open_store(settings: Settings) -> ServiceCentre:
    """The event store, with the chain key to recompute every hash."""
    return build_centre(settings, build_keys(settings))


def verify_store(settings: Settings, centre: ServiceCentre, stream: str | None = None,
                 progress: Callable[[int], Any] = lambda _: None) -> Report:
    checks = follow_chains(centre, stream, progress)
    heads, problem = read_heads(settings, stream)
    return judge(checks, heads, problem)


def follow_chains(centre: ServiceCentre, stream: str | None,
                  progress: Callable[[int], Any]) -> dict[str, tuple[str, ChainCheck]]:
    """One pass over the log, in order, following every stream's chain (memory: one check per stream)."""
    checks: dict[str, tuple[str, ChainCheck]] = {}
    for batch in notification_batches(centre):
        for notification in batch:
            name = stream_of(notification.topic.partition(":")[2].split(".")[0])
            if stream is None or name == stream:
                key = str(notification.originator_id)
                checks.setdefault(key, (name, ChainCheck(centre.required_chain())))[1].add(
                    centre.decoded(notification))
        progress(len(batch))
    return checks


def notification_batches(centre: ServiceCentre) -> Iterator[list]:
    after = 0
    while batch := centre.recorder.select_notifications(start=after + 1, limit=BATCH):
        yield batch
        after = batch[-1].id


def read_heads(settings: Settings, stream: str | None) -> tuple[dict[str, dict] | None, str | None]:
    """The heads held apart, or why they cannot be read (embedded: a running API holds the read models)."""
    try:
        clickhouse = build_clickhouse(settings)
    except Exception as error:  # chDB refuses a second process; a server may be down
        return None, f"the read models cannot be opened ({type(error).__name__}: {error})"
    try:
        return queries.stream_heads(clickhouse, stream), None
    except Exception as error:
        return None, f"the read models cannot answer ({type(error).__name__}: {error})"
    finally:
        clickhouse.close()


def judge(checks: dict[str, tuple[str, ChainCheck]], heads: dict[str, dict] | None, problem: str | None) -> Report:
    broken, events = [], 0
    for aggregate_id, (name, check) in checks.items():
        events += check.events
        if heads is None:
            verdict = check.chain_verdict()
        else:
            found = heads.get(aggregate_id)
            verdict = check.verdict(Head(found["version"], found["hash"]) if found else None)
        if not verdict.valid:
            broken.append(StreamVerdict(name, aggregate_id, verdict))
    return Report(len(checks), events, broken, heads is not None, problem)

