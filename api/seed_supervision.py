"""The demo centre's supervision side, after its cases: citizens' reviews of served cases with the
bad-review workflow, on-site inspections, commendations and cards — in the proportions the seeds
report (好差评 satisfaction ≈ 97%; a few bad reviews, each verified, most rectified), through the
domain application like everything else."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from domain.application import ServiceCentre
from domain.base import Actor, IllegalTransition
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.clock import SHANGHAI

SUPERVISOR = Actor("supervisor", "supervisor")
PAD = Actor("rating-pad", "clerk")
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (82, 9, 4, 3, 2)
CHANNELS, CHANNEL_WEIGHTS = ("pad", "app", "sms", "web", "hotline"), (55, 20, 12, 8, 5)
BAD_COMMENTS = ("等了一个多小时，窗口人员态度冷淡", "材料要求前后说法不一致，来回跑了三趟", "办理进度查询不到，电话无人接听")
OUTCOMES, OUTCOME_WEIGHTS = ("rectify_now", "rectify_by_deadline", "explain", "appeal"), (35, 35, 20, 10)
INSPECTIONS, INSPECTION_WEIGHTS = ("absent", "off_post", "untidy", "chatting", "phone", "rude", "other"), \
    (25, 15, 10, 20, 20, 5, 5)
INSPECTION_NOTES = {"absent": "巡查时窗口无人值守", "off_post": "工作时间离岗到其他窗口聊天", "untidy": "未按规定佩戴工牌",
                    "chatting": "工作时间扎堆聊天", "phone": "受理间隙玩手机", "rude": "对办事群众语气生硬",
                    "other": "桌面材料摆放杂乱"}


def seed_supervision(centre: ServiceCentre, cases: list[Case], staff: dict[str, list[str]], *, today: datetime,
                     seed: int) -> int:
    """Reviews of the served cases and two months of inspections, commendations and cards; returns
    how many reviews were given."""
    rng = random.Random(seed)
    reviews = 0
    for case in cases:
        served = served_at(case)
        if served is None or rng.random() < 0.3:
            continue
        given = served + timedelta(hours=rng.randint(0, 30), minutes=rng.randint(0, 59))
        if given <= today:
            review_case(centre, rng, case, given, today)
            reviews += 1
    for day in centre.calendar.workdays(today.date() - timedelta(days=60), today.date()):
        visit_windows(centre, rng, staff, day, today)
    return reviews


def served_at(case: Case) -> datetime | None:
    """When the citizen was served: the conclusion, or the refusal."""
    if case.state in ("concluded", "delivered"):
        return case.concluded_at
    return case.refused_at if case.state == "refused" else None


def review_case(centre: ServiceCentre, rng: random.Random, case: Case, given: datetime, today: datetime) -> None:
    rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
    channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
    comment = rng.choice(BAD_COMMENTS) if rating <= 2 else None
    review = at_moment(centre, given, lambda: centre.give_review(case.id, rating=rating, channel=channel,
                                                                 comment=comment, actor=PAD, at=given))
    moment = given
    for _ in range(3):  # verify; then rectify or decide the appeal; then rectify after an appeal lost
        moment = next_office_moment(centre.calendar, rng, moment)
        if moment > today or not work_on(centre, rng, review.id, moment):
            return
        review = centre.review(review.id)


def work_on(centre: ServiceCentre, rng: random.Random, review_id, moment: datetime) -> bool:
    """The next step of a bad review's workflow, if it has one; whether a step was taken."""
    review = centre.review(review_id)
    command = {"actor": SUPERVISOR, "at": moment}
    if review.state == "awaiting_verification":
        outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0]
        step = lambda: centre.verify_review(review_id, outcome=outcome, note="已核实", **command)  # noqa: E731
    elif review.state == "appealed":
        step = lambda: centre.decide_appeal(review_id, upheld=rng.random() < 0.5, note="复核完毕", **command)  # noqa: E731
    elif review.state == "rectifying" and rng.random() < 0.85:
        step = lambda: centre.rectify_review(review_id, note="已约谈并整改", **command)  # noqa: E731
    elif review.state in ("rectified", "explained") and review.return_visited_at is None and rng.random() < 0.7:
        step = lambda: centre.return_visit(review_id, rating=rng.choice((3, 4, 4, 5)), note="回访满意", **command)  # noqa: E731
    else:
        return False
    try:
        at_moment(centre, moment, step)
    except IllegalTransition:
        return False
    return True


def visit_windows(centre: ServiceCentre, rng: random.Random, staff: dict[str, list[str]], day: date,
                  today: datetime) -> None:
    """A working day's supervision: now and then an inspection finds something, a letter or a banner
    arrives, and rarely a card is issued."""
    moment = datetime.combine(day, time(9, 30), SHANGHAI) + timedelta(minutes=rng.randint(0, 420))
    if moment > today:
        return
    window = rng.choice(sorted(staff))
    member = rng.choice(staff[window]) if rng.random() < 0.7 else None
    draw = rng.random()
    if draw < 0.3:
        kind = rng.choices(INSPECTIONS, weights=INSPECTION_WEIGHTS)[0]
        at_moment(centre, moment, lambda: centre.inspect(window=window, staff=member, kind=kind,
                                                         note=INSPECTION_NOTES[kind], actor=SUPERVISOR, at=moment))
    elif draw < 0.45:
        kind = "banner" if rng.random() < 0.3 else "letter"
        at_moment(centre, moment, lambda: centre.commend(window=window, staff=member, kind=kind,
                                                         note="群众来信表扬办事高效", actor=SUPERVISOR, at=moment))
    elif draw < 0.48:
        at_moment(centre, moment, lambda: centre.issue_card(window=window, staff=member, colour="yellow",
                                                            reason="一周内两次空岗", actor=SUPERVISOR, at=moment))


def next_office_moment(calendar: WorkingCalendar, rng: random.Random, after: datetime) -> datetime:
    """A moment in office hours on one of the next few working days."""
    day = after.date()
    for _ in range(rng.randint(1, 4)):
        day += timedelta(days=1)
        while not calendar.is_workday(day):
            day += timedelta(days=1)
    return datetime.combine(day, time(9, 0), SHANGHAI) + timedelta(minutes=rng.randint(0, 480))


def at_moment(centre: ServiceCentre, moment: datetime, command: Callable):
    """Run a command recorded a few minutes after its business time (never after now)."""
    real_clock = centre.clock
    recorded = min(moment + timedelta(minutes=3), real_clock())
    centre.clock = lambda: recorded
    try:
        return command()
    finally:
        centre.clock = real_clock
