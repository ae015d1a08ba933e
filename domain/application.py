"""The service centre's command handlers: load, command, save. Infrastructure comes from env."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from domain.assessment_commands import AssessmentCommands
from domain.audit import Head, StoredStreamEvent, Verdict, verify_stream
from domain.base import Actor, DuplicateCode, HashChain, IllegalTransition, UnknownReference, replay
from domain.calendar import WorkingCalendar
from domain.case_commands import CaseCommands, NotConfigured
from domain.catalogue import CATALOGUE, CatalogueEntry, ServiceItem
from domain.clock import TimeBounds, beijing, utc_now
from domain.complaint_commands import ComplaintCommands
from domain.complaint_rules import COMPLAINT_DAYS
from domain.ports import PersonalDataVault
from domain.review import RECTIFY_DAYS, VERIFY_DAYS
from domain.review_commands import ReviewCommands
from domain.scheme import Scheme, load_default_scheme
from domain.sla import WarningPolicy
from domain.supervision_commands import SupervisionCommands

# Which catalogue references each kind of entry names, and the kind each must be.
REFERENCES = {
    "window": {"hall": "hall", "department": "department"},
    "staff": {"window": "window", "department": "department"},
    "item": {"department": "department"},
    "complaint_category": {"parent": "complaint_category"},
    "area": {"parent": "area"},
}
# References that may be None: the top of a tree has no parent.
OPTIONAL_REFERENCES = frozenset({"parent"})


class ServiceCentre(CaseCommands, ReviewCommands, ComplaintCommands, SupervisionCommands, AssessmentCommands,
                    Application):
    """Cases, reviews, complaints, supervision and the catalogue of one deployment, in one event store."""

    name = "sunlight"

    def __init__(self, env: Mapping[str, str] | None = None, *, chain: HashChain | None = None,
                 vault: PersonalDataVault | None = None, calendar: WorkingCalendar | None = None,
                 policy: WarningPolicy | None = None, bounds: TimeBounds | None = None,
                 clock: Callable[[], datetime] = utc_now, rectify_days: int = RECTIFY_DAYS,
                 verify_days: int = VERIFY_DAYS, default_scheme: Scheme | None = None,
                 complaint_days: Mapping[str, int] | None = None) -> None:
        """Without a chain (or vault) the centre can read and replay but not record (or submit).

        `rectify_days` and `verify_days` are the locality's review deadlines in working days;
        `default_scheme` is scoring-scheme version 1 (config/scoring-scheme.toml unless given);
        `complaint_days` the 12345 handling limits in working days by request type (defaults: COMPLAINT_DAYS)."""
        super().__init__(env)
        self.chain, self.vault = chain, vault
        self.calendar = calendar or WorkingCalendar()
        self.policy = policy or WarningPolicy()
        self.bounds = bounds or TimeBounds()
        self.clock = clock
        self.rectify_days, self.verify_days = rectify_days, verify_days
        self.default_scheme = default_scheme or load_default_scheme()
        self.complaint_days = {**COMPLAINT_DAYS, **(complaint_days or {})}

    # -- catalogue ---------------------------------------------------------------------

    def register(self, entry_kind: str, /, *, code: str, actor: Actor, at: datetime | None = None,
                 **fields: Any) -> CatalogueEntry:
        entry_class = CATALOGUE[entry_kind]
        if self.find(entry_class, code) is not None:
            raise DuplicateCode(f"{entry_kind} '{code}' already exists")
        references = {field: self.entry(referenced_kind, fields[field], field=field)
                      for field, referenced_kind in REFERENCES.get(entry_kind, {}).items()
                      if not (field in OPTIONAL_REFERENCES and fields.get(field) is None)}
        entry = entry_class.register(code=code, actor=actor, **fields, **entry_class.derived(code, references),
                                     **self.when(at))
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

    # -- audit -------------------------------------------------------------------------

    def stored_stream(self, aggregate_id: UUID) -> list[StoredStreamEvent]:
        """The stream as stored, event by event; an event that cannot be decoded says why."""
        return [self.decoded(stored) for stored in self.recorder.select_events(aggregate_id)]

    def decoded(self, stored: Any) -> StoredStreamEvent:
        try:
            return StoredStreamEvent(stored.originator_version, self.mapper.to_domain_event(stored))
        except Exception as error:  # a row changed by hand may fail in any way; that is the finding
            return StoredStreamEvent(stored.originator_version, None, type(error).__name__)

    def aggregate_class_of(self, aggregate_id: UUID) -> str | None:
        """The name of the aggregate class whose stream this is ("Case", "ServiceItem"…), from its first topic."""
        first = self.recorder.select_events(aggregate_id, limit=1)
        return first[0].topic.partition(":")[2].split(".")[0] if first else None

    def verify(self, aggregate_id: UUID, head: Head | None) -> Verdict:
        """Check a stream's keyed hash chain, and its end against the head held apart."""
        return verify_stream(self.stored_stream(aggregate_id), self.required_chain(), head)

    # -- plumbing ----------------------------------------------------------------------

    def when(self, at: datetime | None) -> dict[str, Any]:
        """Business time (checked against the bounds), record time, and the chain to hash with."""
        recorded_at = self.clock()
        occurred_at = self.bounds.business_time(at, recorded_at) if at is not None else beijing(recorded_at)
        return {"occurred_at": occurred_at, "recorded_at": recorded_at, "chain": self.required_chain()}

    def required_chain(self) -> HashChain:
        if self.chain is None:
            raise NotConfigured("this service centre has no hash-chain key")
        return self.chain

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
