"""The 12345 KPIs and hot spots (issue 8 §3) on hand-computed complaints around National Day 2025:
holidays Wed 10-01 .. Wed 10-08; Sun 09-28 and Sat 10-11 are working days (调休).

Categories CJ > CJ01 > CJ0101, CJ > CJ02, JT > JT01; areas CY > CY01, CY > CY02, LS.

    #   type        channel  category  area   what happened (2025, Beijing time)
    C1  complaint   phone    CJ0101    CY01   rcv 09-30 09:00; dispatch D01 10:00 (due 10-28); reply 10-09 10:00;
                                              redo 10-09 11:00; reply 10-10 10:00; approved 10-10 11:00;
                                              callback unsatisfied 10-13 08:00 (reopened); reply 10-13 10:00;
                                              approved 10-13 11:00; callback basically_satisfied 10-14 09:00
    C2  enquiry     web      CJ02      CY02   rcv 09-30 14:00; dispatch D01 16:30 (2.5 h; due 10-10); object
                                              10-09 09:00; dispatch ZR 10:00; reply 10-13 09:00 (late);
                                              approved 10:00; callback satisfied 10-15 09:00
    C3  help        wechat   JT        LS     rcv Sat 09-27 08:00; answered 09:00; callback satisfied 09-29 09:00
    C4  complaint   phone    CJ0101    CY01   rcv 09-30 20:00; answered 10-02 10:00 (a holiday)
    C5  report      app      JT01      CY01   rcv 10-09 09:00; merged into C6 10:30
    C6  complaint   board    CJ01      CY     rcv 10-09 09:30; dispatch GA 10:00 (due 10-29); object 11:00;
                                              dispatch ZJ 12:00; object 13:00; dispatch D01 14:00: a problem
                                              ticket (3 departments); object 11-03 09:00; dispatch GA 10:00
    C7  suggestion  mail     CJ0101    CY01   rcv Sun 10-12 10:00; nothing else
    C8  enquiry     phone    CJ02      CY02   rcv 10-09 09:00; dispatch GA 09:30 (due Sat 10-11); object
                                              10-13 09:00; answered 10:00 (after the due date: late);
                                              callback satisfied 10-14 09:00
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time, timezone
from typing import Any

import pytest

from domain.base import SYSTEM, Actor, replay
from domain.clock import SHANGHAI
from domain.complaint import Complaint
from domain.complaint_kpis import (
    ComplaintCounts, ComplaintFigures, Hotspot, complaint_counts, complaint_counts_by, complaint_counts_of,
    complaint_figures, complaint_key, hotspots, period_starts, previous_stretch,
)
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import make_centre

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)
HOTLINE = Actor("hotline-zhao", "hotline")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


def end_of(day: str) -> datetime:
    return datetime.combine(D(day), time.max, SHANGHAI)


def build():
    centre = make_centre(clock=lambda: NOW)
    at = bj("2025-09-01 09:00")
    register_small_centre(centre, at=at, windows={"A12": "S001"})
    for code, name in (("ZR", "自然资源和规划局"), ("ZJ", "住房和城乡建设局"), ("GA", "公安局")):
        centre.register("department", code=code, name=name, actor=SYSTEM, at=at)
    for code, parent in (("CJ", None), ("CJ01", "CJ"), ("CJ0101", "CJ01"), ("CJ02", "CJ"), ("JT", None),
                         ("JT01", "JT")):
        centre.register("complaint_category", code=code, name=f"分类 {code}", parent=parent, actor=SYSTEM, at=at)
    for code, parent in (("CY", None), ("CY01", "CY"), ("CY02", "CY"), ("LS", None)):
        centre.register("area", code=code, name=f"区域 {code}", parent=parent, actor=SYSTEM, at=at)
    return centre


def receive(centre, at: str, request_type: str = "complaint", channel: str = "phone", category: str = "CJ0101",
            area: str = "CY01") -> Complaint:
    return centre.receive_complaint(channel=channel, request_type=request_type, category=category, area=area,
                                    content="小区物业乱收费", actor=HOTLINE, at=bj(at))


def run(centre, steps: list[tuple[str, str, str, dict[str, Any]]], named: dict[str, Complaint]) -> None:
    """Runs (time, complaint, command, fields) in time order, so each stream's business times rise."""
    for at, name, command, given in sorted(steps, key=lambda one: one[0]):
        if command == "merge":
            centre.merge_complaint(named[name].id, into=named[given["into"]].reference, actor=HOTLINE, at=bj(at))
        else:
            getattr(centre, f"{command}_complaint")(named[name].id, actor=HOTLINE, at=bj(at), **given)


