"""Random but valid case histories, driven through the real domain application."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.application import ServiceCentre
from domain.base import Actor
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
    """One case from `start`: maybe refused, else accepted, with suspensions and maybe concluded."""
    moment = start
    case = centre.submit_case(item=rng.choice(list(ITEMS)), channel="window", applicant={"name": "王芳"},
                              actor=CLERK, at=moment)
    moment += timedelta(minutes=rng.randint(0, 600))
    if rng.random() < 0.05:
        centre.refuse_case(case.id, reason="材料不全", actor=CLERK, at=moment)
        return
    window = rng.choice(list(WINDOWS))
    centre.accept_case(case.id, window=window, staff=WINDOWS[window], actor=CLERK, at=moment)
    suspended = False
    for _ in range(rng.randint(0, 5)):
        moment += rng.choice([timedelta(0), timedelta(hours=rng.randint(1, 12)), timedelta(days=rng.randint(1, 12))])
        if suspended:
            centre.resume_case(case.id, actor=CLERK, at=moment)
            suspended = False
        elif rng.random() < 0.3:
            centre.conclude_case(case.id, outcome=rng.choice(["approved", "denied"]), actor=CLERK, at=moment)
            return
        else:
            centre.suspend_case(case.id, reason=rng.choice(["supplement", "hearing", "expert_review"]),
                                actor=CLERK, at=moment)
            suspended = True


def random_moment(rng: random.Random, first: datetime, last: datetime) -> datetime:
    seconds = int((last - first).total_seconds())
    return first + timedelta(seconds=rng.randint(0, seconds))
