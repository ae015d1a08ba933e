"""12345 complaints from complaint_state: the queue, the KPIs per group, the hot spots and the
findings — the SQL twins of domain.complaint_kpis and domain.complaint_findings, held to them by a
differential test on both backends. Everything "as of a moment" is read off the moments on the
complaint's row; working days are calendar ordinals. A question about a period reads only the
complaints received by its end whose latest event is on or after its start (`updated_on`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.clock import local_date
from domain.complaint_findings import callback_late_detail, dispatch_late_detail, reply_overdue_detail
from domain.complaint_kpis import ComplaintCounts, Hotspot, period_starts
from domain.findings import Finding
from domain.metrics import RATE_PLACES, rounded_ratio
from projections.backends import ClickHouse, day_literal, quote
from projections.queries import keyed, page
from projections.rows import microseconds, moment_of

TWO_HOURS_US = 2 * 3600 * 1_000_000
VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")
STOPPED = ("replied", "awaiting_callback", "closed")  # a reply stops the reply clock (until sent back)


def today_ordinal(day: date) -> str:
    return f"toInt64(ifNull((SELECT any(ordinal) FROM calendar_days WHERE day = {day_literal(day)}), 0))"


def remaining_sql(today: date) -> str:
    """The reply clock now: limit − working days after the first dispatch up to the reply (or the merge,
    or today); NULL before any dispatch."""
    upto = (f"multiIf(state = 'merged', toInt64(merged_ord), state IN {STOPPED}, toInt64(replied_ord), "
            f"{today_ordinal(today)})")
    return f"if(length(dispatch_ord) = 0, NULL, toInt64(limit_days) - ({upto} - toInt64(dispatch_ord[1])))"


@dataclass(frozen=True)
class ComplaintFilter:
    """The queue's filters: state, a department it was sent to, overdue or not now, problem tickets,
    and the day it was received (inclusive)."""

    state: str | None = None
    department: str | None = None
    overdue: bool | None = None
    problem: bool | None = None
    first: date | None = None
    last: date | None = None

    def where(self, today: date) -> str:
        conditions = ["1"]
        if self.state is not None:
            conditions.append(f"state = {quote(self.state)}")
        if self.department is not None:
            conditions.append(f"has(dispatch_departments, {quote(self.department)})")
        if self.overdue is not None:
            late = f"(state != 'merged' AND ifNull({remaining_sql(today)} < 0, 0))"
            conditions.append(late if self.overdue else f"NOT {late}")
        if self.problem is not None:
            conditions.append(f"problem_on {'!=' if self.problem else '='} toDate(0)")
        if self.first:
            conditions.append(f"received_on >= {day_literal(self.first)}")
        if self.last:
            conditions.append(f"received_on <= {day_literal(self.last)}")
        return " AND ".join(conditions)


def complaints(clickhouse: ClickHouse, chosen: ComplaintFilter, today: date, *, limit: int,
               offset: int) -> tuple[list[dict[str, Any]], int]:
    """A page of the queue, latest received first (each row with `remaining` now), and how many match."""
    return page(clickhouse, "complaint_state", chosen.where(today), "received_us DESC, complaint_id",
                limit=limit, offset=offset, select=f"*, {remaining_sql(today)} AS remaining")


# -- KPIs ---------------------------------------------------------------------------------------


def group_key(by: str | None, level: int, moment: int) -> str:
    """The group of a complaint: the department it was dispatched to last by the moment ('hotline' if
    none), the category or area at depth `level` (its own code if it sits higher), its type or channel."""
    if by is None:
        return "''"
    if by == "department":
        sent = f"arrayCount(at -> at <= {moment}, dispatch_us)"
        return f"if({sent} = 0, 'hotline', dispatch_departments[{sent}])"
    if by in ("category", "area"):
        return f"{by}_path[least(toUInt64({int(level)}), length({by}_path))]"
    return {"type": "request_type", "channel": "channel"}[by]


def complaint_counts_by(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, by: str | None,
                        level: int = 1, department: str | None = None) -> dict[str, ComplaintCounts]:
    """The period's counts per group (one group, "", without `by`), for the groups that counted anything;
    `department` narrows them to the complaints ever sent to it (a department user's scope)."""
    moment = microseconds(as_of)
    within = f"BETWEEN {day_literal(first)} AND {day_literal(last)}"

    def dated(on: str, us: str) -> str:
        return f"({on} {within} AND {us} <= {moment})"

    def callbacks(verdict: str | None = None) -> str:
        which = f" AND verdict = {quote(verdict)}" if verdict else ""
        return (f"toInt64(sum(arrayCount((on, at, verdict) -> on {within} AND at <= {moment}{which}, "
                f"callback_on, callback_us, callback_verdicts)))")

    first_dispatch = f"(length(dispatch_us) > 0 AND {dated('dispatch_on[1]', 'dispatch_us[1]')})"
    rows = clickhouse.query(f"""
SELECT {group_key(by, level, moment)} AS key,
    toInt64(countIf({dated('received_on', 'received_us')})) AS received,
    toInt64(countIf({first_dispatch})) AS dispatched,
    toInt64(countIf({first_dispatch} AND within_2h = 1)) AS dispatched_within_2h,
    toInt64(countIf({dated('first_reply_on', 'first_reply_us')})) AS replied,
    toInt64(countIf({dated('first_reply_on', 'first_reply_us')} AND first_reply_on_time = 1)) AS replied_on_time,
    toInt64(countIf({dated('first_redo_on', 'first_redo_us')})) AS redo,
    {callbacks()} AS callbacks,
    {', '.join(f"{callbacks(verdict)} AS {verdict}" for verdict in VERDICTS)},
    toInt64(countIf({dated('merged_on', 'merged_us')})) AS merged,
    toInt64(countIf({dated('problem_on', 'problem_us')})) AS problem
FROM complaint_state FINAL
WHERE {_touched_in(first, last)} AND received_us <= {moment}{sent_to(department)}
GROUP BY key
""")
    counts = {row.pop("key"): ComplaintCounts(**row) for row in rows}
    return {key: value for key, value in counts.items() if value}


def _touched_in(first: date, last: date) -> str:
    """Condition on complaint_state: received by the period's end, with its latest event on or after its
    start. The first day such a complaint was received is found first without FINAL (an older version
    was updated no later than the latest), so that FINAL reads only from that day on, not all history."""
    touched = f"received_on <= {day_literal(last)} AND updated_on >= {day_literal(first)}"
    return f"{touched} AND received_on >= (SELECT min(received_on) FROM complaint_state WHERE {touched})"


# -- hot spots ----------------------------------------------------------------------------------

PERIOD_STARTS = {"day": "received_on", "week": "toMonday(received_on)", "month": "toStartOfMonth(received_on)"}


def sent_to(department: str | None) -> str:
    """A department user's scope: the complaints ever dispatched to it."""
    return f" AND has(dispatch_departments, {quote(department)})" if department else ""


def hotspot_counts(clickhouse: ClickHouse, *, by: str, level: int, first: date, last: date, as_of: datetime,
                   department: str | None = None) -> list[dict[str, Any]]:
    """Per key: the complaints received in [first, last] and in the stretch of the same length just
    before it (each by the moment)."""
    moment, before = microseconds(as_of), first - timedelta(days=(last - first).days + 1)
    return clickhouse.query(f"""
SELECT {group_key(by, level, moment)} AS key,
    toInt64(countIf(received_on >= {day_literal(first)})) AS count,
    toInt64(countIf(received_on < {day_literal(first)})) AS previous_count
FROM complaint_state FINAL
WHERE received_on BETWEEN {day_literal(before)} AND {day_literal(last)} AND received_us <= {moment}{sent_to(department)}
GROUP BY key
""")


def hotspot_series(clickhouse: ClickHouse, keys: list[str], *, by: str, level: int, first: date, last: date,
                   period: str, as_of: datetime, department: str | None = None) -> dict[str, dict[date, int]]:
    """Per key among `keys`: the complaints received in [first, last] per period start."""
    if not keys:
        return {}
    moment = microseconds(as_of)
    listed = ", ".join(quote(key) for key in keys)
    rows = clickhouse.query(f"""
SELECT key, start, toInt64(count()) AS count FROM (
    SELECT {group_key(by, level, moment)} AS key, {PERIOD_STARTS[period]} AS start
    FROM complaint_state FINAL
    WHERE received_on BETWEEN {day_literal(first)} AND {day_literal(last)} AND received_us <= {moment}{sent_to(department)}
) AS received
WHERE key IN ({listed})
GROUP BY key, start
""")
    series: dict[str, dict[date, int]] = {key: {} for key in keys}
    for row in rows:
        series[row["key"]][row["start"]] = row["count"]
    return series


def hotspots_of(clickhouse: ClickHouse, *, by: str, level: int, first: date, last: date, period: str, top: int,
                as_of: datetime, department: str | None = None) -> list[Hotspot]:
    """The `top` keys by complaints received in [first, last] (ties by key), each with its series per
    period, the previous stretch's count and the change, as domain.complaint_kpis.hotspots defines them."""
    received = [row for row in hotspot_counts(clickhouse, by=by, level=level, first=first, last=last, as_of=as_of,
                                              department=department) if row["count"] > 0]
    hottest = sorted(received, key=lambda row: (-row["count"], row["key"]))[:top]
    series = hotspot_series(clickhouse, [row["key"] for row in hottest], by=by, level=level, first=first, last=last,
                            period=period, as_of=as_of, department=department)
    starts = period_starts(first, last, period)
    return [Hotspot(row["key"], row["count"], [(start, series[row["key"]].get(start, 0)) for start in starts],
                    row["previous_count"], rounded_ratio(row["count"] - row["previous_count"], row["previous_count"],
                                                         RATE_PLACES))
            for row in hottest]


# -- findings -----------------------------------------------------------------------------------


def _workday(ordinal: str, alias: str) -> str:
    return (f"ANY LEFT JOIN (SELECT toInt64(ordinal) AS {ordinal}, day AS {alias} FROM calendar_days "
            f"WHERE is_workday = 1) AS {alias}_days USING {ordinal}")


def complaint_findings_in(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[Finding]:
    """dispatch_late, reply_overdue and callback_late findings dated in the period that had arisen by as_of,
    by date, kind and complaint; each detail written by domain.complaint_findings."""
    found = [complaint_finding(row, "dispatch_late", None, dispatch_late_detail(moment_of(row["received_us"])))
             for row in dispatch_late(clickhouse, first=first, last=last, as_of=as_of)]
    found += [complaint_finding(row, "reply_overdue", row["department"] or None,
                                reply_overdue_detail(row["limit_days"], row["due_date"]))
              for row in reply_overdue(clickhouse, first=first, last=last, as_of=as_of)]
    found += [complaint_finding(row, "callback_late", row["department"] or None,
                                callback_late_detail(not row["department"], row["due_day"]))
              for row in callback_late(clickhouse, first=first, last=last, as_of=as_of)]
    return sorted(found, key=lambda finding: (finding.date, finding.kind, finding.complaint_id))


def complaint_finding(row: dict[str, Any], kind: str, department: str | None, detail: str) -> Finding:
    return Finding(kind, None, row["day"], None, department, None, detail, complaint_id=row["complaint_id"])


def dispatch_late(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[dict[str, Any]]:
    """Complaints received in the period, two hours of which had passed by the moment, neither
    dispatched, answered directly nor merged within them."""
    moment = microseconds(as_of)
    handled = ("least(least(if(length(dispatch_us) = 0, toInt64(9223372036854775807), dispatch_us[1]), "
               "answered_us), merged_us)")
    return clickhouse.query(f"""
SELECT complaint_id, received_us, received_on AS day
FROM complaint_state FINAL
WHERE received_on BETWEEN {day_literal(first)} AND {day_literal(last)}
    AND received_us + {TWO_HOURS_US} < {moment} AND {handled} > received_us + {TWO_HOURS_US}
""")


def reply_overdue(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[dict[str, Any]]:
    """Complaints dispatched by the moment with no reply (a department's or a direct answer) by the end
    of their due date, dated the next working day (the 催办 day) in the period and by the moment; not
    those merged by their due date. The department is the one holding it on the due date."""
    moment, today = microseconds(as_of), local_date(as_of)
    holder = "arrayCount(on -> on <= due_date, dispatch_on)"
    # few complaints go unanswered: found first by the table's key
    unanswered = (f"length(dispatch_us) > 0 AND received_on <= {day_literal(last)} "
                  f"AND due_date BETWEEN {day_literal(first - timedelta(days=31))} AND {day_literal(last)} "
                  f"AND dispatch_us[1] <= {moment} AND NOT (first_reply_us <= {moment} AND first_reply_on <= due_date) "
                  f"AND NOT (merged_us <= {moment} AND merged_on <= due_date)")
    return clickhouse.query(f"""
SELECT complaint_id, day, due_date, limit_days, if({holder} = 0, '', dispatch_departments[{holder}]) AS department
FROM (
    SELECT *, toInt64(due_ord) + 1 AS next_ord
    FROM complaint_state FINAL
    WHERE {keyed("complaint_state", "received_on, complaint_id", unanswered)}
) AS waiting
{_workday('next_ord', 'day')}
WHERE day BETWEEN {day_literal(first)} AND {day_literal(last)} AND day <= {day_literal(today)}
""")


def callback_late(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[dict[str, Any]]:
    """Each approved reply or direct answer (by the moment) not called back by the end of the first
    working day after it (the k-th callback answers the k-th approval), dated the next working day."""
    moment, today = microseconds(as_of), local_date(as_of)
    # a callback is due the working day after its approval, so one on the calendar day after is never late
    some_late = ("(length(callback_us) < length(approval_us) OR arrayExists((called, approved) -> called > approved + 1, "
                 "arraySlice(callback_on, 1, length(approval_on)), arraySlice(approval_on, 1, length(callback_on))))")
    awaited = (f"length(approval_us) > 0 AND received_on <= {day_literal(last)} "
               f"AND updated_on >= {day_literal(first - timedelta(days=31))} AND {some_late}")
    return clickhouse.query(f"""
SELECT complaint_id, day, due_day, department FROM (
    SELECT * FROM (
        SELECT complaint_id, approval_departments[k] AS department, merged_us, merged_on,
            toInt64(approval_ord[k]) + 1 AS due_ord, toInt64(approval_ord[k]) + 2 AS next_ord,
            if(length(callback_us) >= k AND callback_us[k] <= {moment}, callback_on[k], toDate('2100-01-01'))
                AS called_on
        FROM complaint_state FINAL
        ARRAY JOIN arrayEnumerate(approval_us) AS k
        WHERE {keyed("complaint_state", "received_on, complaint_id", awaited)} AND approval_us[k] <= {moment}
    ) AS approvals
    {_workday('due_ord', 'due_day')}
) AS dues
{_workday('next_ord', 'day')}
WHERE called_on > due_day AND NOT (merged_us <= {moment} AND merged_on <= due_day)
    AND day BETWEEN {day_literal(first)} AND {day_literal(last)} AND day <= {day_literal(today)}
""")
