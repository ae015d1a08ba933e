"""A service centre for tests: an in-memory store (unless told otherwise), a test chain key and a
fake vault, so domain tests need no key store and no cryptography."""

from __future__ import annotations

import hashlib
from typing import Any

from domain.application import ServiceCentre
from domain.base import HashChain

TEST_CHAIN = HashChain(b"sunlight test chain key, not a secret!!")
IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class FakeVault:
    """Seals nothing: keeps the person beside a reference derived from their name, for tests only."""

    def __init__(self) -> None:
        self.people: dict[str, dict[str, str]] = {}

    def seal(self, person: dict[str, str]) -> dict[str, str]:
        ref = "ap_" + hashlib.sha256(repr(sorted(person.items())).encode()).hexdigest()[:16]
        self.people[ref] = dict(person)
        return {"ref": ref, "sealed": "fake"}


def make_centre(env: dict[str, str] | None = None, **options: Any) -> ServiceCentre:
    return ServiceCentre(env or IN_MEMORY, chain=TEST_CHAIN, vault=FakeVault(), **options)