def scenario() -> tuple[Any, dict[str, Complaint]]:
    centre = build()
    named = {
        "C1": receive(centre, "2025-09-30 09:00"),
        "C2": receive(centre, "2025-09-30 14:00", "enquiry", "web", "CJ02", "CY02"),
        "C3": receive(centre, "2025-09-27 08:00", "help", "wechat", "JT", "LS"),
        "C4": receive(centre, "2025-09-30 20:00"),
        "C5": receive(centre, "2025-10-09 09:00", "report", "app", "JT01", "CY01"),
        "C6": receive(centre, "2025-10-09 09:30", "complaint", "board", "CJ01", "CY"),
        "C7": receive(centre, "2025-10-12 10:00", "suggestion", "mail"),
        "C8": receive(centre, "2025-10-09 09:00", "enquiry", "phone", "CJ02", "CY02"),
    }
    run(centre, [
        ("2025-09-30 10:00", "C1", "dispatch", {"department": "D01"}),
        ("2025-10-09 10:00", "C1", "reply", {"reply": "已回复"}),
        ("2025-10-09 11:00", "C1", "review", {"approved": False, "note": "答复不清"}),
        ("2025-10-10 10:00", "C1", "reply", {"reply": "已重新处理"}),
        ("2025-10-10 11:00", "C1", "review", {"approved": True}),
        ("2025-10-13 08:00", "C1", "callback", {"verdict": "unsatisfied"}),
        ("2025-10-13 10:00", "C1", "reply", {"reply": "第三次处理"}),
        ("2025-10-13 11:00", "C1", "review", {"approved": True}),
        ("2025-10-14 09:00", "C1", "callback", {"verdict": "basically_satisfied"}),
        ("2025-09-30 16:30", "C2", "dispatch", {"department": "D01"}),
        ("2025-10-09 09:00", "C2", "object", {"reason": "非本部门"}),
        ("2025-10-09 10:00", "C2", "dispatch", {"department": "ZR"}),
        ("2025-10-13 09:00", "C2", "reply", {"reply": "已回复"}),
        ("2025-10-13 10:00", "C2", "review", {"approved": True}),
        ("2025-10-15 09:00", "C2", "callback", {"verdict": "satisfied"}),
        ("2025-09-27 09:00", "C3", "answer", {"reply": "请到市民中心办理"}),
        ("2025-09-29 09:00", "C3", "callback", {"verdict": "satisfied"}),
        ("2025-10-02 10:00", "C4", "answer", {"reply": "已答复"}),
        ("2025-10-09 10:30", "C5", "merge", {"into": "C6"}),
        ("2025-10-09 10:00", "C6", "dispatch", {"department": "GA"}),
        ("2025-10-09 11:00", "C6", "object", {"reason": "非本部门"}),
        ("2025-10-09 12:00", "C6", "dispatch", {"department": "ZJ"}),
        ("2025-10-09 13:00", "C6", "object", {"reason": "非本部门"}),
        ("2025-10-09 14:00", "C6", "dispatch", {"department": "D01"}),
        ("2025-11-03 09:00", "C6", "object", {"reason": "非本部门"}),
        ("2025-11-03 10:00", "C6", "dispatch", {"department": "GA"}),
        ("2025-10-09 09:30", "C8", "dispatch", {"department": "GA"}),
        ("2025-10-13 09:00", "C8", "object", {"reason": "非本部门"}),
        ("2025-10-13 10:00", "C8", "answer", {"reply": "已直接答复"}),
        ("2025-10-14 09:00", "C8", "callback", {"verdict": "satisfied"}),
    ], named)
    return centre, named


CENTRE, NAMED = scenario()
STREAMS = {name: CENTRE.complaint_events(complaint.id) for name, complaint in NAMED.items()}


