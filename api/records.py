"""Listings of inspections, commendations and cards: one question for the three, within the caller's
row scope (a clerk sees their window's, a department user its windows')."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.bootstrap import Deployment
from api.scope import Caller
from projections.rows import moment_of
from projections.supervision import RecordFilter, records


def listed_records(deployment: Deployment, caller: Caller, record_kind: str, *, first: date | None,
                   last: date | None, window: str | None, staff: str | None, department: str | None, limit: int,
                   offset: int) -> tuple[list[dict[str, Any]], int]:
    """A page of the records, latest first, each with id, window, staff, kind, note, occurred_at and
    actor; and how many match."""
    scoped = caller.listing_filter(window, department)
    if scoped is None:
        return [], 0
    window, department = scoped
    deployment.wait_for_read_models()
    rows, count = records(deployment.clickhouse, RecordFilter(record_kind, first, last, window, staff, department),
                          limit=limit, offset=offset)
    return [{"id": row["record_id"], "window": row["window_code"], "staff": row["staff_code"] or None,
             "kind": row["kind"], "note": row["note"],
             "occurred_at": moment_of(row["occurred_us"]),
             "actor": {"user": row["actor_user"], "role": row["actor_role"]}} for row in rows], count
