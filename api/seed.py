"""A small, realistic demo service centre, generated reproducibly relative to `today`.

Everything goes through the domain application, so the demo data obeys the same rules as
real data: the catalogue is registered about a year before `today`, and cases are spread
over the last ~60 calendar days, accepted and concluded on working days in office hours.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, time, timedelta

from api.seed_complaints import seed_complaints
from api.seed_supervision import seed_supervision
from domain.application import ServiceCentre
from domain.base import Actor
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.clock import SHANGHAI, beijing

ADMIN = Actor("admin", "admin")
OPEN, LAST_ACCEPT, CLOSE = time(9, 0), time(16, 30), time(17, 30)
ONE_DAY = timedelta(days=1)

HALLS = [("H01", "市民中心政务服务大厅", "city"), ("H02", "崂山区政务服务中心", "district"),
         ("H03", "中韩街道便民服务中心", "street"), ("H04", "海尔路社区党群服务站", "community")]
DEPARTMENTS = [("ZWB", "政务服务管理办公室"), ("SCJG", "市场监督管理局"), ("RSJ", "人力资源和社会保障局"),
               ("GAJ", "公安局"), ("ZJJ", "住房和城乡建设局"), ("ZRZY", "自然资源和规划局"),
               ("WJW", "卫生健康委员会"), ("SWJ", "税务局"), ("YBJ", "医疗保障局")]
# code, name, hall, department; A01, B01, C01 and D01 are the comprehensive (综合受理) windows.
WINDOWS = [("A01", "综合受理窗口", "H01", "ZWB"), ("A02", "登记注册窗口", "H01", "SCJG"),
           ("A03", "食品经营许可窗口", "H01", "SCJG"), ("A04", "社会保障窗口", "H01", "RSJ"),
           ("A05", "就业创业窗口", "H01", "RSJ"), ("A06", "户政窗口", "H01", "GAJ"),
           ("A07", "出入境窗口", "H01", "GAJ"), ("A08", "建设工程窗口", "H01", "ZJJ"),
           ("A09", "规划许可窗口", "H01", "ZRZY"), ("A10", "不动产登记窗口", "H01", "ZRZY"),
           ("A11", "卫生健康窗口", "H01", "WJW"), ("A12", "税务综合窗口", "H01", "SWJ"),
           ("A13", "医疗保障窗口", "H01", "YBJ"), ("B01", "综合受理窗口", "H02", "ZWB"),
           ("C01", "便民综合窗口", "H03", "ZWB"), ("D01", "代办服务窗口", "H04", "ZWB")]
COMPREHENSIVE = ("A01", "B01", "C01", "D01")
# code, name, specialist window (its department is the item's), kind, legal days, promised days, weight
ITEMS = [("SCJG001", "个体工商户设立登记", "A02", "promised", 15, 1, 8),
         ("SCJG002", "企业开办一件事联办", "A02", "joint", 15, 1, 5),
         ("SCJG003", "食品经营许可证核发", "A03", "promised", 20, 5, 5),
         ("RSJ001", "社会保障卡补领", "A04", "immediate", 1, 0, 10),
         ("RSJ002", "失业保险金申领", "A05", "promised", 20, 5, 4),
         ("RSJ003", "就业创业证申领", "A05", "immediate", 1, 0, 4),
         ("GAJ001", "居民身份证换领", "A06", "reported", 40, 15, 5),
         ("GAJ002", "户口迁入登记", "A06", "promised", 20, 5, 4),
         ("GAJ003", "往来港澳通行证签发", "A07", "reported", 30, 7, 4),
         ("ZJJ001", "建筑工程施工许可证核发", "A08", "promised", 7, 3, 2),
         ("ZJJ002", "工程建设项目联合验收", "A08", "joint", 20, 10, 1),
         ("ZRZY001", "建设工程规划许可证核发", "A09", "promised", 20, 10, 2),
         ("ZRZY002", "不动产首次登记", "A10", "promised", 30, 5, 3),
         ("ZRZY003", "不动产转移登记", "A10", "promised", 30, 3, 8),
         ("WJW001", "医疗机构执业登记", "A11", "promised", 45, 20, 1),
         ("WJW002", "公共场所卫生许可证核发", "A11", "promised", 20, 5, 3),
         ("WJW003", "新生儿出生一件事联办", "A11", "joint", 15, 5, 3),
         ("SWJ001", "发票领用", "A12", "immediate", 1, 0, 8),
         ("SWJ002", "个人所得税纳税记录开具", "A12", "immediate", 1, 0, 3),
         ("YBJ001", "异地就医备案", "A13", "immediate", 1, 0, 7),
         ("YBJ002", "门诊慢特病待遇认定", "A13", "promised", 20, 10, 3),
         ("YBJ003", "基本医疗保险关系转移接续", "A13", "reported", 45, 15, 2)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲燕彬鹏辉建国志海波晓东文博雪梅丹慧欣怡轩浩宇航佳琪涵诗雨俊思远婷颖晨阳凯鑫宁"  # noqa: E501
AREAS = ("370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PHONE_PREFIXES = ("133", "135", "136", "138", "139", "150", "151", "158", "177", "186", "187", "188", "199")
REFUSALS = ("申请事项不属于本机关职权范围", "申请人不具备申请资格", "申请材料不齐全且无法当场补正")
# reason, share in percent, notes
SUSPENSIONS = [("supplement", 70, ("缺少营业场所使用证明", "申请表签字不全，需重新签署", "身份证明复印件不清晰，需补正",
                                   "缺少不动产权属来源证明")),
               ("expert_review", 12, ("组织专家评审，时间不计入办理时限",)),
               ("site_survey", 12, ("需现场勘查核实场所条件",)),
               ("hearing", 6, ("涉及重大利益关系人，依申请组织听证",))]


def seed_demo_centre(centre: ServiceCentre, *, today: datetime | None = None, cases: int = 600,
                     progress: bool = False, seed: int = 2026) -> int:
    """Registers the demo catalogue and `cases` cases; returns the number of cases created."""
    rng = random.Random(seed)
    today = beijing(today or centre.clock())
    if today > beijing(centre.clock()):
        raise ValueError(f"today ({today.isoformat()}) is in the future; the domain refuses future business times")
    staff = register_catalogue(centre, rng, today - timedelta(days=365))
    days = list(centre.calendar.workdays(today.date() - timedelta(days=60), today.date()))
    plans = [plan_case(rng, centre.calendar, staff, days, today) for _ in range(cases)]
    plans.sort(key=lambda plan: plan[1][0][1])  # in order of submission, as the hall saw them
    lags = random.Random(seed + 1)
    seeded = []
    for done, (actor, steps) in enumerate(plans, 1):
        seeded.append(run_case(centre, actor, steps, today, entry_lag(lags)))
        if progress and (done % 10 == 0 or done == len(plans)):
            show_progress(done, len(plans))
    served = [centre.case(case.id) for case in seeded if case is not None]
    seed_supervision(centre, served, staff, today=today, seed=seed + 2)
    seed_complaints(centre, today=today, seed=seed + 3, count=max(20, cases // 2))
    return len(plans)


def register_catalogue(centre: ServiceCentre, rng: random.Random, at: datetime) -> dict[str, list[str]]:
    """Registers departments, halls, windows, staff and items; returns staff codes by window."""
    at = datetime.combine(at.date(), OPEN, SHANGHAI)
    for code, name in DEPARTMENTS:
        centre.register("department", code=code, name=name, actor=ADMIN, at=at)
    for code, name, level in HALLS:
        centre.register("hall", code=code, name=name, level=level, actor=ADMIN, at=at)
    staff: dict[str, list[str]] = {}
    chiefs: set[str] = set()
    for number, (code, name, hall, department) in enumerate(WINDOWS, 1):
        kind = "comprehensive" if code in COMPREHENSIVE else "specialist"
        centre.register("window", code=code, name=name, hall=hall, department=department, kind=kind, actor=ADMIN, at=at)
        staff[code] = [f"S{number:02d}{n:02d}" for n in range(1, rng.randint(2, 3) + 1)]
        for staff_code in staff[code]:
            role = "window_staff" if department in chiefs else "chief_representative"
            chiefs.add(department)
            centre.register("staff", code=staff_code, name=person_name(rng), window=code, department=department,
                            role=role, actor=ADMIN, at=at)
    departments = {code: department for code, _, _, department in WINDOWS}
    for code, name, window, kind, legal, promised, _ in ITEMS:
        centre.register("item", code=code, name=name, department=departments[window], kind=kind, legal_days=legal,
                        promised_days=promised, actor=ADMIN, at=at)
    return staff


def plan_case(rng: random.Random, calendar: WorkingCalendar, staff: dict[str, list[str]], days: list[date],
              today: datetime) -> tuple[Actor, list[tuple[str, datetime, dict]]]:
    """One case's commands, (command, business time, fields); redrawn until it starts by `today`."""
    code, _, specialist, kind, _, promised, _ = rng.choices(ITEMS, weights=[item[-1] for item in ITEMS])[0]
    windows = [specialist, "A01", "B01"] + (["C01", "D01"] if kind == "immediate" else [])
    window = rng.choices(windows, weights=[6, 3, 1] + [1] * (len(windows) - 3))[0]
    channel = rng.choices(("window", "online", "mail"), weights=(60, 35, 5))[0]
    day = rng.choice(days)
    accepted = datetime.combine(day, OPEN, SHANGHAI) + timedelta(minutes=rng.randint(0, 450))
    lead = rng.randint(3, 30) if channel == "window" else rng.randint(30, 1800)
    submitted = accepted - timedelta(minutes=lead)
    if submitted > today:
        return plan_case(rng, calendar, staff, days[:-1], today)
    steps = [("submit", submitted, {"item": code, "channel": channel, "applicant": applicant(rng, today)})]
    if rng.random() < 0.03:
        return clerk(window), steps + [("refuse", accepted, {"reason": rng.choice(REFUSALS)})]
    steps.append(("accept", accepted, {"window": window, "staff": rng.choice(staff[window])}))
    outcome = {"outcome": "approved" if rng.random() < 0.95 else "denied"}
    if kind == "immediate":
        if rng.random() < 0.99:
            steps.append(("conclude", moment(rng, day, accepted, CLOSE), outcome))
        return clerk(window), with_delivery(rng, steps)
    handling = plan_handling(rng, calendar, day, accepted, promised, outcome)
    return clerk(window), with_delivery(rng, with_life(rng, staff, specialist, steps, handling))