def folded(as_of: datetime) -> dict[str, Complaint]:
    """The complaints that existed at as_of, each folded from its events up to it."""
    found = {name: replay(events, as_of) for name, events in STREAMS.items()}
    return {name: complaint for name, complaint in found.items() if complaint is not None}


def counts(**given: int) -> ComplaintCounts:
    return ComplaintCounts(**given)


# -- the facts the aggregate keeps for the figures --------------------------------------------------


def test_the_complaint_keeps_the_facts_the_figures_need():
    c1, c2, c6, c8 = (folded(end_of("2025-11-30"))[name] for name in ("C1", "C2", "C6", "C8"))
    assert (c1.first_replied_at, c1.first_reply_on_time, c1.first_redo_at) == (
        bj("2025-10-09 10:00"), True, bj("2025-10-09 11:00"))
    assert c1.approvals == [(bj("2025-10-10 11:00"), "D01"), (bj("2025-10-13 11:00"), "D01")]
    assert c1.callbacks == [(bj("2025-10-13 08:00"), "unsatisfied"), (bj("2025-10-14 09:00"), "basically_satisfied")]
    assert (c2.first_replied_at, c2.first_reply_on_time, c2.dispatches) == (
        bj("2025-10-13 09:00"), False, [(bj("2025-09-30 16:30"), "D01"), (bj("2025-10-09 10:00"), "ZR")])
    assert (c6.problem_at, [department for _, department in c6.dispatches]) == (
        bj("2025-10-09 14:00"), ["GA", "ZJ", "D01", "GA"])
    assert (c8.answered_at, c8.first_reply_on_time, c8.approvals) == (
        bj("2025-10-13 10:00"), False, [(bj("2025-10-13 10:00"), None)])
    assert folded(end_of("2025-11-30"))["C5"].merged_at == bj("2025-10-09 10:30")


# -- the counts, period by period -------------------------------------------------------------------


PERIODS = {
    # [09-29, 10-12]: C3's receipt and answer are before it; C1's callbacks, C2's and C8's replies after it.
    "A": (("2025-09-29", "2025-10-12"), counts(
        received=7, dispatched=4, dispatched_within_2h=3, replied=2, replied_on_time=2, redo=1, callbacks=1,
        satisfied=1, merged=1, problem=1)),
    # [10-13, 10-31]: only replies and callbacks; C1's reply of 10-13 is not its first.
    "B": (("2025-10-13", "2025-10-31"), counts(
        replied=2, callbacks=4, satisfied=2, basically_satisfied=1, unsatisfied=1)),
    "C": (("2025-09-27", "2025-10-31"), counts(
        received=8, dispatched=4, dispatched_within_2h=3, replied=5, replied_on_time=3, redo=1, callbacks=5,
        satisfied=3, basically_satisfied=1, unsatisfied=1, merged=1, problem=1)),
}


@pytest.mark.parametrize("period", PERIODS)
def test_each_count_on_the_date_of_what_it_counts(period):
    (first, last), expected = PERIODS[period]
    complaints = folded(end_of(last)).values()
    assert complaint_counts(complaints, first=D(first), last=D(last), as_of=end_of(last)) == expected


def test_the_figures_of_each_period():
    figures = {period: complaint_figures(complaint_counts(folded(end_of(last)).values(), first=D(first),
                                                          last=D(last), as_of=end_of(last)))
               for period, ((first, last), _) in PERIODS.items()}
    rates = {period: (f.dispatch_rate_2h, f.on_time_reply_rate, f.redo_rate, f.satisfaction_rate)
             for period, f in figures.items()}
    assert rates == {"A": (0.75, 1.0, 0.5, 1.0), "B": (None, 0.0, 0.0, 0.75), "C": (0.75, 0.6, 0.2, 0.8)}
    assert figures["C"] == ComplaintFigures(
        received=8, dispatched=4, dispatched_within_2h=3, dispatch_rate_2h=0.75, replied=5, replied_on_time=3,
        on_time_reply_rate=0.6, redo=1, redo_rate=0.2, callbacks=5, satisfied=3, basically_satisfied=1,
        unsatisfied=1, satisfaction_rate=0.8, merged=1, problem=1)


