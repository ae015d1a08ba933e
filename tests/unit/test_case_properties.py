"""Random command sequences against a real in-memory ServiceCentre, checked against a tiny model.

Every command gets a random business time (sometimes earlier than the case's last event,
sometimes in the future) and sometimes a wrong expected_version. The model predicts which
refusal, if any, the domain must raise; after every step the invariants of DESIGN §4 and §8
are checked on every case: the stream, the state, the suspensions, the hash chain, the SLA
clock and the replay from the store.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from domain.application import ServiceCentre
from domain.case_commands import VersionConflict
from domain.base import GENESIS_HASH, Actor, IllegalTransition, InvalidValue
from domain.calendar import WorkingCalendar
from domain.case import OUTCOMES, STATES, SUSPENSION_REASONS
from domain.clock import SHANGHAI, OutOfRange
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import TEST_CHAIN, make_centre

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Beijing
START = datetime(2025, 9, 22, 9, 0, tzinfo=SHANGHAI)     # spans National Day and two 调休 days
CALENDAR = WorkingCalendar()
CLERK = Actor("clerk-li", "clerk")
ITEM_DAYS = {"P5": 5, "P2": 2, "IMM": 0}

# accept/refuse/suspend/resume/conclude: the state each needs and the state it leads to.
TRANSITIONS = {
    "accept": ("submitted", "accepted"),
    "refuse": ("submitted", "refused"),
    "suspend": ("accepted", "suspended"),
    "resume": ("suspended", "accepted"),
    "conclude": ("accepted", "concluded"),
}


def new_centre() -> ServiceCentre:
    centre = make_centre(calendar=CALENDAR, clock=lambda: NOW)
    items = {"P5": ("五日件", "promised", 10, 5), "P2": ("二日件", "joint", 2, 2), "IMM": ("即办件", "immediate", 1, 1)}
    return register_small_centre(centre, at=datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI), items=items)


# A business time, as (how, amount): resolved against the case's last event when the command runs.
# Mostly a little later than the last event, so that cases get far; sometimes refused.
business_times = st.sampled_from(["later"] * 3 + ["toward_now"] * 3 + ["same", "earlier", "future", "now"]).flatmap(
    lambda how: st.tuples(st.just(how), {
        "later": st.integers(0, 8 * 60),
        "toward_now": st.integers(0, 1000),
        "same": st.just(0),
        "earlier": st.integers(1, 3 * 24 * 60),
        "future": st.integers(1, 600),
        "now": st.just(0),
    }[how])
)
submit_times = st.sampled_from(["past"] * 4 + ["future", "now"]).flatmap(
    lambda how: st.tuples(st.just(how), {
        "past": st.integers(0, 20 * 24 * 60),
        "future": st.integers(1, 600),
        "now": st.just(0),
    }[how])
)
# None: no expected_version; 0: the right one; otherwise that far off.
version_offsets = st.sampled_from([None] * 4 + [0] * 3 + [1, -1, 7])
suspension_reasons = st.sampled_from(SUSPENSION_REASONS + ("", "lunch"))
outcomes = st.sampled_from(OUTCOMES + ("maybe",))


@dataclasses.dataclass
class Model:
    item: str
    state: str = "submitted"
    version: int = 1
    last_at: datetime = START
    open_suspension: bool = False


def resolve(how: str, minutes: int, last: datetime) -> datetime | None:
    if how == "now":
        return None  # the command is entered as it happens: business time = record time
    if how == "future":
        return NOW + timedelta(minutes=minutes)
    if how == "past":
        return START + timedelta(minutes=minutes)
    if how == "toward_now":  # up to a quarter of the way from the last event to now
        return last + (NOW - last) * minutes / 4000
    if how == "earlier":
        return last - timedelta(minutes=minutes)
    return last + timedelta(minutes=minutes)


def snapshot(centre: ServiceCentre, case_id) -> list[tuple[int, str]]:
    return [(event.originator_version, event.hash) for event in centre.case_events(case_id)]


def public_state(case) -> dict:
    state = {name: value for name, value in vars(case).items() if not name.startswith("_")}
    return {**state, "id": case.id, "version": case.version, "modified_on": case.modified_on}


class CaseMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.centre = new_centre()
        self.models: dict = {}
        self.aggregates: dict = {}  # the in-memory aggregate each last successful command returned

    # -- commands ------------------------------------------------------------------------------

    @initialize(target=cases, item=st.sampled_from(sorted(ITEM_DAYS)),
                when=st.tuples(st.just("past"), st.integers(0, 10 * 24 * 60)))
    def first_submission(self, item, when):
        return self.submit(item, when)

    @rule(target=cases, item=st.sampled_from(sorted(ITEM_DAYS)), when=submit_times)
    def submit(self, item, when):
        at = resolve(*when, START)
        if at is not None and at > NOW:
            try:
                self.centre.submit_case(item=item, channel="window", applicant={"name": "张三"}, actor=CLERK, at=at)
            except OutOfRange:
                event("submit: business time refused")
                return multiple()
            raise AssertionError(f"a submission at {at} after now {NOW} was accepted")
        case = self.centre.submit_case(item=item, channel="window", applicant={"name": "张三"}, actor=CLERK, at=at)
        self.models[case.id] = Model(item=item, last_at=at or NOW)
        self.aggregates[case.id] = case
        return case.id

    @rule(case_id=cases, when=business_times, offset=version_offsets)
    def accept(self, case_id, when, offset):
        self.run("accept", case_id, when, offset, None,
                 lambda **c: self.centre.accept_case(case_id, window="A12", staff="S001", **c))

    @rule(case_id=cases, when=business_times, offset=version_offsets, reason=st.sampled_from(["材料不全", " "]))
    def refuse(self, case_id, when, offset, reason):
        invalid = "reason" if not reason.strip() else None
        self.run("refuse", case_id, when, offset, invalid,
                 lambda **c: self.centre.refuse_case(case_id, reason=reason, **c))

    @rule(case_id=cases, when=business_times, offset=version_offsets, reason=suspension_reasons)
    def suspend(self, case_id, when, offset, reason):
        invalid = None if reason in SUSPENSION_REASONS else "reason"
        self.run("suspend", case_id, when, offset, invalid,
                 lambda **c: self.centre.suspend_case(case_id, reason=reason, note="补正", **c))

    @rule(case_id=cases, when=business_times, offset=version_offsets)
    def resume(self, case_id, when, offset):
        self.run("resume", case_id, when, offset, None, lambda **c: self.centre.resume_case(case_id, **c))

    @rule(case_id=cases, when=business_times, offset=version_offsets, outcome=outcomes)
    def conclude(self, case_id, when, offset, outcome):
        invalid = None if outcome in OUTCOMES else "outcome"
        self.run("conclude", case_id, when, offset, invalid,
                 lambda **c: self.centre.conclude_case(case_id, outcome=outcome, **c))

    @rule(case_id=cases, data=st.data())
    def a_legal_next_step(self, case_id, data):
        """Any command the case's state allows, at a valid time: gets cases through long lives."""
        state = self.models[case_id].state
        # Weighted towards the longer lives: accept over refuse, suspend over conclude.
        weights = {"accept": 3, "refuse": 1, "suspend": 2, "resume": 1, "conclude": 1}
        legal = [command for command, (needs, _) in TRANSITIONS.items() if needs == state for _ in range(weights[command])]
        if not legal:
            return
        command = data.draw(st.sampled_from(legal), label="command")
        when = data.draw(st.tuples(st.just("toward_now"), st.integers(0, 1000)), label="when")
        arguments = {"refuse": {"reason": "材料不全"}, "suspend": {"reason": data.draw(st.sampled_from(SUSPENSION_REASONS))},
                     "conclude": {"outcome": data.draw(st.sampled_from(OUTCOMES))}}.get(command, {})
        getattr(self, command)(case_id, when, 0, **arguments)

    @rule(case_id=cases)
    def every_illegal_command_is_refused(self, case_id):
        """Whatever state the case is in, each command that state does not allow is refused."""
        model = self.models[case_id]
        valid = {"refuse": {"reason": "材料不全"}, "suspend": {"reason": "hearing"}, "conclude": {"outcome": "approved"}}
        for command, (needs, _) in TRANSITIONS.items():
            if needs != model.state:
                getattr(self, command)(case_id, ("same", 0), 0, **valid.get(command, {}))

    def run(self, command, case_id, when, offset, invalid_field, call):
        model = self.models[case_id]
        at = resolve(*when, model.last_at)
        occurred = at or NOW
        expected_version = None if offset is None else model.version + offset
        needs, leads_to = TRANSITIONS[command]

        # What the domain must say, in the order it checks: bounds first, before any work is done.
        if occurred > NOW:
            refusal = OutOfRange
        elif expected_version is not None and expected_version != model.version:
            refusal = VersionConflict
        elif model.state != needs:
            refusal = IllegalTransition
        elif invalid_field is not None:
            refusal = InvalidValue
        elif occurred < model.last_at:
            refusal = OutOfRange
        else:
            refusal = None
        event(f"{command} when {model.state}: {refusal.__name__ if refusal else 'done'}")

        before = snapshot(self.centre, case_id)
        try:
            case = call(actor=CLERK, at=at, expected_version=expected_version)
        except (IllegalTransition, OutOfRange, VersionConflict, InvalidValue) as error:
            assert refusal is not None and isinstance(error, refusal), (command, model, at, error)
            if isinstance(error, IllegalTransition):
                assert f"cannot {command} a case that is {model.state}" in str(error)
            if isinstance(error, InvalidValue):
                assert error.field == invalid_field
            # A refused command changes nothing.
            assert snapshot(self.centre, case_id) == before
            assert self.centre.case(case_id).version == model.version
            return
        assert refusal is None, f"{command} at {at} should have raised {refusal.__name__}; model {model}"
        model.state, model.version, model.last_at = leads_to, model.version + 1, occurred
        model.open_suspension = leads_to == "suspended"
        self.aggregates[case_id] = case
        assert snapshot(self.centre, case_id)[:-1] == before

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def every_case_is_consistent(self):
        for case_id, model in self.models.items():
            self.check_case(case_id, model)

    def check_case(self, case_id, model):
        events = self.centre.case_events(case_id)
        case = self.centre.case(case_id)

        # The stream and the version.
        assert case.version == model.version == len(events)
        assert [event.originator_version for event in events] == list(range(1, len(events) + 1))
        assert case.state in STATES and case.state == model.state

        # Business times never go back, and none is in the future.
        times = [event.occurred_at for event in events]
        assert times == sorted(times) and times[-1] <= NOW
        assert case.last_occurred_at == times[-1] == model.last_at

        # Suspensions: in order, not overlapping, only the last may be open, open iff suspended.
        periods = case.suspensions
        assert all(period.resumed_at is not None for period in periods[:-1])
        for earlier, later in zip(periods, periods[1:]):
            assert earlier.suspended_at <= earlier.resumed_at <= later.suspended_at
        is_open = bool(periods) and periods[-1].resumed_at is None
        assert is_open == (case.state == "suspended") == model.open_suspension

        # The hash chain.
        assert events[0].previous_hash == GENESIS_HASH
        for previous, current in zip(events, events[1:]):
            assert current.previous_hash == previous.hash == TEST_CHAIN.hash_of(previous)
        assert case.last_hash == events[-1].hash == TEST_CHAIN.hash_of(events[-1])

        # The SLA clock, at the last event and now.
        if case.accepted_at is None:
            assert case.clock(NOW, CALENDAR, self.centre.policy) is None
            assert case.state in ("submitted", "refused")
        else:
            assert case.promised_days == ITEM_DAYS[model.item]
            for as_of in (case.last_occurred_at, NOW):
                figures = case.clock(as_of, CALENDAR, self.centre.policy)
                assert figures.elapsed_workdays >= 0
                assert figures.remaining_workdays == case.promised_days - figures.elapsed_workdays
                # An `other` suspension keeps the clock (and so the deadline) running.
                paused = case.state == "suspended" and not case.suspensions[-1].counts
                assert (figures.deadline is None) == paused
                assert (figures.on_time is not None) == (case.state == "concluded")
                assert figures.warning in ("none", "yellow", "red")
                if case.state == "concluded":
                    assert figures.warning == "none"
                    assert figures.on_time == (figures.elapsed_workdays <= case.promised_days)
                elif figures.remaining_workdays < 0:
                    assert figures.warning == "red"

        # As of each event's business time, the case is the prefix up to that time.
        for moment in set(times):
            assert self.centre.case(case_id, as_of=moment).version == sum(1 for t in times if t <= moment)

        # Replaying the store gives what the command left in memory.
        assert public_state(case) == public_state(self.aggregates[case_id])


TestCaseCommands = CaseMachine.TestCase
TestCaseCommands.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
