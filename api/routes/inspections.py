"""On-site inspections (现场巡查): a violation seen at a window, perhaps naming the member of staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import DeploymentDep, caller_with
from api.review_schemas import InspectionCreate, InspectionPublic
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
