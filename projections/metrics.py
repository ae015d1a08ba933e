"""The month's figures from the read models: the counts and sums of domain.metrics.CaseCounts, per
group, in SQL; the rates are then computed by domain.metrics.case_figures, their one definition.

Accepted cases are counted over the SLA clock of projections.cases (as of the end of the period, or
now); cases refused or withdrawn before acceptance by a second question; both read case_state. A differential test
holds both to the reference on random cases, on chDB and on the ClickHouse server."""

from __future__ import annotations

from datetime import date, datetime

from domain.clock import local_date
from domain.metrics import CaseCounts
from domain.sla import WarningPolicy
from projections.backends import ClickHouse, quote
from projections.cases import CaseFilter, case_clocks_sql, closed_on_or_after, first_submission_days
from projections.rows import microseconds

# by -> the clock's column holding the group's key (staff = the accepting staff; department = the item's)
GROUP_COLUMNS = {"window": "window", "hall": "hall", "department": "department", "staff": "staff", "item": "item"}
# the groups whose scores are ranked (domain.scoring), and case_state's columns for them
RANKING_KEYS = {"window": "window_code", "staff": "staff_code"}
# groupings a case never accepted belongs to (it has no window, hall or staff), and their case_state columns
UNACCEPTED_COLUMNS = {"department": "department_code", "item": "item_code"}


def case_counts_by(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, policy: WarningPolicy,
                   by: str | None, window: str | None = None, department: str | None = None) -> dict[str, CaseCounts]:
    """The period's counts per group (one group, "", without `by`), for the groups that counted
    anything; `window` and `department` narrow it to a caller's scope."""
    counts: dict[str, CaseCounts] = {}
    moment = microseconds(as_of)
    since = first_submission_days(clickhouse, [f"accepted_us <= {moment} AND {closed_on_or_after(first, moment)}"])[0]
    cases = CaseFilter(window=window, department=department, open_since=first, submitted=(since, local_date(as_of)))
    for row in clickhouse.query(_accepted_sql(first, last, as_of, policy, by, cases)):
        key = row.pop("key")
        counts[key] = counts.get(key, CaseCounts()) + CaseCounts(**row)
    if by is None or by in UNACCEPTED_COLUMNS:
        if window is None:  # a case never accepted is at no window
            for row in clickhouse.query(_unaccepted_sql(first, last, as_of, by, department)):
                key = row.pop("key")
                counts[key] = counts.get(key, CaseCounts()) + CaseCounts(**row)
    return {key: value for key, value in counts.items() if value}


def ranking_counts_by(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, by: str,
                      submitted_since: date) -> dict[str, CaseCounts]:
    """The counts a tie between scores is broken by (cases accepted; concluded, and on time), per window
    or staff member, as case_counts_by has them, for less: no clock is worked out. A concluded case was
    on time if its first overdue working day (case_state.overdue_ord) had not come by its conclusion,
    after which nothing moves it. `submitted_since` is a day no later than the first submission of a
    case open on the period's first day or later (the caller has found one:
    projections.findings.first_submission)."""
    moment = microseconds(as_of)
    in_period = f"BETWEEN toDate({quote(first.isoformat())}) AND toDate({quote(last.isoformat())})"
    concluded = f"item_kind != 'immediate' AND concluded_us <= {moment} AND concluded_on {in_period}"
    rows = clickhouse.query(f"""
SELECT {RANKING_KEYS[by]} AS key,
    toInt64(countIf(accepted_on {in_period})) AS accepted,
    toInt64(countIf({concluded})) AS concluded,
    toInt64(countIf({concluded} AND overdue_ord > concluded_ord)) AS concluded_on_time
FROM case_state FINAL
WHERE accepted_us <= {moment} AND (accepted_on {in_period} OR concluded_on {in_period})
    AND submitted_on BETWEEN toDate({quote(submitted_since.isoformat())}) AND toDate({quote(local_date(as_of).isoformat())})
GROUP BY key
""")
    return {row.pop("key"): CaseCounts(**row) for row in rows}


def _accepted_sql(first: date, last: date, as_of: datetime, policy: WarningPolicy, by: str | None,
                  cases: CaseFilter) -> str:
    """The counts of the accepted cases per group."""
    in_period = f"BETWEEN toDate({quote(first.isoformat())}) AND toDate({quote(last.isoformat())})"
    concluded = f"kind != 'immediate' AND state IN ('concluded', 'delivered') AND concluded_on {in_period}"
    immediate = f"kind = 'immediate' AND accepted_on {in_period}"
    counts = {
        "accepted": f"countIf(accepted_on {in_period})",
        "concluded": f"countIf({concluded})",
        "concluded_on_time": f"countIf({concluded} AND elapsed_workdays <= limit_days)",
        "elapsed_sum": f"sumIf(elapsed_workdays, {concluded})",
        "legal_sum": f"sumIf(legal_days, {concluded})",
        "immediate_accepted": f"countIf({immediate})",
        "immediate_same_day": f"countIf({immediate} AND state IN ('concluded', 'delivered') AND concluded_on = accepted_on)",
        "withdrawn": f"countIf(state = 'withdrawn' AND withdrawn_on {in_period})",
        "overdue": "countIf(state IN ('accepted', 'suspended') AND warning = 'red')",
        "yellow": "countIf(state IN ('accepted', 'suspended') AND warning = 'yellow')",
    }
    columns = ",\n    ".join(f"toInt64({expression}) AS {name}" for name, expression in counts.items())
    key = GROUP_COLUMNS[by] if by else "''"
    return f"""
SELECT {key} AS key,
    {columns}
FROM ({case_clocks_sql(as_of, policy, cases)}) AS clocks
GROUP BY key
"""


def _unaccepted_sql(first: date, last: date, as_of: datetime, by: str | None, department: str | None) -> str:
    in_period = f"BETWEEN toDate({quote(first.isoformat())}) AND toDate({quote(last.isoformat())})"
    key = UNACCEPTED_COLUMNS[by] if by else "''"
    scope = f"AND department_code = {quote(department)}" if department else ""
    moment = microseconds(as_of)
    return f"""
SELECT {key} AS key,
    toInt64(countIf(refused_us <= {moment} AND refused_on {in_period})) AS refused,
    toInt64(countIf(withdrawn_us <= {moment} AND withdrawn_on {in_period})) AS withdrawn
FROM case_state FINAL
WHERE accepted_us > {moment} AND (refused_us <= {moment} OR withdrawn_us <= {moment}) {scope}
GROUP BY key
"""