def test_the_fields_and_rates_are_the_contract_in_its_order():
    assert [field.name for field in fields(ComplaintCounts)] == [
        "received", "dispatched", "dispatched_within_2h", "replied", "replied_on_time", "redo", "callbacks",
        "satisfied", "basically_satisfied", "unsatisfied", "merged", "problem"]
    assert [field.name for field in fields(ComplaintFigures)] == [
        "received", "dispatched", "dispatched_within_2h", "dispatch_rate_2h", "replied", "replied_on_time",
        "on_time_reply_rate", "redo", "redo_rate", "callbacks", "satisfied", "basically_satisfied", "unsatisfied",
        "satisfaction_rate", "merged", "problem"]
    figures = complaint_figures(counts(dispatched=3, dispatched_within_2h=2, replied=3, replied_on_time=1, redo=2,
                                       callbacks=6, satisfied=1, basically_satisfied=4))
    assert (figures.dispatch_rate_2h, figures.on_time_reply_rate, figures.redo_rate, figures.satisfaction_rate) == (
        0.6667, 0.3333, 0.6667, 0.8333)
    empty = complaint_figures(ComplaintCounts())
    assert (empty.dispatch_rate_2h, empty.on_time_reply_rate, empty.redo_rate, empty.satisfaction_rate) == (
        None, None, None, None)


def test_only_what_had_happened_by_as_of_counts():
    as_of = bj("2025-10-10 12:00")  # before C7's receipt, C1's callbacks and C2's and C8's replies
    complaints = folded(as_of)
    assert "C7" not in complaints
    assert complaint_counts(complaints.values(), first=D("2025-09-29"), last=D("2025-10-12"), as_of=as_of) == counts(
        received=6, dispatched=4, dispatched_within_2h=3, replied=2, replied_on_time=2, redo=1, callbacks=1,
        satisfied=1, merged=1, problem=1)
    with pytest.raises(ValueError, match="fold it"):  # a complaint folded past as_of would leak later events
        complaint_counts_of(folded(end_of("2025-10-31"))["C1"], first=D("2025-09-29"), last=D("2025-10-12"),
                            as_of=as_of)


def test_one_complaint_counts_its_first_dispatch_reply_and_redo_once_and_every_callback():
    c1 = folded(end_of("2025-10-31"))["C1"]
    by_day = {day: complaint_counts_of(c1, first=D(day), last=D(day), as_of=end_of("2025-10-31"))
              for day in ("2025-09-30", "2025-10-09", "2025-10-10", "2025-10-13", "2025-10-14")}
    assert by_day == {
        "2025-09-30": counts(received=1, dispatched=1, dispatched_within_2h=1),
        "2025-10-09": counts(replied=1, replied_on_time=1, redo=1),
        "2025-10-10": counts(),  # its second reply and first approval count nothing
        "2025-10-13": counts(callbacks=1, unsatisfied=1),
        "2025-10-14": counts(callbacks=1, basically_satisfied=1),
    }


def test_a_direct_answer_is_on_time_unless_a_dispatch_had_fixed_a_due_date_that_passed():
    complaints = folded(end_of("2025-10-31"))
    c4 = complaint_counts_of(complaints["C4"], first=D("2025-10-02"), last=D("2025-10-02"), as_of=end_of("2025-10-31"))
    c8 = complaint_counts_of(complaints["C8"], first=D("2025-10-13"), last=D("2025-10-13"), as_of=end_of("2025-10-31"))
    assert (c4, c8) == (counts(replied=1, replied_on_time=1), counts(replied=1))


# -- groupings -------------------------------------------------------------------------------------


def grouped(by: str, level: int = 1, period: str = "C", as_of: str = "2025-10-31") -> dict[str, ComplaintCounts]:
    (first, last), _ = PERIODS[period]
    return complaint_counts_by(folded(end_of(as_of)).values(), by, level=level, first=D(first), last=D(last),
                               as_of=end_of(as_of))


def test_by_department_the_last_dispatch_holds_it_and_never_dispatched_is_the_hotline():
    groups = grouped("department")
    assert groups == {
        "D01": counts(received=2, dispatched=2, dispatched_within_2h=2, replied=1, replied_on_time=1, redo=1,
                      callbacks=2, basically_satisfied=1, unsatisfied=1, problem=1),  # C1, C6
        "ZR": counts(received=1, dispatched=1, replied=1, callbacks=1, satisfied=1),  # C2, after an objection
        "GA": counts(received=1, dispatched=1, dispatched_within_2h=1, replied=1, callbacks=1, satisfied=1),  # C8
        "hotline": counts(received=4, replied=2, replied_on_time=2, callbacks=1, satisfied=1, merged=1),
    }
    assert sum(groups.values(), ComplaintCounts()) == PERIODS["C"][1]


