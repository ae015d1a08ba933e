"""Overdue warnings (超期预警) from the read models, within the caller's scope."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from api.deps import AsOf, DeploymentDep, Reader
from api.schemas import WarningsPublic
from projections import queries

router = APIRouter(tags=["warnings"])


@router.get("/warnings", response_model=WarningsPublic)
def read_warnings(deployment: DeploymentDep, caller: Reader, as_of: AsOf,
                  level: Literal["yellow", "red"] | None = None, hall: str | None = None,
                  department: str | None = None, window: str | None = None) -> WarningsPublic:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first."""
    scoped = caller.listing_filter(window, department)
    if scoped is None:
        return WarningsPublic(as_of=as_of, items=[], count=0)
    window, department = scoped
    deployment.wait_for_read_models()
    items = queries.warnings(deployment.clickhouse, as_of, deployment.centre.policy, level=level, hall=hall,
                             department=department, window=window)
    return WarningsPublic(as_of=as_of, items=items, count=len(items))
