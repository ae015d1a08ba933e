"""Random 12345 complaints that go every way through their life, for the tests that hold the read
models to the domain's references: dispatched within 2 hours or late, objected and dispatched again,
answered directly, replied on time or late, sent back to redo, called back (a reopening, several
callbacks), merged, escalated, problem tickets."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from uuid import UUID

from domain.application import ServiceCentre
from domain.base import SYSTEM, Actor, BusinessTimeError, IllegalTransition

HOTLINE = Actor("hotline", "hotline")
DEPARTMENT = Actor("dept", "department")
SUPERVISOR = Actor("officer", "supervisor")
DEPARTMENTS = ("D01", "ZR", "ZJ", "GA")
CATEGORIES = (("CJ", None), ("CJ01", "CJ"), ("CJ0101", "CJ01"), ("CJ02", "CJ"), ("SH", None), ("SH01", "SH"))
AREAS = (("CY", None), ("CY01", "CY"), ("CY0101", "CY01"), ("LS", None), ("LS01", "LS"))
TYPES = ("enquiry", "help", "suggestion", "complaint", "report")
CHANNELS = ("phone", "web", "wechat", "app", "board", "mail")
VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")


def register_complaint_catalogue(centre: ServiceCentre, at: datetime) -> None:
    for code, name in (("ZR", "自然资源和规划局"), ("ZJ", "住房和城乡建设局"), ("GA", "公安局")):
        centre.register("department", code=code, name=name, actor=SYSTEM, at=at)
    for code, parent in CATEGORIES:
        centre.register("complaint_category", code=code, name=f"分类 {code}", parent=parent, actor=SYSTEM, at=at)
    for code, parent in AREAS:
        centre.register("area", code=code, name=f"区域 {code}", parent=parent, actor=SYSTEM, at=at)


def random_complaint(centre: ServiceCentre, rng: random.Random, start: datetime, open_ids: list[UUID]) -> UUID:
    """One complaint received at `start` and taken some way through its life; returns its id."""
    complaint = centre.receive_complaint(
        channel=rng.choice(CHANNELS), request_type=rng.choice(TYPES), category=rng.choice(CATEGORIES)[0],
        area=rng.choice(AREAS)[0], content="诉求内容", citizen={"name": "王芳"}, actor=HOTLINE, at=start)
    moment = start
    for _ in range(rng.randint(0, 9)):
        moment += rng.choice([timedelta(minutes=30), timedelta(hours=3), timedelta(days=1), timedelta(days=6),
                              timedelta(days=20)])
        if not step(centre, rng, complaint.id, moment, open_ids):
            break
    if centre.complaint(complaint.id).state not in ("closed", "merged"):
        open_ids.append(complaint.id)
    return complaint.id


def step(centre: ServiceCentre, rng: random.Random, complaint_id: UUID, moment: datetime,
         open_ids: list[UUID]) -> bool:
    """The next step the complaint's state allows, drawn at random; False once nothing more happens."""
    state = centre.complaint(complaint_id).state
    act = {"actor": HOTLINE, "at": moment}
    try:
        if rng.random() < 0.05:
            centre.escalate_complaint(complaint_id, level=rng.randint(1, 3), note="督办", actor=SUPERVISOR, at=moment)
        elif state in ("received", "returned"):
            if rng.random() < 0.2:
                centre.answer_complaint(complaint_id, reply="直接答复", **act)
            elif rng.random() < (0.3 if state == "returned" else 0.08) and open_ids:
                centre.merge_complaint(complaint_id, into=str(rng.choice(open_ids)), **act)
            else:
                centre.dispatch_complaint(complaint_id, department=rng.choice(DEPARTMENTS), **act)
        elif state == "dispatched":
            if rng.random() < 0.25:
                centre.object_complaint(complaint_id, reason="非本单位职责", actor=DEPARTMENT, at=moment)
            else:
                centre.reply_complaint(complaint_id, reply="已办理", actor=DEPARTMENT, at=moment)
        elif state == "replied" and centre.complaint(complaint_id).answered_directly:
            centre.callback_complaint(complaint_id, verdict=rng.choice(VERDICTS), **act)
        elif state == "replied":
            centre.review_complaint(complaint_id, approved=rng.random() < 0.7, note="审核", **act)
        elif state == "awaiting_callback":
            centre.callback_complaint(complaint_id, verdict=rng.choice(VERDICTS), **act)
        else:
            return False
    except (IllegalTransition, BusinessTimeError):  # a master closed or moved on meanwhile, a level not above…
        return True
    return True
