"""An on-site inspection (现场巡查): an inspector records a violation seen at a window, perhaps naming
the member of staff. Each kind costs points in the scoring scheme; the points live there, not here.

Kinds: `absent` (空岗), `off_post` (串岗), `untidy` (仪容不整), `chatting` (扎堆聊天), `phone`
(玩手机), `rude` (态度生硬), `other`.
"""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from domain.base import Actor, HashChain, SunlightAggregate, check_business_time
from domain.catalogue import Staff, Window, check_choice
from domain.clock import beijing

INSPECTION_KINDS = ("absent", "off_post", "untidy", "chatting", "phone", "rude", "other")


class Inspection(SunlightAggregate):
    class Recorded(SunlightAggregate.Created):
        window: str
        staff: str | None
        staff_department: str | None
        kind: str
        note: str

    def __init__(self, window: str, staff: str | None, staff_department: str | None, kind: str, note: str,
                 occurred_at: datetime) -> None:
        self.window, self.staff, self.staff_department = window, staff, staff_department
        self.kind, self.note = kind, note
        self.inspected_at = beijing(occurred_at)

    @classmethod
    def inspect(cls, *, window: Window, staff: Staff | None = None, kind: str, note: str = "", chain: HashChain,
                occurred_at: datetime, actor: Actor, recorded_at: datetime) -> Inspection:
        """Record a violation seen at the window. The staff member need not work there: one found
        away from their own post (串岗) is recorded where they were found."""
        check_choice("kind", kind, INSPECTION_KINDS)
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(
            cls.Recorded, id=uuid4(), chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
            window=window.code, staff=staff.code if staff else None,
            staff_department=staff.department if staff else None, kind=kind, note=note,
        )
