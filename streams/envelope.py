"""The one wire format of Sunlight events: what the relay publishes and every projector reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import orjson

from domain.clock import beijing

SCHEMA_VERSION = 1
STREAMS = ("case", "department", "hall", "window", "staff", "item", "review", "inspection", "commendation", "card",
           "scheme_book", "assessment", "complaint", "complaint_category", "area")
# Aggregate classes whose stream name is not their class name in lower case.
STREAM_NAMES = {"ServiceItem": "item", "SchemeBook": "scheme_book", "ComplaintCategory": "complaint_category"}
ENVELOPE_FIELDS_OF_EVENT = {
    "originator_id", "originator_version", "originator_topic", "timestamp", "occurred_at", "actor", "previous_hash",
    "hash",
}


@dataclass(frozen=True)
class Envelope:
    type: str                # "CaseAccepted": aggregate class + past-tense event class
    schema_version: int
    stream: str              # one of STREAMS: "case", "window", "review", "scheme_book", …
    aggregate_id: str        # UUID; also the Kafka message key
    version: int             # 1, 2, … within the aggregate's stream
    position: int            # the event's place in the store's notification log
    occurred_at: str         # business time, ISO 8601 with +08:00
    recorded_at: str         # record time, ISO 8601 UTC
    actor: dict[str, str]    # {"user": …, "role": …}
    payload: dict[str, Any]  # the event's own fields; a sealed person becomes `<field>_ref` only
    hash: str                # keyed hash (HMAC-SHA256) of this event as stored
    previous_hash: str       # hash of the previous event of this stream ("0"*64 for the first)

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, data: bytes) -> Envelope:
        return cls(**orjson.loads(data))

    @property
    def key(self) -> bytes:
        return self.aggregate_id.encode()


def envelope_of(event: Any, position: int) -> Envelope:
    """Wrap a domain event read from the store's notification log at `position`."""
    aggregate_name, event_name = type(event).__qualname__.split(".")[-2:]
    aggregate_class = type(event).__qualname__.split(".")[0]
    return Envelope(
        type=f"{aggregate_name}{event_name}",
        schema_version=SCHEMA_VERSION,
        stream=stream_of(aggregate_class),
        aggregate_id=str(event.originator_id),
        version=event.originator_version,
        position=position,
        occurred_at=beijing(event.occurred_at).isoformat(),
        recorded_at=event.timestamp.isoformat(),
        actor=dict(event.actor),
        payload=payload_of(event),
        hash=event.hash,
        previous_hash=event.previous_hash,
    )


def payload_of(event: Any) -> dict[str, Any]:
    """The event's own fields; personal data leaves the event store as its opaque reference only: a
    sealed applicant becomes `applicant_ref`, a review's sealed comment (a citizen's free text) `comment_ref`,
    a complaint's sealed citizen (name, phone and what they said) `citizen_ref`."""
    payload: dict[str, Any] = {}
    for name, value in vars(event).items():
        if name in ENVELOPE_FIELDS_OF_EVENT:
            continue
        if is_sealed_person(value):
            payload[f"{name}_ref"] = value["ref"]
        else:
            payload[name] = _plain(value)
    return payload


def is_sealed_person(value: Any) -> bool:
    return isinstance(value, dict) and "sealed" in value and "ref" in value


def stream_of(aggregate_class: str) -> str:
    return STREAM_NAMES.get(aggregate_class, aggregate_class.lower())


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
