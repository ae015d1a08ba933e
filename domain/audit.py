"""Tamper evidence: a stream's events checked against the keyed hash chain and its head held apart."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.base import GENESIS_HASH, HashChain


@dataclass(frozen=True)
class StoredStreamEvent:
    """One stored event of a stream: decoded, or the reason it could not be read."""

    version: int
    event: Any | None
    unreadable: str | None = None


@dataclass(frozen=True)
class Head:
    """The last event of a stream as held apart (in the read models, fed from the topic)."""

    version: int
    hash: str


@dataclass(frozen=True)
class Verdict:
    events: int
    valid: bool
    first_broken_version: int | None = None
    reason: str | None = None


class ChainCheck:
    """Follows one stream event by event; stops at the first break."""

    def __init__(self, chain: HashChain) -> None:
        self.chain = chain
        self.events, self.last_hash = 0, GENESIS_HASH
        self.broken: Verdict | None = None

    def add(self, stored: StoredStreamEvent) -> None:
        self.events += 1
        if self.broken is None:
            reason = self._problem(stored)
            if reason:
                self.broken = Verdict(0, False, min(stored.version, self.events), reason)
            elif stored.event is not None:
                self.last_hash = stored.event.hash

    def _problem(self, stored: StoredStreamEvent) -> str | None:
        expected_version = self.events
        if stored.version != expected_version:
            return f"version {expected_version} is missing: the next stored event is version {stored.version}"
        if stored.unreadable is not None or stored.event is None:
            return f"the stored event cannot be read ({stored.unreadable})"
        event = stored.event
        if event.previous_hash != self.last_hash:
            return "its previous_hash does not match the hash of the event before it"
        if not _same(self.chain.hash_of(event), event.hash):
            return "its hash does not match its content: the stored event was altered"
        return None

    def chain_verdict(self) -> Verdict:
        """The hashes and links alone, for when no head can be read."""
        if self.broken is not None:
            return Verdict(self.events, False, self.broken.first_broken_version, self.broken.reason)
        return Verdict(self.events, True)

    def verdict(self, head: Head | None) -> Verdict:
        if self.broken is not None:
            return self.chain_verdict()
        if head is None:
            return Verdict(self.events, False, self.events or None,
                           "the read models hold no head for this stream, so its end cannot be confirmed")
        if head.version > self.events:
            return Verdict(self.events, False, self.events + 1,
                           f"the stream ends at version {self.events} but its head is version {head.version}: "
                           f"events were deleted")
        if head.version < self.events:
            return Verdict(self.events, False, head.version + 1,
                           f"events after version {head.version} never went through the log")
        if not _same(head.hash, self.last_hash):
            return Verdict(self.events, False, self.events, "the last event differs from the head held apart")
        return Verdict(self.events, True)


def verify_stream(events: Iterable[StoredStreamEvent], chain: HashChain, head: Head | None) -> Verdict:
    """Recompute every hash, check every link, and check the end against the head held apart."""
    check = ChainCheck(chain)
    for stored in events:
        check.add(stored)
    return check.verdict(head)


def _same(first: str, second: str) -> bool:
    return hmac.compare_digest(first.encode(), second.encode())
