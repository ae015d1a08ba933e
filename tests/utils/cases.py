"""Random but valid case histories, driven through the real domain application."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.application import ServiceCentre
from domain.base import Actor

ADMIN = Actor("admin", "admin")
CLERK = Actor("clerk", "clerk")
ITEMS = {"IMM": ("immediate", 1, 0), "P1": ("promised", 5, 1), "P3": ("promised", 10, 3),
         "P5": ("promised", 20, 5), "P10": ("promised", 20, 10), "P20": ("joint", 30, 20)}
CATALOGUE_TIME = datetime(2025, 1, 2, 9)


def register_catalogue(centre: ServiceCentre) -> None:
    centre.register("department", code="SJ", name="市场监管局", actor=ADMIN, at=CATALOGUE_TIME)
    centre.register("hall", code="H1", name="市民中心", level="city", actor=ADMIN, at=CATALOGUE_TIME)
    for window in ("A01", "A02"):
        centre.register("window", code=window, name=window, hall="H1", department="SJ", kind="specialist",
                        actor=ADMIN, at=CATALOGUE_TIME)
        centre.register("staff", code=f"S{window}", name="张敏", window=window, department="SJ",
                        role="window_staff", actor=ADMIN, at=CATALOGUE_TIME)
    for code, (kind, legal, promised) in ITEMS.items():
        centre.register("item", code=code, name=f"事项{code}", department="SJ", kind=kind, legal_days=legal,
                        promised_days=promised, actor=ADMIN, at=CATALOGUE_TIME)


def random_case(centre: ServiceCentre, rng: random.Random, start: datetime) -> None:
    """One case from `start`: maybe refused, else accepted, with suspensions and maybe concluded."""
    moment = start
    case = centre.submit_case(item=rng.choice(list(ITEMS)), channel="window", applicant={"name": "王芳"},
                              actor=CLERK, at=moment)
    moment += timedelta(minutes=rng.randint(0, 600))
    if rng.random() < 0.05:
        centre.refuse_case(case.id, reason="材料不全", actor=CLERK, at=moment)
        return
    window = rng.choice(["A01", "A02"])
    centre.accept_case(case.id, window=window, staff=f"S{window}", actor=CLERK, at=moment)
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
