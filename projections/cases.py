"""The cases read model's questions: every case's SLA clock as of a moment, and the warnings.

The clock is the SQL twin of domain.sla.sla_clock, held to it by a differential test. It never
expands a case into days: each case event row carries the working-day ordinal of its date (working
days up to it) and the working days before it, so with a = the acceptance day's ordinal and c the
cutoff's, elapsed = c - a - the working days of the suspensions that pause the clock, each
max(0, min(its end's days-before, c) - max(its start's days-before, a)). The cost of a question
grows with the events of the cases it asks about, not with the days they span. The deadline is
shown only for the rows returned, by the domain's own nth_counted_day.

ClickHouse 18.16 drops a subquery column used only inside a lambda, so no lambda here captures a
column (suspensions are joined out as rows instead); and it prints no date past 2106, so days are
compared and subtracted, never printed or parsed past as_of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import SHANGHAI, local_date
from domain.sla import Suspension, WarningPolicy, nth_counted_day
from projections.backends import ClickHouse, quote
from projections.projector import microseconds

NO_DATE = date(1970, 1, 1)
OPEN_END = 4294967295  # UInt32 max: a suspension not resumed pauses every day up to the cutoff
CLOCK_STATES = ("accepted", "suspended", "concluded", "delivered", "withdrawn")


@dataclass(frozen=True)
class CaseFilter:
    states: tuple[str, ...] = CLOCK_STATES
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
    today = quote(local_date(as_of).isoformat())
    yellow = f"greatest({policy.yellow_min_days}, intDiv(c_limit * {policy.yellow_percent} + 99, 100))"
    return f"""
SELECT
    c_id AS case_id, any(c_state) AS state, any(c_item) AS item, any(c_item_name) AS item_name,
    any(c_kind) AS kind, any(c_department) AS department, any(c_window) AS window, any(c_hall) AS hall,
    any(c_staff) AS staff, any(c_staff_name) AS staff_name, any(c_promised) AS promised_days,
    any(c_limit) AS limit_days, any(c_legal) AS legal_days, any(c_accepted_us) AS accepted_us,
    any(c_accepted_on) AS accepted_on, any(c_concluded_on) AS concluded_on, any(c_withdrawn_on) AS withdrawn_on,
    toInt32(any(c_cut_ord) - any(c_acc_ord) - sum(paused_days)) AS elapsed_workdays,
    toInt32(limit_days) - elapsed_workdays AS remaining_workdays,
    multiIf(state IN ('concluded', 'delivered', 'withdrawn'), 'none',
            remaining_workdays < 0, 'red',
            remaining_workdays <= any(c_yellow), 'yellow',
            'none') AS warning,
    if(state IN ('concluded', 'delivered'), toInt8(elapsed_workdays <= limit_days), toInt8(-1)) AS on_time,
    any(c_paused) AS paused, any(c_paused_starts) AS paused_starts, any(c_paused_ends) AS paused_ends