MATERIALS = ("营业执照复印件", "场所平面图", "法定代表人身份证明", "授权委托书")


def with_life(rng: random.Random, staff: dict[str, list[str]], specialist: str,
              steps: list[tuple[str, datetime, dict]], handling: list[tuple[str, datetime, dict]]) -> list:
    """Between acceptance and what follows: sometimes materials missing at acceptance (容缺) that
    arrive a few days later (or, rarely, never), a hand-over for review (审查), or a withdrawal."""
    accepted = steps[-1][1]
    following = handling[0][1] if handling else accepted + timedelta(days=30)
    extra: list[tuple[str, datetime, dict]] = []
    if rng.random() < 0.06:
        steps[-1][2]["missing_materials"] = [rng.choice(MATERIALS)]
        arrival = accepted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
        if rng.random() < 0.8 and arrival < following:
            extra.append(("receive_materials", arrival, {}))
    if rng.random() < 0.3 and accepted + timedelta(hours=2) < following:
        extra.append(("transfer", accepted + timedelta(hours=2),
                      {"staff": rng.choice(staff[specialist]), "stage": "review"}))
    if rng.random() < 0.01:
        return steps + sorted(extra, key=lambda step: step[1]) + [("withdraw", following - timedelta(minutes=1),
                                                                  {"reason": "申请人申请撤回"})]
    return steps + sorted(extra, key=lambda step: step[1]) + handling


