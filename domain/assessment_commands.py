"""The service centre's assessment commands: finalise a month's window scores and staff assessments
(月度考核定稿), and amend them with a reason. The month's inputs come from the read models (the caller
counts them); the scores are worked out here, with the scheme in force for the month."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.assessment import Assessment, check_month_over
from domain.base import Actor, IllegalTransition, replay
from domain.case_commands import VersionConflict
from domain.scheme import Scheme, check_month
from domain.scoring import SubjectMonth


class AssessmentCommands:
    """Finalisation and amendments, mixed into ServiceCentre (store, clock and schemes)."""

    events: Any

    def assessment(self, month: str) -> Assessment | None:
        """The month's finalised assessment with its amendments, or None while it is not finalised."""
        check_month(month, "month")
        return replay(self.events.get(Assessment.id_for(month)), None)

    def check_finalisable(self, month: str, at: datetime | None = None) -> None:
        """The rules of finalising, checked before the month's inputs are counted: not finalised yet
        (IllegalTransition, 409) and over (InvalidValue naming `month`, 422)."""
        check_month(month, "month")
        self.check_not_finalised(month)
        check_month_over(month, self.when(at)["occurred_at"])

    def finalise_month(self, month: str, *, inputs: Mapping[str, Sequence[SubjectMonth]],
                       details: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None, actor: Actor,
                       at: datetime | None = None) -> Assessment:
        """Record the month's scores, worked out from `inputs` with the scheme in force for the month."""
        check_month(month, "month")
        when = self.when(at)
        self.check_not_finalised(month)
        assessment = Assessment.finalise(month=month, scheme=self.current_scheme(month), inputs=inputs,
                                         details=details, actor=actor, **when)
        self.save_new(assessment, f"{month} was finalised at the same moment by someone else")
        return assessment

    def amend_assessment(self, month: str, *, subject: str, code: str, points: int, reason: str, actor: Actor,
                         at: datetime | None = None, expected_version: int | None = None) -> Assessment:
        """Correct one window's or staff member's finalised score by `points`, for a reason. A month
        that is not finalised has nothing to amend (IllegalTransition, 409)."""
        when = self.when(at)
        assessment = self.assessment(month)
        if assessment is None:
            raise IllegalTransition(f"{month} is not finalised: amendments correct finalised results; "
                                    f"finalise the month first")
        if expected_version is not None and expected_version != assessment.version:
            raise VersionConflict(f"the assessment of {month} is at version {assessment.version}, "
                                  f"not {expected_version}")
        assessment.amend(subject=subject, code=code, points=points, reason=reason, actor=actor, **when)
        self.save_changed(assessment)
        return assessment

    def check_not_finalised(self, month: str) -> None:
        finalised = self.assessment(month)
        if finalised is not None:
            raise IllegalTransition(f"{month} was already finalised on {finalised.finalised_at.isoformat()}; "
                                    f"correct it with an amendment")

    def scheme_version(self, version: int) -> Scheme:
        """The scheme of a given version (a finalised month keeps the version it was scored with)."""
        for scheme in self.schemes():
            if scheme.version == version:
                return scheme
        raise LookupError(f"no scoring scheme has version {version}")

    if TYPE_CHECKING:  # provided by ServiceCentre and SupervisionCommands
        def when(self, at: datetime | None) -> dict[str, Any]: ...

        def save_new(self, aggregate: Any, duplicate_message: str) -> None: ...

        def save_changed(self, aggregate: Any) -> None: ...

        def current_scheme(self, month: str) -> Scheme: ...

        def schemes(self) -> list[Scheme]: ...
