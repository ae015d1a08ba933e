"""A review (好差评) and its bad-review workflow, against hand-computed dates around National Day 2026.

Mid-Autumn holidays Fri 09-25 .. Sun 09-27 and National Day holidays Thu 10-01 .. Wed 10-07;
Sun 09-20 and Sat 10-10 are adjusted working days (调休), Sun 10-11 is a rest day. The working days
after Fri 09-25 are 09-28 (1), 09-29 (2), 09-30 (3), 10-08 (4), 10-09 (5), 10-10 (6), 10-12 (7).

The helpers here build aggregates directly, with the test chain key; the review findings and
metrics tests stand on them too.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import product
from typing import Any

import pytest

from domain.base import GENESIS_HASH, SYSTEM, Actor, BusinessTimeError, IllegalTransition, InvalidValue, replay
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.catalogue import ServiceItem, Staff, Window
from domain.clock import SHANGHAI
from domain.review import (
    STATES, Review, rectification_deadline, verification_deadline, working_days_after,
)
from tests.utils.centre import TEST_CHAIN

CALENDAR = WorkingCalendar()
CLERK = Actor("clerk-li", "clerk")
SUPERVISOR = Actor("sup-wang", "supervisor")
D = date.fromisoformat


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def at(text: str, actor: Actor = SUPERVISOR) -> dict[str, Any]:
    """A command's time fields: done at that Beijing time and recorded at once."""
    moment = bj(text)
    return {"chain": TEST_CHAIN, "occurred_at": moment, "actor": actor, "recorded_at": moment}


def registered(entry: type, code: str, **fields: Any) -> Any:
    return entry.register(code=code, **at("2026-01-05 09:00", SYSTEM), **fields)


ITEM = registered(ServiceItem, "P5", name="食品经营许可", department="D01", kind="promised", legal_days=20,
                  promised_days=5)
WINDOW = registered(Window, "A12", name="综合受理 A12", hall="H01", department="D01", kind="comprehensive")
STAFF = registered(Staff, "S001", name="李娜", window="A12", department="D01", role="window_staff")
WINDOW_2 = registered(Window, "B01", name="综合受理 B01", hall="H01", department="D02", kind="comprehensive")
STAFF_2 = registered(Staff, "S002", name="王芳", window="B01", department="D02", role="window_staff")


def submitted_case() -> Case:
    return Case.submit(item=ITEM, channel="window", applicant={"ref": "ap_test"}, **at("2026-09-01 09:00", CLERK))


def served_case(window: Window = WINDOW, staff: Staff = STAFF, concluded: str = "2026-09-01 10:00") -> Case:
    """A case accepted at the window by the staff member and concluded."""
    case = submitted_case()
    case.accept(item=ITEM, window=window, staff=staff, **at("2026-09-01 09:10", CLERK))
    case.conclude(outcome="approved", **at(concluded, CLERK))
    return case


def reviewed(rating: int, given: str = "2026-09-21 10:00", window: Window = WINDOW, staff: Staff = STAFF,
             channel: str = "pad") -> Review:
    return Review.give(case=served_case(window, staff), rating=rating, channel=channel, comment=None,
                       **at(given, CLERK))


def verify(review: Review, outcome: str, when: str, rectify_days: int = 5) -> Review:
    review.verify(outcome=outcome, note="已核实", rectify_days=rectify_days, calendar=CALENDAR, **at(when))
    return review


def decide(review: Review, upheld: bool, when: str, rectify_days: int = 5) -> Review:
    review.decide_appeal(upheld=upheld, note="复核", rectify_days=rectify_days, calendar=CALENDAR, **at(when))
    return review


# -- the review ------------------------------------------------------------------------------------


def test_a_good_review_is_recorded_and_names_the_cases_window_and_staff():
    case = served_case()
    review = Review.give(case=case, rating=4, channel="app", comment="办事快", **at("2026-09-21 10:00", CLERK))
    assert (review.case_id, review.window, review.staff, review.staff_department) == (str(case.id), "A12", "S001", "D01")
    assert (review.rating, review.channel, review.comment, review.given_on) == (4, "app", "办事快", D("2026-09-21"))
    assert (review.state, review.is_bad, review.counts, review.deadline) == ("recorded", False, True, None)
    assert review.id == Review.id_for(case.id)  # one review per case: the id derives from the case's


@pytest.mark.parametrize("rating, bad, state", [
    (5, False, "recorded"), (3, False, "recorded"), (2, True, "awaiting_verification"),
    (1, True, "awaiting_verification"),
])
def test_a_rating_of_two_or_less_is_a_bad_review_awaiting_verification(rating, bad, state):
    review = reviewed(rating)
    assert (review.is_bad, review.state, review.counts) == (bad, state, True)


