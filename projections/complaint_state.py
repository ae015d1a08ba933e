"""The complaint_state table: one row per 12345 complaint, its state after its latest event, with the
moment of every step (dispatches, approved replies and callbacks as aligned arrays), so that its
KPIs, its reply clock and its findings as of any moment are arithmetic on one row
(projections.complaints asks them). Folded like case_state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from projections.backends import ClickHouse
from projections.case_state import empty_row
from projections.checks import checked
from projections.ordinals import WorkdayOrdinals
from projections.rows import beijing_date, microseconds
from projections.state_rows import StateRows
from streams.envelope import Envelope

SETTLED = ("closed", "merged")
EMPTY_COMPLAINT = empty_row("complaint_state")
Row = dict[str, Any]


def complaint_event(envelope: Envelope, ordinals: WorkdayOrdinals) -> Row:
    """What the fold needs of one complaint event."""
    occurred_at = datetime.fromisoformat(envelope.occurred_at)
    occurred_on = beijing_date(occurred_at)
    event = {"complaint_id": envelope.aggregate_id, "version": envelope.version, "position": envelope.position,
             "event_type": envelope.type, "us": microseconds(occurred_at), "on": occurred_on,
             "ord": ordinals.of(occurred_on)[0], "payload": envelope.payload, "envelope": envelope}
    if envelope.type == "ComplaintDispatched":
        event["due_ord"] = ordinals.of(date.fromisoformat(envelope.payload["due_date"]))[0]
    return event


def new_complaint(complaint_id: str) -> Row:
    return {**EMPTY_COMPLAINT, "complaint_id": complaint_id}


def folded(state: Row, event: Row) -> Row:
    """The complaint's row after one more event, as a new dict; InvalidRow if it would not fit the table."""
    row = {**state, "version": event["version"], "position": event["position"], "updated_on": event["on"]}
    APPLY[event["event_type"]](row, event, event["payload"])
    return checked("complaint_state", row)


def _received(row: Row, event: Row, payload: dict[str, Any]) -> None:
    subject = payload.get("subject") or {}
    row.update(state="received", reference=payload["reference"], request_type=payload["request_type"],
               category=payload["category"], category_path=list(payload["category_path"]), area=payload["area"],
               area_path=list(payload["area_path"]), channel=payload["channel"],
               subject_window=subject.get("window") or "", subject_staff=subject.get("staff") or "",
               subject_department=subject.get("department") or "", received_us=event["us"], received_on=event["on"])


def _dispatched(row: Row, event: Row, payload: dict[str, Any]) -> None:
    due = date.fromisoformat(payload["due_date"])
    row.update(state="dispatched", department=payload["department"],
               dispatch_us=[*row["dispatch_us"], event["us"]], dispatch_on=[*row["dispatch_on"], event["on"]],
               dispatch_ord=[*row["dispatch_ord"], event["ord"]],
               dispatch_departments=[*row["dispatch_departments"], payload["department"]],
               within_2h=int(bool(payload["within_2h"])), limit_days=payload["limit_days"], due_date=due,
               due_ord=event["due_ord"])


def _replied(row: Row, event: Row, on_time: bool) -> None:
    if row["first_reply_us"] == EMPTY_COMPLAINT["first_reply_us"]:
        row.update(first_reply_us=event["us"], first_reply_on=event["on"], first_reply_on_time=int(on_time))
    row.update(state="replied", replied_us=event["us"], replied_on=event["on"], replied_ord=event["ord"])


def _answered(row: Row, event: Row, payload: dict[str, Any]) -> None:
    _replied(row, event, bool(payload["on_time"]))
    row.update(answered_us=event["us"], department="")
    _awaits_callback(row, event, "")


def _department_replied(row: Row, event: Row, payload: dict[str, Any]) -> None:
    _replied(row, event, bool(payload["on_time"]))


def _awaits_callback(row: Row, event: Row, department: str) -> None:
    row.update(approval_us=[*row["approval_us"], event["us"]], approval_on=[*row["approval_on"], event["on"]],
               approval_ord=[*row["approval_ord"], event["ord"]],
               approval_departments=[*row["approval_departments"], department])


def _reviewed(row: Row, event: Row, payload: dict[str, Any]) -> None:
    if payload["approved"]:
        row["state"] = "awaiting_callback"
        _awaits_callback(row, event, payload.get("department") or "")
        return
    row.update(state="dispatched", redo_count=row["redo_count"] + 1)
    if row["first_redo_us"] == EMPTY_COMPLAINT["first_redo_us"]:
        row.update(first_redo_us=event["us"], first_redo_on=event["on"])


def _called_back(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row.update(callback_us=[*row["callback_us"], event["us"]], callback_on=[*row["callback_on"], event["on"]],
               callback_verdicts=[*row["callback_verdicts"], payload["verdict"]])
    if payload["reopened"]:
        row.update(state="dispatched", reopen_count=row["reopen_count"] + 1)
    else:
        row.update(state="closed", closed_us=event["us"])


def _objected(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row.update(state="returned", objection_count=row["objection_count"] + 1)


def _merged(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row.update(state="merged", merged_us=event["us"], merged_on=event["on"], merged_ord=event["ord"],
               merged_into=payload["into"])


def _escalated(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row["escalation_level"] = payload["level"]


def _became_problem(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row.update(problem_us=event["us"], problem_on=event["on"], escalation_level=payload["level"])


def _verified(row: Row, event: Row, payload: dict[str, Any]) -> None:
    row.update(verified_us=event["us"], verified_on=event["on"], valid=int(bool(payload["valid"])))


def _unchanged(row: Row, event: Row, payload: dict[str, Any]) -> None:
    """An event of the complaint that changes none of its columns (a duplicate merged into it)."""


APPLY = {
    "ComplaintReceived": _received,
    "ComplaintDispatched": _dispatched,
    "ComplaintAnswered": _answered,
    "ComplaintReplied": _department_replied,
    "ComplaintReviewed": _reviewed,
    "ComplaintCalledBack": _called_back,
    "ComplaintObjected": _objected,
    "ComplaintMerged": _merged,
    "ComplaintDuplicateMerged": _unchanged,
    "ComplaintEscalated": _escalated,
    "ComplaintBecameProblem": _became_problem,
    "ComplaintVerified": _verified,
}


class ComplaintStates(StateRows):
    """complaint_state's rows, folded from complaint events."""

    def __init__(self, clickhouse: ClickHouse, capacity: int = 200_000) -> None:
        super().__init__(clickhouse, "complaint_state", "complaint_id", new_complaint, folded, SETTLED, capacity)
