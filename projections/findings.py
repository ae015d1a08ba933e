"""Supervision findings (电子监察) from the read models: the SQL twin of domain.findings, held to it by a
differential test on both backends. Each kind is one question over the case events as of a moment;
the details are written by domain.findings' own *_detail functions.

Days are working-day ordinals (projector.WorkdayOrdinals): the (N+1)-th counted working day is the
ordinal a + N + 1 pushed out by each suspension that starts before it (a prefix sum), and the day
is found again by joining the ordinal to the calendar dimension. No lambda captures a column
(ClickHouse 18.16 drops such columns): a case's own values enter a lambda through replicate()."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.findings import (
    Finding, late_entry_detail, late_supplement_detail, materials_overdue_detail, overdue_detail,
)
from projections.backends import ClickHouse, quote
from projections.projector import microseconds

OPEN_END = 4294967295


def findings(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, late_entry_hours: float = 24,
             materials_days: int = 15) -> list[Finding]:
    """Every finding dated in [first, last] that had arisen by as_of, by date, kind and case."""
    period = Period(first, last, as_of)
    found = (_overdue(clickhouse, period) + _late_entries(clickhouse, period, late_entry_hours)
             + _late_supplements(clickhouse, period) + _materials_overdue(clickhouse, period, materials_days))
    return sorted(found, key=lambda finding: (finding.date, finding.kind, finding.case_id))


class Period:
    def __init__(self, first: date, last: date, as_of: datetime) -> None:
        self.as_of_us = microseconds(as_of)
        self.as_of_day = f"toDate({quote(as_of.date().isoformat())})"
        self.within = f"BETWEEN toDate({quote(first.isoformat())}) AND toDate({quote(last.isoformat())})"


def _case_summary(period: Period, extra: str = "") -> str:
    """One row per accepted case as of the moment: who accepted it, and the facts of its clock."""
    return f"""
    SELECT case_id AS c_id,
        anyIf(window_code, event_type = 'CaseAccepted') AS c_window,
        anyIf(staff_code, event_type = 'CaseAccepted') AS c_staff,
        anyIf(department_code, event_type = 'CaseAccepted') AS c_staff_department,
        toInt64(anyIf(occurred_ord, event_type = 'CaseAccepted')) AS c_acc_ord,
        toInt64(anyIf(promised_days, event_type = 'CaseAccepted')) AS c_promised,
        c_promised + toInt64(sumIf(extended_days, event_type = 'CaseExtended')) AS c_limit,
        argMaxIf(state_after, version, state_after != '') AS c_state,
        countIf(event_type = 'CaseAccepted') AS c_accepted
        {extra}
    FROM case_events FINAL
    WHERE occurred_us <= {period.as_of_us}
    GROUP BY case_id
    HAVING c_accepted > 0"""


def _sorted(column: str, condition: str) -> str:
    return f"arrayMap(x -> x.2, arraySort(groupArrayIf(tuple(version, {column}), {condition})))"


SUSPENSIONS = "event_type = 'CaseSuspended'"
HOLDINGS = "event_type IN ('CaseAccepted', 'CaseTransferred')"


def _overdue(clickhouse: ClickHouse, period: Period) -> list[Finding]:
    extra = f""",
        {_sorted('occurred_ord_before', SUSPENSIONS)} AS c_s_ordbs,
        {_sorted('occurred_ord_before', "event_type = 'CaseResumed'")} AS c_r_ordbs,
        {_sorted('counts', SUSPENSIONS)} AS c_s_counts,
        {_sorted('occurred_on', HOLDINGS)} AS c_h_starts,
        {_sorted('staff_code', HOLDINGS)} AS c_h_staff,
        {_sorted('department_code', HOLDINGS)} AS c_h_departments,
        toInt64(anyIf(occurred_ord, event_type = 'CaseConcluded')) AS c_concluded_ord,
        toInt64(anyIf(occurred_ord, event_type = 'CaseWithdrawn')) AS c_withdrawn_ord,
        toInt64(ifNull((SELECT any(ordinal) FROM calendar_days WHERE day = {period.as_of_day}), 0)) AS c_as_of_ord"""
    rows = clickhouse.query(f"""
