"""A case (办件) through the service centre, in memory, with a frozen record clock.

Dates use National Day 2025: holidays Wed 10-01 .. Wed 10-08, adjusted working days Sun 09-28
and Sat 10-11. A case accepted Fri 09-26 with N = 5 counts 09-28, 09-29, 09-30, 10-09, 10-10,
so its deadline is Fri 10-10 and it is overdue (red) on Sat 10-11.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.application import ServiceCentre
from domain.case_commands import CaseNotFound, VersionConflict
from domain.base import (
    GENESIS_HASH, SYSTEM, Actor, BusinessTimeError, DuplicateCode, IllegalTransition, InvalidValue,
    UnknownReference,
)
from domain.calendar import WorkingCalendar
from domain.case import Case, SuspensionPeriod
from domain.catalogue import ServiceItem
from domain.clock import SHANGHAI, OutOfRange
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import TEST_CHAIN, make_centre

# Record time ("now") is frozen: Monday 2025-10-20 10:00 in Beijing.
NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)
CALENDAR = WorkingCalendar()
CLERK = Actor("clerk-li", "clerk")
D = date.fromisoformat


def bj(text: str) -> datetime:
    """A Beijing business time from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def new_centre() -> ServiceCentre:
    centre = make_centre(calendar=CALENDAR, clock=lambda: NOW)
    return register_small_centre(centre, at=bj("2025-09-01 09:00"))


@pytest.fixture
def centre() -> ServiceCentre:
    return new_centre()


def submit(centre: ServiceCentre, at: str = "2025-09-26 09:00", item: str = "P5") -> Case:
    return centre.submit_case(item=item, channel="window", applicant={"name": "张三"}, actor=CLERK, at=bj(at))


def accept(centre: ServiceCentre, case_id, at: str = "2025-09-26 10:00", **kwargs) -> Case:
    return centre.accept_case(case_id, window="A12", staff="S001", actor=CLERK, at=bj(at), **kwargs)


def accepted_case(centre: ServiceCentre, at: str = "2025-09-26 10:00") -> Case:
    return accept(centre, submit(centre).id, at=at)


def verify_chain(events) -> bool:
    previous = GENESIS_HASH
    for event in events:
        if event.previous_hash != previous or TEST_CHAIN.hash_of(event) != event.hash:
            return False
        previous = event.hash
    return True


# -- the lifecycle -----------------------------------------------------------------------------


def test_a_case_is_submitted_accepted_suspended_resumed_and_concluded(centre):
    case = submit(centre)
    assert (case.state, case.version, case.item, case.kind) == ("submitted", 1, "P5", "promised")
    assert case.submitted_at == bj("2025-09-26 09:00")
    assert case.clock(NOW, CALENDAR, centre.policy) is None  # no clock before acceptance

    case = accept(centre, case.id)
    assert (case.state, case.window, case.hall, case.staff) == ("accepted", "A12", "H01", "S001")
    assert (case.promised_days, case.legal_days, case.accepted_at) == (5, 20, bj("2025-09-26 10:00"))

    case = centre.suspend_case(case.id, reason="supplement", note="缺营业执照", actor=CLERK, at=bj("2025-09-29 09:00"))
    assert case.state == "suspended"
    assert case.suspensions == [SuspensionPeriod("supplement", bj("2025-09-29 09:00"))]

    case = centre.resume_case(case.id, actor=CLERK, at=bj("2025-10-09 09:00"))
    assert case.state == "accepted"
    assert case.suspensions == [SuspensionPeriod("supplement", bj("2025-09-29 09:00"), bj("2025-10-09 09:00"))]

    case = centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-10-13 16:00"))
    assert (case.state, case.outcome, case.concluded_at, case.version) == (
        "concluded", "approved", bj("2025-10-13 16:00"), 5)

    stored = centre.case(case.id)
    assert stored.state == "concluded" and stored.version == 5
    # Counted: 09-28; 09-29, 09-30 suspended (holidays in between); 10-09, 10-10, 10-11, 10-13.
    figures = stored.clock(NOW, CALENDAR, centre.policy)
    assert (figures.elapsed_workdays, figures.remaining_workdays, figures.on_time, figures.warning) == (5, 0, True, "none")


