"""The month's figures (按时办结率, 即办件办结率, 平均办结天数, 提速率, …) per window, hall, department,
staff or item, within the caller's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from functools import partial
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Query

from api.bootstrap import Deployment
from api.deps import DeploymentDep, Reader
from api.scope import Caller
from api.schemas import (
    FiguresPublic, GroupFiguresPublic, GroupReviewFiguresPublic, MetricsPublic, ReviewFiguresPublic,
    ReviewMetricsPublic,
)
from domain.clock import OutOfRange
from domain.metrics import CaseCounts, case_figures, period_as_of
from projections import queries
from domain.review_metrics import ReviewCounts, review_figures
from projections.metrics import case_counts_by
from projections.reviews import review_counts_by

router = APIRouter(tags=["metrics"])
C = TypeVar("C")

# by -> the catalogue kind whose names label the groups
NAMED_BY = {"window": "window", "hall": "hall", "department": "department", "staff": "staff", "item": "item"}


def checked_period(deployment: Deployment, first: date, last: date) -> None:
    bounds = deployment.centre.bounds
    for field, day in (("from", first), ("to", last)):
        if not bounds.earliest <= day <= bounds.latest_as_of:
            raise OutOfRange(field, f"{field} must lie between {bounds.earliest.isoformat()} and "
                                    f"{bounds.latest_as_of.isoformat()}", "query")
    if last < first:
        raise OutOfRange("to", f"to ({last.isoformat()}) is before from ({first.isoformat()})", "query")


def counted(deployment: Deployment, caller: Caller, first: date, last: date, by: str | None, count_by: Callable,
            zero: C) -> tuple[datetime, C, list[tuple[str, str, C]]]:
    """The moment a period's counts are taken at, the total, and (key, name, counts) per group,
    within the caller's scope; `count_by(clickhouse, first=, last=, as_of=, by=, window=, department=)`
    counts them."""
    checked_period(deployment, first, last)
    as_of = period_as_of(last, deployment.centre.clock())
    scope = caller.listing_filter(None, None)
    if scope is None:
        return as_of, zero, []
    window, department = scope
    deployment.wait_for_read_models()
    options = {"first": first, "last": last, "as_of": as_of, "window": window, "department": department}
    total = count_by(deployment.clickhouse, by=None, **options).get("", zero)
    groups = count_by(deployment.clickhouse, by=by, **options) if by else {}
    names = {row["code"]: row["name"] for row in queries.catalogue(deployment.clickhouse, NAMED_BY[by])} if by else {}
    return as_of, total, [(key, names.get(key, key), counts) for key, counts in sorted(groups.items())]


@router.get("/metrics/cases", response_model=MetricsPublic, response_model_by_alias=True)
def read_case_metrics(deployment: DeploymentDep, caller: Reader,
                      first: Annotated[date, Query(alias="from", description="First day, inclusive (Beijing)")],
                      last: Annotated[date, Query(alias="to", description="Last day, inclusive (Beijing)")],
                      by: Literal["window", "hall", "department", "staff", "item"] | None = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
                      offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> MetricsPublic:
    """The period's figures per group (`by`), and in total; without `by`, only the total."""
    count_by = partial(case_counts_by, policy=deployment.centre.policy)
    as_of, total, groups = counted(deployment, caller, first, last, by, count_by, CaseCounts())
    items = [GroupFiguresPublic(key=key, name=name, **asdict(case_figures(counts))) for key, name, counts in groups]
    return MetricsPublic(first=first, last=last, by=by, as_of=as_of, items=items[offset:offset + limit],
                         count=len(items), limit=limit, offset=offset,
                         total=FiguresPublic(**asdict(case_figures(total))))


@router.get("/metrics/reviews", response_model=ReviewMetricsPublic, response_model_by_alias=True)
def read_review_metrics(deployment: DeploymentDep, caller: Reader,
                        first: Annotated[date, Query(alias="from", description="First day, inclusive (Beijing)")],
                        last: Annotated[date, Query(alias="to", description="Last day, inclusive (Beijing)")],
                        by: Literal["window", "staff", "department"] | None = None,
                        limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
                        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ReviewMetricsPublic:
    """The period's review figures (by the review's date) per group (`by`: the case's accepting window
    or staff, or that staff member's department), and in total; overturned reviews leave every figure
    but `bad` and `bad_overturned`."""
    as_of, total, groups = counted(deployment, caller, first, last, by, review_counts_by, ReviewCounts())
    items = [GroupReviewFiguresPublic(key=key, name=name, **asdict(review_figures(counts)))
             for key, name, counts in groups]
    return ReviewMetricsPublic(first=first, last=last, by=by, as_of=as_of, items=items[offset:offset + limit],
                               count=len(items), limit=limit, offset=offset,
                               total=ReviewFiguresPublic(**asdict(review_figures(total))))
