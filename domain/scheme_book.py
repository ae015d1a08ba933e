"""The book of scoring schemes (考核实施细则): every version recorded after the default, as events.

Version 1 is the default in `config/scoring-scheme.toml` and needs no event. Each version recorded
later is an event of one stream with a natural id, so the versions form one chain (an auditor sees
who changed the weights, when, and from which month), and two versions recorded at once collide in
the store instead of both becoming "the next". The server assigns each new version: the last + 1.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.base import Actor, HashChain, SunlightAggregate, check_business_time, natural_id
from domain.scheme import Scheme, parse_scheme


class SchemeBook(SunlightAggregate):
    class Opened(SunlightAggregate.Created):
        scheme: dict  # the first version recorded after the default, in its wire shape (version included)

    class SchemeRecorded(SunlightAggregate.Event):
        scheme: dict  # a later version, in its wire shape

        def apply(self, book: SchemeBook) -> None:
            book.recorded.append(self.scheme)

    def __init__(self, scheme: dict) -> None:
        self.recorded: list[dict] = [scheme]

    @classmethod
    def id_for(cls) -> UUID:
        """One book per deployment: the id is fixed, so a second book collides in the store."""
        return natural_id("scheme_book", "scoring")

    @classmethod
    def open(cls, *, scheme: Scheme, chain: HashChain, occurred_at: datetime, actor: Actor,
             recorded_at: datetime) -> SchemeBook:
        """Start the book with the first version after the default."""
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(cls.Opened, id=cls.id_for(), chain=chain, occurred_at=occurred_at, actor=actor,
                         recorded_at=recorded_at, scheme=scheme.as_dict())

    def add(self, *, scheme: Scheme, chain: HashChain, occurred_at: datetime, actor: Actor,
            recorded_at: datetime) -> None:
        check_business_time(occurred_at, recorded_at=recorded_at, previous=self.last_occurred_at)
        self.record(self.SchemeRecorded, chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
                    scheme=scheme.as_dict())

    @property
    def last_version(self) -> int:
        return int(self.recorded[-1]["version"])

    def schemes(self) -> list[Scheme]:
        """Every recorded version, oldest first; each was checked by parse_scheme when it was recorded."""
        return [parse_scheme(scheme) for scheme in self.recorded]
