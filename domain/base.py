"""What every Sunlight event carries: business time, actor, its own keyed hash and its predecessor's."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from collections.abc import Iterable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.clock import OutOfRange, beijing

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


class HashChain:
    """The keyed hash (HMAC-SHA256) of events, with a secret the event store does not hold.

    An event's hash covers its type and every stored field but the hash itself (so it covers
    `previous_hash`, the link). Personal data is stored sealed, so destroying a person's key leaves
    every hash intact; without the secret, nobody who can write rows can forge or recompute one.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the hash-chain key must have at least 32 bytes")
        self._key = key

    def hash_of(self, event: Any) -> str:
        fields = {name: value for name, value in vars(event).items() if name != "hash"}
        body = {"type": type(event).__qualname__, **fields}
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_canonical)
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def hashed(self, event_class: type, **fields: Any) -> dict[str, Any]:
        """The fields of a new event with its hash added, computed over the event they make."""
        return {**fields, "hash": self.hash_of(event_class(**fields, hash=""))}


class SunlightAggregate(Aggregate):
    """An aggregate whose events carry business time, actor and a keyed hash chain."""

    class Event(Aggregate.Event):
        occurred_at: datetime
        actor: dict
        previous_hash: str
        hash: str

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate.last_hash = self.hash
            aggregate.last_occurred_at = beijing(self.occurred_at)
            return aggregate

    class Created(Event, Aggregate.Created):
        pass

    last_hash: str = GENESIS_HASH
    last_occurred_at: datetime | None = None

    @classmethod
    def start(cls, event_class: type, *, id: UUID, chain: HashChain, occurred_at: datetime, actor: Actor,
              recorded_at: datetime, **fields: Any) -> Any:
        """Create the aggregate with the first event of its stream."""
        common = {"originator_topic": get_topic(cls), "originator_id": id, "originator_version": 1,
                  "timestamp": recorded_at, "occurred_at": beijing(occurred_at), "actor": actor.as_dict(),
                  "previous_hash": GENESIS_HASH}
        hashed = chain.hashed(event_class, **common, **fields)
        for name in ("originator_topic", "originator_id", "originator_version"):
            del hashed[name]
        return cls._create(event_class, id=id, **hashed)

    def record(self, event_class: type, *, chain: HashChain, occurred_at: datetime, actor: Actor,
               recorded_at: datetime, **fields: Any) -> None:
        """Trigger the next event of this stream, chained to the previous one."""
        common = {"originator_id": self.id, "originator_version": self.version + 1, "timestamp": recorded_at,
                  "occurred_at": beijing(occurred_at), "actor": actor.as_dict(), "previous_hash": self.last_hash}
        hashed = chain.hashed(event_class, **common, **fields)
        del hashed["originator_id"], hashed["originator_version"]
        self.trigger_event(event_class, **hashed)


class SunlightError(Exception):
    """Base of every rule the domain refuses to break."""


class BusinessTimeError(SunlightError, OutOfRange):
    """Raised when a business time is in the future or earlier than the stream's last event."""

    def __init__(self, message: str) -> None:
        OutOfRange.__init__(self, "at", message)


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
