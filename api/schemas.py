"""What crosses the HTTP boundary: request bodies and public views, separate from domain events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from domain.base import ROLES
from domain.case import DELIVERY_METHODS, MAX_EXTENSION_DAYS, SUSPENSION_REASONS
from domain.handling import STAGES
from streams.envelope import envelope_of

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
Name = Field(min_length=1, max_length=200)
# Integers are strict: JSON `true`, "1" or 1.0 are refused, not taken as 1 (Python's bool is an int).
Days = Annotated[StrictInt, Field(ge=0, le=3650)]
Version = Annotated[StrictInt, Field(ge=1)]


class Strict(BaseModel):
    """Base of every request body: unknown fields refused, strings checked for lone surrogates."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_lone_surrogates(cls, value: Any) -> Any:
        # JSON may escape half of a UTF-16 pair ("\ud800"); Python keeps it, but UTF-8 cannot encode it,
        # so it would fail later: in the store, a log or the response. pydantic refuses it in a plain
        # `str` field only, not inside lists or untyped values. Nested models check their own fields.
        if has_lone_surrogate(value):
            raise PydanticCustomError("string_unicode", "Input should be valid text, not a lone surrogate "
                                                        "(half of a UTF-16 pair)")
        return value


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string, or any string inside lists, tuples or dicts (keys too), cannot be UTF-8 encoded."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(has_lone_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(key) or has_lone_surrogate(item) for key, item in value.items())
    return False


class UserCreate(Strict):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=200)
    roles: list[Literal[ROLES]] = Field(min_length=1)  # type: ignore[valid-type]
    window: str | None = None
    department: str | None = None


class UserPublic(BaseModel):
    username: str
    roles: list[str]
    window: str | None
    department: str | None


class DepartmentCreate(Strict):
    code: str = Code
    name: str = Name


class HallCreate(Strict):
    code: str = Code
    name: str = Name
    level: Literal["city", "district", "street", "community"]


class WindowCreate(Strict):
    code: str = Code
    name: str = Name
    hall: str
    department: str
    kind: Literal["comprehensive", "specialist"] = "specialist"


class StaffCreate(Strict):
    code: str = Code
    name: str = Name
    window: str
    department: str
    role: Literal["window_staff", "chief_representative"] = "window_staff"


class ItemCreate(Strict):
    code: str = Code
    name: str = Name
    department: str
    kind: Literal["immediate", "promised", "reported", "joint"]
    legal_days: Days
    promised_days: Days


class ItemLimitsChange(Strict):
    legal_days: Days
    promised_days: Days
    at: datetime | None = None


class Applicant(Strict):
    name: str = Name
    id_number: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=32)


class CaseCreate(Strict):
    item: str
    channel: Literal["window", "online", "mail"]
    applicant: Applicant
    at: datetime | None = None


class Command(Strict):
    at: datetime | None = None
    expected_version: Version | None = None


class CaseAccept(Command):
    window: str
    staff: str
    # 容缺受理: accepted although these materials are still missing; they arrive later.
    missing_materials: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default=[], max_length=50)


class CaseRefuse(Command):
    reason: str = Field(min_length=1, max_length=500)


class CaseSuspend(Command):
    reason: Literal[SUSPENSION_REASONS]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=500)


class CaseExtend(Command):
    days: Annotated[StrictInt, Field(ge=1, le=MAX_EXTENSION_DAYS)]
    reason: str = Field(min_length=1, max_length=500)


class CaseTransfer(Command):
    staff: str
    stage: Literal[STAGES]  # type: ignore[valid-type]


class CaseConclude(Command):
    outcome: Literal["approved", "denied"]


class CaseDeliver(Command):
    method: Literal[DELIVERY_METHODS]  # type: ignore[valid-type]


class CaseWithdraw(Command):
    reason: str = Field(min_length=1, max_length=500)


class HolderPublic(BaseModel):
    stage: str
    staff: str
    department: str
    # from: the day the holding began; to: the next transfer's day, null for the current holder
    from_: date = Field(alias="from", serialization_alias="from")
    to: date | None
    workdays: int

    model_config = ConfigDict(populate_by_name=True)


class ChargedPublic(BaseModel):
    staff: str
    department: str
    stage: str


