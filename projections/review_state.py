"""The review_state table: one row per review (好差评), its state after its latest event, with the
moment of every step of the bad-review workflow, so that its state, deadline and findings as of any
moment are arithmetic on the row (projections.reviews asks them). Folded like case_state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.review import VERIFIED_STATES
from projections.backends import ClickHouse
from projections.case_state import empty_row
from projections.checks import checked
from projections.ordinals import WorkdayOrdinals
from projections.rows import beijing_date, microseconds
from projections.state_rows import StateRows
from streams.envelope import Envelope

# A review in one of these states takes at most a return visit: not worth holding.
SETTLED = ("recorded", "overturned")
EMPTY_REVIEW = empty_row("review_state")

def review_event(envelope: Envelope, ordinals: WorkdayOrdinals) -> dict[str, Any]:
    """What the fold needs of one review event."""
    occurred_at = datetime.fromisoformat(envelope.occurred_at)
    occurred_on = beijing_date(occurred_at)
    return {"review_id": envelope.aggregate_id, "version": envelope.version, "position": envelope.position,
            "event_type": envelope.type, "occurred_us": microseconds(occurred_at), "occurred_on": occurred_on,
            "occurred_ord": ordinals.of(occurred_on)[0], "payload": envelope.payload, "envelope": envelope}

def new_review(review_id: str) -> dict[str, Any]:
    return {**EMPTY_REVIEW, "review_id": review_id}

def folded(state: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The review's row after one more event, as a new dict; InvalidRow if it would not fit the table."""
    row = {**state, "version": event["version"], "position": event["position"]}
    APPLY[event["event_type"]](row, event, event["payload"])
    return checked("review_state", row)

def _given(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    rating = payload["rating"]
    row.update(case_id=payload["case_id"], window_code=payload.get("window") or "",
               staff_code=payload.get("staff") or "", staff_department=payload.get("staff_department") or "",
               rating=rating, channel=payload["channel"], given_us=event["occurred_us"],
               given_on=event["occurred_on"], given_ord=event["occurred_ord"],
               state="awaiting_verification" if rating <= 2 else "recorded")

def _verified(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    outcome = payload["outcome"]
    row.update(verified_us=event["occurred_us"], verified_on=event["occurred_on"], outcome=outcome,
               state=VERIFIED_STATES[outcome])
    _deadline(row, event, payload)
    if outcome == "rectify_now":  # 立行立改: rectified on the spot, on time by definition
        row.update(rectified_us=event["occurred_us"], rectified_on=event["occurred_on"], rectified_on_time=1)

def _appeal_decided(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    upheld = bool(payload["upheld"])
    row.update(decided_us=event["occurred_us"], upheld=int(upheld), state="overturned" if upheld else "rectifying")
    _deadline(row, event, payload)

def _deadline(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    if payload.get("deadline"):
        row.update(deadline=date.fromisoformat(payload["deadline"]), deadline_us=event["occurred_us"])

def _rectified(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    row.update(rectified_us=event["occurred_us"], rectified_on=event["occurred_on"],
               rectified_on_time=int(bool(payload["on_time"])), state="rectified")

def _return_visited(row: dict[str, Any], event: dict[str, Any], payload: dict[str, Any]) -> None:
    row.update(return_us=event["occurred_us"], return_rating=payload["rating"])

APPLY = {
    "ReviewGiven": _given,
    "ReviewVerified": _verified,
    "ReviewAppealDecided": _appeal_decided,
    "ReviewRectified": _rectified,
    "ReviewReturnVisited": _return_visited,
}

class ReviewStates(StateRows):
    """review_state's rows, folded from review events."""

    def __init__(self, clickhouse: ClickHouse, capacity: int = 200_000) -> None:
        super().__init__(clickhouse, "review_state", "review_id", new_review, folded, SETTLED, capacity)
