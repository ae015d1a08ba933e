"""What crosses the HTTP boundary for the monthly window scores (窗口月度评分), staff assessments
(工作人员月度考核), their finalisation and amendments, and what-if re-scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt

from api.review_schemas import Month, SchemeRules
from api.schemas import Strict
from domain.assessment import MAX_AMENDMENT_POINTS, MAX_REASON_LENGTH

Subject = Literal["window", "staff"]


class LinePublic(BaseModel):
    """One rule's share of a score: `count` events worth `points` in all, and the ids behind them (cases,
    reviews, inspections, cards, commendations; a late entry is `<case id>#<event version>`)."""

    rule: str
    count: int
    points: int
    refs: list[str]


class WindowScorePublic(BaseModel):
    window: str
    name: str | None = None
    hall: str | None = None
    department: str | None = None
    score: int
    grade: str
    rank: int
    red_flag: bool  # 流动红旗
    lines: list[LinePublic]


class StaffScorePublic(BaseModel):
    staff: str
    name: str | None = None
    window: str | None = None
    department: str | None = None
    score: int
    grade: str
    rank: int
    star: bool  # 服务明星
    lines: list[LinePublic]


class DriftPublic(BaseModel):
    """A finalised subject whose live score now differs: events arrived for the month after finalisation."""

    subject: Subject
    code: str
    live_score: int
    finalised_score: int


class AmendmentPublic(BaseModel):
    number: int  # 1, 2, … in the month's order; the line `amendment` refs it as `amendment-<number>`
    subject: Subject
    code: str
    points: int
    reason: str
    at: datetime
    actor: dict[str, str]


class ScoresPublic(BaseModel):
    month: str
    scheme_version: int
    finalised: bool
    finalised_at: datetime | None = None  # when the month was finalised; null while live
    as_of: datetime  # live: the moment the figures are taken at; finalised: the finalisation's moment
    drift: list[DriftPublic] = []
    amendments: list[AmendmentPublic] = []


class WindowScoresPublic(ScoresPublic):
    items: list[WindowScorePublic]
    # windows graded fail this month and the month before: called in for a talk (约谈) on the 1st of the next
    talks_required: list[str] = []


class StaffScoresPublic(ScoresPublic):
    items: list[StaffScorePublic]


class AssessmentPublic(BaseModel):
    """A finalised month as recorded, with its amendments applied."""

    id: str  # the assessment stream's id (GET /audit/assessment/{id}/verify)
    month: str
    scheme_version: int
    finalised: bool = True
    finalised_at: datetime
    finalised_by: dict[str, str]
    version: int
    windows: list[WindowScorePublic]
    staff: list[StaffScorePublic]
    amendments: list[AmendmentPublic]


class Finalise(Strict):
    at: datetime | None = None


class AmendmentCreate(Strict):
    subject: Subject
    code: str = Field(min_length=1, max_length=64)
    points: Annotated[StrictInt, Field(ge=-MAX_AMENDMENT_POINTS, le=MAX_AMENDMENT_POINTS,
                                       description="added to the finalised score (not 0), then held within bounds")]
    reason: str = Field(min_length=1, max_length=MAX_REASON_LENGTH)
    at: datetime | None = None
    expected_version: Annotated[StrictInt, Field(ge=1)] | None = None


class WhatIfScheme(SchemeRules):
    """A scheme's shape (as GET /schemes/current gives it); `version` and `effective_from` are ignored."""

    effective_from: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    version: StrictInt | None = None


class WhatIf(Strict):
    month: str = Month
    scheme: WhatIfScheme


class WhatIfWindowPublic(BaseModel):
    window: str
    score: int
    grade: str
    rank: int
    red_flag: bool
    current_score: int
    current_rank: int


class WhatIfStaffPublic(BaseModel):
    staff: str
    score: int
    grade: str
    rank: int
    star: bool
    current_score: int
    current_rank: int


class WhatIfPublic(BaseModel):
    month: str
    scheme_version: int  # the version in force (or finalised with) that `current_*` are scored with
    windows: list[WhatIfWindowPublic]
    staff: list[WhatIfStaffPublic]
