"""Supervision findings (电子监察): overdue cases charged to who held them, late entries (录入不及时),
late requests for materials (补不过半) and 容缺 materials never received."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import Auditing, DeploymentDep
from api.routes.metrics import checked_period
from api.schemas import FindingPublic, FindingsPublic
from domain.metrics import period_as_of
from projections.findings import findings

router = APIRouter(tags=["findings"])

Kind = Literal["overdue", "late_entry", "late_supplement_request", "materials_overdue"]


@router.get("/findings", response_model=FindingsPublic)
def read_findings(deployment: DeploymentDep, caller: Auditing,
                  first: Annotated[date, Query(alias="from", description="First day, inclusive (Beijing)")],
                  last: Annotated[date, Query(alias="to", description="Last day, inclusive (Beijing)")],
                  kind: Kind | None = None, window: str | None = None, department: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> FindingsPublic:
    """The findings dated in the period (each dated by the day it arose), by date; `window` is the
    accepting window, `department` the department of the staff member named (supervisor, auditor, admin)."""
    checked_period(deployment, first, last)
    scope = caller.listing_filter(window, department)
    if scope is None:
        return FindingsPublic(items=[], count=0, limit=limit, offset=offset)
    window, department = scope
    deployment.wait_for_read_models()
    settings = deployment.settings
    found = [finding for finding in findings(deployment.clickhouse, first=first, last=last,
                                             as_of=period_as_of(last, deployment.centre.clock()),
                                             late_entry_hours=settings.late_entry_hours,
                                             materials_days=settings.materials_days)
             if (kind is None or finding.kind == kind) and (window is None or finding.window == window)
             and (department is None or finding.department == department)]
    return FindingsPublic(items=[FindingPublic(**asdict(finding)) for finding in found[offset:offset + limit]],
                          count=len(found), limit=limit, offset=offset)
