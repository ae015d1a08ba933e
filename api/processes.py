"""The long-running processes of a server deployment, and rebuilds: each wired from settings."""

from __future__ import annotations

import logging
import sys
import threading

from kafka import KafkaConsumer, KafkaProducer

from api.bootstrap import build_bounds, build_calendar, build_centre, build_clickhouse
from api.replay import replay, replayable
from api.settings import Settings
from domain.application import ServiceCentre
from projections.backends import ReadModelUnavailable
from projections.projector import Projector
from streams.consumer import TopicProjector
from streams.follower import NotificationFollower, last_position
from streams.relay import Relay, RelayPosition, ensure_topic

log = logging.getLogger("sunlight.rebuild")


def run_relay(settings: Settings, stop: threading.Event | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ensure_topic(settings.kafka_bootstrap, settings.kafka_topic)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5,
                             enable_idempotence=True, client_id="sunlight-relay")
    relay = Relay(build_centre(settings), producer, settings.kafka_topic,
                  RelayPosition(settings.database_url, settings.kafka_topic))
    try:
        relay.run(stop or threading.Event())
    finally:
        producer.close()


def run_projector(settings: Settings, stop: threading.Event | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    projector = Projector(build_clickhouse(settings), build_calendar(settings), build_bounds(settings))
    projector.create_tables()
    ensure_topic(settings.kafka_bootstrap, settings.kafka_topic)
    consumer = KafkaConsumer(settings.kafka_topic, bootstrap_servers=settings.kafka_bootstrap,
                             group_id=settings.kafka_group, enable_auto_commit=False,
                             auto_offset_reset="earliest", client_id="sunlight-projector",
                             session_timeout_ms=6000, heartbeat_interval_ms=2000)
    dead_letters = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    logging.getLogger("sunlight.projector").info("projecting %s into %s", settings.kafka_topic,
                                                 settings.clickhouse_url)
    try:
        TopicProjector(consumer, projector.project, dead_letters, f"{settings.kafka_topic}.dead-letters").run(
            stop or threading.Event())
    finally:
        consumer.close()
        dead_letters.close()


def rebuild_read_models(settings: Settings, progress: bool = False) -> int:
    """Drop the read models and replay the whole event store into them."""
    centre = build_centre(settings)
    clickhouse = build_clickhouse(settings)
    try:
        return rebuild(centre, Projector(clickhouse, centre.calendar, centre.bounds), progress=progress)
    finally:
        clickhouse.close()


def rebuild(centre: ServiceCentre, projector: Projector, progress: bool = False, batch_size: int = 20_000,
            bulk: bool = True) -> int:
    """Drop the read models and replay the whole store into them: in bulk where chDB can read the SQLite
    store itself (projections.replay), event by event otherwise or without `bulk`."""
    projector.reset()
    bar = ProgressBar(last_position(centre), shown=progress)
    written = replay_or_follow(centre, projector, bar, batch_size, bulk)
    bar.close()
    return written


class ProgressBar:
    """Events replayed so far, on stderr."""

    def __init__(self, total: int, shown: bool) -> None:
        self.total, self.shown, self.done = total, shown, 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.shown:
            filled = 30 * self.done // max(self.total, 1)
            sys.stderr.write(f"\rrebuilding [{'#' * filled}{' ' * (30 - filled)}] {self.done}/{self.total} events")
            sys.stderr.flush()

    def restart(self) -> None:
        self.done = 0

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def replay_or_follow(centre: ServiceCentre, projector: Projector, report: ProgressBar, batch_size: int,
                     bulk: bool) -> int:
    """Replay a SQLite store into chDB in bulk where it can be; otherwise, or if the bulk replay fails,
    follow the log event by event into the empty read models."""
    store = replayable(centre, projector.clickhouse) if bulk else None
    if store is not None:
        try:
            return replay(centre, projector, store, report, batch_size)
        except ReadModelUnavailable:
            raise
        except Exception as error:  # the projector's path sets aside whatever the bulk replay could not take
            log.warning("the bulk replay failed (%s); replaying event by event", type(error).__name__)
            projector.reset()
            report.restart()
    return NotificationFollower(centre, projector.project, 0, batch_size=batch_size).catch_up(report)
