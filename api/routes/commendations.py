"""Commendations of a window or a member of staff: praise letters (表扬信) and banners (锦旗)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import DeploymentDep, caller_with
from api.review_schemas import CommendationCreate, CommendationPublic
from api.routes.cases import command
from api.scope import Caller

router = APIRouter(prefix="/commendations", tags=["supervision"])

# Recorded by the supervision side, not by the window it praises.
Recorder = Annotated[Caller, Depends(caller_with("supervisor", "admin"))]


@router.post("", status_code=201, response_model=CommendationPublic)
def commend(body: CommendationCreate, deployment: DeploymentDep, caller: Recorder) -> CommendationPublic:
    """Record a praise letter or a banner; each earns the scheme's bonus, within its monthly cap."""
    commendation = deployment.centre.commend(window=body.window, staff=body.staff, kind=body.kind, note=body.note,
                                             **command(deployment, caller, body.at))
    deployment.after_write()
    return CommendationPublic(id=str(commendation.id), window=commendation.window, staff=commendation.staff,
                              kind=commendation.kind, note=commendation.note, occurred_at=commendation.commended_at,
                              actor=caller.actor.as_dict())