@pytest.mark.parametrize("rating", [0, 6, -1, True, False, 2.0, "3", None])
def test_a_rating_is_a_whole_number_from_1_to_5(rating):
    with pytest.raises(InvalidValue) as raised:
        Review.give(case=served_case(), rating=rating, channel="pad", **at("2026-09-21 10:00", CLERK))
    assert raised.value.field == "rating"


@pytest.mark.parametrize("channel", ["pad", "app", "sms", "web", "hotline"])
def test_every_channel_is_accepted(channel):
    assert reviewed(5, channel=channel).channel == channel


@pytest.mark.parametrize("channel", ["window", "email", "", "PAD"])
def test_an_unknown_channel_is_refused(channel):
    with pytest.raises(InvalidValue) as raised:
        reviewed(5, channel=channel)
    assert raised.value.field == "channel"


def test_a_comment_must_be_text():
    with pytest.raises(InvalidValue) as raised:
        Review.give(case=served_case(), rating=5, channel="pad", comment=42, **at("2026-09-21 10:00", CLERK))
    assert raised.value.field == "comment"


def test_only_a_concluded_delivered_or_refused_case_can_be_reviewed():
    case = submitted_case()
    with pytest.raises(IllegalTransition, match="cannot review a case that is submitted"):
        Review.give(case=case, rating=5, channel="pad", **at("2026-09-21 10:00", CLERK))
    delivered = served_case()
    delivered.deliver(method="pickup", **at("2026-09-02 10:00", CLERK))
    assert Review.give(case=delivered, rating=5, channel="pad", **at("2026-09-21 10:00", CLERK)).state == "recorded"


def test_a_refused_case_is_reviewed_without_window_or_staff():
    case = submitted_case()
    case.refuse(reason="不属于受理范围", **at("2026-09-01 09:30", CLERK))
    review = Review.give(case=case, rating=1, channel="sms", **at("2026-09-01 11:00", CLERK))
    assert (review.window, review.staff, review.staff_department, review.state) == (
        None, None, None, "awaiting_verification")


def test_a_review_cannot_predate_the_end_of_the_service_nor_lie_in_the_future():
    case = served_case(concluded="2026-09-18 15:00")
    with pytest.raises(BusinessTimeError, match="earlier than the previous event"):
        Review.give(case=case, rating=5, channel="pad", **at("2026-09-18 14:59", CLERK))
    with pytest.raises(BusinessTimeError, match="in the future"):
        Review.give(case=case, rating=5, channel="pad", chain=TEST_CHAIN, occurred_at=bj("2026-09-19 10:00"),
                    actor=CLERK, recorded_at=bj("2026-09-19 09:00"))


# -- the deadline rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("decided_on, days, deadline", [
    ("2026-09-25", 5, "2026-10-09"),  # a holiday itself; 09-28, 09-29, 09-30, then after National Day 10-08, 10-09
    ("2026-09-25", 6, "2026-10-10"),  # the 6th is Sat 10-10, an adjusted working day (调休)
    ("2026-09-25", 7, "2026-10-12"),  # Sun 10-11 is a rest day
    ("2026-09-18", 1, "2026-09-20"),  # Sat 09-19 is a rest day, Sun 09-20 a working day
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-09-21", 15, "2026-10-19"),  # 09-22..09-24, 09-28..09-30, 10-08..10-10, 10-12..10-16, 10-19
])
def test_a_rectification_deadline_counts_working_days_after_the_decision_date(decided_on, days, deadline):
    assert rectification_deadline(CALENDAR, D(decided_on), days) == D(deadline)
    assert working_days_after(CALENDAR, D(decided_on), days) == D(deadline)


def test_the_verification_deadline_counts_the_same_way():
    assert verification_deadline(CALENDAR, D("2026-09-24"), 2) == D("2026-09-29")  # 09-28 (1), 09-29 (2)


# -- verification (核实) --------------------------------------------------------------------------


def test_rectify_now_rectifies_at_once_and_on_time():
    review = verify(reviewed(2), "rectify_now", "2026-09-22 10:00")
    assert (review.state, review.outcome, review.verified_at) == ("rectified", "rectify_now", bj("2026-09-22 10:00"))
    assert (review.rectified_at, review.rectified_on_time, review.deadline) == (bj("2026-09-22 10:00"), True, None)


