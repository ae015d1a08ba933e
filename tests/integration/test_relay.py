"""The relay on a real broker: good events go to the topic, an event that cannot be read goes to the
dead-letter topic (where it is, and the error's type — never its payload), and the position moves
past it, so a bad last event is not read again and again."""

from __future__ import annotations

import orjson
from kafka import KafkaConsumer, KafkaProducer

from streams.relay import Relay, RelayPosition, ensure_topic
from streams.follower import last_position
from tests.conftest import KAFKA_BOOTSTRAP
from tests.integration.test_dead_letters import EXPECTED_ERRORS, PERSONAL, store_with_bad_events


def messages(topic: str) -> list:
    consumer = KafkaConsumer(topic, bootstrap_servers=KAFKA_BOOTSTRAP, auto_offset_reset="earliest",
                             consumer_timeout_ms=4000)
    found = list(consumer)
    consumer.close()
    return found


def test_unreadable_events_go_to_the_dead_letter_topic_and_the_relay_moves_on(tmp_path, kafka_topic,
                                                                              postgres_database):
    centre, bad = store_with_bad_events(tmp_path / "events.sqlite3")
    ensure_topic(KAFKA_BOOTSTRAP, kafka_topic)
    producer = KafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    position = RelayPosition(postgres_database, kafka_topic)
    relay = Relay(centre, producer, kafka_topic, position)

    published = relay.publish_next_batch(0)
    assert published == last_position(centre) == position.load()
    assert relay.publish_next_batch(published) == published  # nothing is read twice
    producer.close()

    # The third bad event is readable (its row does not fit the read models): the projector sets it aside.
    unreadable = bad[:2]
    assert len(messages(kafka_topic)) == last_position(centre) - len(unreadable)
    dead_messages = messages(f"{kafka_topic}.dead-letters")
    dead = [orjson.loads(message.value) for message in dead_messages]
    # keyed by aggregate id, the letters may land in different partitions: their order across them is not kept
    by_position = sorted(dead, key=lambda letter: letter["position"])
    assert [(letter["position"], letter["aggregate_id"]) for letter in by_position] == unreadable
    assert [letter["error"] for letter in by_position] == EXPECTED_ERRORS[:2]
    assert all(PERSONAL.encode() not in message.value for message in dead_messages)
