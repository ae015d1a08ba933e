"""Random but valid case histories, driven through the real domain application."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.application import ServiceCentre
from domain.base import Actor, IllegalTransition
from tests.utils.catalogue import register_small_centre

CLERK = Actor("clerk", "clerk")
# code: (name, kind, legal_days, promised_days)
ITEMS = {"IMM": ("即办件", "immediate", 1, 0), "P1": ("一日件", "promised", 5, 1), "P3": ("三日件", "promised", 10, 3),
         "P5": ("五日件", "promised", 20, 5), "P10": ("十日件", "promised", 20, 10), "P20": ("联办件", "joint", 30, 20)}
WINDOWS = {"A01": "S01", "A02": "S02"}
CATALOGUE_TIME = datetime(2025, 1, 2, 9)


def register_catalogue(centre: ServiceCentre) -> None:
    register_small_centre(centre, at=CATALOGUE_TIME, items=ITEMS, windows=WINDOWS)


def random_case(centre: ServiceCentre, rng: random.Random, start: datetime) -> None:
    """One case from `start`: maybe refused or withdrawn, else accepted (sometimes with materials
    missing), suspended for reasons that count or not, extended, handed on, maybe concluded and
    delivered."""
    moment = start
    case = centre.submit_case(item=rng.choice(list(ITEMS)), channel="window", applicant={"name": "王芳"},
                              actor=CLERK, at=moment)
    moment += timedelta(minutes=rng.randint(0, 600))
    draw = rng.random()
    if draw < 0.04:
        centre.refuse_case(case.id, reason="材料不全", actor=CLERK, at=moment)
        return
    if draw < 0.06:
        centre.withdraw_case(case.id, reason="申请人撤回", actor=CLERK, at=moment)
        return
    window = rng.choice(list(WINDOWS))
    missing = ["场所证明"] if rng.random() < 0.1 else []
    centre.accept_case(case.id, window=window, staff=WINDOWS[window], missing_materials=missing, actor=CLERK,
                       at=moment)
    suspended = False
    for _ in range(rng.randint(0, 6)):
        moment += rng.choice([timedelta(0), timedelta(hours=rng.randint(1, 12)), timedelta(days=rng.randint(1, 12))])
        if suspended:
            centre.resume_case(case.id, actor=CLERK, at=moment)
            suspended = False
            continue
        draw = rng.random()
        if draw < 0.2:
            centre.conclude_case(case.id, outcome=rng.choice(["approved", "denied"]), actor=CLERK, at=moment)
            if rng.random() < 0.5:
                centre.deliver_case(case.id, method=rng.choice(["pickup", "mail"]), actor=CLERK,
                                    at=moment + timedelta(days=rng.randint(0, 5)))
            return
        if draw < 0.27:
            centre.withdraw_case(case.id, reason="申请人撤回", actor=CLERK, at=moment)
            return
        if draw < 0.33:
            extend_unless_overdue(centre, case.id, rng.randint(1, 10), moment)
        elif draw < 0.4 and centre.case(case.id).pending_materials:
            centre.receive_materials(case.id, actor=CLERK, at=moment)
        elif draw < 0.5:
            staff = rng.choice(list(WINDOWS.values()))
            centre.transfer_case(case.id, staff=staff, stage=rng.choice(["review", "approval", "decision"]),
                                 actor=CLERK, at=moment)
        else:
            centre.suspend_case(case.id, reason=rng.choice(["supplement", "hearing", "expert_review", "other"]),
                                actor=CLERK, at=moment)
            suspended = True


def extend_unless_overdue(centre: ServiceCentre, case_id, days: int, moment: datetime) -> None:
    try:
        centre.extend_case(case_id, days=days, reason="延期", actor=CLERK, at=moment)
    except IllegalTransition:  # already red: an extension must come before the deadline
        pass


def random_moment(rng: random.Random, first: datetime, last: datetime) -> datetime:
    seconds = int((last - first).total_seconds())
    return first + timedelta(seconds=rng.randint(0, seconds))
