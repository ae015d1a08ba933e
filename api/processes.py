"""The long-running processes of a server deployment, and rebuilds: each wired from settings."""

from __future__ import annotations

import logging
import sys
import threading

from kafka import KafkaConsumer, KafkaProducer

from api.bootstrap import build_bounds, build_calendar, build_centre, build_clickhouse
from api.settings import Settings
from domain.application import ServiceCentre
from projections.projector import Projector
from streams.consumer import TopicProjector
from streams.follower import NotificationFollower, last_position
from streams.relay import Relay, RelayPosition, ensure_topic


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


def rebuild(centre: ServiceCentre, projector: Projector, progress: bool = False, batch_size: int = 20_000) -> int:
    projector.drop_tables()
    projector.create_tables()
    total, done = last_position(centre), 0

    def report(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            filled = 30 * done // max(total, 1)
            sys.stderr.write(f"\rrebuilding [{'#' * filled}{' ' * (30 - filled)}] {done}/{total} events")
            sys.stderr.flush()

    written = NotificationFollower(centre, projector.project, 0, batch_size=batch_size).catch_up(report)
    if progress:
        sys.stderr.write("\n")
    return written