def test_rectify_by_deadline_sets_the_deadline_across_mid_autumn_and_national_day():
    review = verify(reviewed(1), "rectify_by_deadline", "2026-09-25 10:00")
    assert (review.state, review.deadline, review.rectified_at, review.rectified_on_time) == (
        "rectifying", D("2026-10-09"), None, None)
    assert verify(reviewed(1), "rectify_by_deadline", "2026-09-25 10:00", rectify_days=6).deadline == D("2026-10-10")


@pytest.mark.parametrize("rectified, on_time", [
    ("2026-10-09 23:59", True),  # the deadline day itself
    ("2026-10-10 00:00", False),
    ("2026-09-28 09:00", True),
])
def test_rectification_is_on_time_on_or_before_the_deadline(rectified, on_time):
    review = verify(reviewed(1), "rectify_by_deadline", "2026-09-25 10:00")
    review.rectify(note="已整改", **at(rectified))
    assert (review.state, review.rectified_at, review.rectified_on_time) == ("rectified", bj(rectified), on_time)


@pytest.mark.parametrize("outcome, state", [("explain", "explained"), ("appeal", "appealed")])
def test_explain_and_appeal_have_no_deadline(outcome, state):
    review = verify(reviewed(1), outcome, "2026-09-22 10:00")
    assert (review.state, review.outcome, review.deadline, review.rectified_at) == (state, outcome, None, None)


def test_an_unknown_outcome_is_refused():
    with pytest.raises(InvalidValue) as raised:
        verify(reviewed(1), "ignore", "2026-09-22 10:00")
    assert raised.value.field == "outcome"


@pytest.mark.parametrize("days", [0, -5, True, 5.0])
def test_rectify_days_is_a_positive_whole_number(days):
    with pytest.raises(InvalidValue) as raised:
        verify(reviewed(1), "rectify_by_deadline", "2026-09-22 10:00", rectify_days=days)
    assert raised.value.field == "rectify_days"


def test_a_command_cannot_predate_the_last_event_nor_lie_in_the_future():
    review = reviewed(1, given="2026-09-21 10:00")
    with pytest.raises(BusinessTimeError, match="earlier than the previous event"):
        verify(review, "explain", "2026-09-21 09:59")
    with pytest.raises(BusinessTimeError, match="in the future"):
        review.verify(outcome="explain", rectify_days=5, calendar=CALENDAR, chain=TEST_CHAIN, actor=SUPERVISOR,
                      occurred_at=bj("2026-09-22 10:00"), recorded_at=bj("2026-09-22 09:00"))
    assert (review.state, review.version) == ("awaiting_verification", 1)


# -- the appeal (申诉复核) --------------------------------------------------------------------------


def test_an_upheld_appeal_overturns_the_review_which_no_longer_counts():
    review = decide(verify(reviewed(1), "appeal", "2026-09-22 10:00"), True, "2026-09-24 10:00")
    assert (review.state, review.appeal_upheld, review.appeal_decided_at) == (
        "overturned", True, bj("2026-09-24 10:00"))
    assert (review.counts, review.is_bad, review.rating, review.deadline) == (False, True, 1, None)


def test_an_appeal_not_upheld_is_to_be_rectified_by_a_deadline_from_the_decision_date():
    review = decide(verify(reviewed(1), "appeal", "2026-09-22 10:00"), False, "2026-09-30 16:00")
    # 10-08 (1), 10-09 (2), Sat 10-10 (3, 调休), 10-12 (4), 10-13 (5).
    assert (review.state, review.appeal_upheld, review.counts, review.deadline) == (
        "rectifying", False, True, D("2026-10-13"))
    review.rectify(note="已整改", **at("2026-10-13 17:00"))
    assert (review.state, review.rectified_on_time) == ("rectified", True)


@pytest.mark.parametrize("upheld", [1, 0, "true", None])
def test_upheld_is_true_or_false(upheld):
    with pytest.raises(InvalidValue) as raised:
        decide(verify(reviewed(1), "appeal", "2026-09-22 10:00"), upheld, "2026-09-24 10:00")
    assert raised.value.field == "upheld"


# -- the return visit (回访) -----------------------------------------------------------------------


def test_a_return_visit_records_the_new_rating_once_and_the_scored_rating_stays():
    review = verify(reviewed(1), "rectify_now", "2026-09-22 10:00")
    review.return_visit(rating=5, note="满意", **at("2026-09-23 10:00"))
    assert (review.rating, review.return_rating, review.return_visited_at) == (1, 5, bj("2026-09-23 10:00"))
    assert (review.state, review.is_bad) == ("rectified", True)
    with pytest.raises(IllegalTransition, match="already had its return visit"):
        review.return_visit(rating=4, note="再次回访", **at("2026-09-24 10:00"))
    assert review.return_rating == 5


