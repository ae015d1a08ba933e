"""A case (办件): submitted, accepted or refused, suspended and resumed, concluded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from domain.base import Actor, HashChain, IllegalTransition, InvalidValue, SunlightAggregate, check_business_time
from domain.calendar import WorkingCalendar
from domain.catalogue import ServiceItem, Staff, Window, check_choice
from domain.clock import beijing, local_date
from domain.sla import SlaClock, Suspension, WarningPolicy, sla_clock

CHANNELS = ("window", "online", "mail")
SUSPENSION_REASONS = ("supplement", "hearing", "expert_review", "inspection", "site_survey", "other")
OUTCOMES = ("approved", "denied")
STATES = ("submitted", "accepted", "refused", "suspended", "concluded")


@dataclass(frozen=True)
class SuspensionPeriod:
    reason: str
    suspended_at: datetime
    resumed_at: datetime | None = None

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
        self.refusal_reason: str | None = None

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
        promised_days: int
        legal_days: int

        def apply(self, case: Case) -> None:
            case.state = "accepted"
            case.window, case.hall, case.staff = self.window, self.hall, self.staff
            case.promised_days, case.legal_days = self.promised_days, self.legal_days
            case.accepted_at = beijing(self.occurred_at)

    def accept(self, *, item: ServiceItem, window: Window, staff: Staff, **when: Any) -> None:
        """Accept with the item's limits in force now; an immediate item gets 0 days."""
        self.check_state("accept", "submitted")
        if not window.accepts(item.department):
            raise InvalidValue("window", f"window {window.code} is a specialist window of {window.department}; "
                                         f"it cannot accept {item.code}, an item of {item.department}")
        if staff.window != window.code:
            raise InvalidValue("staff", f"staff {staff.code} works at window {staff.window}, not {window.code}")
        self.record(self.Accepted, window=window.code, hall=window.hall, staff=staff.code, staff_name=staff.name,
                    promised_days=item.clock_days, legal_days=item.legal_days, **self.checked(when))

    class Refused(SunlightAggregate.Event):
        reason: str

        def apply(self, case: Case) -> None:
            case.state, case.refusal_reason = "refused", self.reason

    def refuse(self, *, reason: str, **when: Any) -> None:
        self.check_state("refuse", "submitted")
        if not reason.strip():
            raise InvalidValue("reason", "reason must not be empty")
        self.record(self.Refused, reason=reason, **self.checked(when))

    class Suspended(SunlightAggregate.Event):
        reason: str
        note: str

        def apply(self, case: Case) -> None:
            case.state = "suspended"
            case.suspensions.append(SuspensionPeriod(self.reason, beijing(self.occurred_at)))

    def suspend(self, *, reason: str, note: str = "", **when: Any) -> None:
        self.check_state("suspend", "accepted")
        check_choice("reason", reason, SUSPENSION_REASONS)
        self.record(self.Suspended, reason=reason, note=note, **self.checked(when))

    class Resumed(SunlightAggregate.Event):
        def apply(self, case: Case) -> None:
            case.state = "accepted"
            last = case.suspensions[-1]
            case.suspensions[-1] = SuspensionPeriod(last.reason, last.suspended_at, beijing(self.occurred_at))

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

    def clock(self, as_of: datetime, calendar: WorkingCalendar, policy: WarningPolicy) -> SlaClock | None:
        """The SLA clock at as_of, for a case folded from the events up to as_of."""
        if self.accepted_at is None:
            return None
        return sla_clock(
            calendar,
            promised_days=self.promised_days or 0,
            accepted_on=local_date(self.accepted_at),
            as_of=local_date(as_of),
            suspensions=[period.as_days() for period in self.suspensions],
            concluded_on=local_date(self.concluded_at) if self.concluded_at else None,
            policy=policy,
        )
