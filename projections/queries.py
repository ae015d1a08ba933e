"""Read queries. The SLA clock here is the SQL twin of domain.sla.sla_clock: it expands each
accepted case into its days after acceptance, joins the calendar once, and counts the working
days that are not suspended. A differential test holds it to the reference.

ClickHouse 18.16 drops a subquery column that is used only inside a lambda, so no lambda here
captures a column: the only ones take every input as an argument. Its date lookup table ends in
2106, so days are only compared, added and joined here, never printed or parsed past as_of (see
projector.calendar_range)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.clock import SHANGHAI, local_date
from domain.sla import WarningPolicy
from projections.backends import ClickHouse, quote
from projections.projector import (
    DEADLINE_SEARCH_DAYS,
    DEADLINE_SEARCH_FACTOR,
    microseconds,
)

NO_DATE = date(1970, 1, 1)


@dataclass(frozen=True)
class CaseFilter:
    states: tuple[str, ...] = ("accepted", "suspended", "concluded", "delivered", "withdrawn")
    hall: str | None = None
    department: str | None = None
    window: str | None = None
    case_ids: tuple[str, ...] = ()

    def having(self) -> str:
        conditions = [f"c_state IN ({', '.join(quote(state) for state in self.states)})"]
        for column, value in (("c_hall", self.hall), ("c_department", self.department), ("c_window", self.window)):
            if value:
                conditions.append(f"{column} = {quote(value)}")
        if self.case_ids:
            conditions.append(f"c_id IN ({', '.join(quote(case_id) for case_id in self.case_ids)})")
        return " AND ".join(conditions)


def case_clocks_sql(as_of: datetime, policy: WarningPolicy, cases: CaseFilter) -> str:
    today = f"toDate({quote(local_date(as_of).isoformat())})"
    return f"""
SELECT
    c_id AS case_id, c_state AS state, c_item AS item, c_item_name AS item_name, c_kind AS kind,
    c_department AS department, c_window AS window, c_hall AS hall, c_staff AS staff,
    c_staff_name AS staff_name, c_promised AS promised_days, c_accepted_us AS accepted_us,
    toInt32(countIf(is_workday = 1 AND day <= c_cutoff AND NOT suspended)) AS elapsed_workdays,
    c_limit - elapsed_workdays AS remaining_workdays,
    if(c_paused, toDate(0),
       if(c_limit = 0, c_accepted_on,
          arrayElement(arraySort(groupArrayIf(day, is_workday = 1 AND NOT suspended)), c_limit))) AS deadline,
    multiIf(c_state IN ('concluded', 'delivered', 'withdrawn'), 'none',
            remaining_workdays < 0, 'red',
            remaining_workdays <= greatest({policy.yellow_min_days},
                                           intDiv(c_limit * {policy.yellow_percent} + 99, 100)), 'yellow',
            'none') AS warning,
    if(c_state IN ('concluded', 'delivered'), toInt8(elapsed_workdays <= c_limit), toInt8(-1)) AS on_time
