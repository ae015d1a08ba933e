"""The demo centre's 12345 hotline: a category tree and the districts and streets of the city (with
coordinates, for the map), and two months of citizens' requests taken through their life in the
proportions the seeds report (most dispatched within 2 hours and replied in time, a few objected or
sent back to redo, most callers satisfied), through the domain application like everything else."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from api.seed_supervision import at_moment, next_office_moment
from domain.application import ServiceCentre
from domain.base import Actor, BusinessTimeError, IllegalTransition
from domain.clock import SHANGHAI

HOTLINE = Actor("hotline", "hotline")
DEPARTMENT = Actor("department", "department")
CATEGORIES = {
    "CJ": ("城乡建设", {"CJ01": "物业管理", "CJ02": "房屋质量", "CJ03": "市政设施"}),
    "LD": ("劳动和社会保障", {"LD01": "工资拖欠", "LD02": "社保缴纳"}),
    "WS": ("卫生健康", {"WS01": "医疗服务", "WS02": "疫苗接种"}),
    "SC": ("市场监管", {"SC01": "食品安全", "SC02": "消费维权", "SC03": "价格收费"}),
    "GA": ("公安政法", {"GA01": "噪音扰民", "GA02": "户籍办理"}),
    "JT": ("交通运输", {"JT01": "公交线路", "JT02": "出租车服务"}),
    "JY": ("教育", {"JY01": "入学招生", "JY02": "校外培训"}),
    "HJ": ("生态环境", {"HJ01": "大气污染", "HJ02": "水污染"}),
    "QT": ("其他", {"QT01": "意见建议"}),
}
# district: name, latitude, longitude, streets
AREAS = {
    "370202": ("市南区", 36.066, 120.383, ("八大峡街道", "香港中路街道")),
    "370203": ("市北区", 36.087, 120.375, ("台东街道", "辽宁路街道")),
    "370212": ("崂山区", 36.107, 120.469, ("中韩街道", "沙子口街道")),
    "370213": ("李沧区", 36.145, 120.433, ("李村街道", "虎山路街道")),
    "370214": ("城阳区", 36.307, 120.396, ("流亭街道", "城阳街道")),
    "370211": ("黄岛区", 35.960, 120.198, ("辛安街道", "长江路街道")),
}
# the department that handles each top class
HANDLERS = {"CJ": "ZJJ", "LD": "RSJ", "WS": "WJW", "SC": "SCJG", "GA": "GAJ", "JT": "ZWB", "JY": "ZWB",
            "HJ": "ZRZY", "QT": "ZWB"}
TYPES, TYPE_WEIGHTS = ("enquiry", "help", "suggestion", "complaint", "report"), (35, 20, 10, 30, 5)
CHANNELS, CHANNEL_WEIGHTS = ("phone", "web", "wechat", "app", "board", "mail"), (60, 10, 15, 10, 3, 2)
VERDICTS, VERDICT_WEIGHTS = ("satisfied", "basically_satisfied", "unsatisfied"), (70, 20, 10)


def seed_complaints(centre: ServiceCentre, *, today: datetime, seed: int, count: int = 250) -> int:
    """The hotline's catalogue and `count` requests received over the 60 days before today."""
    rng = random.Random(seed)
    register_trees(centre, today - timedelta(days=300))
    starts = sorted(datetime.combine(today.date() - timedelta(days=rng.randint(0, 60)), time(8), SHANGHAI)
                    + timedelta(minutes=rng.randint(0, 660)) for _ in range(count))
    received = []
    for start in starts:
        if start < today:
            received.append(take_through_life(centre, rng, start, today, received))
    return len(received)


def register_trees(centre: ServiceCentre, at: datetime) -> None:
    admin = Actor("admin", "admin")
    for code, (name, children) in CATEGORIES.items():
        centre.register("complaint_category", code=code, name=name, parent=None, actor=admin, at=at)
        for child, child_name in children.items():
            centre.register("complaint_category", code=child, name=child_name, parent=code, actor=admin, at=at)
    for code, (name, lat, lon, streets) in AREAS.items():
        centre.register("area", code=code, name=name, parent=None, lat=lat, lon=lon, actor=admin, at=at)
        for number, street in enumerate(streets, 1):
            centre.register("area", code=f"{code}{number:03d}", name=street, parent=code, lat=lat + 0.01 * number,
                            lon=lon - 0.012 * number, actor=admin, at=at)


def take_through_life(centre: ServiceCentre, rng: random.Random, start: datetime, today: datetime,
                      earlier: list) -> object:
    top = rng.choice(sorted(CATEGORIES))
    district = rng.choice(sorted(AREAS))
    complaint = at_moment(centre, start, lambda: centre.receive_complaint(
        channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], request_type=rng.choices(TYPES, TYPE_WEIGHTS)[0],
        category=rng.choice(sorted(CATEGORIES[top][1])), area=f"{district}{rng.randint(1, 2):03d}",
        content="市民来电反映的问题", citizen={"name": "市民", "phone": "13800000000"}, actor=HOTLINE, at=start))
    moment = start + timedelta(minutes=rng.choice((10, 25, 40, 70, 150)))
    for _ in range(8):
        if moment > today or not next_step(centre, rng, complaint.id, moment, HANDLERS[top], earlier):
            break
        moment = next_office_moment(centre.calendar, rng, moment) if rng.random() < 0.7 else \
            moment + timedelta(hours=rng.randint(1, 5))
    return complaint.id


def next_step(centre: ServiceCentre, rng: random.Random, complaint_id, moment: datetime, handler: str,
              earlier: list) -> bool:
    complaint = centre.complaint(complaint_id)
    hotline = {"actor": HOTLINE, "at": moment}
    steps = {
        "received": lambda: (centre.answer_complaint(complaint_id, reply="已直接答复", **hotline)
                             if complaint.request_type == "enquiry" and rng.random() < 0.7 else
                             centre.merge_complaint(complaint_id, into=str(rng.choice(earlier)), **hotline)
                             if earlier and rng.random() < 0.04 else
                             centre.dispatch_complaint(complaint_id, department=handler, **hotline)),
        "dispatched": lambda: (centre.object_complaint(complaint_id, reason="不属于本单位职责", actor=DEPARTMENT,
                                                       at=moment)
                               if rng.random() < 0.08 else
                               centre.reply_complaint(complaint_id, reply="已核实处理并答复市民", actor=DEPARTMENT,
                                                      at=moment)),
        "returned": lambda: centre.dispatch_complaint(complaint_id, department=rng.choice(sorted(set(HANDLERS.values()))),
                                                      **hotline),
        "replied": lambda: (centre.callback_complaint(complaint_id, verdict=rng.choices(VERDICTS, VERDICT_WEIGHTS)[0],
                                                      note="回访", **hotline)
                            if complaint.answered_directly else
                            centre.review_complaint(complaint_id, approved=rng.random() < 0.9, note="审核", **hotline)),
        "awaiting_callback": lambda: centre.callback_complaint(
            complaint_id, verdict=rng.choices(VERDICTS, VERDICT_WEIGHTS)[0], note="回访", **hotline),
    }
    if complaint.state not in steps:
        return False
    try:
        at_moment(centre, moment, steps[complaint.state])
    except (IllegalTransition, BusinessTimeError):  # a master closed or moved on meanwhile
        return False
    return True