def test_the_department_is_taken_as_of_as_of():
    later = grouped("department", as_of="2025-11-05")  # C6 went back to GA on 11-03
    assert (later["D01"].received, later["GA"].received, later["GA"].problem) == (1, 2, 1)
    c6 = replay(STREAMS["C6"], bj("2025-10-09 11:30"))  # objected by GA, not yet dispatched again
    c2 = replay(STREAMS["C2"], bj("2025-10-09 09:30"))
    assert (complaint_key(c6, "department", as_of=bj("2025-10-09 11:30")),
            complaint_key(c2, "department", as_of=bj("2025-10-09 09:30"))) == ("GA", "D01")
    # Answered directly after GA objected: still GA's, the last department it was sent to.
    assert complaint_key(folded(end_of("2025-10-31"))["C8"], "department", as_of=end_of("2025-10-31")) == "GA"


def test_only_groups_that_counted_something():
    assert set(grouped("department", period="B")) == {"D01", "ZR", "GA"}


def test_by_category_at_each_level_shallower_nodes_keep_their_own_code():
    level_1 = grouped("category")
    assert level_1 == {
        "CJ": counts(received=6, dispatched=4, dispatched_within_2h=3, replied=4, replied_on_time=2, redo=1,
                     callbacks=4, satisfied=2, basically_satisfied=1, unsatisfied=1, problem=1),
        "JT": counts(received=2, replied=1, replied_on_time=1, callbacks=1, satisfied=1, merged=1),
    }
    assert {key: group.received for key, group in grouped("category", level=2).items()} == {
        "CJ01": 4, "CJ02": 2, "JT": 1, "JT01": 1}
    assert grouped("category", level=2)["CJ02"] == counts(received=2, dispatched=2, dispatched_within_2h=1,
                                                          replied=2, callbacks=2, satisfied=2)
    assert {key: group.received for key, group in grouped("category", level=3).items()} == {
        "CJ0101": 3, "CJ01": 1, "CJ02": 2, "JT": 1, "JT01": 1}


def test_by_area_type_and_channel():
    assert {key: group.received for key, group in grouped("area").items()} == {"CY": 7, "LS": 1}
    assert {key: group.received for key, group in grouped("area", level=2).items()} == {
        "CY01": 4, "CY02": 2, "CY": 1, "LS": 1}
    assert {key: group.received for key, group in grouped("type").items()} == {
        "complaint": 3, "enquiry": 2, "help": 1, "report": 1, "suggestion": 1}
    assert {key: group.received for key, group in grouped("channel").items()} == {
        "phone": 3, "web": 1, "wechat": 1, "app": 1, "board": 1, "mail": 1}
    assert grouped("type")["enquiry"] == counts(received=2, dispatched=2, dispatched_within_2h=1, replied=2,
                                                callbacks=2, satisfied=2)


def test_unknown_groupings_and_levels_are_refused():
    complaints = folded(end_of("2025-10-31")).values()
    with pytest.raises(ValueError, match="by must be one of"):
        complaint_counts_by(complaints, "window", first=D("2025-10-01"), last=D("2025-10-31"),
                            as_of=end_of("2025-10-31"))
    with pytest.raises(ValueError, match="level"):
        complaint_counts_by(complaints, "area", level=0, first=D("2025-10-01"), last=D("2025-10-31"),
                            as_of=end_of("2025-10-31"))


# -- hot spots -------------------------------------------------------------------------------------
#
#   category  area  received (2025)
#   CJ0101    CY01  09-16, 09-20, 09-29, 09-30, 10-01, 10-06, 10-12 23:59
#   CJ02      CY02  09-22, 09-28, 09-28, 10-08, 10-09
#   JT        LS    10-03, 10-05, 10-11
#   JT01      CY    09-14, 09-15 00:00, 10-10, 10-11, 10-13 00:00

