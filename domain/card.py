"""A yellow or red card (黄牌, 红牌) issued by a supervisor to a window or a member of staff, always
with its reason. Each costs points in the scoring scheme, and a card in the month bars a service star.
"""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from domain.base import Actor, HashChain, InvalidValue, SunlightAggregate, check_business_time
from domain.catalogue import Staff, Window, check_choice
from domain.clock import beijing

CARD_COLOURS = ("yellow", "red")


class Card(SunlightAggregate):
    class Issued(SunlightAggregate.Created):
        window: str
        staff: str | None
        colour: str
        reason: str

    def __init__(self, window: str, staff: str | None, colour: str, reason: str, occurred_at: datetime) -> None:
        self.window, self.staff, self.colour, self.reason = window, staff, colour, reason
        self.issued_at = beijing(occurred_at)

    @classmethod
    def issue(cls, *, window: Window, staff: Staff | None = None, colour: str, reason: str, chain: HashChain,
              occurred_at: datetime, actor: Actor, recorded_at: datetime) -> Card:
        check_choice("colour", colour, CARD_COLOURS)
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidValue("reason", "a card needs a reason")
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(
            cls.Issued, id=uuid4(), chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
            window=window.code, staff=staff.code if staff else None, colour=colour, reason=reason,
        )