FROM (
    SELECT *, arrayExists((s, e) -> day >= s AND day < e, c_paused_ons, c_pause_ends) AS suspended
    FROM (
        SELECT *, c_accepted_on + 1 + arrayJoin(range(toUInt32(c_horizon - c_accepted_on))) AS day
        FROM (
            SELECT *,
                multiIf(c_state IN ('concluded', 'delivered'), c_concluded_on,
                        c_state = 'withdrawn', c_withdrawn_on, {today}) AS c_cutoff,
                if(length(c_resumed_ons) < length(c_suspended_ons),
                   arrayPushBack(c_resumed_ons, {today} + 1), c_resumed_ons) AS c_suspension_ends,
                -- only the suspensions whose time does not count pause the clock (行政许可法 §45)
                arrayFilter((s, c) -> c = 0, c_suspended_ons, c_suspension_counts) AS c_paused_ons,
                arrayFilter((e, c) -> c = 0, c_suspension_ends, c_suspension_counts) AS c_pause_ends,
                c_state = 'suspended' AND arrayElement(c_suspension_counts, -1) = 0 AS c_paused,
                greatest(c_cutoff, arrayReduce('max', arrayPushBack(c_suspension_ends, c_accepted_on)))
                    + {DEADLINE_SEARCH_FACTOR} * c_limit + {DEADLINE_SEARCH_DAYS} AS c_horizon
            FROM (
                SELECT
                    case_id AS c_id,
                    argMaxIf(state_after, version, state_after != '') AS c_state,
                    anyIf(item_code, event_type = 'CaseSubmitted') AS c_item,
                    anyIf(item_name, event_type = 'CaseSubmitted') AS c_item_name,
                    anyIf(item_kind, event_type = 'CaseSubmitted') AS c_kind,
                    anyIf(department_code, event_type = 'CaseSubmitted') AS c_department,
                    anyIf(window_code, event_type = 'CaseAccepted') AS c_window,
                    anyIf(hall_code, event_type = 'CaseAccepted') AS c_hall,
                    anyIf(staff_code, event_type = 'CaseAccepted') AS c_staff,
                    anyIf(staff_name, event_type = 'CaseAccepted') AS c_staff_name,
                    anyIf(promised_days, event_type = 'CaseAccepted') AS c_promised,
                    c_promised + sumIf(extended_days, event_type = 'CaseExtended') AS c_limit,
                    anyIf(occurred_us, event_type = 'CaseAccepted') AS c_accepted_us,
                    anyIf(occurred_on, event_type = 'CaseAccepted') AS c_accepted_on,
                    anyIf(occurred_on, event_type = 'CaseConcluded') AS c_concluded_on,
                    anyIf(occurred_on, event_type = 'CaseWithdrawn') AS c_withdrawn_on,
                    arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, counts),
                                                              event_type = 'CaseSuspended'))) AS c_suspension_counts,
                    arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_on),
                                                              event_type = 'CaseSuspended'))) AS c_suspended_ons,
                    arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_on),
                                                              event_type = 'CaseResumed'))) AS c_resumed_ons,
                    countIf(event_type = 'CaseAccepted') AS c_accepted
                FROM case_events FINAL
                WHERE occurred_us <= {microseconds(as_of)}
                GROUP BY case_id
                HAVING c_accepted > 0 AND {cases.having()}
            ) AS summaries
        ) AS bounded
    ) AS case_days
    ANY LEFT JOIN calendar_days USING day
) AS counted
GROUP BY c_id, c_state, c_item, c_item_name, c_kind, c_department, c_window, c_hall, c_staff,
         c_staff_name, c_promised, c_limit, c_paused, c_accepted_us, c_accepted_on, c_cutoff
"""


def case_clocks(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy,
                cases: CaseFilter = CaseFilter()) -> list[dict[str, Any]]:
    """Every accepted case's SLA clock as of a moment, from events with business time ≤ as_of."""
    return [_clock_row(row) for row in clickhouse.query(case_clocks_sql(as_of, policy, cases))]


def warnings(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy, *, level: str | None = None,
             hall: str | None = None, department: str | None = None, window: str | None = None) -> list[dict[str, Any]]:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first."""
    cases = CaseFilter(states=("accepted", "suspended"), hall=hall, department=department, window=window)
    levels = (level,) if level else ("red", "yellow")
    found = [row for row in case_clocks(clickhouse, as_of, policy, cases) if row["warning"] in levels]
    return sorted(found, key=lambda row: (row["remaining_workdays"], row["accepted_at"], row["case_id"]))


def catalogue(clickhouse: ClickHouse, kind: str) -> list[dict[str, Any]]:
    rows = clickhouse.query(
        f"SELECT * FROM catalogue FINAL WHERE entry_kind = {quote(kind)} ORDER BY code"
    )
    return [_catalogue_row(kind, row) for row in rows]


def stream_head(clickhouse: ClickHouse, aggregate_id: str) -> dict[str, Any] | None:
    """The head of one stream as the read models hold it apart from the store, or None if unknown."""
    rows = clickhouse.query(f"SELECT stream, aggregate_id, version, hash FROM stream_heads FINAL "
                            f"WHERE aggregate_id = {quote(aggregate_id)}")
    return rows[0] if rows else None


def stream_heads(clickhouse: ClickHouse, stream: str | None = None) -> dict[str, dict[str, Any]]:
    """The head of every stream (or of every stream of one kind), by aggregate id."""
    where = f"WHERE stream = {quote(stream)}" if stream else ""
    rows = clickhouse.query(f"SELECT stream, aggregate_id, version, hash FROM stream_heads FINAL {where}")
    return {row["aggregate_id"]: row for row in rows}


CATALOGUE_FIELDS = {
    "department": {},
    "hall": {"level": "level"},
    "window": {"hall_code": "hall", "department_code": "department"},
    "staff": {"window_code": "window", "department_code": "department", "role": "role"},
    "item": {"department_code": "department", "item_kind": "kind", "legal_days": "legal_days",
             "promised_days": "promised_days"},
}


def _catalogue_row(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"],
            **{public: row[column] for column, public in CATALOGUE_FIELDS[kind].items()}}


def _clock_row(row: dict[str, Any]) -> dict[str, Any]:
    accepted_us = row.pop("accepted_us")
    row["accepted_at"] = datetime.fromtimestamp(accepted_us / 1_000_000, SHANGHAI)
    row["deadline"] = None if row["deadline"] == NO_DATE else row["deadline"]
    row["on_time"] = None if row["on_time"] < 0 else bool(row["on_time"])
    return row
