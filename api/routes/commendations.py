"""Commendations of a window or a member of staff: praise letters (表扬信) and banners (锦旗)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import DeploymentDep, Reader, caller_with
from api.records import listed_records
from api.review_schemas import CommendationCreate, CommendationPublic, RecordsPublic
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


@router.get("", response_model=RecordsPublic)
def list_commendations(deployment: DeploymentDep, caller: Reader,
                first: Annotated[date | None, Query(alias="from", description="First day, inclusive (Beijing)")] = None,
                last: Annotated[date | None, Query(alias="to", description="Last day, inclusive (Beijing)")] = None,
                window: str | None = None, staff: str | None = None, department: str | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> RecordsPublic:
    """The commendations recorded in the period, latest first, within the caller's scope: `kind` is letter or banner."""
    items, count = listed_records(deployment, caller, "commendation", first=first, last=last, window=window, staff=staff,
                                  department=department, limit=limit, offset=offset)
    return RecordsPublic(items=items, count=count, limit=limit, offset=offset)
