"""Server mode: consume the topic as a consumer group and project into ClickHouse.

Offsets are committed only after the batch is in ClickHouse, so a projector killed mid-batch
re-reads it; the read models replace a re-delivered event instead of counting it twice.

A message that is not an envelope, and an envelope the projector sets aside, are copied as they
came to the dead-letter topic (with the error's type in an `error` header) and logged; the stream
goes on. When the read models cannot take a batch at all, it is read again after a pause."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kafka import KafkaConsumer, KafkaProducer

from streams.envelope import Envelope

log = logging.getLogger("sunlight.projector")


def decode(records: list[Any]) -> tuple[list[tuple[Any, Envelope]], list[tuple[Any, str]]]:
    """(record, envelope) pairs, and the records that are not envelopes with the error's type."""
    envelopes, broken = [], []
    for record in records:
        try:
            envelopes.append((record, Envelope.from_json(record.value)))
        except (ValueError, TypeError) as error:
            broken.append((record, type(error).__name__))
    return envelopes, broken


class TopicProjector:
    """`project(envelopes)` writes a batch (Projector.project) and returns the (envelope, error)
    pairs it set aside; it raises only when the read models cannot take the batch."""

    def __init__(self, consumer: KafkaConsumer, project, dead_letters: KafkaProducer, dead_letter_topic: str,
                 max_records: int = 5000, retry_interval: float = 1.0) -> None:
        self.consumer, self.project = consumer, project
        self.dead_letters, self.dead_letter_topic = dead_letters, dead_letter_topic
        self.max_records, self.retry_interval = max_records, retry_interval

    def process_next_batch(self) -> int:
        """Project the next batch and commit it; returns how many messages it took."""
        batches = self.consumer.poll(timeout_ms=500, max_records=self.max_records)
        records = [record for partition in batches.values() for record in partition]
        if not records:
            return 0
        try:
            self._project(records)
        except Exception:
            self._rewind(batches)
            raise
        self.consumer.commit()
        return len(records)

    def _project(self, records: list[Any]) -> None:
        decoded, broken = decode(records)
        record_of = {id(envelope): record for record, envelope in decoded}
        rejected = self.project([envelope for _, envelope in decoded])
        for record, error in broken:
            log.error("the message at %s[%d]@%d is not an envelope (%s): sent to %s", record.topic,
                      record.partition, record.offset, error, self.dead_letter_topic)
            self._send_dead_letter(record, error)
        for envelope, error in rejected:
            self._send_dead_letter(record_of[id(envelope)], error)
        self.dead_letters.flush()

    def _send_dead_letter(self, record: Any, error: str) -> None:
        self.dead_letters.send(self.dead_letter_topic, key=record.key, value=record.value,
                               headers=[("error", error.encode())])

    def _rewind(self, batches: dict) -> None:
        """Seek back to the start of the batch, so the next poll reads it again."""
        assigned = self.consumer.assignment()
        for partition, records in batches.items():
            if partition in assigned:
                self.consumer.seek(partition, records[0].offset)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.process_next_batch()
            except Exception as error:  # the read models or Kafka are down; the batch is kept
                log.warning("could not project the next batch (%s); retrying", type(error).__name__)
                stop.wait(self.retry_interval)
