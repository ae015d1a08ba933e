"""Stored events straight to envelopes, without building domain events: the rebuild's fast path.

`envelope_of(mapper.to_domain_event(stored), position)` is the definition. For the events Sunlight
stores (plain JSON, datetimes as `{"_type_": "datetime_iso", …}` at the top level, no upcasting,
no cipher) the envelope can be read off the JSON directly, several times faster; any stored event
outside that shape takes the definition's path, so both give the same envelope
(tests/unit/test_stored_envelopes.py holds them equal, event type by event type)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.utils import resolve_topic

from streams.envelope import ENVELOPE_FIELDS_OF_EVENT, SCHEMA_VERSION, Envelope, envelope_of, is_sealed_person, stream_of

BEIJING_OFFSET = "+08:00"
TYPE_MARK = b'"_type_":'


class StoredEnvelopes:
    """Turns a mapper's stored events into envelopes."""

    def __init__(self, mapper: Mapper) -> None:
        self.mapper = mapper
        # Ciphered or compressed state, or another transcoder, is read the defining way only.
        self.direct = (mapper.cipher is None and mapper.compressor is None
                       and type(mapper.transcoder) is JSONTranscoder)

    def envelope(self, stored: Any, position: int) -> Envelope:
        if self.direct:
            envelope = direct_envelope(stored, position)
            if envelope is not None:
                return envelope
        return envelope_of(self.mapper.to_domain_event(stored), position)


def direct_envelope(stored: Any, position: int) -> Envelope | None:
    """The envelope read off the stored JSON, or None where only the domain event can say."""
    names = event_names(stored.topic)
    if names is None:
        return None
    try:
        state = orjson.loads(stored.state)
    except orjson.JSONDecodeError:
        return None
    if type(state) is not dict or "class_version" in state:
        return None
    converted = 0
    for name, value in state.items():
        if type(value) is dict and "_type_" in value:
            if value.get("_type_") != "datetime_iso" or value.keys() != {"_type_", "_data_"}:
                return None
            state[name] = value["_data_"]
            converted += 1
    if converted != stored.state.count(TYPE_MARK):
        return None  # a typed value nested deeper than the event's own fields
    occurred_at, recorded_at = state.get("occurred_at"), state.get("timestamp")
    if type(occurred_at) is not str or not occurred_at.endswith(BEIJING_OFFSET) or type(recorded_at) is not str:
        return None
    event_type, stream = names
    return Envelope(
        type=event_type, schema_version=SCHEMA_VERSION, stream=stream, aggregate_id=str(stored.originator_id),
        version=stored.originator_version, position=position, occurred_at=occurred_at, recorded_at=recorded_at,
        actor=dict(state["actor"]), payload=payload_of_state(state), hash=state["hash"],
        previous_hash=state["previous_hash"],
    )


def payload_of_state(state: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for name, value in state.items():
        if name in ENVELOPE_FIELDS_OF_EVENT:
            continue
        if is_sealed_person(value):
            payload[f"{name}_ref"] = value["ref"]
        else:
            payload[name] = value
    return payload


@lru_cache(maxsize=256)
def event_names(topic: str) -> tuple[str, str] | None:
    """(envelope type, stream) of a stored topic, as envelope_of names its event class; None for a
    topic that does not resolve or whose events are upcast."""
    try:
        event_class = resolve_topic(topic)
    except Exception:  # a topic from no class of ours: the defining path says what is wrong
        return None
    if getattr(event_class, "class_version", 1) != 1:
        return None
    qualified = event_class.__qualname__.split(".")
    return "".join(qualified[-2:]), stream_of(qualified[0])
