"""The service centre's case commands: load the case, check the rule, record the event, save."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import Actor, SunlightError, InvalidValue, replay
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.clock import beijing
from domain.ports import PersonalDataVault


class CaseNotFound(SunlightError):
    """Raised when no case has the given id (or it did not exist yet at as_of)."""


class VersionConflict(SunlightError):
    """Raised when the aggregate is not at the version the caller expected."""


class NotConfigured(SunlightError):
    """Raised when a command needs a part of the deployment this application was built without."""


class CaseCommands:
    """The case half of ServiceCentre, which provides the store, the catalogue and the plumbing below."""

    calendar: WorkingCalendar
    vault: PersonalDataVault | None
    events: Any

    def submit_case(self, *, item: str, channel: str, applicant: dict, actor: Actor, at: datetime | None = None) -> Case:
        """Submit an application; the applicant's personal data is sealed before it is recorded."""
        when = self.when(at)
        if not str(applicant.get("name") or "").strip():
            raise InvalidValue("applicant.name", "applicant.name must not be empty")
        if self.vault is None:
            raise NotConfigured("this service centre has no personal-data vault")
        service_item = self.entry("item", item, field="item", as_of=when["occurred_at"])
        case = Case.submit(item=service_item, channel=channel, applicant=self.vault.seal(applicant), actor=actor,
                           **when)
        self.save_new(case, "case id collision")
        return case

    def accept_case(self, case_id: UUID, *, window: str, staff: str, missing_materials: Sequence[str] = (),
                    **command: Any) -> Case:
        def accept(case: Case, when: dict) -> None:
            at = when["occurred_at"]
            case.accept(item=self.entry("item", case.item, field="item", as_of=at),
                        window=self.entry("window", window, field="window"),
                        staff=self.entry("staff", staff, field="staff"), missing_materials=missing_materials, **when)
        return self.change_case(case_id, accept, **command)

    def refuse_case(self, case_id: UUID, *, reason: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.refuse(reason=reason, **when), **command)

    def suspend_case(self, case_id: UUID, *, reason: str, note: str = "", **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.suspend(reason=reason, note=note, **when), **command)

    def resume_case(self, case_id: UUID, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.resume(**when), **command)

    def receive_materials(self, case_id: UUID, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.receive_materials(**when), **command)

    def extend_case(self, case_id: UUID, *, days: int, reason: str, **command: Any) -> Case:
        def extend(case: Case, when: dict) -> None:
            case.extend(days=days, reason=reason, calendar=self.calendar, **when)
        return self.change_case(case_id, extend, **command)

    def transfer_case(self, case_id: UUID, *, staff: str, stage: str, **command: Any) -> Case:
        def transfer(case: Case, when: dict) -> None:
            case.transfer(staff=self.entry("staff", staff, field="staff"), stage=stage, **when)
        return self.change_case(case_id, transfer, **command)

    def conclude_case(self, case_id: UUID, *, outcome: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.conclude(outcome=outcome, **when), **command)

    def deliver_case(self, case_id: UUID, *, method: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.deliver(method=method, **when), **command)

    def withdraw_case(self, case_id: UUID, *, reason: str, **command: Any) -> Case:
        return self.change_case(case_id, lambda case, when: case.withdraw(reason=reason, **when), **command)

    def change_case(self, case_id: UUID, change: Callable[[Case, dict], None], *, actor: Actor,
                    at: datetime | None = None, expected_version: int | None = None) -> Case:
        when = {**self.when(at), "actor": actor}
        case = self.case(case_id)
        if expected_version is not None and expected_version != case.version:
            raise VersionConflict(f"case {case_id} is at version {case.version}, not {expected_version}")
        change(case, when)
        self.save_changed(case)
        return case

    def case(self, case_id: UUID, as_of: datetime | None = None) -> Case:
        case = replay(self.case_events(case_id), as_of)
        if case is None:
            when = f" as of {beijing(as_of).isoformat()}" if as_of else ""
            raise CaseNotFound(f"case {case_id} not found{when}")
        return case

    def case_events(self, case_id: UUID) -> list[Any]:
        events = list(self.events.get(case_id))
        if events and not isinstance(events[0], Case.Submitted):
            return []
        return events

    # Provided by ServiceCentre.

    def when(self, at: datetime | None) -> dict[str, Any]:
        raise NotImplementedError

    def entry(self, kind: str, code: str, *, field: str, as_of: datetime | None = None) -> Any:
        raise NotImplementedError

    def save_new(self, aggregate: Any, duplicate_message: str) -> None:
        raise NotImplementedError

    def save_changed(self, aggregate: Any) -> None:
        raise NotImplementedError
