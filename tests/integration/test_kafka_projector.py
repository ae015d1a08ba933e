"""The Kafka projector on a real broker and a real ClickHouse server: good envelopes are projected;
a message that is not an envelope, and an envelope that cannot be projected, go to the dead-letter
topic as they came (and the latter to the dead_letters table) instead of stopping the stream."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from kafka import KafkaConsumer, KafkaProducer

from projections.projector import Projector
from projections.queries import stream_heads
from streams.consumer import TopicProjector
from streams.follower import read_envelopes
from streams.relay import ensure_topic
from tests.conftest import KAFKA_BOOTSTRAP, unique
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)
NOT_A_STRING = "InvalidRow: catalogue.code is not a valid String"


def test_broken_messages_go_to_the_dead_letter_topic_and_the_rest_is_projected(kafka_topic, clickhouse_server):
    centre = register_small_centre(make_centre(clock=lambda: NOW), at=datetime(2026, 1, 5, 9))
    envelopes = read_envelopes(centre, 0, 100)
    # Envelopes that decode but cannot be projected: a code that is not a string, and a case event
    # whose business time (year 1) cannot be converted to Beijing time.
    wrong_type = replace(envelopes[0], aggregate_id=str(uuid.uuid4()), position=101,
                         payload={**envelopes[0].payload, "code": 12})
    year_one = replace(envelopes[0], aggregate_id=str(uuid.uuid4()), position=102, stream="case",
                       type="CaseAccepted", occurred_at="0001-01-01T00:00:00+08:05:43")
    ensure_topic(KAFKA_BOOTSTRAP, kafka_topic)
    producer = KafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    producer.send(kafka_topic, key=envelopes[0].key, value=envelopes[0].to_json())
    producer.send(kafka_topic, key=b"nobody", value=b"{not an envelope")
    for envelope in [wrong_type, year_one, *envelopes[1:]]:
        producer.send(kafka_topic, key=envelope.key, value=envelope.to_json())
    producer.flush()

    projector = Projector(clickhouse_server, centre.calendar)
    projector.create_tables()
    consumer = KafkaConsumer(kafka_topic, bootstrap_servers=KAFKA_BOOTSTRAP, group_id=unique("group"),
                             enable_auto_commit=False, auto_offset_reset="earliest")
    dead_letter_topic = f"{kafka_topic}.dead-letters"
    topic_projector = TopicProjector(consumer, projector.project, producer, dead_letter_topic)
    deadline, seen = time.monotonic() + 60, 0
    while seen < len(envelopes) + 3 and time.monotonic() < deadline:
        seen += topic_projector.process_next_batch()
    consumer.close()

    assert seen == len(envelopes) + 3
    assert projector.position() == 102
    codes = clickhouse_server.query("SELECT entry_kind, code FROM catalogue FINAL ORDER BY entry_kind, code")
    assert {(row["entry_kind"], row["code"]) for row in codes} >= {("department", "D01"), ("window", "A12"),
                                                                   ("item", "P5")}
    assert stream_heads(clickhouse_server).keys() == {envelope.aggregate_id for envelope in envelopes}
    letters = clickhouse_server.query("SELECT position, aggregate_id, error FROM dead_letters FINAL ORDER BY position")
    assert letters == [{"position": 101, "aggregate_id": wrong_type.aggregate_id, "error": NOT_A_STRING},
                       {"position": 102, "aggregate_id": year_one.aggregate_id, "error": "OverflowError"}]
    dead = KafkaConsumer(dead_letter_topic, bootstrap_servers=KAFKA_BOOTSTRAP, auto_offset_reset="earliest",
                         consumer_timeout_ms=4_000)
    messages = {message.value: dict(message.headers) for message in dead}
    assert messages == {
        b"{not an envelope": {"error": b"JSONDecodeError"},
        wrong_type.to_json(): {"error": NOT_A_STRING.encode()},
        year_one.to_json(): {"error": b"OverflowError"},
    }
    dead.close()
    producer.close()


def test_a_batch_the_read_models_cannot_take_is_read_again_and_not_committed(kafka_topic):
    centre = register_small_centre(make_centre(clock=lambda: NOW), at=datetime(2026, 1, 5, 9))
    envelopes = read_envelopes(centre, 0, 100)
    ensure_topic(KAFKA_BOOTSTRAP, kafka_topic, partitions=1)
    producer = KafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    for envelope in envelopes:
        producer.send(kafka_topic, key=envelope.key, value=envelope.to_json())
    producer.flush()
    taken: list[list[int]] = []

    def project(batch):
        if not taken:
            taken.append([])
            raise ConnectionError("ClickHouse is down")
        taken.append([envelope.position for envelope in batch])
        return []

    consumer = KafkaConsumer(kafka_topic, bootstrap_servers=KAFKA_BOOTSTRAP, group_id=unique("group"),
                             enable_auto_commit=False, auto_offset_reset="earliest")
    topic_projector = TopicProjector(consumer, project, producer, f"{kafka_topic}.dead-letters")
    deadline = time.monotonic() + 60
    while len(taken) < 2 and time.monotonic() < deadline:
        try:
            topic_projector.process_next_batch()
        except ConnectionError:
            assert consumer.committed(next(iter(consumer.assignment()))) is None
    consumer.close()
    producer.close()

    positions = [envelope.position for envelope in envelopes]
    assert taken[1] and taken[1] == positions[:len(taken[1])]  # read again from the first message