HOT = {
    ("CJ0101", "CY01"): ["09-16 10:00", "09-20 10:00", "09-29 10:00", "09-30 10:00", "10-01 10:00", "10-06 10:00",
                         "10-12 23:59"],
    ("CJ02", "CY02"): ["09-22 10:00", "09-28 10:00", "09-28 11:00", "10-08 10:00", "10-09 10:00"],
    ("JT", "LS"): ["10-03 10:00", "10-05 10:00", "10-11 10:00"],
    ("JT01", "CY"): ["09-14 10:00", "09-15 00:00", "10-10 10:00", "10-11 10:00", "10-13 00:00"],
}


def hot_streams() -> list[list[Any]]:
    centre = build()
    made = [receive(centre, f"2025-{when}", category=category, area=area)
            for (category, area), moments in HOT.items() for when in moments]
    return [centre.complaint_events(complaint.id) for complaint in made]


HOT_STREAMS = hot_streams()


def hot(first: str, last: str, *, by: str = "category", level: int = 1, period: str = "week", top: int = 10,
        as_of: datetime | None = None) -> list[Hotspot]:
    moment = as_of or end_of("2025-10-31")
    complaints = [c for c in (replay(events, moment) for events in HOT_STREAMS) if c is not None]
    return hotspots(complaints, by=by, level=level, first=D(first), last=D(last), period=period, top=top,
                    as_of=moment)


def test_weekly_hot_spots_with_the_previous_stretch_and_the_change():
    # [Mon 09-29, Sun 10-12], 14 days; the previous stretch is [09-15, 09-28].
    assert hot("2025-09-29", "2025-10-12") == [
        Hotspot("CJ", 7, [(D("2025-09-29"), 3), (D("2025-10-06"), 4)], 5, 0.4),
        Hotspot("JT", 5, [(D("2025-09-29"), 2), (D("2025-10-06"), 3)], 1, 4.0),
    ]


def test_top_keys_by_count_ties_by_key_and_shallower_nodes_at_deeper_levels():
    found = hot("2025-09-29", "2025-10-12", level=2, top=3)
    assert [(spot.key, spot.count, spot.previous_count, spot.change) for spot in found] == [
        ("CJ01", 5, 2, 1.5), ("JT", 3, 0, None), ("CJ02", 2, 3, -0.3333)]  # JT01 (2) loses the tie to CJ02
    assert [spot.key for spot in hot("2025-09-29", "2025-10-12", level=2, top=4)][-1] == "JT01"
    assert hot("2025-09-29", "2025-10-12", top=0) == []


def test_partial_weeks_count_only_the_days_in_the_period():
    # [Wed 10-01, Sun 10-12], 12 days: the week of 09-29 counts 10-01..10-05 only; previous [09-19, 09-30].
    cj = hot("2025-10-01", "2025-10-12")[0]
    assert cj == Hotspot("CJ", 5, [(D("2025-09-29"), 1), (D("2025-10-06"), 4)], 6, -0.1667)


def test_monthly_and_daily_series_include_the_empty_periods():
    monthly = hot("2025-09-15", "2025-10-12", period="month")  # 28 days; previous [08-18, 09-14]
    assert monthly == [
        Hotspot("CJ", 12, [(D("2025-09-01"), 7), (D("2025-10-01"), 5)], 0, None),
        Hotspot("JT", 6, [(D("2025-09-01"), 1), (D("2025-10-01"), 5)], 1, 5.0),
    ]
    daily = hot("2025-10-10", "2025-10-13", period="day")  # previous [10-06, 10-09]
    days = [D(f"2025-10-{day}") for day in (10, 11, 12, 13)]
    assert daily == [Hotspot("JT", 4, list(zip(days, [1, 2, 0, 1], strict=True)), 0, None),
                     Hotspot("CJ", 1, list(zip(days, [0, 0, 1, 0], strict=True)), 3, -0.6667)]


