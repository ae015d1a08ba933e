"""Server mode: consume the topic as a consumer group and project into ClickHouse.

Offsets are committed only after the batch is in ClickHouse, so a projector killed mid-batch
re-reads it; the read models replace a re-delivered event instead of counting it twice."""

from __future__ import annotations

import logging
import threading

from kafka import KafkaConsumer, KafkaProducer

from streams.envelope import Envelope

log = logging.getLogger("sunlight.projector")


def decode(records) -> tuple[list[Envelope], list]:
    """Envelopes, and the records that are not envelopes (sent to the dead-letter topic)."""
    envelopes, broken = [], []
    for record in records:
        try:
            envelopes.append(Envelope.from_json(record.value))
        except (ValueError, TypeError):
            broken.append(record)
    return envelopes, broken


class TopicProjector:
    def __init__(self, consumer: KafkaConsumer, project, dead_letters: KafkaProducer, dead_letter_topic: str,
                 max_records: int = 5000) -> None:
        self.consumer, self.project = consumer, project
        self.dead_letters, self.dead_letter_topic = dead_letters, dead_letter_topic
        self.max_records = max_records

    def process_next_batch(self) -> int:
        batches = self.consumer.poll(timeout_ms=500, max_records=self.max_records)
        records = [record for partition in batches.values() for record in partition]
        if not records:
            return 0
        envelopes, broken = decode(records)
        self.project(envelopes)
        for record in broken:
            log.error("not an envelope at %s[%d]@%d: sent to %s", record.topic, record.partition, record.offset,
                      self.dead_letter_topic)
            self.dead_letters.send(self.dead_letter_topic, key=record.key, value=record.value)
        if broken:
            self.dead_letters.flush()
        self.consumer.commit()
        return len(records)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.process_next_batch()