SELECT c_id, c_window, c_limit, day,
    arrayCount((s, d) -> s < d, c_h_starts, replicate(day, c_h_starts)) AS holder,
    c_h_staff[holder] AS staff, c_h_departments[holder] AS department
FROM (
    SELECT *, c_acc_ord + c_limit + 1
        + arraySum(arrayMap((l, cu, le, b) -> if(l < b + cu - le, le, 0), lowers, arrayCumSum(lens), lens,
                            replicate(c_acc_ord + c_limit + 1, lens))) AS target
    FROM (
        SELECT *,
            arrayMap((l, a) -> greatest(toInt64(l), a), c_paused_lowers, replicate(c_acc_ord, c_paused_lowers))
                AS lowers,
            arrayMap((u, l, c) -> greatest(toInt64(0), least(toInt64(u), c) - l), c_paused_uppers, lowers,
                     replicate(c_cut_ord, lowers)) AS lens
        FROM (
            SELECT *,
                multiIf(c_state IN ('concluded', 'delivered'), c_concluded_ord,
                        c_state = 'withdrawn', c_withdrawn_ord, c_as_of_ord) AS c_cut_ord,
                arrayFilter((o, c) -> c = 0, c_s_ordbs, c_s_counts) AS c_paused_lowers,
                arrayFilter((o, c) -> c = 0,
                            if(length(c_r_ordbs) < length(c_s_ordbs), arrayPushBack(c_r_ordbs, toUInt32({OPEN_END})),
                               c_r_ordbs), c_s_counts) AS c_paused_uppers
            FROM ({_case_summary(period, extra)}) AS summaries
        ) AS cut
    ) AS clipped
    WHERE c_cut_ord - c_acc_ord - arraySum(lens) > c_limit
) AS overdue
ANY LEFT JOIN (SELECT toInt64(ordinal) AS target, day FROM calendar_days WHERE is_workday = 1) AS workdays
    USING target
WHERE day {period.within}
""")
    return [Finding("overdue", row["c_id"], row["day"], _or_none(row["c_window"]), _or_none(row["department"]),
                    _or_none(row["staff"]), overdue_detail(row["c_limit"], row["day"])) for row in rows]


def _late_entries(clickhouse: ClickHouse, period: Period, hours: float) -> list[Finding]:
    threshold_us = int(hours * 3600 * 1_000_000)
    rows = clickhouse.query(f"""
SELECT case_id, late.1 AS event_type, late.2 AS day, late.3 AS delay_us,
    c_window, c_staff, c_staff_department, c_accepted
FROM (
    SELECT case_id,
        anyIf(window_code, event_type = 'CaseAccepted') AS c_window,
        anyIf(staff_code, event_type = 'CaseAccepted') AS c_staff,
        anyIf(department_code, event_type = 'CaseAccepted') AS c_staff_department,
        countIf(event_type = 'CaseAccepted') AS c_accepted,
        groupArrayIf(tuple(event_type, occurred_on, recorded_us - occurred_us),
                     recorded_us - occurred_us > {threshold_us} AND occurred_on {period.within}) AS lates
    FROM case_events FINAL
    WHERE occurred_us <= {period.as_of_us}
    GROUP BY case_id
    HAVING length(lates) > 0
) AS cases
ARRAY JOIN lates AS late
""")
    return [Finding("late_entry", row["case_id"], row["day"], *_accepting(row),
                    late_entry_detail(row["event_type"], timedelta(microseconds=row["delay_us"]))) for row in rows]


def _late_supplements(clickhouse: ClickHouse, period: Period) -> list[Finding]:
    extra = f""",
        {_sorted('version', SUSPENSIONS)} AS c_s_versions,
        {_sorted('occurred_ord', SUSPENSIONS)} AS c_s_ords,
        {_sorted('occurred_ord_before', SUSPENSIONS)} AS c_s_ordbs,
        {_sorted('occurred_on', SUSPENSIONS)} AS c_s_ons,
        {_sorted('reason', SUSPENSIONS)} AS c_s_reasons,
        {_sorted('counts', SUSPENSIONS)} AS c_s_counts,
        {_sorted('occurred_ord_before', "event_type = 'CaseResumed'")} AS c_r_ordbs,
        {_sorted('version', "event_type = 'CaseExtended'")} AS c_x_versions,
        {_sorted('extended_days', "event_type = 'CaseExtended'")} AS c_x_days"""
    rows = clickhouse.query(f"""
