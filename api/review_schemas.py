"""What crosses the HTTP boundary for supervision: reviews (好差评), inspections, commendations, cards
and scoring schemes. Request bodies refuse unknown fields and non-integer numbers, like the case ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from api.schemas import StreamEventPublic, Command, Strict
from domain.card import CARD_COLOURS
from domain.commendation import COMMENDATION_KINDS
from domain.inspection import INSPECTION_KINDS
from domain.review import CHANNELS, VERIFICATION_OUTCOMES

Rating = Annotated[StrictInt, Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意; 2 or less is a bad review")]
Note = Field(min_length=1, max_length=500)
Month = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
# Points and counts of a scheme are bounded, so no stored number is too large for the topic's JSON.
Points = Annotated[StrictInt, Field(ge=-1000, le=1000)]
Score = Annotated[StrictInt, Field(ge=-1000, le=1000)]
Count = Annotated[StrictInt, Field(ge=0, le=100_000)]


# -- reviews -------------------------------------------------------------------------------------


class ReviewCreate(Strict):
    case: str = Field(description="the id of a concluded, delivered or refused case")
    rating: Rating
    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    comment: str | None = Field(default=None, max_length=1000, description="stored sealed: it may name people")
    at: datetime | None = None


class ReviewVerify(Command):
    outcome: Literal[VERIFICATION_OUTCOMES]  # type: ignore[valid-type]
    note: str = Note


class ReviewRectify(Command):
    note: str = Note


class AppealDecision(Command):
    upheld: StrictBool
    note: str = Note


class ReturnVisit(Command):
    rating: Rating
    note: str = Note


ReviewEventPublic = StreamEventPublic  # the history's events, as on the topic


class ReviewPublic(BaseModel):
    id: str
    case: str
    window: str | None  # None for a refused case: it was never accepted at a window
    staff: str | None
    staff_department: str | None
    rating: int
    bad: bool
    counts: bool  # false once overturned on appeal: the rating leaves every score
    channel: str
    comment: str | None  # opened for the roles that work on reviews; null for the others, or once erased
    comment_ref: str | None
    state: str
    version: int
    as_of: datetime
    given_at: datetime
    deadline: date | None  # the due date of the step the review waits for: verification, then rectification
    verification_deadline: date | None
    rectification_deadline: date | None
    outcome: str | None
    verified_at: datetime | None
    appeal_upheld: bool | None
    appeal_decided_at: datetime | None
    rectified_at: datetime | None
    rectified_on_time: bool | None
    return_rating: int | None
    return_visited_at: datetime | None
    history: list[ReviewEventPublic]


# -- inspections, commendations, cards -----------------------------------------------------------


class AtWindow(Strict):
    window: str
    staff: str | None = None
    at: datetime | None = None


class InspectionCreate(AtWindow):
    kind: Literal[INSPECTION_KINDS]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=500)


class CommendationCreate(AtWindow):
    kind: Literal[COMMENDATION_KINDS]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=500)


class CardCreate(AtWindow):
    colour: Literal[CARD_COLOURS]  # type: ignore[valid-type]
    reason: str = Note


class AtWindowPublic(BaseModel):
    id: str
    window: str
    staff: str | None
    occurred_at: datetime
    actor: dict[str, str]


class InspectionPublic(AtWindowPublic):
    staff_department: str | None
    kind: str
    note: str


class CommendationPublic(AtWindowPublic):
    kind: str
    note: str


class CardPublic(AtWindowPublic):
    colour: str
    reason: str


class ListedRecord(AtWindowPublic):
    """An inspection, commendation or card in a listing: `kind` is the inspection's kind, the
    commendation's kind or the card's colour, `note` the note or the card's reason."""

    kind: str
    note: str


class RecordsPublic(BaseModel):
    items: list[ListedRecord]
    count: int  # every record the question matches; items holds the page [offset, offset + limit)
    limit: int
    offset: int


class CardsPublic(BaseModel):
    items: list[CardPublic]
    count: int
    limit: int
    offset: int


class ReviewListed(BaseModel):
    """A review in a listing, as it stands now (its comment and history: GET /reviews/{id})."""

    id: str
    case: str
    window: str | None
    staff: str | None
    staff_department: str | None
    rating: int
    bad: bool
    counts: bool
    channel: str
    state: str
    given_at: datetime
    deadline: date | None
    verification_deadline: date | None
    rectification_deadline: date | None
    outcome: str | None
    verified_at: datetime | None
    appeal_upheld: bool | None
    rectified_at: datetime | None
    rectified_on_time: bool | None
    return_rating: int | None
    return_visited_at: datetime | None


class ReviewsPublic(BaseModel):
    items: list[ReviewListed]
    count: int
    limit: int
    offset: int


# -- scoring schemes: the wire shape of domain/scheme.py -----------------------------------------


class InspectionPoints(Strict):
    absent: Points
    off_post: Points
    untidy: Points
    chatting: Points
    phone: Points
    rude: Points
    other: Points


class CardPoints(Strict):
    yellow: Points
    red: Points


class CommendationPoints(Strict):
    letter: Points
    banner: Points


class StaffRules(Strict):
    overdue: Points
    bad_review: Points
    rectification_overdue: Points
    complaint: Points
    inspection: InspectionPoints
    card: CardPoints
    commendation: CommendationPoints


class WindowRules(StaffRules):
    late_entry: Points


class Grades(Strict):
    excellent: Score
    good: Score
    pass_: Score = Field(alias="pass")


class Honours(Strict):
    red_flags: Count
    stars: Count
    min_score: Score
    min_cases: Count


class SchemeRules(Strict):
    effective_from: str = Month
    base: Score
    min_score: Score
    max_score: Score
    bonus_cap: Count
    grades: Grades
    window: WindowRules
    staff: StaffRules
    honours: Honours


class SchemeCreate(SchemeRules):
    # Ignored: the server assigns the next version. Accepted so that GET /schemes/current can be edited
    # and sent back as it is.
    version: StrictInt | None = None
    at: datetime | None = None


class SchemePublic(SchemeRules):
    version: int
