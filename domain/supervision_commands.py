"""The service centre's supervision commands (电子监察): inspections (现场巡查), commendations (表扬信,
锦旗) and cards (黄牌, 红牌) at a window, and the scoring scheme's versions (考核实施细则)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from domain.base import Actor, InvalidValue, replay
from domain.card import Card
from domain.commendation import Commendation
from domain.inspection import Inspection
from domain.scheme import Scheme, parse_scheme, scheme_for
from domain.scheme_book import SchemeBook

Recorded = TypeVar("Recorded", Inspection, Commendation, Card)


class SupervisionCommands:
    """Supervision at the windows and the scheme book, mixed into ServiceCentre (store and plumbing).

    `default_scheme` is version 1 (config/scoring-scheme.toml): in force without any event."""

    events: Any
    default_scheme: Scheme

    def inspect(self, *, window: str, staff: str | None = None, kind: str, note: str = "", actor: Actor,
                at: datetime | None = None) -> Inspection:
        """A violation seen at the window (空岗, 串岗, …), perhaps naming the member of staff."""
        return self.record_at_window(Inspection.inspect, window, staff, actor, at, kind=kind, note=note)

    def commend(self, *, window: str, staff: str | None = None, kind: str, note: str = "", actor: Actor,
                at: datetime | None = None) -> Commendation:
        """A praise letter or a banner for the window, or for a member of staff."""
        return self.record_at_window(Commendation.commend, window, staff, actor, at, kind=kind, note=note)

    def issue_card(self, *, window: str, staff: str | None = None, colour: str, reason: str, actor: Actor,
                   at: datetime | None = None) -> Card:
        """A yellow or red card to the window, or to a member of staff, with its reason."""
        return self.record_at_window(Card.issue, window, staff, actor, at, colour=colour, reason=reason)

    def record_at_window(self, make: Callable[..., Recorded], window: str, staff: str | None, actor: Actor,
                         at: datetime | None, **fields: Any) -> Recorded:
        """Record an event at a window of the catalogue (422 naming `window` or `staff` if unknown), with the
        staff member's department as it stood then."""
        when = self.when(at)
        moment = when["occurred_at"]
        found_window = self.entry("window", window, field="window", as_of=moment)
        found_staff = self.entry("staff", staff, field="staff", as_of=moment) if staff is not None else None
        recorded = make(window=found_window, staff=found_staff, actor=actor, **fields, **when)
        self.save_new(recorded, f"{type(recorded).__name__.lower()} id collision; retry")
        return recorded

    # -- scoring schemes -----------------------------------------------------------------

    def record_scheme(self, *, effective_from: str, scheme: dict, actor: Actor, at: datetime | None = None) -> Scheme:
        """Record a new version of the scoring scheme, in force from `effective_from` (YYYY-MM). The server
        assigns the version (the last + 1; any version in `scheme` is ignored); a malformed scheme is
        InvalidValue naming the dotted field."""
        if not isinstance(scheme, dict):
            raise InvalidValue("scheme", "a scoring scheme must be a table")
        when = self.when(at)
        book = self.scheme_book()
        version = (book.last_version if book else self.default_scheme.version) + 1
        fields = {name: value for name, value in scheme.items() if name != "version"}
        parsed = parse_scheme({**fields, "effective_from": effective_from}, version=version)
        if book is None:
            self.save_new(SchemeBook.open(scheme=parsed, actor=actor, **when),
                          "another scoring scheme was recorded at the same moment; reload and retry")
        else:
            book.add(scheme=parsed, actor=actor, **when)
            self.save_changed(book)
        return parsed

    def schemes(self) -> list[Scheme]:
        """Every version, oldest first: the default, then each one recorded."""
        book = self.scheme_book()
        return [self.default_scheme, *(book.schemes() if book else [])]

    def current_scheme(self, month: str) -> Scheme:
        """The scheme `month` (YYYY-MM) is scored with: the latest version in force by then (InvalidValue
        naming `month` if none is)."""
        return scheme_for(month, self.schemes())

    def scheme_book(self) -> SchemeBook | None:
        return replay(self.events.get(SchemeBook.id_for()), None)

    if TYPE_CHECKING:  # provided by ServiceCentre
        def when(self, at: datetime | None) -> dict[str, Any]: ...

        def entry(self, kind: str, code: str, *, field: str, as_of: datetime | None = None) -> Any: ...

        def save_new(self, aggregate: Any, duplicate_message: str) -> None: ...

        def save_changed(self, aggregate: Any) -> None: ...
