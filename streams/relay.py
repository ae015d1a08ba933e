"""Server mode: publish the event store's notification log to Kafka, keyed by aggregate id.

At least once: the position is saved in PostgreSQL only after Kafka acknowledged the batch,
so a relay killed mid-batch resends it; consumers are idempotent on (aggregate_id, version)."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict

import orjson
import psycopg
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.follower import read_log

log = logging.getLogger("sunlight.relay")
PARTITIONS = 4


class RelayPosition:
    """How far the relay has published, kept beside the events it publishes."""

    def __init__(self, dsn: str, topic: str) -> None:
        self.dsn, self.topic = dsn, topic
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS sunlight_relay_positions "
                               "(topic text PRIMARY KEY, position bigint NOT NULL)")

    def load(self) -> int:
        with psycopg.connect(self.dsn) as connection:
            row = connection.execute("SELECT position FROM sunlight_relay_positions WHERE topic = %s",
                                     (self.topic,)).fetchone()
        return row[0] if row else 0

    def save(self, position: int) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            connection.execute(
                "INSERT INTO sunlight_relay_positions (topic, position) VALUES (%s, %s) "
                "ON CONFLICT (topic) DO UPDATE SET position = EXCLUDED.position", (self.topic, position))


def ensure_topic(bootstrap: str, topic: str, partitions: int = PARTITIONS) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="sunlight-admin")
    try:
        if topic not in admin.list_topics():
            admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


class Relay:
    def __init__(self, centre, producer: KafkaProducer, topic: str, position: RelayPosition,
                 batch_size: int = 2000, interval: float = 0.2) -> None:
        self.centre, self.producer, self.topic, self.position = centre, producer, topic, position
        self.batch_size, self.interval = batch_size, interval

    def publish_next_batch(self, after: int) -> int:
        """Publish the envelopes after `after`, and what cannot be read to the dead-letter topic;
        returns the new position (unchanged if the log had nothing new)."""
        batch = read_log(self.centre, after, self.batch_size)
        for envelope in batch.envelopes:
            self.producer.send(self.topic, key=envelope.key, value=envelope.to_json())
        for item in batch.unreadable:
            log.error("the stored event at position %d (%s %s version %d, %s) cannot be read: %s; sent to %s",
                      item.position, item.stream, item.aggregate_id, item.version, item.event_type, item.error,
                      self.dead_letter_topic)
            self.producer.send(self.dead_letter_topic, key=item.aggregate_id.encode(), value=orjson.dumps(asdict(item)))
        if not batch.size:
            return after
        self.producer.flush()
        self.position.save(batch.last_position)
        return batch.last_position

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic}.dead-letters"

    def run(self, stop: threading.Event) -> None:
        published = self.position.load()
        log.info("relay starting after position %d", published)
        while not stop.is_set():
            newer = self.publish_next_batch(published)
            if newer == published:
                stop.wait(self.interval)
            published = newer
