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
    return row


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
