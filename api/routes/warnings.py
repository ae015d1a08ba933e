"""Overdue warnings (超期预警) from the read models, within the caller's scope, a page at a time."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import AsOf, DeploymentDep, Reader
from api.schemas import WarningsPublic
from projections import cases

router = APIRouter(tags=["warnings"])


@router.get("/warnings", response_model=WarningsPublic)
def read_warnings(deployment: DeploymentDep, caller: Reader, as_of: AsOf,
                  level: Literal["yellow", "red"] | None = None, hall: str | None = None,
                  department: str | None = None, window: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> WarningsPublic:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first;
    `count` is how many there are in all, `items` the page asked for."""
    scoped = caller.listing_filter(window, department)
    if scoped is None:
        return WarningsPublic(as_of=as_of, items=[], count=0, limit=limit, offset=offset)
    window, department = scoped
    deployment.wait_for_read_models()
    items, count = cases.warnings(deployment.clickhouse, as_of, deployment.centre.policy, deployment.centre.calendar,
                                  level=level, hall=hall, department=department, window=window, limit=limit,
                                  offset=offset)
    return WarningsPublic(as_of=as_of, items=items, count=count, limit=limit, offset=offset)