def test_every_event_carries_business_time_record_time_and_actor(centre):
    case = accepted_case(centre)
    events = centre.case_events(case.id)
    assert [type(event).__name__ for event in events] == ["Submitted", "Accepted"]
    assert [event.occurred_at for event in events] == [bj("2025-09-26 09:00"), bj("2025-09-26 10:00")]
    assert all(event.timestamp == NOW for event in events)
    assert all(event.actor == {"user": "clerk-li", "role": "clerk"} for event in events)


def test_a_business_time_left_out_is_the_record_time(centre):
    case = centre.submit_case(item="P5", channel="online", applicant={"name": "王五"}, actor=CLERK)
    assert case.submitted_at == NOW


def test_a_submitted_case_can_be_refused_and_then_nothing_more_happens(centre):
    case = submit(centre)
    case = centre.refuse_case(case.id, reason="不属于本部门职权范围", actor=CLERK, at=bj("2025-09-26 11:00"))
    assert (case.state, case.refusal_reason, case.version) == ("refused", "不属于本部门职权范围", 2)
    assert case.clock(NOW, CALENDAR, centre.policy) is None
    with pytest.raises(IllegalTransition, match=r"cannot accept a case that is refused"):
        accept(centre, case.id, at="2025-09-27 09:00")


def test_a_refusal_needs_a_reason(centre):
    case = submit(centre)
    with pytest.raises(InvalidValue) as raised:
        centre.refuse_case(case.id, reason="  ", actor=CLERK, at=bj("2025-09-26 11:00"))
    assert raised.value.field == "reason"


def test_an_unknown_suspension_reason_or_outcome_is_an_invalid_value(centre):
    case = accepted_case(centre)
    with pytest.raises(InvalidValue) as raised:
        centre.suspend_case(case.id, reason="lunch", actor=CLERK, at=bj("2025-09-29 09:00"))
    assert raised.value.field == "reason"
    with pytest.raises(InvalidValue) as raised:
        centre.conclude_case(case.id, outcome="maybe", actor=CLERK, at=bj("2025-09-29 09:00"))
    assert raised.value.field == "outcome"
    assert centre.case(case.id).version == 2


# -- illegal transitions name the command and the state ------------------------------------------


def test_concluding_a_suspended_case_says_to_resume_it_first(centre):
    case = accepted_case(centre)
    centre.suspend_case(case.id, reason="hearing", actor=CLERK, at=bj("2025-09-29 09:00"))
    with pytest.raises(IllegalTransition) as raised:
        centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-09-30 09:00"))
    message = str(raised.value)
    assert "conclude" in message and "suspended" in message and "resume it first" in message


def test_accepting_twice_is_illegal(centre):
    case = accepted_case(centre)
    with pytest.raises(IllegalTransition, match=r"cannot accept a case that is accepted; accept needs a case that is submitted"):
        accept(centre, case.id, at="2025-09-26 11:00")


def test_resuming_a_case_that_is_not_suspended_is_illegal(centre):
    case = accepted_case(centre)
    with pytest.raises(IllegalTransition, match=r"cannot resume a case that is accepted; resume needs a case that is suspended"):
        centre.resume_case(case.id, actor=CLERK, at=bj("2025-09-29 09:00"))


def test_suspending_twice_is_illegal(centre):
    case = accepted_case(centre)
    centre.suspend_case(case.id, reason="hearing", actor=CLERK, at=bj("2025-09-29 09:00"))
    with pytest.raises(IllegalTransition, match=r"cannot suspend a case that is suspended \(resume it first\)"):
        centre.suspend_case(case.id, reason="supplement", actor=CLERK, at=bj("2025-09-29 10:00"))


@pytest.mark.parametrize("command", ["suspend", "resume", "conclude"])
def test_a_submitted_case_must_be_accepted_first(centre, command):
    case = submit(centre)
    with pytest.raises(IllegalTransition, match=rf"cannot {command} a case that is submitted"):
        run(centre, command, case.id, "2025-09-26 11:00")


