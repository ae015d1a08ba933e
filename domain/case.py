"""A case (办件): submitted; accepted (maybe with materials missing, 容缺受理) or refused; suspended and
resumed, extended, handed between stages; concluded and delivered, or withdrawn by the applicant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from domain.base import Actor, HashChain, IllegalTransition, InvalidValue, SunlightAggregate, check_business_time
from domain.calendar import WorkingCalendar
from domain.catalogue import ServiceItem, Staff, Window, check_choice
from domain.clock import beijing, local_date
from domain.handling import STAGES, Holding, HoldingPeriod, charged_holding, holding_periods
from domain.sla import SlaClock, Suspension, WarningPolicy, cutoff, sla_clock, suspended_workdays

CHANNELS = ("window", "online", "mail")
# 行政许可法 §45: hearings, bidding, auctions, inspection, testing, quarantine, appraisal and expert
# review do not count toward the limit, nor does the applicant's own delay (补正); `other` does.
NOT_COUNTING_REASONS = ("supplement", "hearing", "bidding", "auction", "inspection", "testing", "quarantine",
                        "appraisal", "expert_review", "site_survey")
SUSPENSION_REASONS = (*NOT_COUNTING_REASONS, "other")
OUTCOMES = ("approved", "denied")
DELIVERY_METHODS = ("pickup", "mail")
STATES = ("submitted", "accepted", "refused", "suspended", "concluded", "delivered", "withdrawn")
MAX_EXTENSION_DAYS = 30
# An extension is exceptional: all of a case's extensions together stay within a year of working days.
MAX_TOTAL_EXTENSION_DAYS = 250


@dataclass(frozen=True)
class SuspensionPeriod:
    reason: str
    suspended_at: datetime
    resumed_at: datetime | None = None
    counts: bool = False

    def as_days(self) -> Suspension:
        end = local_date(self.resumed_at) if self.resumed_at else None
        return Suspension(start=local_date(self.suspended_at), end=end)


class Case(SunlightAggregate):
    class Submitted(SunlightAggregate.Created):
        item: str
        item_name: str
        department: str
        kind: str
        channel: str
        applicant: dict

    def __init__(self, item: str, item_name: str, department: str, kind: str, channel: str, applicant: dict,
                 occurred_at: datetime) -> None:
        self.item, self.item_name, self.department, self.kind = item, item_name, department, kind
        self.channel, self.applicant = channel, applicant
        self.state = "submitted"
        self.submitted_at = beijing(occurred_at)
        self.window: str | None = None
        self.hall: str | None = None
        self.staff: str | None = None
        self.promised_days: int | None = None
        self.legal_days: int | None = None
        self.accepted_at: datetime | None = None
        self.suspensions: list[SuspensionPeriod] = []
        self.concluded_at: datetime | None = None
        self.outcome: str | None = None
        self.refused_at: datetime | None = None
        self.refusal_reason: str | None = None
        self.pending_materials: list[str] = []
        self.materials_received_at: datetime | None = None
        self.extensions: list[tuple[int, str]] = []
        self.holdings: list[Holding] = []
        self.delivered_at: datetime | None = None
        self.delivery_method: str | None = None
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    @property
    def applicant_ref(self) -> str:
        """The opaque reference of the applicant; their personal data is stored sealed with their key."""
        return self.applicant["ref"]

    @classmethod
    def submit(cls, *, item: ServiceItem, channel: str, applicant: dict, chain: HashChain, occurred_at: datetime,
               actor: Actor, recorded_at: datetime) -> Case:
        """Submit an application; `applicant` is the sealed form of the applicant's personal data."""
        check_choice("channel", channel, CHANNELS)
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(
            cls.Submitted, id=uuid4(), chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
            item=item.code, item_name=item.name, department=item.department, kind=item.kind, channel=channel,
            applicant=applicant,
        )

    class Accepted(SunlightAggregate.Event):
        window: str
        hall: str
        staff: str
        staff_name: str
        staff_department: str
        promised_days: int
        legal_days: int
        missing_materials: list

        def apply(self, case: Case) -> None:
            case.state = "accepted"
            case.window, case.hall, case.staff = self.window, self.hall, self.staff
            case.promised_days, case.legal_days = self.promised_days, self.legal_days
            case.accepted_at = beijing(self.occurred_at)
            case.pending_materials = list(self.missing_materials)
            case.holdings = [Holding("acceptance", self.staff, self.staff_department, local_date(self.occurred_at))]

    def accept(self, *, item: ServiceItem, window: Window, staff: Staff, missing_materials: Sequence[str] = (),
               **when: Any) -> None:
        """Accept with the item's limits in force now; an immediate item gets 0 days. Materials still
        missing (容缺受理) are listed, to arrive later."""
        self.check_state("accept", "submitted")
        if not window.accepts(item.department):
            raise InvalidValue("window", f"window {window.code} is a specialist window of {window.department}; "
                                         f"it cannot accept {item.code}, an item of {item.department}")
        if staff.window != window.code:
            raise InvalidValue("staff", f"staff {staff.code} works at window {staff.window}, not {window.code}")
        missing = [material.strip() for material in missing_materials]
        if any(not material for material in missing):
            raise InvalidValue("missing_materials", "a missing material must be named")
        self.record(self.Accepted, window=window.code, hall=window.hall, staff=staff.code, staff_name=staff.name,
                    staff_department=staff.department, promised_days=item.clock_days, legal_days=item.legal_days,
                    missing_materials=missing, **self.checked(when))

    class Refused(SunlightAggregate.Event):
        reason: str

        def apply(self, case: Case) -> None:
            case.state, case.refusal_reason = "refused", self.reason
            case.refused_at = beijing(self.occurred_at)

    def refuse(self, *, reason: str, **when: Any) -> None:
        self.check_state("refuse", "submitted")
        if not reason.strip():
            raise InvalidValue("reason", "reason must not be empty")
        self.record(self.Refused, reason=reason, **self.checked(when))

    class Suspended(SunlightAggregate.Event):
        reason: str
        note: str
        counts: bool  # whether its working days count toward the limit (only `other` does)

        def apply(self, case: Case) -> None:
            case.state = "suspended"
            case.suspensions.append(SuspensionPeriod(self.reason, beijing(self.occurred_at), counts=self.counts))

    def suspend(self, *, reason: str, note: str = "", **when: Any) -> None:
        self.check_state("suspend", "accepted")
        check_choice("reason", reason, SUSPENSION_REASONS)
        self.record(self.Suspended, reason=reason, note=note, counts=reason not in NOT_COUNTING_REASONS,
                    **self.checked(when))

    class Resumed(SunlightAggregate.Event):
        def apply(self, case: Case) -> None:
            case.state = "accepted"
            last = case.suspensions[-1]
            case.suspensions[-1] = SuspensionPeriod(last.reason, last.suspended_at, beijing(self.occurred_at),
                                                    last.counts)

    def resume(self, **when: Any) -> None:
        self.check_state("resume", "suspended")
        self.record(self.Resumed, **self.checked(when))

    class Concluded(SunlightAggregate.Event):
        outcome: str

        def apply(self, case: Case) -> None:
            case.state, case.outcome = "concluded", self.outcome
            case.concluded_at = beijing(self.occurred_at)

    def conclude(self, *, outcome: str, **when: Any) -> None:
        self.check_state("conclude", "accepted")
        check_choice("outcome", outcome, OUTCOMES)
        self.record(self.Concluded, outcome=outcome, **self.checked(when))

    class MaterialsReceived(SunlightAggregate.Event):
        materials: list

        def apply(self, case: Case) -> None:
            case.pending_materials = []
            case.materials_received_at = beijing(self.occurred_at)

    def receive_materials(self, **when: Any) -> None:
        """The materials missing at acceptance (容缺) have arrived."""
        self.check_state("receive materials for", "accepted", "suspended")
        if not self.pending_materials:
            raise IllegalTransition(f"case {self.id} has no pending materials")
        self.record(self.MaterialsReceived, materials=list(self.pending_materials), **self.checked(when))

    class Extended(SunlightAggregate.Event):
        days: int
        reason: str

        def apply(self, case: Case) -> None:
            case.extensions.append((self.days, self.reason))

    def extend(self, *, days: int, reason: str, calendar: WorkingCalendar, **when: Any) -> None:
        """Extend the limit (延期): approved before the deadline, never once the case is overdue."""
        self.check_state("extend", "accepted", "suspended")
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise InvalidValue("days", f"days must be between 1 and {MAX_EXTENSION_DAYS}; got {days}")
        if not reason.strip():
            raise InvalidValue("reason", "reason must not be empty")
        if self.extended_days + days > MAX_TOTAL_EXTENSION_DAYS:
            raise InvalidValue("days", f"the case is already extended by {self.extended_days} working days; all "
                                       f"extensions together may not exceed {MAX_TOTAL_EXTENSION_DAYS}")
        checked = self.checked(when)
        clock = self.clock(checked["occurred_at"], calendar, WarningPolicy())
        if clock is not None and clock.remaining_workdays < 0:
            raise IllegalTransition(f"cannot extend a case that is overdue (red, {-clock.remaining_workdays} working "
                                    f"days past its limit); an extension must be approved before the deadline")
        self.record(self.Extended, days=days, reason=reason, **checked)

    @property
    def extended_days(self) -> int:
        return sum(days for days, _ in self.extensions)

    class Transferred(SunlightAggregate.Event):
        staff: str
        staff_name: str
        department: str
        stage: str

        def apply(self, case: Case) -> None:
            case.holdings.append(Holding(self.stage, self.staff, self.department, local_date(self.occurred_at)))

    def transfer(self, *, staff: Staff, stage: str, **when: Any) -> None:
        """Hand the case to a member of staff (any department) for a stage: 审查, 审核 or 决定."""
        self.check_state("transfer", "accepted", "suspended")
        check_choice("stage", stage, STAGES)
        self.record(self.Transferred, staff=staff.code, staff_name=staff.name, department=staff.department,
                    stage=stage, **self.checked(when))

    class Delivered(SunlightAggregate.Event):
        method: str

        def apply(self, case: Case) -> None:
            case.state, case.delivery_method = "delivered", self.method
            case.delivered_at = beijing(self.occurred_at)

    def deliver(self, *, method: str, **when: Any) -> None:
        """Deliver the result (送达/出件): picked up or mailed free; the clock stays frozen."""
        self.check_state("deliver", "concluded")
        check_choice("method", method, DELIVERY_METHODS)
        self.record(self.Delivered, method=method, **self.checked(when))

    class Withdrawn(SunlightAggregate.Event):
        reason: str

        def apply(self, case: Case) -> None:
            case.state, case.withdrawal_reason = "withdrawn", self.reason
            case.withdrawn_at = beijing(self.occurred_at)

    def withdraw(self, *, reason: str, **when: Any) -> None:
        """Withdraw at the applicant's request (撤回); no warning afterwards."""
        self.check_state("withdraw", "submitted", "accepted", "suspended")
        if not reason.strip():
            raise InvalidValue("reason", "reason must not be empty")
        self.record(self.Withdrawn, reason=reason, **self.checked(when))

    # -- rules -------------------------------------------------------------------------

    def check_state(self, command: str, *allowed: str) -> None:
        if self.state not in allowed:
            hint = " (resume it first)" if self.state == "suspended" else ""
            raise IllegalTransition(
                f"cannot {command} a case that is {self.state}{hint}; {command} needs a case that is {' or '.join(allowed)}"
            )

    def checked(self, when: dict[str, Any]) -> dict[str, Any]:
        """The event's time fields, after checking business time against the stream."""
        check_business_time(when["occurred_at"], recorded_at=when["recorded_at"], previous=self.last_occurred_at)
        return when

    # -- the SLA clock -----------------------------------------------------------------

    @property
    def limit_days(self) -> int:
        """N: the promised days in force at acceptance plus every extension."""
        return (self.promised_days or 0) + self.extended_days

    def not_counting(self) -> list[Suspension]:
        """The suspensions whose working days do not count toward the limit."""
        return [period.as_days() for period in self.suspensions if not period.counts]

    def clock(self, as_of: datetime, calendar: WorkingCalendar, policy: WarningPolicy) -> SlaClock | None:
        """The SLA clock at as_of, for a case folded from the events up to as_of."""
        if self.accepted_at is None:
            return None
        return sla_clock(
            calendar,
            promised_days=self.limit_days,
            accepted_on=local_date(self.accepted_at),
            as_of=local_date(as_of),
            suspensions=self.not_counting(),
            concluded_on=local_date(self.concluded_at) if self.concluded_at else None,
            withdrawn_on=local_date(self.withdrawn_at) if self.withdrawn_at else None,
            policy=policy,
        )

    def clock_cutoff(self, as_of: datetime) -> date:
        stopped = self.concluded_at or self.withdrawn_at
        return cutoff(local_date(as_of), local_date(stopped) if stopped else None)

    def suspended_workdays(self, as_of: datetime, calendar: WorkingCalendar) -> int | None:
        """Working days after acceptance that did not count, up to the clock's cutoff."""
        if self.accepted_at is None:
            return None
        return suspended_workdays(calendar, local_date(self.accepted_at), self.clock_cutoff(as_of), self.not_counting())

    def holding_periods(self, as_of: datetime, calendar: WorkingCalendar) -> list[HoldingPeriod]:
        return holding_periods(calendar, self.holdings, self.clock_cutoff(as_of), self.not_counting())

    def charged_to(self, as_of: datetime, calendar: WorkingCalendar) -> Holding | None:
        """Who held the case on its first overdue working day; None while it is not overdue."""
        clock = self.clock(as_of, calendar, WarningPolicy())
        if clock is None or self.accepted_at is None:
            return None
        return charged_holding(calendar, self.holdings, accepted_on=local_date(self.accepted_at),
                               limit=self.limit_days, elapsed=clock.elapsed_workdays,
                               cutoff=self.clock_cutoff(as_of), suspensions=self.not_counting())
