"""What crosses the HTTP boundary: request bodies and public views, separate from domain events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.base import ROLES

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
Name = Field(min_length=1, max_length=200)
Days = Field(ge=0, le=3650)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    legal_days: int = Days
    promised_days: int = Days


class ItemLimitsChange(Strict):
    legal_days: int = Days
    promised_days: int = Days
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
    expected_version: int | None = Field(default=None, ge=1)


class CaseAccept(Command):
    window: str
    staff: str


class CaseRefuse(Command):
    reason: str = Field(min_length=1, max_length=500)


class CaseSuspend(Command):
    reason: Literal["supplement", "hearing", "expert_review", "inspection", "site_survey", "other"]
    note: str = Field(default="", max_length=500)


class CaseConclude(Command):
    outcome: Literal["approved", "denied"]


class CasePublic(BaseModel):
    id: str
    item: str
    item_name: str
    kind: str
    department: str
    channel: str
    applicant: dict
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
    concluded_at: datetime | None
    outcome: str | None
    refusal_reason: str | None
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


class WarningsPublic(BaseModel):
    as_of: datetime
    items: list[WarningPublic]
    count: int