@pytest.mark.parametrize("command", ["accept", "refuse", "suspend", "resume", "conclude"])
@pytest.mark.parametrize("end", ["refused", "concluded"])
def test_nothing_happens_after_refusal_or_conclusion(centre, command, end):
    case = submit(centre)
    if end == "refused":
        centre.refuse_case(case.id, reason="材料不全", actor=CLERK, at=bj("2025-09-26 10:00"))
    else:
        accept(centre, case.id)
        centre.conclude_case(case.id, outcome="denied", actor=CLERK, at=bj("2025-09-26 11:00"))
    before = centre.case_events(case.id)
    with pytest.raises(IllegalTransition) as raised:
        run(centre, command, case.id, "2025-09-26 12:00")
    assert f"cannot {command} a case that is {end}" in str(raised.value)
    assert centre.case_events(case.id) == before


def run(centre: ServiceCentre, command: str, case_id, at: str) -> Case:
    when = {"actor": CLERK, "at": bj(at)}
    if command == "accept":
        return centre.accept_case(case_id, window="A12", staff="S001", **when)
    if command == "refuse":
        return centre.refuse_case(case_id, reason="材料不全", **when)
    if command == "suspend":
        return centre.suspend_case(case_id, reason="supplement", **when)
    if command == "resume":
        return centre.resume_case(case_id, **when)
    return centre.conclude_case(case_id, outcome="approved", **when)


# -- business time -------------------------------------------------------------------------------


def test_a_submission_in_the_future_is_refused(centre):
    with pytest.raises(OutOfRange, match="in the future"):
        centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                           at=NOW + timedelta(minutes=1))


def test_a_command_in_the_future_is_refused(centre):
    case = submit(centre)
    with pytest.raises(OutOfRange, match="in the future") as raised:
        centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK, at=NOW + timedelta(seconds=1))
    assert raised.value.field == "at"
    assert centre.case(case.id).version == 1
    # Exactly now is not the future.
    assert centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK, at=NOW).state == "accepted"


def test_a_business_time_earlier_than_the_previous_event_is_refused(centre):
    case = submit(centre, at="2025-09-26 09:00")
    with pytest.raises(BusinessTimeError, match="earlier than the previous event"):
        accept(centre, case.id, at="2025-09-26 08:59")
    # The same moment as the previous event is allowed.
    assert accept(centre, case.id, at="2025-09-26 09:00").state == "accepted"


def test_a_naive_business_time_is_beijing_time(centre):
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                              at=datetime(2025, 9, 26, 9, 0))
    assert case.submitted_at == bj("2025-09-26 09:00")


# -- the catalogue -------------------------------------------------------------------------------


def test_an_unknown_item_is_an_unknown_reference_on_item(centre):
    with pytest.raises(UnknownReference) as raised:
        submit(centre, item="NOPE")
    assert raised.value.field == "item"


def test_an_unknown_window_or_staff_is_an_unknown_reference_on_that_field(centre):
    case = submit(centre)
    with pytest.raises(UnknownReference) as raised:
        centre.accept_case(case.id, window="Z99", staff="S001", actor=CLERK, at=bj("2025-09-26 10:00"))
    assert raised.value.field == "window" and "Z99" in str(raised.value)
    with pytest.raises(UnknownReference) as raised:
        centre.accept_case(case.id, window="A12", staff="S999", actor=CLERK, at=bj("2025-09-26 10:00"))
    assert raised.value.field == "staff"
    assert centre.case(case.id).state == "submitted"


def test_registering_an_entry_that_names_an_unknown_entry_is_refused(centre):
    with pytest.raises(UnknownReference) as raised:
        centre.register("window", code="B01", name="B01", hall="H99", department="D01", kind="specialist",
                        actor=SYSTEM, at=bj("2025-09-01 09:00"))
    assert raised.value.field == "hall"
    with pytest.raises(UnknownReference) as raised:
        centre.change_item_limits("NOPE", legal_days=5, promised_days=3, actor=SYSTEM)
    assert raised.value.field == "code"


