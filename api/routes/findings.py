"""Supervision findings (电子监察): overdue cases charged to who held them, late entries (录入不及时),
late requests for materials (补不过半) and 容缺 materials never received."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.bootstrap import Deployment
from api.deps import Auditing, DeploymentDep
from api.routes.metrics import checked_period
from api.schemas import FindingPublic, FindingsPublic
from domain.findings import Finding, talk_required_findings
from domain.clock import beijing
from domain.metrics import period_as_of
from api.monthly_scores import month_before, talks_after
from projections.complaints import complaint_findings_in
from projections.findings import findings
from projections.queries import catalogue
from projections.reviews import review_findings

router = APIRouter(tags=["findings"])

Kind = Literal["overdue", "late_entry", "late_supplement_request", "materials_overdue", "review_unverified",
               "rectification_overdue", "talk_required", "dispatch_late", "reply_overdue", "callback_late"]
REVIEW_KINDS = ("review_unverified", "rectification_overdue")
CASE_KINDS = ("overdue", "late_entry", "late_supplement_request", "materials_overdue")
COMPLAINT_KINDS = ("dispatch_late", "reply_overdue", "callback_late")


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
    found = [finding for finding in all_findings(deployment, first, last, kind)
             if (kind is None or finding.kind == kind) and (window is None or finding.window == window)
             and (department is None or finding.department == department)]
    return FindingsPublic(items=[FindingPublic(**asdict(finding)) for finding in found[offset:offset + limit]],
                          count=len(found), limit=limit, offset=offset)


def all_findings(deployment: Deployment, first: date, last: date, kind: str | None) -> list[Finding]:
    """The findings of the cases and of the reviews, by date, kind and case (only the side `kind` asks about)."""
    settings, as_of = deployment.settings, period_as_of(last, deployment.centre.clock())
    found = []
    if kind is None or kind in CASE_KINDS:
        found += findings(deployment.clickhouse, first=first, last=last, as_of=as_of,
                          late_entry_hours=settings.late_entry_hours, materials_days=settings.materials_days)
    if kind is None or kind in REVIEW_KINDS:
        found += review_findings(deployment.clickhouse, first=first, last=last, as_of=as_of,
                                 verify_days=deployment.centre.verify_days)
    if kind is None or kind in COMPLAINT_KINDS:
        found += complaint_findings_in(deployment.clickhouse, first=first, last=last, as_of=as_of)
    if kind is None or kind == "talk_required":
        found += talks(deployment, first, min(last, beijing(deployment.centre.clock()).date()))
    return sorted(found, key=lambda finding: (finding.date, finding.kind, finding.case_id or finding.complaint_id or "",
                                              finding.window or ""))


def talks(deployment: Deployment, first: date, last: date) -> list[Finding]:
    """约谈: on each first day of a month in the period (up to today), the windows graded fail in the
    two months before."""
    departments = {row["code"]: row["department"] for row in catalogue(deployment.clickhouse, "window")}
    found: list[Finding] = []
    graded: dict[str, dict[str, str]] = {}  # each month graded once
    for on in (day for day in (first + timedelta(days=offset) for offset in range((last - first).days + 1))
               if day.day == 1):
        second = month_before(on.strftime("%Y-%m"))
        codes = talks_after(deployment, second, graded)
        found += talk_required_findings({code: departments.get(code) for code in codes},
                                        first_month=month_before(second), second_month=second, on=on)
    return found
