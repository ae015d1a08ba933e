"""What every Sunlight event carries: business time, actor and the hash of its predecessor."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from collections.abc import Iterable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.clock import beijing

GENESIS_HASH = "0" * 64
ROLES = ("admin", "clerk", "hotline", "department", "supervisor", "auditor")


@dataclass(frozen=True)
class Actor:
    user: str
    role: str

    def as_dict(self) -> dict[str, str]:
        return {"user": self.user, "role": self.role}


SYSTEM = Actor("system", "admin")


def natural_id(kind: str, code: str) -> UUID:
    """Deterministic id for a natural key, so a duplicate code collides in the store."""
    return uuid5(NAMESPACE_URL, f"/sunlight/{kind}/{code}")


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


def event_hash(event: Any) -> str:
    """SHA-256 over the event's type and every field, in a canonical JSON form."""
    body = {"type": type(event).__qualname__, **vars(event)}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_canonical)
    return hashlib.sha256(text.encode()).hexdigest()


class SunlightAggregate(Aggregate):
    """An aggregate whose events carry business time, actor and a hash chain."""

    class Event(Aggregate.Event):
        occurred_at: datetime
        actor: dict
        previous_hash: str

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate.last_hash = event_hash(self)
            aggregate.last_occurred_at = beijing(self.occurred_at)
            return aggregate

    class Created(Event, Aggregate.Created):
        pass

    last_hash: str = GENESIS_HASH

    def record(self, event_class: type, *, occurred_at: datetime, actor: Actor, recorded_at: datetime, **fields: Any) -> None:
        """Trigger the next event of this stream, chained to the previous one."""
        self.trigger_event(
            event_class,
            occurred_at=beijing(occurred_at),
            actor=actor.as_dict(),
            previous_hash=self.last_hash,
            timestamp=recorded_at,
            **fields,
        )


class SunlightError(Exception):
    """Base of every rule the domain refuses to break."""


class BusinessTimeError(SunlightError):
    """Raised when a business time is in the future or earlier than the stream's last event."""

    field = "at"


class UnknownReference(SunlightError):
    """Raised when a command names a catalogue entry that does not exist."""

    def __init__(self, field: str, kind: str, code: str) -> None:
        super().__init__(f"unknown {kind} '{code}'")
        self.field = field


class DuplicateCode(SunlightError):
    """Raised when a catalogue entry with the same code already exists."""


class IllegalTransition(SunlightError):
    """Raised when a command does not apply in the aggregate's current state."""


class InvalidValue(SunlightError):
    """Raised when a command's value breaks a rule of the domain; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_business_time(occurred_at: datetime, *, recorded_at: datetime, previous: datetime | None) -> None:
    if occurred_at > recorded_at:
        raise BusinessTimeError(f"business time {beijing(occurred_at).isoformat()} is in the future")
    if previous is not None and occurred_at < previous:
        raise BusinessTimeError(
            f"business time {beijing(occurred_at).isoformat()} is earlier than the previous event "
            f"({beijing(previous).isoformat()})"
        )


def replay(events: Iterable[Any], as_of: datetime | None) -> Any:
    """Fold a stream's events whose business time is at or before as_of (None: all of them)."""
    aggregate = None
    for event in events:
        if as_of is not None and beijing(event.occurred_at) > beijing(as_of):
            break
        aggregate = event.mutate(aggregate)
    return aggregate