def test_a_duplicate_catalogue_code_is_refused(centre):
    with pytest.raises(DuplicateCode, match="item 'P5' already exists"):
        centre.register("item", code="P5", name="另一个事项", department="D01", kind="promised", legal_days=5,
                        promised_days=5, actor=SYSTEM, at=bj("2025-09-02 09:00"))
    with pytest.raises(DuplicateCode):
        centre.register("department", code="D01", name="重复", actor=SYSTEM)


def test_a_promised_limit_above_the_legal_limit_is_refused(centre):
    with pytest.raises(InvalidValue) as raised:
        centre.register("item", code="BAD", name="坏事项", department="D01", kind="promised", legal_days=3,
                        promised_days=5, actor=SYSTEM, at=bj("2025-09-01 09:00"))
    assert raised.value.field == "promised_days"
    with pytest.raises(InvalidValue) as raised:
        centre.change_item_limits("P5", legal_days=4, promised_days=5, actor=SYSTEM, at=bj("2025-09-02 09:00"))
    assert raised.value.field == "promised_days"
    assert centre.find(ServiceItem, "BAD") is None
    assert centre.find(ServiceItem, "P5").version == 1


def test_a_case_keeps_the_promised_limit_in_force_at_acceptance(centre):
    before = accepted_case(centre, at="2025-09-26 10:00")
    centre.change_item_limits("P5", legal_days=10, promised_days=3, actor=SYSTEM, at=bj("2025-09-30 09:00"))

    # Accepted after the change: the new limits.
    after = accept(centre, submit(centre, at="2025-10-09 09:00").id, at="2025-10-09 10:00")
    assert (after.promised_days, after.legal_days) == (3, 10)
    # Accepted before the change: the old limits, also when read back after the change.
    assert (centre.case(before.id).promised_days, centre.case(before.id).legal_days) == (5, 20)
    # Entered late: its business time is before the change, so the limits in force then apply.
    late = accept(centre, submit(centre, at="2025-09-29 09:00").id, at="2025-09-29 10:00")
    assert (late.promised_days, late.legal_days) == (5, 20)
    # The item itself remembers both.
    assert centre.find(ServiceItem, "P5", as_of=bj("2025-09-29 23:59")).promised_days == 5
    assert centre.find(ServiceItem, "P5").promised_days == 3


def test_an_immediate_item_gets_zero_promised_days(centre):
    case = accept(centre, submit(centre, item="IMM").id)
    assert (case.kind, case.promised_days, case.legal_days) == ("immediate", 0, 1)
    # Not concluded on the acceptance day: red on the next working day.
    assert case.clock(bj("2025-09-26 17:00"), CALENDAR, centre.policy).warning == "yellow"
    assert case.clock(bj("2025-09-28 09:00"), CALENDAR, centre.policy).warning == "red"


# -- history -------------------------------------------------------------------------------------


def test_a_case_as_of_a_business_time(centre):
    case = accepted_case(centre)  # N = 5, deadline Fri 10-10
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-10-13 15:00"))

    on_the_11th = centre.case(case.id, as_of=bj("2025-10-11 18:00"))
    assert (on_the_11th.state, on_the_11th.version, on_the_11th.concluded_at) == ("accepted", 2, None)
    figures = on_the_11th.clock(bj("2025-10-11 18:00"), CALENDAR, centre.policy)
    assert (figures.elapsed_workdays, figures.remaining_workdays, figures.warning) == (6, -1, "red")
    assert figures.deadline == D("2025-10-10") and figures.on_time is None

    between = centre.case(case.id, as_of=bj("2025-09-26 09:30"))
    assert (between.state, between.version) == ("submitted", 1)

    now = centre.case(case.id)
    figures = now.clock(NOW, CALENDAR, centre.policy)
    assert now.state == "concluded"
    assert (figures.elapsed_workdays, figures.on_time, figures.warning) == (7, False, "none")


