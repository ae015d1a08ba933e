"""Who may touch what (DESIGN §12): the caller's role, their row scope, and backdating.

A clerk acts on the cases accepted, or to be accepted, at their own window; a `department` user
on their department's cases; supervisors, auditors, admins (and the hotline, read-only) see
everything. Out of scope is a 403 that says why; listings are filtered to the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.base import Actor
from domain.case import Case
from domain.clock import aware

# A user with several roles acts with the widest one the route allows.
WIDEST_FIRST = ("admin", "supervisor", "auditor", "hotline", "department", "clerk")
SEES_EVERY_CASE = frozenset({"admin", "supervisor", "auditor", "hotline"})
MAY_BACKDATE = frozenset({"admin", "supervisor"})
SEES_PERSONAL_DATA = frozenset({"admin", "clerk", "department"})


class OutOfScope(Exception):
    """Raised when the caller may not touch this row, or not this way; becomes a 403."""


@dataclass(frozen=True)
class Caller:
    username: str
    role: str
    window: str | None = None
    department: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role)

    @property
    def sees_personal_data(self) -> bool:
        return self.role in SEES_PERSONAL_DATA

    def check_case(self, case: Case, window_accepts: bool) -> None:
        """`window_accepts`: whether the clerk's window may accept the case's item (for cases not yet accepted)."""
        if self.role in SEES_EVERY_CASE:
            return
        if self.role == "department" and case.department != self.department:
            raise OutOfScope(f"case {case.id} belongs to department {case.department}; "
                             f"{self.username} works for {self.department or 'no department'}")
        if self.role == "clerk":
            if case.window is not None and case.window != self.window:
                raise OutOfScope(f"case {case.id} was accepted at window {case.window}; "
                                 f"{self.username} works at window {self.window or '(none)'}")
            if case.window is None and not window_accepts:
                raise OutOfScope(f"case {case.id} is for an item of {case.department}, which window "
                                 f"{self.window or '(none)'} of {self.username} does not accept")

    def check_window(self, window: str) -> None:
        """A clerk accepts cases at their own window only."""
        if self.role == "clerk" and window != self.window:
            raise OutOfScope(f"{self.username} works at window {self.window or '(none)'}, not {window}")

    def check_backdating(self, at: datetime | None, now: datetime, limit_hours: int) -> None:
        """Business times far in the past hide delays (a red case concluded "on time"): a supervisor's call."""
        if at is None or self.role in MAY_BACKDATE:
            return
        if aware(at) < now - timedelta(hours=limit_hours):
            raise OutOfScope(f"a business time more than {limit_hours} hours in the past needs the supervisor "
                             f"or admin role; {self.username} acts as {self.role}")

    def listing_filter(self, window: str | None, department: str | None) -> tuple[str | None, str | None] | None:
        """The (window, department) filter of a listing within scope; None when nothing can match."""
        if self.role == "clerk":
            return (self.window, department) if window in (None, self.window) and self.window else None
        if self.role == "department":
            return (window, self.department) if department in (None, self.department) and self.department else None
        return window, department
