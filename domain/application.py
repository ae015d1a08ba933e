"""The service centre's command handlers: load, command, save. Infrastructure comes from env."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from domain.base import Actor, DuplicateCode, IllegalTransition, SunlightError, UnknownReference, replay
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.catalogue import CATALOGUE, CatalogueEntry, ServiceItem
from domain.clock import beijing, utc_now
from domain.sla import WarningPolicy

# Which catalogue references each kind of entry names, and the kind each must be.
REFERENCES = {
    "window": {"hall": "hall", "department": "department"},
    "staff": {"window": "window", "department": "department"},
    "item": {"department": "department"},
}


class CaseNotFound(SunlightError):
    """Raised when no case has the given id (or it did not exist yet at as_of)."""


class VersionConflict(SunlightError):
    """Raised when the aggregate is not at the version the caller expected."""


class ServiceCentre(Application):
    """Cases and the catalogue of one deployment, in one event store."""

    name = "sunlight"

    def __init__(self, env: Mapping[str, str] | None = None, *, calendar: WorkingCalendar | None = None,
                 policy: WarningPolicy | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(env)
        self.calendar = calendar or WorkingCalendar()
        self.policy = policy or WarningPolicy()
        self.clock = clock

    # -- catalogue ---------------------------------------------------------------------

    def register(self, entry_kind: str, /, *, code: str, actor: Actor, at: datetime | None = None,
                 **fields: Any) -> CatalogueEntry:
        entry_class = CATALOGUE[entry_kind]
        if self.find(entry_class, code) is not None:
            raise DuplicateCode(f"{entry_kind} '{code}' already exists")
        for field, referenced_kind in REFERENCES.get(entry_kind, {}).items():
            self.entry(referenced_kind, fields[field], field=field)
        entry = entry_class.register(code=code, actor=actor, **fields, **self.when(at))
        self.save_new(entry, f"{entry_kind} '{code}' already exists")
        return entry

    def change_item_limits(self, code: str, *, legal_days: int, promised_days: int, actor: Actor,
                           at: datetime | None = None) -> ServiceItem:
        item = self.entry("item", code, field="code")
        item.change_limits(legal_days=legal_days, promised_days=promised_days, actor=actor, **self.when(at))
        self.save(item)
        return item

    def entry(self, kind: str, code: str, *, field: str, as_of: datetime | None = None) -> Any:
        entry = self.find(CATALOGUE[kind], code, as_of)
        if entry is None:
            raise UnknownReference(field, kind, code)
        return entry

    def find(self, entry_class: type[CatalogueEntry], code: str, as_of: datetime | None = None) -> Any:
        """The entry as in force at as_of; an entry registered later counts from its registration."""
        events = list(self.events.get(entry_class.id_for(code)))
        if not events:
            return None
        return replay(events, as_of) or replay(events[:1], None)

    # -- cases -------------------------------------------------------------------------

    def submit_case(self, *, item: str, channel: str, applicant: dict, actor: Actor, at: datetime | None = None) -> Case:
        when = self.when(at)
        service_item = self.entry("item", item, field="item", as_of=when["occurred_at"])
        case = Case.submit(item=service_item, channel=channel, applicant=applicant, actor=actor, **when)
        self.save_new(case, "case id collision")
        return case

    def accept_case(self, case_id: UUID, *, window: str, staff: str, **command: Any) -> Case:
        def accept(case: Case, when: dict) -> None:
            at = when["occurred_at"]
            case.accept(item=self.entry("item", case.item, field="item", as_of=at),
                        window=self.entry("window", window, field="window"),
                        staff=self.entry("staff", staff, field="staff"), **when)
        return self.change_case(case_id, accept, **command)

    def refuse_case(self, case_id: UUID, *, reason: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.refuse(reason=reason, **when), **command)

    def suspend_case(self, case_id: UUID, *, reason: str, note: str = "", **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.suspend(reason=reason, note=note, **when), **command)

    def resume_case(self, case_id: UUID, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.resume(**when), **command)

    def conclude_case(self, case_id: UUID, *, outcome: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.conclude(outcome=outcome, **when), **command)

    def change_case(self, case_id: UUID, change: Callable[[Case, dict], None], *, actor: Actor,
                    at: datetime | None = None, expected_version: int | None = None) -> Case:
        case = self.case(case_id)
        if expected_version is not None and expected_version != case.version:
            raise VersionConflict(f"case {case_id} is at version {case.version}, not {expected_version}")
        change(case, {**self.when(at), "actor": actor})
        self.save_changed(case)
        return case

    def case(self, case_id: UUID, as_of: datetime | None = None) -> Case:
        case = replay(self.case_events(case_id), as_of)
        if case is None:
            when = f" as of {beijing(as_of).isoformat()}" if as_of else ""
            raise CaseNotFound(f"case {case_id} not found{when}")
        return case

    def case_events(self, case_id: UUID) -> list[Case.Event]:
        events = list(self.events.get(case_id))
        if events and not isinstance(events[0], Case.Submitted):
            return []
        return events

    # -- plumbing ----------------------------------------------------------------------

    def when(self, at: datetime | None) -> dict[str, datetime]:
        recorded_at = self.clock()
        return {"occurred_at": beijing(at) if at is not None else beijing(recorded_at), "recorded_at": recorded_at}

    def save_new(self, aggregate: Any, duplicate_message: str) -> None:
        try:
            self.save(aggregate)
        except IntegrityError:
            raise DuplicateCode(duplicate_message) from None

    def save_changed(self, aggregate: Any) -> None:
        try:
            self.save(aggregate)
        except IntegrityError:
            raise IllegalTransition(f"{aggregate.id} was changed concurrently; reload and retry") from None