def test_a_case_is_not_found_before_its_submission_or_by_an_unknown_id(centre):
    case = submit(centre, at="2025-09-26 09:00")
    with pytest.raises(CaseNotFound, match="as of 2025-09-26T08:59:00"):
        centre.case(case.id, as_of=bj("2025-09-26 08:59"))
    assert centre.case(case.id, as_of=bj("2025-09-26 09:00")).state == "submitted"
    with pytest.raises(CaseNotFound):
        centre.case(uuid4())
    with pytest.raises(CaseNotFound):
        centre.accept_case(uuid4(), window="A12", staff="S001", actor=CLERK)
    # A catalogue entry's id is not a case.
    with pytest.raises(CaseNotFound):
        centre.case(ServiceItem.id_for("P5"))


# -- optimistic concurrency ----------------------------------------------------------------------


def test_a_command_with_a_stale_expected_version_is_refused(centre):
    case = submit(centre)
    with pytest.raises(VersionConflict, match="is at version 1, not 2"):
        accept(centre, case.id, expected_version=2)
    assert accept(centre, case.id, expected_version=1).version == 2
    with pytest.raises(VersionConflict):
        centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-09-29 09:00"), expected_version=1)
    assert centre.case(case.id).version == 2


def test_two_writers_racing_on_one_case_do_not_both_win(centre):
    case = submit(centre)
    first, second = centre.case(case.id), centre.case(case.id)
    item, window, staff = (centre.entry(kind, code, field=kind) for kind, code in
                           (("item", "P5"), ("window", "A12"), ("staff", "S001")))
    when = {"occurred_at": bj("2025-09-26 10:00"), "recorded_at": NOW, "actor": CLERK, "chain": TEST_CHAIN}
    first.accept(item=item, window=window, staff=staff, **when)
    second.refuse(reason="材料不全", **when)
    centre.save_changed(first)
    with pytest.raises(IllegalTransition, match="changed concurrently"):
        centre.save_changed(second)
    assert centre.case(case.id).state == "accepted"


# -- the hash chain ------------------------------------------------------------------------------


def chained_case(centre: ServiceCentre) -> list:
    case = accepted_case(centre)
    centre.suspend_case(case.id, reason="expert_review", actor=CLERK, at=bj("2025-09-29 09:00"))
    centre.resume_case(case.id, actor=CLERK, at=bj("2025-10-09 09:00"))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-10-10 09:00"))
    return centre.case_events(case.id)


def test_each_event_stores_the_hash_of_its_predecessor(centre):
    events = chained_case(centre)
    assert len(events) == 5
    assert events[0].previous_hash == GENESIS_HASH
    for previous, event in zip(events, events[1:]):
        assert event.previous_hash == previous.hash == TEST_CHAIN.hash_of(previous)
    assert len({event.hash for event in events}) == 5
    assert centre.case(events[0].originator_id).last_hash == events[-1].hash
    assert verify_chain(events)


def test_the_hash_is_stable_across_the_store(centre):
    submitted = submit(centre)
    in_memory_hash = submitted.last_hash
    stored = centre.case_events(submitted.id)[0]
    assert TEST_CHAIN.hash_of(stored) == stored.hash == in_memory_hash


@pytest.mark.parametrize("index, changes", [
    (0, {"applicant": {"ref": "ap_someone_else", "sealed": "forged"}}),
    (1, {"promised_days": 50}),
    (2, {"reason": "supplement"}),
    (3, {"occurred_at": bj("2025-10-08 09:00")}),
    (4, {"outcome": "denied"}),
    (4, {"actor": {"user": "someone-else", "role": "clerk"}}),
])
def test_a_tampered_event_breaks_the_chain(centre, index, changes):
    events = chained_case(centre)
    tampered = dataclasses.replace(events[index], **changes)
    assert TEST_CHAIN.hash_of(tampered) != tampered.hash
    forged = events[:index] + [tampered] + events[index + 1:]
    # Every event carries its own keyed hash, so even the last one cannot be changed unseen.
    assert not verify_chain(forged)


def test_a_forged_previous_hash_breaks_the_chain(centre):
    events = chained_case(centre)
    forged = events[:2] + [dataclasses.replace(events[2], previous_hash="f" * 64)] + events[3:]
    assert not verify_chain(forged)


