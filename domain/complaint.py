"""A citizen's request to the 12345 hotline (市民诉求): received (受理); answered directly (直接答复) or
dispatched (转办) to a department, which may object (退单) so the hotline dispatches it again (改派), or
replies (答复); the reply is reviewed (approved, or sent back to redo: 退回重办); the citizen is called back
(回访) and the complaint closed, or reopened when unsatisfied. Duplicates are merged (并单) into a
master; the centre escalates (督办) at levels that only rise; a complaint sent back 3 times or passed
through 3 departments becomes a problem ticket (问题工单), one level higher. A complaint against a
window or member of staff is verified (核实) by a supervisor. Rules beside the events: complaint_rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.base import Actor, HashChain, IllegalTransition, InvalidValue, SunlightAggregate, check_business_time, natural_id
from domain.calendar import WorkingCalendar
from domain.catalogue import Area, ComplaintCategory, Department, check_choice
from domain.clock import beijing, local_date
from domain.complaint_rules import (
    CHANNELS, DISPATCH_WITHIN, LEVELS, OPEN, TYPES, VERDICTS, due_date, problem_reason,
)
from domain.sla import counted_workdays


class Complaint(SunlightAggregate):
    class Received(SunlightAggregate.Created):
        reference: str  # 12345-YYYYMMDD-NNNN; the id derives from it
        request_type: str  # enquiry help suggestion complaint report (`type` would clash with the hash's)
        category: str
        category_path: list  # the category's codes from the top class down to it
        area: str
        area_path: list
        channel: str
        # What the citizen said and how to reach them ({name?, phone?, content}), sealed with a key of its
        # own ({ref, sealed}, DESIGN §12): only `citizen_ref` leaves the event store.
        citizen: dict
        subject: dict | None  # {window, staff, department}: whom the complaint is against, if anyone

    def __init__(self, reference: str, request_type: str, category: str, category_path: list, area: str,
                 area_path: list, channel: str, citizen: dict, subject: dict | None, occurred_at: datetime) -> None:
        self.reference, self.request_type, self.channel = reference, request_type, channel
        self.category, self.category_path, self.area, self.area_path = category, category_path, area, area_path
        self.citizen, self.subject = citizen, subject
        self.state, self.received_at = "received", beijing(occurred_at)
        self.department: str | None = None  # who holds it now: the last department it was dispatched to
        self.departments: list[str] = []  # every department it was dispatched to, in order, once each
        self.dispatches: list[tuple[datetime, str]] = []  # every dispatch (moment, department), in order
        self.first_dispatched_at: datetime | None = None
        self.limit_days: int | None = None
        self.due_date: date | None = None
        self.dispatched_within_2h: bool | None = None
        self.answered_directly = False
        self.reply: str | None = None
        self.replied_at: datetime | None = None
        self.replied_on_time: bool | None = None
        self.answered_at: datetime | None = None  # the direct answer (at most one: it is never dispatched after)
        # The first reply, a department's or a direct answer, whichever came first, and whether it was on time.
        self.first_replied_at: datetime | None = None
        self.first_reply_on_time: bool | None = None
        self.first_redo_at: datetime | None = None  # the first review not approved (退回重办)
        # Every reply awaiting a callback, in order: an approved department reply (the review's moment and the
        # replying department) or a direct answer (its moment, None). Approvals and callbacks alternate, so
        # the k-th callback answers the k-th approval; a merge may leave the last one unanswered.
        self.approvals: list[tuple[datetime, str | None]] = []
        self.callbacks: list[tuple[datetime, str]] = []  # every callback (moment, verdict), in order
        self.objection_count = self.redo_count = self.reopen_count = 0
        self.approved: bool | None = None
        self.verdicts: list[str] = []
        self.called_back_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.escalation_level = 0
        self.problem = False
        self.problem_reason: str | None = None
        self.problem_at: datetime | None = None  # when it became a problem ticket
        self.duplicates: list[str] = []
        self.merged_into: str | None = None
        self.merged_at: datetime | None = None
        self.valid: bool | None = None
        self.verified_at: datetime | None = None

    @classmethod
    def id_for(cls, reference: str) -> UUID:
        """The id derives from the reference, so a number taken twice collides in the store."""
        return natural_id("complaint", reference)

    @classmethod
    def receive(cls, *, reference: str, request_type: str, category: ComplaintCategory, area: Area, channel: str,
                citizen: dict, subject: dict | None, chain: HashChain, occurred_at: datetime, actor: Actor,
                recorded_at: datetime) -> Complaint:
        check_choice("channel", channel, CHANNELS)
        check_choice("type", request_type, TYPES)
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(cls.Received, id=cls.id_for(reference), chain=chain, occurred_at=occurred_at, actor=actor,
                         recorded_at=recorded_at, reference=reference, request_type=request_type,
                         category=category.code, category_path=list(category.path), area=area.code,
                         area_path=list(area.path), channel=channel, citizen=citizen, subject=subject)

    class Answered(SunlightAggregate.Event):
        reply: str
        on_time: bool  # a direct answer is on time, unless a due date (from a dispatch) had passed

        def apply(self, complaint: Complaint) -> None:
            complaint.state, complaint.answered_directly, complaint.department = "replied", True, None
            complaint.reply, complaint.replied_at = self.reply, beijing(self.occurred_at)
            complaint.replied_on_time = self.on_time
            complaint.answered_at = beijing(self.occurred_at)
            complaint.approvals.append((beijing(self.occurred_at), None))
            complaint.note_reply(beijing(self.occurred_at), self.on_time)

    def answer(self, *, reply: str, **when: Any) -> None:
        """直接答复: the hotline answers itself, at once or after a department objected."""
        self.check_state("answer", "received", "returned")
        checked = self.checked(when)
        self.record(self.Answered, reply=required("reply", reply), on_time=self.on_time(checked), **checked)

    class Dispatched(SunlightAggregate.Event):
        department: str
        department_name: str
        first: bool  # the first dispatch fixes limit_days, due_date and within_2h; later ones repeat them
        limit_days: int
        due_date: str  # ISO date
        within_2h: bool

        def apply(self, complaint: Complaint) -> None:
            complaint.state, complaint.department = "dispatched", self.department
            if self.department not in complaint.departments:
                complaint.departments.append(self.department)
            complaint.dispatches.append((beijing(self.occurred_at), self.department))
            if self.first:
                complaint.first_dispatched_at = beijing(self.occurred_at)
            complaint.limit_days, complaint.due_date = self.limit_days, date.fromisoformat(self.due_date)
            complaint.dispatched_within_2h = self.within_2h

    def dispatch(self, *, department: Department, limit_days: int, calendar: WorkingCalendar, **when: Any) -> None:
        """转办 (or 改派 after an objection) to a department; the first dispatch fixes the due date."""
        self.check_state("dispatch", "received", "returned")
        checked = self.checked(when)
        moment = checked["occurred_at"]
        first = self.first_dispatched_at is None
        if first:
            limit, due = limit_days, due_date(calendar, local_date(moment), limit_days)
            within = beijing(moment) - self.received_at <= DISPATCH_WITHIN
        else:
            assert self.limit_days is not None and self.due_date is not None and self.dispatched_within_2h is not None
            limit, due, within = self.limit_days, self.due_date, self.dispatched_within_2h
        self.record(self.Dispatched, department=department.code, department_name=department.name, first=first,
                    limit_days=limit, due_date=due.isoformat(), within_2h=within, **checked)
        self.check_problem(checked)

    class Objected(SunlightAggregate.Event):
        department: str
        reason: str

        def apply(self, complaint: Complaint) -> None:
            complaint.state, complaint.objection_count = "returned", complaint.objection_count + 1

    def object(self, *, reason: str, **when: Any) -> None:
        """退单: the department says it is not its matter; the hotline dispatches it again."""
        self.check_state("object to", "dispatched")
        checked = self.checked(when)
        self.record(self.Objected, department=self.department, reason=required("reason", reason), **checked)
        self.check_problem(checked)

    class Replied(SunlightAggregate.Event):
        department: str
        reply: str
        on_time: bool  # replied on or before due_date

        def apply(self, complaint: Complaint) -> None:
            complaint.state, complaint.reply, complaint.replied_at = "replied", self.reply, beijing(self.occurred_at)
            complaint.replied_on_time, complaint.answered_directly = self.on_time, False
            complaint.note_reply(beijing(self.occurred_at), self.on_time)

    def reply_to(self, *, reply: str, **when: Any) -> None:
        """答复 by the department it was dispatched to."""
        self.check_state("reply to", "dispatched")
        checked = self.checked(when)
        self.record(self.Replied, department=self.department, reply=required("reply", reply),
                    on_time=self.on_time(checked), **checked)

    class Reviewed(SunlightAggregate.Event):
        department: str
        approved: bool
        note: str

        def apply(self, complaint: Complaint) -> None:
            complaint.approved = self.approved
            if self.approved:
                complaint.state = "awaiting_callback"
                complaint.approvals.append((beijing(self.occurred_at), self.department))
            else:
                complaint.state, complaint.redo_count = "dispatched", complaint.redo_count + 1
                if complaint.first_redo_at is None:
                    complaint.first_redo_at = beijing(self.occurred_at)

    def review(self, *, approved: bool, note: str = "", **when: Any) -> None:
        """The hotline reviews a department's reply: approved, or sent back to redo (退回重办)."""
        self.check_state("review", "replied")
        if self.answered_directly:
            raise IllegalTransition(f"cannot review complaint {self.reference}: it is replied, answered directly "
                                    "by the hotline, so there is no department's reply to review; call back instead")
        if not isinstance(approved, bool):
            raise InvalidValue("approved", "approved must be true or false")
        checked = self.checked(when)
        self.record(self.Reviewed, department=self.department, approved=approved, note=note, **checked)
        if not approved:
            self.check_problem(checked)

    class CalledBack(SunlightAggregate.Event):
        verdict: str
        note: str
        reopened: bool  # unsatisfied with a department's reply: dispatched again to the same department
        department: str | None

        def apply(self, complaint: Complaint) -> None:
            complaint.verdicts.append(self.verdict)
            complaint.called_back_at = beijing(self.occurred_at)
            complaint.callbacks.append((beijing(self.occurred_at), self.verdict))
            if self.reopened:
                complaint.state, complaint.reopen_count = "dispatched", complaint.reopen_count + 1
            else:
                complaint.state, complaint.closed_at = "closed", beijing(self.occurred_at)

    def call_back(self, *, verdict: str, note: str = "", **when: Any) -> None:
        """回访: the citizen's verdict on an approved reply or a direct answer; unsatisfied with a department's
        reply reopens the complaint at the same department, otherwise it is closed."""
        if not (self.state == "awaiting_callback" or (self.state == "replied" and self.answered_directly)):
            raise IllegalTransition(f"cannot call back complaint {self.reference}: it is {self.state}; a callback "
                                    "needs a complaint that is awaiting_callback, or replied directly by the hotline")
        check_choice("verdict", verdict, VERDICTS)
        reopened = verdict == "unsatisfied" and self.state == "awaiting_callback"
        self.record(self.CalledBack, verdict=verdict, note=note, reopened=reopened, department=self.department,
                    **self.checked(when))

    class Merged(SunlightAggregate.Event):
        into: str  # the master's id
        into_reference: str

        def apply(self, complaint: Complaint) -> None:
            complaint.state, complaint.merged_into = "merged", self.into
            complaint.merged_at = beijing(self.occurred_at)

    class DuplicateMerged(SunlightAggregate.Event):
        duplicate: str  # the duplicate's id
        duplicate_reference: str

        def apply(self, complaint: Complaint) -> None:
            complaint.duplicates.append(self.duplicate)

    def merge(self, *, into: Complaint, **when: Any) -> None:
        """并单: this complaint is a duplicate of `into` (the master), which lists it; both streams get an event."""
        self.check_state("merge", *OPEN)
        if into.id == self.id:
            raise InvalidValue("into", "a complaint cannot be merged into itself")
        if into.state not in OPEN:
            raise IllegalTransition(f"cannot merge into complaint {into.reference}: it is {into.state}; the master "
                                    f"must be {' or '.join(OPEN)}")
        checked = self.checked(when)
        into.checked(checked)
        self.record(self.Merged, into=str(into.id), into_reference=into.reference, **checked)
        into.record(into.DuplicateMerged, duplicate=str(self.id), duplicate_reference=self.reference, **checked)

    class Escalated(SunlightAggregate.Event):
        level: int
        previous_level: int
        note: str

        def apply(self, complaint: Complaint) -> None:
            complaint.escalation_level = self.level

    def escalate(self, *, level: int, note: str = "", **when: Any) -> None:
        """督办 at level 1, 2 or 3; the level only rises."""
        self.check_state("escalate", *OPEN)
        if isinstance(level, bool) or level not in LEVELS:
            raise InvalidValue("level", "level must be 1, 2 or 3")
        if level <= self.escalation_level:
            raise IllegalTransition(f"cannot escalate complaint {self.reference} to level {level}: it is "
                                    f"{self.state} at level {self.escalation_level}, and the level only rises")
        self.record(self.Escalated, level=level, previous_level=self.escalation_level, note=note,
                    **self.checked(when))

    class BecameProblem(SunlightAggregate.Event):
        reason: str  # sent_back (objections + redos >= 3) or departments (>= 3 distinct)
        level: int  # one above the level it had (at most 3)
        previous_level: int
        objections: int
        redos: int
        departments: list

        def apply(self, complaint: Complaint) -> None:
            complaint.problem, complaint.problem_reason = True, self.reason
            complaint.problem_at = beijing(self.occurred_at)
            complaint.escalation_level = self.level

    def check_problem(self, when: dict[str, Any]) -> None:
        """问题工单, recorded by the command that crossed the line, at the same moment."""
        reason = problem_reason(objections=self.objection_count, redos=self.redo_count,
                                departments=len(self.departments))
        if self.problem or reason is None:
            return
        self.record(self.BecameProblem, reason=reason, level=min(self.escalation_level + 1, LEVELS[-1]),
                    previous_level=self.escalation_level, objections=self.objection_count, redos=self.redo_count,
                    departments=list(self.departments), **when)

    class Verified(SunlightAggregate.Event):
        valid: bool
        note: str
        window: str | None  # the subject, so a score needs no earlier event
        staff: str | None
        department: str | None

        def apply(self, complaint: Complaint) -> None:
            complaint.valid, complaint.verified_at = self.valid, beijing(self.occurred_at)

    def verify(self, *, valid: bool, note: str = "", **when: Any) -> None:
        """核实 a complaint against a window or member of staff, once; a valid one counts against them."""
        self.check_state("verify", *OPEN, "closed")
        if self.subject is None:
            raise IllegalTransition(f"cannot verify complaint {self.reference}: it is {self.state} and names no "
                                    "window, staff or department (subject)")
        if self.verified_at is not None:
            raise IllegalTransition(f"complaint {self.reference} is {self.state} and was already verified on "
                                    f"{self.verified_at.isoformat()}")
        if not isinstance(valid, bool):
            raise InvalidValue("valid", "valid must be true or false")
        self.record(self.Verified, valid=valid, note=note, window=self.subject.get("window"),
                    staff=self.subject.get("staff"), department=self.subject.get("department"), **self.checked(when))

    # -- rules -------------------------------------------------------------------------

    def check_state(self, command: str, *allowed: str) -> None:
        if self.state not in allowed:
            raise IllegalTransition(f"cannot {command} complaint {self.reference}: it is {self.state}; {command} "
                                    f"needs a complaint that is {' or '.join(allowed)}")

    def checked(self, when: dict[str, Any]) -> dict[str, Any]:
        """The event's time fields, after checking business time against the stream."""
        check_business_time(when["occurred_at"], recorded_at=when["recorded_at"], previous=self.last_occurred_at)
        return when

    def on_time(self, when: dict[str, Any]) -> bool:
        return self.due_date is None or local_date(when["occurred_at"]) <= self.due_date

    def note_reply(self, moment: datetime, on_time: bool) -> None:
        """Keeps the first reply (a department's or a direct answer) and whether it was on time."""
        if self.first_replied_at is None:
            self.first_replied_at, self.first_reply_on_time = moment, on_time

    # -- the reply clock ---------------------------------------------------------------

    def clock_stopped_on(self) -> date | None:
        """The reply stops the clock (until sent back or reopened); a merge stops it for good."""
        if self.state == "merged" and self.merged_at is not None:
            return local_date(self.merged_at)
        if self.state in ("replied", "awaiting_callback", "closed") and self.replied_at is not None:
            return local_date(self.replied_at)
        return None

    def remaining_workdays(self, as_of: datetime, calendar: WorkingCalendar) -> int | None:
        """limit_days − working days after the first dispatch up to as_of (or the reply); negative when late."""
        if self.first_dispatched_at is None or self.limit_days is None:
            return None
        upto = self.clock_stopped_on() or local_date(as_of)
        return self.limit_days - counted_workdays(calendar, local_date(self.first_dispatched_at), upto, [])

    def overdue(self, as_of: datetime, calendar: WorkingCalendar) -> bool:
        """No reply by due_date (still waiting, or replied late); a merged complaint is handled by its master."""
        remaining = self.remaining_workdays(as_of, calendar)
        return self.state != "merged" and remaining is not None and remaining < 0


def required(field: str, text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue(field, f"{field} must not be empty")
    return text
