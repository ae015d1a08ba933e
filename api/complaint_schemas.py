"""What crosses the HTTP boundary for 12345 complaints (市民诉求) and their two catalogue trees (complaint
categories, areas). Request bodies refuse unknown fields, non-integer numbers and non-finite coordinates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt

from api.schemas import StreamEventPublic, Code, Command, Name, Strict
from domain.complaint_rules import CHANNELS, TYPES, VERDICTS

Reference = Field(min_length=1, max_length=64)
Text = Field(min_length=1, max_length=4000)
Note = Field(default="", max_length=1000)
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180, allow_inf_nan=False)]


# -- the catalogue trees ---------------------------------------------------------------------------


class ComplaintCategoryCreate(Strict):
    code: str = Code
    name: str = Name
    parent: str | None = Field(default=None, max_length=64, description="the parent category's code; none at the top")


class AreaCreate(Strict):
    code: str = Code
    name: str = Name
    parent: str | None = Field(default=None, max_length=64, description="the parent area's code (district → street "
                                                                        "→ community); none at the top")
    lat: Latitude | None = Field(default=None, description="WGS-84 degrees; with lon, or neither")
    lon: Longitude | None = Field(default=None, description="WGS-84 degrees; with lat, or neither")


# -- complaints ------------------------------------------------------------------------------------


class Citizen(Strict):
    """Sealed before it is recorded, like an applicant: only `citizen_ref` leaves the event store."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=1, max_length=32)


class Subject(Strict):
    """Whom the complaint is against; a staff member's window and department are filled in."""

    window: str | None = Field(default=None, max_length=64)
    staff: str | None = Field(default=None, max_length=64)
    department: str | None = Field(default=None, max_length=64)


class ComplaintCreate(Strict):
    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    type: Literal[TYPES]  # type: ignore[valid-type]
    category: str = Reference
    area: str = Reference
    content: str = Field(min_length=1, max_length=4000, description="what the citizen said; stored sealed")
    citizen: Citizen = Citizen()
    subject: Subject | None = None
    at: datetime | None = None


class ComplaintAnswer(Command):
    reply: str = Text


class ComplaintDispatch(Command):
    department: str = Reference


class ComplaintObject(Command):
    reason: str = Field(min_length=1, max_length=1000)


class ComplaintReply(Command):
    reply: str = Text


class ComplaintReview(Command):
    approved: StrictBool
    note: str = Note


class ComplaintCallback(Command):
    verdict: Literal[VERDICTS]  # type: ignore[valid-type]
    note: str = Note


class ComplaintMerge(Command):
    into: str = Field(min_length=1, max_length=64, description="the master's id or reference")


class ComplaintEscalate(Command):
    level: Annotated[StrictInt, Field(ge=1, le=3)]
    note: str = Note


class ComplaintVerify(Command):
    valid: StrictBool
    note: str = Note


class SubjectPublic(BaseModel):
    window: str | None
    staff: str | None
    department: str | None


class ComplaintPublic(BaseModel):
    id: str
    reference: str
    type: str
    category: str
    category_path: list[str]
    area: str
    area_path: list[str]
    channel: str
    state: str
    version: int
    as_of: datetime
    received_at: datetime
    citizen_ref: str
    citizen: dict[str, str]  # clear for the roles that see personal data, masked for the others
    content: str | None  # for the roles that work on complaints (not the auditor); `[erased]` once erased
    subject: SubjectPublic | None
    department: str | None  # the department that holds it: the last it was dispatched to
    departments: list[str]
    first_dispatched_at: datetime | None
    limit_days: int | None
    due_date: date | None
    remaining_workdays: int | None
    overdue: bool
    dispatched_within_2h: bool | None
    answered_directly: bool
    reply: str | None
    replied_at: datetime | None
    replied_on_time: bool | None
    approved: bool | None
    objection_count: int
    redo_count: int
    reopen_count: int
    verdicts: list[str]
    called_back_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    problem: bool
    problem_reason: str | None
    duplicates: list[str]
    merged_into: str | None
    merged_at: datetime | None
    valid: bool | None
    verified_at: datetime | None


ComplaintEventPublic = StreamEventPublic  # the history's events, as on the topic


class ComplaintHistoryPublic(BaseModel):
    id: str
    reference: str
    events: list[ComplaintEventPublic]


# -- the queue, KPIs and hot spots (from the read models) ------------------------------------------


class ComplaintListed(BaseModel):
    """A complaint in the queue, as it stands now (its citizen, words and history: GET /complaints/{id})."""

    id: str
    reference: str
    type: str
    category: str
    area: str
    channel: str
    state: str
    department: str | None
    due_date: date | None
    remaining_workdays: int | None
    overdue: bool
    escalation_level: int
    problem: bool
    redo_count: int
    reopen_count: int
    objection_count: int
    dispatched_within_2h: bool | None
    replied_on_time: bool | None  # the first reply's
    merged_into: str | None
    subject: SubjectPublic | None
    received_at: datetime


class ComplaintsPublic(BaseModel):
    items: list[ComplaintListed]
    count: int
    limit: int
    offset: int


class ComplaintFiguresPublic(BaseModel):
    """The 12345 KPIs of a group or of everything; rates are fractions, null with nothing to divide."""

    received: int
    dispatched: int
    dispatched_within_2h: int
    dispatch_rate_2h: float | None
    replied: int
    replied_on_time: int
    on_time_reply_rate: float | None
    redo: int
    redo_rate: float | None
    callbacks: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    satisfaction_rate: float | None
    merged: int
    problem: int


class GroupComplaintFiguresPublic(ComplaintFiguresPublic):
    key: str
    name: str


class ComplaintKpisPublic(BaseModel):
    model_config = {"populate_by_name": True}

    first: date = Field(alias="from", serialization_alias="from")
    last: date = Field(alias="to", serialization_alias="to")
    by: str | None
    level: int
    as_of: datetime
    items: list[GroupComplaintFiguresPublic]
    total: ComplaintFiguresPublic


class SeriesPoint(BaseModel):
    start: date
    count: int


class HotspotPublic(BaseModel):
    key: str
    name: str
    count: int
    series: list[SeriesPoint]
    previous_count: int
    change: float | None  # (count − previous_count) / previous_count; null when previous_count is 0


class HotspotsPublic(BaseModel):
    model_config = {"populate_by_name": True}

    first: date = Field(alias="from", serialization_alias="from")
    last: date = Field(alias="to", serialization_alias="to")
    by: str
    level: int
    period: str
    as_of: datetime
    items: list[HotspotPublic]