def with_delivery(rng: random.Random, steps: list[tuple[str, datetime, dict]]) -> list:
    """Most results are picked up or mailed (送达) within a few days of conclusion."""
    if steps[-1][0] != "conclude" or rng.random() < 0.2:
        return steps
    delivered = steps[-1][1] + timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 3))
    return steps + [("deliver", delivered, {"method": rng.choice(("pickup", "mail"))})]


def plan_handling(rng: random.Random, calendar: WorkingCalendar, day: date, accepted: datetime, promised: int,
                  outcome: dict) -> list[tuple[str, datetime, dict]]:
    """After acceptance: maybe one suspension, then the conclusion, counted in working days:
    3% stall (left open), 6% late, 30% on the last promised day, the rest in its second half."""
    draw, late, early = rng.random(), promised + rng.randint(1, 4), rng.randint(promised // 2, promised)
    target = None if draw < 0.03 else late if draw < 0.09 else promised if draw < 0.39 else early
    steps, pause, last = [], None, accepted
    if rng.random() < 0.15:
        reason, _, notes = rng.choices(SUSPENSIONS, weights=[s[1] for s in SUSPENSIONS])[0]
        start = add_workdays(calendar, day, rng.randint(0, promised // 2))  # 补不过半: in the first half
        pause = (start, add_workdays(calendar, start, rng.randint(1, 10)))
        suspended = moment(rng, start, accepted, LAST_ACCEPT)
        last = moment(rng, pause[1], suspended, LAST_ACCEPT)
        steps += [("suspend", suspended, {"reason": reason, "note": rng.choice(notes)}), ("resume", last, {})]
    if target is not None:
        concluded_on = conclusion_day(calendar, day, target, pause)
        steps.append(("conclude", moment(rng, concluded_on, last, CLOSE), outcome))
    return steps


def entry_lag(rng: random.Random) -> timedelta:
    """How long after its business time a case's events were entered: minutes, as a rule; a day or
    more for a few cases (录入不及时, which the findings then show)."""
    if rng.random() < 0.03:
        return timedelta(hours=rng.randint(25, 60))
    return timedelta(minutes=rng.randint(1, 40))


def run_case(centre: ServiceCentre, actor: Actor, steps: list[tuple[str, datetime, dict]], today: datetime,
             lag: timedelta = timedelta(0)) -> Case | None:
    """Issues the planned commands whose business time has come by `today`, each recorded `lag` after
    its business time (never later than now), as the hall entered them; returns the case (None if
    not even submitted by `today`)."""
    case, real_clock = None, centre.clock
    try:
        for command, at, fields in steps:
            if at > today:
                return case
            recorded = min(at + lag, real_clock())
            centre.clock = lambda recorded=recorded: recorded
            if case is None:
                case = centre.submit_case(actor=actor, at=at, **fields)
            elif command == "receive_materials":
                centre.receive_materials(case.id, actor=actor, at=at)
            else:
                getattr(centre, f"{command}_case")(case.id, actor=actor, at=at, **fields)
    finally:
        centre.clock = real_clock
    return case


def add_workdays(calendar: WorkingCalendar, day: date, count: int) -> date:
    """The count-th working day after day (day itself for 0)."""
    while count > 0:
        day += ONE_DAY
        count -= calendar.is_workday(day)
    return day


def conclusion_day(calendar: WorkingCalendar, day: date, target: int, pause: tuple[date, date] | None) -> date:
    """The day on which `target` counted working days have elapsed, skipping the suspension."""
    counted = 0
    while counted < target:
        day += ONE_DAY
        counted += calendar.is_workday(day) and not (pause and pause[0] <= day < pause[1])
    return max(day, pause[1]) if pause else day


def moment(rng: random.Random, day: date, after: datetime, close: time) -> datetime:
    """A time in office hours on day, at least five minutes after `after`."""
    start = max(datetime.combine(day, OPEN, SHANGHAI), after + timedelta(minutes=5))
    minutes = int((datetime.combine(day, close, SHANGHAI) - start).total_seconds() // 60)
    return start + timedelta(minutes=rng.randint(0, max(0, minutes)))


def clerk(window: str) -> Actor:
    return Actor(f"clerk_{window.lower()}", "clerk")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def applicant(rng: random.Random, today: datetime) -> dict[str, str]:
    """A synthetic applicant: Chinese name, 18-character id number with its check digit, mobile."""
    born = today.date() - timedelta(days=rng.randint(18 * 365, 75 * 365))
    body = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randint(1, 999):03d}"
    check = "10X98765432"[sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS)) % 11]
    phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
    return {"name": person_name(rng), "id_number": body + check, "phone": phone}


def show_progress(done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} cases")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
