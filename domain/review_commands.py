"""The service centre's review commands (好差评): a citizen's review of a served case, then the bad
review's workflow: verify (核实), rectify (整改), decide an appeal (申诉复核), return visit (回访)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.base import Actor, DuplicateCode, SunlightError, UnknownReference, replay
from domain.calendar import WorkingCalendar
from domain.case import Case
from domain.case_commands import CaseNotFound, NotConfigured, VersionConflict
from domain.clock import beijing
from domain.ports import PersonalDataVault
from domain.review import Review, verification_deadline


class ReviewNotFound(SunlightError):
    """Raised when no review has the given id (or it did not exist yet at as_of)."""


class ReviewCommands:
    """The review half of supervision, mixed into ServiceCentre, which provides the store and the plumbing.

    `rectify_days` (限期整改, SUNLIGHT_RECTIFY_DAYS) and `verify_days` (SUNLIGHT_VERIFY_DAYS) are the
    locality's settings; the rectification deadline is recorded in the event with the setting in force."""

    calendar: WorkingCalendar
    vault: PersonalDataVault | None
    events: Any
    rectify_days: int
    verify_days: int

    def give_review(self, case_id: UUID, *, rating: int, channel: str, comment: str | None = None, actor: Actor,
                    at: datetime | None = None) -> Review:
        """Record the citizen's rating of a served case: one review per case (a second is a 409)."""
        when = {**self.when(at), "actor": actor}
        case = self.reviewed_case(case_id)
        self.check_not_reviewed(case)
        # Every rule is checked before the comment is sealed, so a refused review leaves no key behind.
        Review.give(case=case, rating=rating, channel=channel, comment=None, **when)
        review = Review.give(case=case, rating=rating, channel=channel, comment=self.sealed_comment(comment), **when)
        self.save_new(review, f"case {case.id} already has a review (一事一评)")
        return review

    def verify_review(self, review_id: UUID, *, outcome: str, note: str = "", **command: Any) -> Review:
        def verify(review: Review, when: dict) -> None:
            review.verify(outcome=outcome, note=note, rectify_days=self.rectify_days, calendar=self.calendar, **when)
        return self.change_review(review_id, verify, **command)

    def rectify_review(self, review_id: UUID, *, note: str = "", **command: Any) -> Review:
        return self.change_review(review_id, lambda review, when: review.rectify(note=note, **when), **command)

    def decide_appeal(self, review_id: UUID, *, upheld: bool, note: str = "", **command: Any) -> Review:
        def decide(review: Review, when: dict) -> None:
            review.decide_appeal(upheld=upheld, note=note, rectify_days=self.rectify_days, calendar=self.calendar,
                                 **when)
        return self.change_review(review_id, decide, **command)

    def return_visit(self, review_id: UUID, *, rating: int, note: str = "", **command: Any) -> Review:
        return self.change_review(review_id, lambda review, when: review.return_visit(rating=rating, note=note, **when),
                                  **command)

    def change_review(self, review_id: UUID, change: Callable[[Review, dict], None], *, actor: Actor,
                      at: datetime | None = None, expected_version: int | None = None) -> Review:
        when = {**self.when(at), "actor": actor}
        review = self.review(review_id)
        if expected_version is not None and expected_version != review.version:
            raise VersionConflict(f"review {review_id} is at version {review.version}, not {expected_version}")
        change(review, when)
        self.save_changed(review)
        return review

    def review(self, review_id: UUID, as_of: datetime | None = None) -> Review:
        review = replay(self.review_events(review_id), as_of)
        if review is None:
            when = f" as of {beijing(as_of).isoformat()}" if as_of else ""
            raise ReviewNotFound(f"review {review_id} not found{when}")
        return review

    def review_events(self, review_id: UUID) -> list[Any]:
        events = list(self.events.get(review_id))
        if events and not isinstance(events[0], Review.Given):
            return []  # another aggregate's id: not a review
        return events

    def verification_deadline(self, review: Review) -> date | None:
        """The last day to verify a bad review (SUNLIGHT_VERIFY_DAYS working days after it); None for a good one."""
        return verification_deadline(self.calendar, review.given_on, self.verify_days) if review.is_bad else None

    # -- rules ---------------------------------------------------------------------------

    def reviewed_case(self, case_id: UUID) -> Case:
        """The case a review names; unknown, it is an invalid reference in the review (422), not a missing page."""
        try:
            return self.case(case_id)
        except CaseNotFound:
            raise UnknownReference("case", "case", str(case_id)) from None

    def check_not_reviewed(self, case: Case) -> None:
        if list(self.events.get(Review.id_for(case.id))):
            raise DuplicateCode(f"case {case.id} already has a review (一事一评): review {Review.id_for(case.id)}")

    def sealed_comment(self, comment: str | None) -> dict | None:
        """The citizen's comment, sealed like an applicant's data (DESIGN §12): free text may name people or
        numbers, so it is stored under a key of its own that can be destroyed; blank means no comment."""
        if comment is None or not comment.strip():
            return None
        if self.vault is None:
            raise NotConfigured("this service centre has no personal-data vault")
        return self.vault.seal({"comment": comment})

    if TYPE_CHECKING:  # provided by ServiceCentre and CaseCommands
        def when(self, at: datetime | None) -> dict[str, Any]: ...

        def case(self, case_id: UUID, as_of: datetime | None = None) -> Case: ...

        def save_new(self, aggregate: Any, duplicate_message: str) -> None: ...

        def save_changed(self, aggregate: Any) -> None: ...