def test_hot_spots_by_area_and_as_of():
    assert [(spot.key, spot.count) for spot in hot("2025-09-29", "2025-10-12", by="area")] == [("CY", 9), ("LS", 3)]
    assert [(spot.key, spot.count) for spot in hot("2025-09-29", "2025-10-12", by="area", level=2)] == [
        ("CY01", 5), ("LS", 3), ("CY", 2), ("CY02", 2)]
    # As of 10-12 23:00 the complaints of 10-12 23:59 and 10-13 00:00 do not exist yet.
    early = hot("2025-10-10", "2025-10-13", period="day", as_of=bj("2025-10-12 23:00"))
    assert [(spot.key, spot.count, [count for _, count in spot.series]) for spot in early] == [("JT", 3, [1, 2, 0, 0])]


def test_period_starts_and_previous_stretches():
    assert period_starts(D("2025-12-20"), D("2026-01-05"), "month") == [D("2025-12-01"), D("2026-01-01")]
    assert period_starts(D("2025-12-28"), D("2026-01-05"), "week") == [D("2025-12-22"), D("2025-12-29"),
                                                                      D("2026-01-05")]
    assert period_starts(D("2025-10-12"), D("2025-10-12"), "day") == [D("2025-10-12")]
    assert previous_stretch(D("2025-10-01"), D("2025-10-31")) == (D("2025-08-31"), D("2025-09-30"))
    with pytest.raises(ValueError):
        hot("2025-10-01", "2025-10-31", period="year")
    with pytest.raises(ValueError):
        hot("2025-10-31", "2025-10-01")


def test_spring_festival_2026_and_a_dispatch_past_midnight():
    # Dispatched Fri 02-13: due Tue 02-24 (Sat 02-14 is a working day, 02-15 .. 02-23 are off).
    centre = build()
    named = {name: receive(centre, "2026-02-13 09:00", "enquiry") for name in ("on_the_due_date", "a_day_late")}
    named["night"] = receive(centre, "2026-02-13 23:30")
    run(centre, [
        ("2026-02-13 09:30", "on_the_due_date", "dispatch", {"department": "D01"}),
        ("2026-02-13 09:30", "a_day_late", "dispatch", {"department": "D01"}),
        ("2026-02-14 01:00", "night", "dispatch", {"department": "GA"}),  # 90 minutes: within 2 h, next day
        ("2026-02-24 23:59", "on_the_due_date", "reply", {"reply": "已回复"}),
        ("2026-02-25 08:00", "a_day_late", "reply", {"reply": "已回复"}),
    ], named)
    as_of = end_of("2026-02-28")
    complaints = {name: replay(centre.complaint_events(complaint.id), as_of) for name, complaint in named.items()}
    assert complaints["on_the_due_date"].due_date == D("2026-02-24")

    def on(day: str, name: str) -> ComplaintCounts:
        return complaint_counts_of(complaints[name], first=D(day), last=D(day), as_of=as_of)

    assert (on("2026-02-24", "on_the_due_date"), on("2026-02-25", "a_day_late")) == (
        counts(replied=1, replied_on_time=1), counts(replied=1))
    assert (on("2026-02-13", "night"), on("2026-02-14", "night")) == (
        counts(received=1), counts(dispatched=1, dispatched_within_2h=1))
    assert complaint_figures(complaint_counts(complaints.values(), first=D("2026-02-01"), last=D("2026-02-28"),
                                              as_of=as_of)).on_time_reply_rate == 0.5


def test_the_first_reply_is_counted_on_time_whatever_a_redo_brings_later():
    centre = build()
    named = {"redone": receive(centre, "2025-10-09 09:00", "enquiry")}
    run(centre, [
        ("2025-10-09 09:30", "redone", "dispatch", {"department": "D01"}),  # due Sat 10-11
        ("2025-10-10 10:00", "redone", "reply", {"reply": "已回复"}),
        ("2025-10-10 11:00", "redone", "review", {"approved": False}),
        ("2025-10-13 10:00", "redone", "reply", {"reply": "已重新回复"}),  # after the due date
        ("2025-10-14 10:00", "redone", "review", {"approved": False}),
    ], named)
    as_of = end_of("2025-10-31")
    redone = replay(centre.complaint_events(named["redone"].id), as_of)
    assert (redone.replied_on_time, redone.first_reply_on_time, redone.redo_count) == (False, True, 2)
    assert complaint_counts_of(redone, first=D("2025-10-01"), last=D("2025-10-31"), as_of=as_of) == counts(
        received=1, dispatched=1, dispatched_within_2h=1, replied=1, replied_on_time=1, redo=1)
