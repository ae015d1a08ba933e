"""The case_state table: one row per case, its state after its latest event (DESIGN §10).

The projector folds each case event onto the case's row: the facts that never change once they
happen (acceptance, conclusion, withdrawal, …) as columns, and the history the SLA clock needs
(suspensions, extensions, holders) as aligned arrays. So the clock of a case as of any moment is
arithmetic on one row, and no question has to group every event of every case.

Idempotent under redelivery: an event whose version the row already holds is not folded again,
and ReplacingMergeTree keeps the row with the highest version. The fold keeps the rows of recently
changed cases in memory; a case it does not hold (after a restart, or moved from another worker)
is read back from the table first."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.backends import ClickHouse
from projections.schema import COLUMNS
from projections.state_rows import StateRows

NEVER_US = 2**63 - 1
NO_DATE = date(1970, 1, 1)
OPEN_END = 2**32 - 1
# Once in one of these states a case takes no more events but perhaps delivery: not worth holding.
FINAL_STATES = ("refused", "delivered", "withdrawn")


def new_state(case_id: str) -> dict[str, Any]:
    """The row of a case before its first event (its arrays are shared: a fold replaces them, never
    changes them in place)."""
    return {**EMPTY_STATE, "case_id": case_id}


def empty_row(table: str) -> dict[str, Any]:
    """A state table's row before anything happened: "never" in every moment, day and ordinal."""
    row: dict[str, Any] = {}
    for column, column_type in COLUMNS[table].items():
        if column_type.startswith("Array("):
            row[column] = []
        elif column_type == "String":
            row[column] = ""
        elif column_type == "Date":
            row[column] = NO_DATE
        elif column.endswith("_us"):
            row[column] = NEVER_US
        elif column.endswith("_ord"):
            row[column] = OPEN_END
        else:
            row[column] = 0
    return row


EMPTY_STATE = empty_row("case_state")