def test_catalogue_entries_are_chained_too(centre):
    centre.change_item_limits("P5", legal_days=10, promised_days=3, actor=SYSTEM, at=bj("2025-09-30 09:00"))
    events = list(centre.events.get(ServiceItem.id_for("P5")))
    assert [type(event).__name__ for event in events] == ["Registered", "LimitsChanged"]
    assert verify_chain(events)


def test_catalogue_changes_refuse_a_future_business_time(centre):
    with pytest.raises(OutOfRange, match="future"):
        centre.register("department", code="FUTURE", name="未来局", actor=SYSTEM, at=NOW + timedelta(days=1))
    with pytest.raises(OutOfRange, match="future"):
        centre.change_item_limits("P5", legal_days=20, promised_days=4, actor=SYSTEM, at=NOW + timedelta(days=1))
    assert centre.find(ServiceItem, "P5").promised_days == 5


def test_a_limit_change_cannot_be_dated_before_the_previous_one(centre):
    centre.change_item_limits("P5", legal_days=20, promised_days=4, actor=SYSTEM, at=bj("2025-10-05 09:00"))
    with pytest.raises(BusinessTimeError, match="earlier than the previous event"):
        centre.change_item_limits("P5", legal_days=20, promised_days=3, actor=SYSTEM, at=bj("2025-09-20 09:00"))
    assert centre.find(ServiceItem, "P5", bj("2025-10-06 00:00")).promised_days == 4


# -- windows and staff at acceptance ---------------------------------------------------------------


def with_specialist_window(centre: ServiceCentre) -> ServiceCentre:
    """A second department with a specialist window B01 (staff S002) and an item of its own, T1."""
    at = bj("2025-09-01 09:00")
    centre.register("department", code="D02", name="税务局", actor=SYSTEM, at=at)
    centre.register("window", code="B01", name="税务窗口", hall="H01", department="D02", kind="specialist",
                    actor=SYSTEM, at=at)
    centre.register("staff", code="S002", name="王强", window="B01", department="D02", role="window_staff",
                    actor=SYSTEM, at=at)
    centre.register("item", code="T1", name="发票领用", department="D02", kind="promised", legal_days=5,
                    promised_days=2, actor=SYSTEM, at=at)
    return centre


def test_a_specialist_window_accepts_only_its_own_departments_items(centre):
    with_specialist_window(centre)
    case = submit(centre, item="P5")  # an item of D01
    with pytest.raises(InvalidValue, match="specialist window of D02") as raised:
        centre.accept_case(case.id, window="B01", staff="S002", actor=CLERK, at=bj("2025-09-26 10:00"))
    assert raised.value.field == "window" and centre.case(case.id).version == 1
    own = submit(centre, item="T1")
    assert centre.accept_case(own.id, window="B01", staff="S002", actor=CLERK,
                              at=bj("2025-09-26 10:00")).state == "accepted"


def test_a_comprehensive_window_accepts_any_item(centre):
    with_specialist_window(centre)
    case = submit(centre, item="T1")  # D02's item at D01's comprehensive window A12 (一窗受理)
    assert accept(centre, case.id).window == "A12"


def test_staff_accept_only_at_their_own_window(centre):
    with_specialist_window(centre)
    case = submit(centre, item="T1")
    with pytest.raises(InvalidValue, match="S002 works at window B01, not A12") as raised:
        centre.accept_case(case.id, window="A12", staff="S002", actor=CLERK, at=bj("2025-09-26 10:00"))
    assert raised.value.field == "staff"


# -- bounds on business time -----------------------------------------------------------------------


@pytest.mark.parametrize("at", [datetime(1, 1, 1), datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                                datetime(2003, 12, 31, 23, 59, tzinfo=SHANGHAI)])
def test_a_business_time_before_the_earliest_date_is_refused_without_overflow(centre, at):
    written = centre.recorder.max_notification_id()
    with pytest.raises(OutOfRange, match="before 2004-01-01") as raised:
        centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK, at=at)
    assert raised.value.field == "at"
    assert centre.recorder.max_notification_id() == written


def test_a_far_future_business_time_is_refused_without_overflow(centre):
    case = accepted_case(centre)
    far = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(OutOfRange, match="in the future"):
        centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=far)
    assert centre.case(case.id).state == "accepted"
