"""On-site inspections (现场巡查): a violation seen at a window, perhaps naming the member of staff."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import DeploymentDep, Reader, caller_with
from api.records import listed_records
from api.review_schemas import InspectionCreate, InspectionPublic, RecordsPublic
from api.routes.cases import command
from api.scope import Caller

router = APIRouter(prefix="/inspections", tags=["supervision"])

Inspector = Annotated[Caller, Depends(caller_with("supervisor", "admin"))]


@router.post("", status_code=201, response_model=InspectionPublic)
def inspect(body: InspectionCreate, deployment: DeploymentDep, caller: Inspector) -> InspectionPublic:
    """Record a violation: absent (空岗), off_post (串岗), untidy (仪容不整), chatting (扎堆聊天), phone (玩手机),
    rude (态度生硬) or other; each costs the points of the scoring scheme. Unknown window or staff: 422."""
    inspection = deployment.centre.inspect(window=body.window, staff=body.staff, kind=body.kind, note=body.note,
                                           **command(deployment, caller, body.at))
    deployment.after_write()
    return InspectionPublic(id=str(inspection.id), window=inspection.window, staff=inspection.staff,
                            staff_department=inspection.staff_department, kind=inspection.kind, note=inspection.note,
                            occurred_at=inspection.inspected_at, actor=caller.actor.as_dict())


@router.get("", response_model=RecordsPublic)
def list_inspections(deployment: DeploymentDep, caller: Reader,
                first: Annotated[date | None, Query(alias="from", description="First day, inclusive (Beijing)")] = None,
                last: Annotated[date | None, Query(alias="to", description="Last day, inclusive (Beijing)")] = None,
                window: str | None = None, staff: str | None = None, department: str | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> RecordsPublic:
    """The inspections recorded in the period, latest first, within the caller's scope: `kind` is the violation."""
    items, count = listed_records(deployment, caller, "inspection", first=first, last=last, window=window, staff=staff,
                                  department=department, limit=limit, offset=offset)
    return RecordsPublic(items=items, count=count, limit=limit, offset=offset)
