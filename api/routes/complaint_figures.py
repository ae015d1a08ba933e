"""The 12345 queue, KPIs and hot spots, from the read models, within the caller's scope: a `department`
user sees the complaints ever dispatched to its department; the hotline, supervisors, auditors and
admins all of them. Registered before the complaint routes, so `/complaints/kpis` is not read as an id."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.bootstrap import Deployment
from api.complaint_schemas import (
    ComplaintFiguresPublic, ComplaintKpisPublic, ComplaintListed, ComplaintsPublic, GroupComplaintFiguresPublic,
    HotspotPublic, HotspotsPublic, SeriesPoint, SubjectPublic,
)
from api.deps import DeploymentDep, caller_with
from api.routes.metrics import checked_period
from api.scope import Caller
from domain.clock import beijing
from domain.complaint_kpis import ComplaintCounts, complaint_figures
from domain.complaint_rules import STATES
from domain.metrics import period_as_of
from projections import queries
from projections.case_state import NO_DATE
from projections.complaints import ComplaintFilter, complaint_counts_by, complaints, hotspots_of
from projections.rows import moment_of

router = APIRouter(prefix="/complaints", tags=["complaints"])

ComplaintReader = Annotated[Caller, Depends(caller_with("hotline", "department", "supervisor", "auditor", "admin"))]
First = Annotated[date, Query(alias="from", description="First day, inclusive (Beijing)")]
Last = Annotated[date, Query(alias="to", description="Last day, inclusive (Beijing)")]
Level = Annotated[int, Query(ge=1, le=20, description="Depth of the category or area tree (1: the top)")]


def department_scope(caller: Caller) -> str | None:
    return caller.department if caller.role == "department" else None


@router.get("", response_model=ComplaintsPublic)
def list_complaints(deployment: DeploymentDep, caller: ComplaintReader,
                    state: Literal[STATES] | None = None,  # type: ignore[valid-type]
                    department: str | None = None, overdue: bool | None = None, problem: bool | None = None,
                    first: Annotated[date | None, Query(alias="from")] = None,
                    last: Annotated[date | None, Query(alias="to")] = None,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ComplaintsPublic:
    """The queue, latest received first: by state, a department it was dispatched to, overdue now,
    problem tickets (问题工单), and the day received."""
    own = department_scope(caller)
    if own is not None and department not in (None, own):
        return ComplaintsPublic(items=[], count=0, limit=limit, offset=offset)
    deployment.wait_for_read_models()
    today = beijing(deployment.centre.clock()).date()
    rows, count = complaints(deployment.clickhouse, ComplaintFilter(state, own or department, overdue, problem, first,
                                                                    last), today, limit=limit, offset=offset)
    return ComplaintsPublic(items=[listed(row) for row in rows], count=count, limit=limit, offset=offset)


def listed(row: dict[str, Any]) -> ComplaintListed:
    dispatched, replied = bool(row["dispatch_us"]), row["first_reply_on"] != NO_DATE
    subject = {field: row[f"subject_{field}"] or None for field in ("window", "staff", "department")}
    return ComplaintListed(
        id=row["complaint_id"], reference=row["reference"], type=row["request_type"], category=row["category"],
        area=row["area"], channel=row["channel"], state=row["state"], department=row["department"] or None,
        due_date=row["due_date"] if dispatched else None, remaining_workdays=row["remaining"],
        overdue=row["state"] != "merged" and row["remaining"] is not None and row["remaining"] < 0,
        escalation_level=row["escalation_level"], problem=row["problem_on"] != NO_DATE,
        redo_count=row["redo_count"], reopen_count=row["reopen_count"], objection_count=row["objection_count"],
        dispatched_within_2h=bool(row["within_2h"]) if dispatched else None,
        replied_on_time=bool(row["first_reply_on_time"]) if replied else None,
        merged_into=row["merged_into"] or None,
        subject=SubjectPublic(**subject) if any(subject.values()) else None,
        received_at=moment_of(row["received_us"]))


@router.get("/kpis", response_model=ComplaintKpisPublic, response_model_by_alias=True)
def read_kpis(deployment: DeploymentDep, caller: ComplaintReader, first: First, last: Last,
              by: Literal["department", "category", "area", "type", "channel"] | None = None,
              level: Level = 1) -> ComplaintKpisPublic:
    """The period's KPIs per group and in total, each counted on the date of what it counts:
    received, dispatched (within 2 h), replied (on time), redo, callbacks and their verdicts, merged,
    problem tickets; `by=department` is the department that holds it last (`hotline` if never
    dispatched), `by=category|area` the ancestor at `level`."""
    as_of = figures_moment(deployment, first, last)
    own = department_scope(caller)
    options = {"first": first, "last": last, "as_of": as_of, "level": level, "department": own}
    total = complaint_counts_by(deployment.clickhouse, by=None, **options).get("", ComplaintCounts())
    groups = complaint_counts_by(deployment.clickhouse, by=by, **options) if by else {}
    names = key_names(deployment, by)
    items = [GroupComplaintFiguresPublic(key=key, name=names.get(key, key), **asdict(complaint_figures(counts)))
             for key, counts in sorted(groups.items())]
    return ComplaintKpisPublic(first=first, last=last, by=by, level=level, as_of=as_of, items=items,
                               total=ComplaintFiguresPublic(**asdict(complaint_figures(total))))


@router.get("/hotspots", response_model=HotspotsPublic, response_model_by_alias=True)
def read_hotspots(deployment: DeploymentDep, caller: ComplaintReader, first: First, last: Last,
                  by: Literal["category", "area"] = "category", level: Level = 1,
                  period: Literal["day", "week", "month"] = "week",
                  top: Annotated[int, Query(ge=0, le=100)] = 10) -> HotspotsPublic:
    """The `top` categories or areas (at `level`) by complaints received in the period, each with its
    series per day, week (from Monday) or month, and the previous stretch of the same length with the
    change ((count − previous) / previous)."""
    as_of = figures_moment(deployment, first, last)
    found = hotspots_of(deployment.clickhouse, by=by, level=level, first=first, last=last, period=period, top=top,
                        as_of=as_of, department=department_scope(caller))
    names = key_names(deployment, by)
    items = [HotspotPublic(key=spot.key, name=names.get(spot.key, spot.key), count=spot.count,
                           series=[SeriesPoint(start=start, count=count) for start, count in spot.series],
                           previous_count=spot.previous_count, change=spot.change) for spot in found]
    return HotspotsPublic(first=first, last=last, by=by, level=level, period=period, as_of=as_of, items=items)


def figures_moment(deployment: Deployment, first: date, last: date) -> datetime:
    """The moment a period's figures are taken at (the end of `to`, or now), once the read models have
    the latest event."""
    checked_period(deployment, first, last)
    deployment.wait_for_read_models()
    return period_as_of(last, deployment.centre.clock())


CATALOGUE_OF = {"department": "department", "category": "complaint_category", "area": "area"}


def key_names(deployment: Deployment, by: str | None) -> dict[str, str]:
    names = ({row["code"]: row["name"] for row in queries.catalogue(deployment.clickhouse, CATALOGUE_OF[by])}
             if by in CATALOGUE_OF else {})
    return {"hotline": "12345 热线", **names} if by == "department" else names