@pytest.mark.parametrize("rating", [0, 6, True, 4.5])
def test_a_return_visit_rating_is_a_whole_number_from_1_to_5(rating):
    review = verify(reviewed(1), "explain", "2026-09-22 10:00")
    with pytest.raises(InvalidValue) as raised:
        review.return_visit(rating=rating, **at("2026-09-23 10:00"))
    assert raised.value.field == "rating"


# -- every command in every state ------------------------------------------------------------------


def in_state(state: str) -> Review:
    """A review given Mon 09-21 and brought to the state on Tue 09-22."""
    if state == "recorded":
        return reviewed(4)
    review = reviewed(1)
    if state == "awaiting_verification":
        return review
    outcome = {"rectified": "rectify_now", "rectifying": "rectify_by_deadline", "explained": "explain",
               "appealed": "appeal", "overturned": "appeal"}[state]
    verify(review, outcome, "2026-09-22 10:00")
    if state == "overturned":
        decide(review, True, "2026-09-22 11:00")
    return review


COMMANDS = {
    "verify": lambda review, when: review.verify(outcome="explain", note="", rectify_days=5, calendar=CALENDAR,
                                                 **when),
    "rectify": lambda review, when: review.rectify(note="已整改", **when),
    "decide_appeal": lambda review, when: review.decide_appeal(upheld=False, note="", rectify_days=5,
                                                               calendar=CALENDAR, **when),
    "return_visit": lambda review, when: review.return_visit(rating=4, note="", **when),
}
# command: {state it is allowed in: the state it leads to}
ALLOWED = {
    "verify": {"awaiting_verification": "explained"},
    "rectify": {"rectifying": "rectified"},
    "decide_appeal": {"appealed": "rectifying"},
    "return_visit": {"rectifying": "rectifying", "rectified": "rectified", "explained": "explained"},
}


@pytest.mark.parametrize("state, command", list(product(STATES, COMMANDS)))
def test_every_command_in_every_state(state, command):
    review = in_state(state)
    assert review.state == state
    version = review.version
    if state in ALLOWED[command]:
        COMMANDS[command](review, at("2026-09-24 10:00"))
        assert (review.state, review.version) == (ALLOWED[command][state], version + 1)
    else:
        with pytest.raises(IllegalTransition, match=f"a review that is {state}"):
            COMMANDS[command](review, at("2026-09-24 10:00"))
        assert (review.state, review.version) == (state, version)


# -- events: past tense, hash-chained, replayable --------------------------------------------------


def full_workflow() -> Review:
    review = decide(verify(reviewed(2), "appeal", "2026-09-22 10:00"), False, "2026-09-25 10:00")
    review.rectify(note="已整改", **at("2026-10-12 10:00"))
    review.return_visit(rating=4, note="基本满意", **at("2026-10-13 10:00"))
    return review


def test_the_events_are_named_in_the_past_tense_and_carry_what_the_history_shows():
    events = full_workflow().collect_events()
    assert [type(event).__qualname__ for event in events] == [
        "Review.Given", "Review.Verified", "Review.AppealDecided", "Review.Rectified", "Review.ReturnVisited"]
    given, verified, decided, rectified, visited = events
    assert (given.rating, given.channel, given.window, given.staff, given.staff_department) == (
        2, "pad", "A12", "S001", "D01")
    assert (verified.outcome, verified.note, verified.deadline, verified.rectify_days) == ("appeal", "已核实", None, None)
    assert (decided.upheld, decided.deadline, decided.rectify_days) == (False, "2026-10-09", 5)
    assert (rectified.on_time, rectified.note) == (False, "已整改")
    assert (visited.rating, visited.note) == (4, "基本满意")
    assert [event.actor for event in events] == [CLERK.as_dict()] + [SUPERVISOR.as_dict()] * 4


def test_the_events_are_hash_chained_and_replay_to_the_same_review():
    review = full_workflow()
    events = review.collect_events()
    previous = GENESIS_HASH
    for event in events:
        assert (event.previous_hash, TEST_CHAIN.hash_of(event)) == (previous, event.hash)
        previous = event.hash
    replayed = replay(events, None)
    assert (replayed.state, replayed.deadline, replayed.rectified_on_time, replayed.return_rating) == (
        "rectified", D("2026-10-09"), False, 4)
    before_the_decision = replay(events, bj("2026-09-24 23:59"))
    assert (before_the_decision.state, before_the_decision.deadline) == ("appealed", None)
