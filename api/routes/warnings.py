"""Overdue warnings (超期预警) from the read models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter

from api.deps import DeploymentDep, Reader
from api.schemas import WarningsPublic
from domain.clock import beijing
from projections import queries

router = APIRouter(tags=["warnings"])


@router.get("/warnings", response_model=WarningsPublic)
def read_warnings(deployment: DeploymentDep, _: Reader, as_of: datetime | None = None,
                  level: Literal["yellow", "red"] | None = None, hall: str | None = None,
                  department: str | None = None, window: str | None = None) -> WarningsPublic:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first."""
    moment = beijing(as_of) if as_of else deployment.centre.clock()
    deployment.wait_for_read_models()
    items = queries.warnings(deployment.clickhouse, moment, deployment.centre.policy, level=level, hall=hall,
                             department=department, window=window)
    return WarningsPublic(as_of=moment, items=items, count=len(items))