SELECT c_id, c_window, c_staff, c_staff_department, day, elapsed, limit_days
FROM (
    SELECT *,
        toInt64(c_s_ords[i]) - c_acc_ord - arraySum(arrayMap(
            (l, u, c, v, vi, a) -> if(c = 0 AND v < vi, greatest(toInt64(0), toInt64(u) - greatest(toInt64(l), a)), 0),
            c_s_ordbs, c_ends, c_s_counts, c_s_versions, replicate(c_s_versions[i], c_s_versions),
            replicate(c_acc_ord, c_s_versions))) AS elapsed,
        c_promised + arraySum(arrayMap((d, v, vi) -> if(v < vi, toInt64(d), 0), c_x_days, c_x_versions,
                                       replicate(c_s_versions[i], c_x_days))) AS limit_days,
        c_s_ons[i] AS day
    FROM (
        SELECT *, if(length(c_r_ordbs) < length(c_s_ordbs), arrayPushBack(c_r_ordbs, toUInt32({OPEN_END})),
                     c_r_ordbs) AS c_ends
        FROM ({_case_summary(period, extra)}) AS summaries
    ) AS ended
    ARRAY JOIN arrayEnumerate(c_s_versions) AS i
    WHERE c_s_reasons[i] = 'supplement'
) AS requests
WHERE elapsed * 2 > limit_days AND day {period.within}
""")
    return [Finding("late_supplement_request", row["c_id"], row["day"], *_accepting(row, accepted=True),
                    late_supplement_detail(row["elapsed"], row["limit_days"])) for row in rows]


def _materials_overdue(clickhouse: ClickHouse, period: Period, materials_days: int) -> list[Finding]:
    extra = """,
        anyIf(missing_materials, event_type = 'CaseAccepted') AS c_missing,
        countIf(event_type = 'CaseMaterialsReceived') AS c_received,
        anyIf(occurred_on, event_type = 'CaseMaterialsReceived') AS c_received_on,
        countIf(event_type = 'CaseWithdrawn') AS c_withdrawn,
        anyIf(occurred_on, event_type = 'CaseWithdrawn') AS c_withdrawn_on"""
    rows = clickhouse.query(f"""
SELECT * FROM (
    SELECT * FROM (
        SELECT *, c_acc_ord + {materials_days} AS deadline_ord
        FROM ({_case_summary(period, extra)}) AS summaries
        WHERE c_missing > 0
    ) AS pending
    ANY LEFT JOIN (SELECT toInt64(ordinal) AS deadline_ord, day AS deadline_day FROM calendar_days
                   WHERE is_workday = 1) AS deadlines USING deadline_ord
) AS dated
ANY LEFT JOIN (SELECT toInt64(ordinal) - 1 AS deadline_ord, day FROM calendar_days WHERE is_workday = 1) AS nexts
    USING deadline_ord
WHERE NOT (c_received > 0 AND c_received_on <= deadline_day) AND NOT (c_withdrawn > 0 AND c_withdrawn_on <= deadline_day)
    AND day <= {period.as_of_day} AND day {period.within}
""")
    return [Finding("materials_overdue", row["c_id"], row["day"], *_accepting(row, accepted=True),
                    materials_overdue_detail(materials_days, row["deadline_day"])) for row in rows]


def _accepting(row: dict[str, Any], accepted: bool = False) -> tuple[str | None, str | None, str | None]:
    """(window, department, staff) of the case's acceptance; None for a case never accepted."""
    if not accepted and not row["c_accepted"]:
        return None, None, None
    return _or_none(row["c_window"]), _or_none(row["c_staff_department"]), _or_none(row["c_staff"])


def _or_none(value: str) -> str | None:
    return value or None