def folded(state: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The case's row after one more event (a case_events row), as a new dict."""
    row = {**state, "version": event["version"], "position": event["position"]}
    row["state"] = event["state_after"] or state["state"]
    apply = APPLY.get(event["event_type"])
    if apply:
        apply(row, event)
    row["latest_us"] = event["occurred_us"]
    row["overdue_ord"] = first_overdue_ordinal(
        row["accepted_ord"], row["promised_days"] + sum(row["extended_days"]), row["suspended_ordb"],
        row["resumed_ordb"], row["suspension_counts"])
    return row


def first_overdue_ordinal(accepted_ord: int, limit: int, lowers: list[int], uppers: list[int],
                          counts: list[int]) -> int:
    """The ordinal of the case's first overdue working day (the (N+1)-th counted working day after
    acceptance) if nothing more happens to it; OPEN_END before acceptance, or while a suspension that
    stops the clock is open before that day. Each such suspension pauses the working days after its
    start's `lower` up to its end's `upper` (both "working days before"), pushing the day out if it
    starts before it. The day is the overdue finding's date and says who is charged.

    Once the day has passed, nothing later moves it: a suspension begun on a later day pauses only
    later days, and no extension is granted to an overdue case. So the day a row holds is the day as
    of any moment after the row's latest event, and as of the end of any day by which it had come."""
    if accepted_ord == OPEN_END:
        return OPEN_END
    target = accepted_ord + limit + 1
    for lower, upper, counted in zip(lowers, uppers, counts):
        lower = max(lower, accepted_ord)
        if not counted and lower < target:
            target += max(0, upper - lower)
    return min(target, OPEN_END)


def first_overdue_sql(accepted_ord: str, limit: str, lowers: str, uppers: str, counts: str) -> str:
    """first_overdue_ordinal in SQL, of a case_state row's columns (or of expressions for them). A
    suspension that counts pauses nothing; a pause that starts before the day pushed out by the pauses
    before it pushes it further (pauses come in order, one after the other)."""
    acc = f"toInt64({accepted_ord})"
    starts = f"arrayMap((l, a) -> greatest(toInt64(l), a), {lowers}, replicate({acc}, {lowers}))"
    lengths = (f"arrayMap((u, l, c) -> if(c = 0, greatest(toInt64(0), toInt64(u) - l), toInt64(0)), "
               f"{uppers}, {starts}, {counts})")
    due = f"{acc} + toInt64({limit}) + 1"
    pushed = (f"arraySum(arrayMap((l, total, length, due) -> if(l < due + total - length, length, toInt64(0)), "
              f"{starts}, arrayCumSum({lengths}), {lengths}, replicate({due}, {lengths})))")
    return f"if({accepted_ord} = {OPEN_END}, toUInt32({OPEN_END}), toUInt32(least({due} + {pushed}, {OPEN_END})))"


def _submitted(row: dict[str, Any], event: dict[str, Any]) -> None:
    row.update(item_code=event["item_code"], item_name=event["item_name"], item_kind=event["item_kind"],
               department_code=event["department_code"], channel=event["channel"],
               submitted_us=event["occurred_us"], submitted_on=event["occurred_on"])


def _accepted(row: dict[str, Any], event: dict[str, Any]) -> None:
    row.update(window_code=event["window_code"], hall_code=event["hall_code"], staff_code=event["staff_code"],
               staff_name=event["staff_name"], staff_department=event["department_code"],
               promised_days=event["promised_days"], legal_days=event["legal_days"],
               accepted_us=event["occurred_us"], accepted_on=event["occurred_on"], accepted_ord=event["occurred_ord"],
               missing_materials=event["missing_materials"])
    _hand_over(row, event)


def _hand_over(row: dict[str, Any], event: dict[str, Any]) -> None:
    row["holder_from_on"] = [*row["holder_from_on"], event["occurred_on"]]
    row["holder_staff"] = [*row["holder_staff"], event["staff_code"]]
    row["holder_departments"] = [*row["holder_departments"], event["department_code"]]


def _suspended(row: dict[str, Any], event: dict[str, Any]) -> None:
    appended = {"suspended_versions": event["version"], "suspended_us": event["occurred_us"],
                "suspended_on": event["occurred_on"], "suspended_ord": event["occurred_ord"],
                "suspended_ordb": event["occurred_ord_before"], "suspension_reasons": event["reason"],
                "suspension_counts": event["counts"],
                # not resumed yet: the arrays stay aligned, one resumption per suspension
                "resumed_us": NEVER_US, "resumed_on": NO_DATE, "resumed_ordb": OPEN_END}
    for column, value in appended.items():
        row[column] = [*row[column], value]


def _resumed(row: dict[str, Any], event: dict[str, Any]) -> None:
    if not row["resumed_us"]:
        return  # a resumption without its suspension (set aside as a dead letter) has nothing to end
    for column, value in (("resumed_us", event["occurred_us"]), ("resumed_on", event["occurred_on"]),
                          ("resumed_ordb", event["occurred_ord_before"])):
        row[column] = [*row[column][:-1], value]


def _extended(row: dict[str, Any], event: dict[str, Any]) -> None:
    row["extended_versions"] = [*row["extended_versions"], event["version"]]
    row["extended_us"] = [*row["extended_us"], event["occurred_us"]]
    row["extended_days"] = [*row["extended_days"], event["extended_days"]]


def _dated(prefix: str, ordinal: bool = False):
    def apply(row: dict[str, Any], event: dict[str, Any]) -> None:
        row[f"{prefix}_us"], row[f"{prefix}_on"] = event["occurred_us"], event["occurred_on"]
        if ordinal:
            row[f"{prefix}_ord"] = event["occurred_ord"]
    return apply


def _concluded(row: dict[str, Any], event: dict[str, Any]) -> None:
    _dated("concluded", ordinal=True)(row, event)
    row["outcome"] = event["outcome"]


def _delivered(row: dict[str, Any], event: dict[str, Any]) -> None:
    row["delivered_us"] = event["occurred_us"]


APPLY = {
    "CaseSubmitted": _submitted,
    "CaseAccepted": _accepted,
    "CaseRefused": _dated("refused"),
    "CaseSuspended": _suspended,
    "CaseResumed": _resumed,
    "CaseExtended": _extended,
    "CaseTransferred": _hand_over,
    "CaseMaterialsReceived": _dated("materials"),
    "CaseConcluded": _concluded,
    "CaseDelivered": _delivered,
    "CaseWithdrawn": _dated("withdrawn", ordinal=True),
}


class CaseStates(StateRows):
    """case_state's rows, folded from case_events rows."""

    def __init__(self, clickhouse: ClickHouse, capacity: int = 500_000) -> None:
        super().__init__(clickhouse, "case_state", "case_id", new_state, folded, FINAL_STATES, capacity)
