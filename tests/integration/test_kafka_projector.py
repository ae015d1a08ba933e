"""The Kafka projector on a real broker and a real ClickHouse server: good envelopes are projected,
a message that is not an envelope goes to the dead-letter topic instead of stopping the stream."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from kafka import KafkaConsumer, KafkaProducer

from domain.application import ServiceCentre
from projections.projector import Projector
from streams.consumer import TopicProjector
from streams.follower import read_envelopes
from streams.relay import ensure_topic
from tests.conftest import KAFKA_BOOTSTRAP, unique
from tests.utils.catalogue import register_small_centre

NOW = datetime(2026, 3, 2, 2, tzinfo=timezone.utc)


def test_a_broken_message_goes_to_the_dead_letter_topic_and_the_rest_is_projected(kafka_topic, clickhouse_server):
    centre = register_small_centre(ServiceCentre({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: NOW),
                                   at=datetime(2026, 1, 5, 9))
    envelopes = read_envelopes(centre, 0, 100)
    ensure_topic(KAFKA_BOOTSTRAP, kafka_topic)
    producer = KafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    producer.send(kafka_topic, key=envelopes[0].key, value=envelopes[0].to_json())
    producer.send(kafka_topic, key=b"nobody", value=b"{not an envelope")
    for envelope in envelopes[1:]:
        producer.send(kafka_topic, key=envelope.key, value=envelope.to_json())
    producer.flush()

    projector = Projector(clickhouse_server, centre.calendar)
    projector.create_tables()
    consumer = KafkaConsumer(kafka_topic, bootstrap_servers=KAFKA_BOOTSTRAP, group_id=unique("group"),
                             enable_auto_commit=False, auto_offset_reset="earliest")
    dead_letter_topic = f"{kafka_topic}.dead-letters"
    topic_projector = TopicProjector(consumer, projector.project, producer, dead_letter_topic)
    deadline, seen = time.monotonic() + 60, 0
    while seen < len(envelopes) + 1 and time.monotonic() < deadline:
        seen += topic_projector.process_next_batch()
    consumer.close()

    assert seen == len(envelopes) + 1
    assert projector.position() == envelopes[-1].position
    codes = clickhouse_server.query("SELECT entry_kind, code FROM catalogue FINAL ORDER BY entry_kind, code")
    assert {(row["entry_kind"], row["code"]) for row in codes} >= {("department", "D01"), ("window", "A12"), ("item", "P5")}
    dead = KafkaConsumer(dead_letter_topic, bootstrap_servers=KAFKA_BOOTSTRAP, auto_offset_reset="earliest",
                         consumer_timeout_ms=4_000)
    assert [message.value for message in dead] == [b"{not an envelope"]
    dead.close()
    producer.close()
