"""The service centre's complaint commands (12345): receive, answer, dispatch, object, reply, review, call
back, merge, escalate, verify; and a complaint as of any moment, from its events.

A complaint's readable number (12345-YYYYMMDD-NNNN) is the n-th of its receipt day, and its id derives
from that number: numbers are taken densely (1, 2, 3, … per day, each saved with its complaint in one
write), so the next free one is found by a doubling then binary search over which ids exist (about
2·log₂ n reads of one row), and two receipts that pick the same number collide in the store on the
id's uniqueness, the loser retrying with the next one. No counter stream, nothing to lock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.base import Actor, IllegalTransition, InvalidValue, SunlightError, UnknownReference, replay
from domain.calendar import WorkingCalendar
from domain.case_commands import NotConfigured, VersionConflict
from domain.clock import beijing, local_date
from domain.complaint import Complaint, required
from domain.complaint_rules import SUBJECT_FIELDS, is_reference, reference_of
from domain.ports import PersonalDataVault

# Receipts on one day that pick the same free number retry; this many collisions in a row is a 409.
NUMBERING_ATTEMPTS = 50


class ComplaintNotFound(SunlightError):
    """Raised when no complaint has the given id or reference (or it did not exist yet at as_of)."""


class ComplaintCommands:
    """The 12345 half of ServiceCentre, which provides the store, the catalogue and the plumbing.

    `complaint_days` are the handling limits in working days per request type (settings)."""

    calendar: WorkingCalendar
    vault: PersonalDataVault | None
    events: Any
    recorder: Any
    complaint_days: Mapping[str, int]

    def receive_complaint(self, *, channel: str, request_type: str, category: str, area: str, content: str,
                          citizen: Mapping[str, str] | None = None, subject: Mapping[str, str] | None = None,
                          actor: Actor, at: datetime | None = None) -> Complaint:
        """受理: numbered 12345-YYYYMMDD-NNNN on its receipt day; the citizen's words, name and phone are sealed."""
        when = {**self.when(at), "actor": actor}
        moment = when["occurred_at"]
        found = {"category": self.entry("complaint_category", category, field="category", as_of=moment),
                 "area": self.entry("area", area, field="area", as_of=moment)}
        person = {field: value for field, value in (citizen or {}).items() if value}
        person["content"] = required("content", content)
        named = self.complaint_subject(subject, moment)
        # Every rule is checked before sealing, so a refused complaint leaves no key behind.
        Complaint.receive(reference=reference_of(local_date(moment), 1), request_type=request_type, channel=channel,
                          citizen={}, subject=named, **found, **when)
        if self.vault is None:
            raise NotConfigured("this service centre has no personal-data vault")
        sealed = self.vault.seal(person)
        for _ in range(NUMBERING_ATTEMPTS):
            reference = reference_of(local_date(moment), self.next_complaint_number(local_date(moment)))
            complaint = Complaint.receive(reference=reference, request_type=request_type, channel=channel,
                                          citizen=sealed, subject=named, **found, **when)
            try:
                self.save(complaint)
                return complaint
            except IntegrityError:
                continue  # another receipt took the number: take the next
        raise IllegalTransition(f"could not number a complaint received on {local_date(moment)}; retry")

    def answer_complaint(self, complaint_id: UUID, *, reply: str, **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.answer(reply=reply, **when), **command)

    def dispatch_complaint(self, complaint_id: UUID, *, department: str, **command: Any) -> Complaint:
        def dispatch(complaint: Complaint, when: dict) -> None:
            found = self.entry("department", department, field="department", as_of=when["occurred_at"])
            complaint.dispatch(department=found, limit_days=self.complaint_days[complaint.request_type],
                               calendar=self.calendar, **when)
        return self.change_complaint(complaint_id, dispatch, **command)

    def object_complaint(self, complaint_id: UUID, *, reason: str, **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.object(reason=reason, **when), **command)

    def reply_complaint(self, complaint_id: UUID, *, reply: str, **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.reply_to(reply=reply, **when), **command)

    def review_complaint(self, complaint_id: UUID, *, approved: bool, note: str = "", **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.review(approved=approved, note=note, **when),
                                     **command)

    def callback_complaint(self, complaint_id: UUID, *, verdict: str, note: str = "", **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.call_back(verdict=verdict, note=note, **when),
                                     **command)

    def escalate_complaint(self, complaint_id: UUID, *, level: int, note: str = "", **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.escalate(level=level, note=note, **when),
                                     **command)

    def verify_complaint(self, complaint_id: UUID, *, valid: bool, note: str = "", **command: Any) -> Complaint:
        return self.change_complaint(complaint_id, lambda c, when: c.verify(valid=valid, note=note, **when),
                                     **command)

    def merge_complaint(self, complaint_id: UUID, *, into: str, actor: Actor, at: datetime | None = None,
                        expected_version: int | None = None) -> Complaint:
        """并单 into a master (its id or reference); both streams change in one write."""
        when = {**self.when(at), "actor": actor}
        duplicate = self.versioned_complaint(complaint_id, expected_version)
        try:
            master = self.complaint(self.complaint_id_of(into))
        except ComplaintNotFound:
            raise UnknownReference("into", "complaint", into) from None
        duplicate.merge(into=master, **when)
        try:
            self.save(duplicate, master)
        except IntegrityError:
            raise IllegalTransition(f"complaint {duplicate.reference} or {master.reference} was changed "
                                    "concurrently; reload and retry") from None
        return duplicate

    def change_complaint(self, complaint_id: UUID, change: Callable[[Complaint, dict], None], *, actor: Actor,
                         at: datetime | None = None, expected_version: int | None = None) -> Complaint:
        when = {**self.when(at), "actor": actor}
        complaint = self.versioned_complaint(complaint_id, expected_version)
        change(complaint, when)
        self.save_changed(complaint)
        return complaint

    def versioned_complaint(self, complaint_id: UUID, expected_version: int | None) -> Complaint:
        complaint = self.complaint(complaint_id)
        if expected_version is not None and expected_version != complaint.version:
            raise VersionConflict(f"complaint {complaint.reference} is at version {complaint.version}, "
                                  f"not {expected_version}")
        return complaint

    def complaint(self, complaint_id: UUID, as_of: datetime | None = None) -> Complaint:
        complaint = replay(self.complaint_events(complaint_id), as_of)
        if complaint is None:
            moment = f" as of {beijing(as_of).isoformat()}" if as_of else ""
            raise ComplaintNotFound(f"complaint {complaint_id} not found{moment}")
        return complaint

    def complaint_events(self, complaint_id: UUID) -> list[Any]:
        events = list(self.events.get(complaint_id))
        if events and not isinstance(events[0], Complaint.Received):
            return []  # another aggregate's id: not a complaint
        return events

    @staticmethod
    def complaint_id_of(text: str) -> UUID:
        """A complaint's id from its id or its reference (12345-YYYYMMDD-NNNN)."""
        if is_reference(text):
            return Complaint.id_for(text)
        try:
            return UUID(text)
        except ValueError:
            raise ComplaintNotFound(f"complaint {text} not found") from None

    # -- rules ---------------------------------------------------------------------------

    def next_complaint_number(self, day: date) -> int:
        """The first free number of the day; numbers are dense, so: double until free, then bisect."""
        def taken(number: int) -> bool:
            return bool(self.recorder.select_events(Complaint.id_for(reference_of(day, number)), limit=1))

        low, high = 0, 1  # low is taken (or 0), high is the candidate
        while taken(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if taken(middle) else (low, middle)
        return high

    def complaint_subject(self, subject: Mapping[str, str | None] | None, moment: datetime) -> dict | None:
        """Whom the complaint is against: a window, a member of staff and/or a department of the catalogue
        (422 naming `subject.<field>` if unknown or inconsistent); a staff member's window and department,
        and a window's department, fill in what was not given."""
        if subject is None:
            return None
        given = {field: subject.get(field) or None for field in SUBJECT_FIELDS}
        if not any(given.values()):
            raise InvalidValue("subject", "subject must name a window, a member of staff or a department")
        if given["staff"]:
            staff = self.entry("staff", given["staff"], field="subject.staff", as_of=moment)
            for implied in ("window", "department"):
                known = getattr(staff, implied)
                if given[implied] and given[implied] != known:
                    raise InvalidValue("subject.staff", f"staff {staff.code} is of {implied} {known}, not "
                                                        f"{given[implied]}")
                given[implied] = known
        if given["window"]:
            window = self.entry("window", given["window"], field="subject.window", as_of=moment)
            given["department"] = given["department"] or window.department
        if given["department"]:
            self.entry("department", given["department"], field="subject.department", as_of=moment)
        return given

    if TYPE_CHECKING:  # provided by ServiceCentre and eventsourcing's Application
        def when(self, at: datetime | None) -> dict[str, Any]: ...

        def entry(self, kind: str, code: str, *, field: str, as_of: datetime | None = None) -> Any: ...

        def save(self, *objs: Any, **kwargs: Any) -> Any: ...

        def save_changed(self, aggregate: Any) -> None: ...

