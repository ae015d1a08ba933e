"""A commendation of a window or a member of staff: a praise letter (表扬信) or a banner (锦旗)
from a citizen. Each earns bonus points in the scoring scheme, within the monthly cap kept there.
"""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from domain.base import Actor, HashChain, SunlightAggregate, check_business_time
from domain.catalogue import Staff, Window, check_choice
from domain.clock import beijing

COMMENDATION_KINDS = ("letter", "banner")


class Commendation(SunlightAggregate):
    class Recorded(SunlightAggregate.Created):
        window: str
        staff: str | None
        kind: str
        note: str

    def __init__(self, window: str, staff: str | None, kind: str, note: str, occurred_at: datetime) -> None:
        self.window, self.staff, self.kind, self.note = window, staff, kind, note
        self.commended_at = beijing(occurred_at)

    @classmethod
    def commend(cls, *, window: Window, staff: Staff | None = None, kind: str, note: str = "", chain: HashChain,
                occurred_at: datetime, actor: Actor, recorded_at: datetime) -> Commendation:
        check_choice("kind", kind, COMMENDATION_KINDS)
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(
            cls.Recorded, id=uuid4(), chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
            window=window.code, staff=staff.code if staff else None, kind=kind, note=note,
        )