class CasePublic(BaseModel):
    id: str
    item: str
    item_name: str
    kind: str
    department: str
    channel: str
    applicant_ref: str
    applicant: dict[str, str]
    state: str
    version: int
    as_of: datetime
    submitted_at: datetime
    accepted_at: datetime | None
    window: str | None
    hall: str | None
    staff: str | None
    promised_days: int | None
    legal_days: int | None
    suspended_since: datetime | None
    suspension_reasons: list[str]
    suspended_workdays: int | None
    pending_materials: list[str]
    extended_days: int
    stage: str | None
    handler: str | None
    holders: list[HolderPublic]
    charged_to: ChargedPublic | None
    concluded_at: datetime | None
    outcome: str | None
    refusal_reason: str | None
    delivered_at: datetime | None
    delivery_method: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    deadline: date | None
    elapsed_workdays: int | None
    remaining_workdays: int | None
    warning: str
    on_time: bool | None


class WarningPublic(BaseModel):
    case_id: str
    item: str
    item_name: str
    window: str
    staff: str
    staff_name: str
    hall: str
    department: str
    state: str
    accepted_at: datetime
    deadline: date | None
    elapsed_workdays: int
    remaining_workdays: int
    promised_days: int
    warning: str


class FiguresPublic(BaseModel):
    """The month's figures of a group or of everything (rates are fractions, null with nothing to divide)."""

    accepted: int
    concluded: int
    concluded_on_time: int
    on_time_rate: float | None
    immediate_accepted: int
    immediate_same_day: int
    immediate_rate: float | None
    avg_elapsed_workdays: float | None
    speedup_rate: float | None
    withdrawn: int
    refused: int
    overdue: int
    yellow: int


class GroupFiguresPublic(FiguresPublic):
    key: str
    name: str


class MetricsPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(alias="from", serialization_alias="from")
    last: date = Field(alias="to", serialization_alias="to")
    by: str | None
    as_of: datetime  # the end of `to`, or now if that is earlier
    items: list[GroupFiguresPublic]
    count: int  # every group; items holds the page [offset, offset + limit)
    limit: int
    offset: int
    total: FiguresPublic


class ReviewFiguresPublic(BaseModel):
    """The period's review figures (好差评) of a group or of everything; rates are fractions, null with
    nothing to divide. Overturned reviews are in `bad` and `bad_overturned` only."""

    reviews: int
    r1: int
    r2: int
    r3: int
    r4: int
    r5: int
    satisfaction_rate: float | None
    bad: int
    bad_overturned: int
    bad_valid: int
    rectified: int
    rectified_on_time: int
    return_visits: int
    return_visit_rate: float | None


class GroupReviewFiguresPublic(ReviewFiguresPublic):
    key: str
    name: str


class ReviewMetricsPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(alias="from", serialization_alias="from")
    last: date = Field(alias="to", serialization_alias="to")
    by: str | None
    as_of: datetime
    items: list[GroupReviewFiguresPublic]
    count: int
    limit: int
    offset: int
    total: ReviewFiguresPublic


class FindingPublic(BaseModel):
    kind: str
    case_id: str | None  # null for a finding on a window (talk_required)
    date: date
    window: str | None
    department: str | None
    staff: str | None
    detail: str
    review_id: str | None = None  # the review behind a review finding (review_unverified, rectification_overdue)
    complaint_id: str | None = None  # the complaint of a 12345 finding (dispatch_late, reply_overdue, callback_late)


class FindingsPublic(BaseModel):
    items: list[FindingPublic]
    count: int  # every finding the question matches; items holds the page [offset, offset + limit)
    limit: int
    offset: int


class WarningsPublic(BaseModel):
    as_of: datetime
    items: list[WarningPublic]
    count: int  # all the warnings the question matches; items holds the page [offset, offset + limit)
    limit: int
    offset: int


class StreamEventPublic(BaseModel):
    """One event of a stream as it went on the topic: no personal data, only references (`*_ref`)."""

    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: dict[str, str]
    payload: dict[str, Any]
    hash: str
    previous_hash: str

    @classmethod
    def of(cls, event: Any) -> StreamEventPublic:
        envelope = envelope_of(event, position=0)
        return cls(version=envelope.version, type=envelope.type, occurred_at=envelope.occurred_at,
                   recorded_at=envelope.recorded_at, actor=envelope.actor, payload=envelope.payload,
                   hash=envelope.hash, previous_hash=envelope.previous_hash)