FROM (
    SELECT *, greatest(toInt64(0), toInt64(least(p_upper, c_cut_ord)) - toInt64(greatest(p_lower, c_acc_ord)))
        AS paused_days
    FROM (
        SELECT *,
            multiIf(c_state IN ('concluded', 'delivered'), c_concluded_ord,
                    c_state = 'withdrawn', c_withdrawn_ord, c_as_of_ord) AS c_cut_ord,
            if(length(c_resume_ordbs) < length(c_suspension_ordbs),
               arrayPushBack(c_resume_ordbs, toUInt32({OPEN_END})), c_resume_ordbs) AS c_end_ordbs,
            if(length(c_resumed_ons) < length(c_suspended_ons),
               arrayPushBack(c_resumed_ons, toDate(0)), c_resumed_ons) AS c_end_ons,
            -- only the suspensions whose time does not count pause the clock (行政许可法 §45)
            arrayFilter((o, c) -> c = 0, c_suspension_ordbs, c_suspension_counts) AS c_paused_lowers,
            arrayFilter((o, c) -> c = 0, c_end_ordbs, c_suspension_counts) AS c_paused_uppers,
            arrayFilter((o, c) -> c = 0, c_suspended_ons, c_suspension_counts) AS c_paused_starts,
            arrayFilter((o, c) -> c = 0, c_end_ons, c_suspension_counts) AS c_paused_ends,
            c_state = 'suspended' AND arrayElement(c_suspension_counts, -1) = 0 AS c_paused,
            {yellow} AS c_yellow
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
                anyIf(legal_days, event_type = 'CaseAccepted') AS c_legal,
                anyIf(occurred_on, event_type = 'CaseConcluded') AS c_concluded_on,
                anyIf(occurred_on, event_type = 'CaseWithdrawn') AS c_withdrawn_on,
                c_promised + sumIf(extended_days, event_type = 'CaseExtended') AS c_limit,
                anyIf(occurred_us, event_type = 'CaseAccepted') AS c_accepted_us,
                anyIf(occurred_on, event_type = 'CaseAccepted') AS c_accepted_on,
                anyIf(occurred_ord, event_type = 'CaseAccepted') AS c_acc_ord,
                anyIf(occurred_ord, event_type = 'CaseConcluded') AS c_concluded_ord,
                anyIf(occurred_ord, event_type = 'CaseWithdrawn') AS c_withdrawn_ord,
                -- a scalar subquery is Nullable on newer ClickHouse; as_of always lies in the dimension
                ifNull((SELECT any(ordinal) FROM calendar_days WHERE day = toDate({today})), 0) AS c_as_of_ord,
                arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_ord_before),
                                                          event_type = 'CaseSuspended'))) AS c_suspension_ordbs,
                arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_ord_before),
                                                          event_type = 'CaseResumed'))) AS c_resume_ordbs,
                arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_on),
                                                          event_type = 'CaseSuspended'))) AS c_suspended_ons,
                arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, occurred_on),
                                                          event_type = 'CaseResumed'))) AS c_resumed_ons,
                arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, counts),
                                                          event_type = 'CaseSuspended'))) AS c_suspension_counts,
                countIf(event_type = 'CaseAccepted') AS c_accepted
            FROM case_events FINAL
            WHERE occurred_us <= {microseconds(as_of)}
            GROUP BY case_id
            HAVING c_accepted > 0 AND {cases.having()}
        ) AS summaries
    ) AS bounded
    LEFT ARRAY JOIN c_paused_lowers AS p_lower, c_paused_uppers AS p_upper
) AS paused
GROUP BY c_id
"""


def case_clocks(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy, calendar: WorkingCalendar,
                cases: CaseFilter = CaseFilter()) -> list[dict[str, Any]]:
    """Every accepted case's SLA clock as of a moment, from events with business time ≤ as_of."""
    return [_clock_row(row, calendar) for row in clickhouse.query(case_clocks_sql(as_of, policy, cases))]


def warnings(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy, calendar: WorkingCalendar, *,
             level: str | None = None, hall: str | None = None, department: str | None = None,
             window: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first:
    one page of them, and how many there are in all."""
    cases = CaseFilter(states=("accepted", "suspended"), hall=hall, department=department, window=window)
    levels = ", ".join(quote(name) for name in ((level,) if level else ("red", "yellow")))
    rows = clickhouse.query(f"SELECT * FROM ({case_clocks_sql(as_of, policy, cases)}) WHERE warning IN ({levels}) "
                            f"ORDER BY remaining_workdays, accepted_us, case_id")
    page = rows[offset:] if limit is None else rows[offset:offset + limit]
    return [_clock_row(row, calendar) for row in page], len(rows)


def _clock_row(row: dict[str, Any], calendar: WorkingCalendar) -> dict[str, Any]:
    row["accepted_at"] = datetime.fromtimestamp(row.pop("accepted_us") / 1_000_000, SHANGHAI)
    row["on_time"] = None if row["on_time"] < 0 else bool(row["on_time"])
    row["deadline"] = _deadline(row, calendar)
    for name in ("paused", "paused_starts", "paused_ends", "accepted_on", "concluded_on", "withdrawn_on"):
        del row[name]
    return row


def _deadline(row: dict[str, Any], calendar: WorkingCalendar) -> date | None:
    """The working day the limit is used up, by the domain's definition; None while paused."""
    if row["paused"]:
        return None
    pauses = [Suspension(start, end) for start, end in zip(row["paused_starts"], row["paused_ends"])]
    return nth_counted_day(calendar, row["accepted_on"], row["limit_days"], pauses)
