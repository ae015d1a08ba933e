"""The cases read model's questions: every case's SLA clock as of a moment, and the warnings.

The clock is the SQL twin of domain.sla.sla_clock, held to it by a differential test. It reads one
row per case (case_state, kept by the projector) and never expands a case into days: the row holds
the working-day ordinal of its acceptance and, per suspension, the working days before its start
and its end, so with a = the acceptance day's ordinal and c the cutoff's, elapsed = c - a - the
working days of the suspensions that pause the clock, each max(0, min(its end, c) - max(its start,
a)). As of a past moment, the row's history is cut at that moment: later suspensions, extensions,
resumptions and conclusions are not there yet. The cost of a question grows with the cases, not
with their events or the days they span. The deadline is found only for the rows returned, by the
domain's own nth_counted_day.

ClickHouse 18.16 drops a subquery column used only inside a lambda, so no lambda here captures a
column (a case's own values enter through replicate()); and it prints no date past 2106, so days
are compared and subtracted, never printed or parsed past as_of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import SHANGHAI, local_date
from domain.sla import Suspension, WarningPolicy, nth_counted_day
from projections.backends import ClickHouse, quote
from projections.case_state import NO_DATE, OPEN_END
from projections.rows import microseconds

CLOCK_STATES = ("accepted", "suspended", "concluded", "delivered", "withdrawn")


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a question is about. The catalogue filters go to the row scan; the state, which
    depends on the moment, to the clocks."""

    states: tuple[str, ...] = CLOCK_STATES
    hall: str | None = None
    department: str | None = None
    window: str | None = None
    keys: tuple[tuple[date, str], ...] = ()  # only these cases: (submission day, id), the table's key
    open_since: date | None = None  # only cases still open on this day or later (at the moment asked)
    submitted: tuple[date, date] | None = None  # the submission days of the cases asked about, first and last

    def where(self, moment: int, today: date) -> str:
        """Conditions on case_state's own columns, so that the clocks are worked out only for the
        cases that can be in the answer (ClickHouse applies WHERE after FINAL, to the latest row),
        and only the submission days they can have are read."""
        liveness = ""
        if set(self.states) <= {"accepted", "suspended"}:
            liveness = f"concluded_us > {moment} AND withdrawn_us > {moment}"
        elif self.open_since:
            liveness = closed_on_or_after(self.open_since, moment)
        conditions = [liveness] if liveness else []
        if self.submitted:
            first, last = (quote(day.isoformat()) for day in self.submitted)
            conditions.append(f"submitted_on BETWEEN toDate({first}) AND toDate({last})")
        else:
            conditions.append(submitted_since(moment, today, liveness))
        for column, value in (("hall_code", self.hall), ("department_code", self.department),
                              ("window_code", self.window)):
            if value:
                conditions.append(f"{column} = {quote(value)}")
        if self.keys:  # by the whole key, so that only the granules holding them are read
            keys = ", ".join(f"(toDate({quote(day.isoformat())}), {quote(case_id)})" for day, case_id in self.keys)
            conditions.append(f"(submitted_on, case_id) IN ({keys})")
        return " AND ".join(conditions)

    def having(self) -> str:
        return f"state IN ({', '.join(quote(state) for state in self.states)})"


def state_at(moment: int) -> str:
    """A case_state row's state as it stood at the moment (microseconds)."""
    return (f"multiIf(withdrawn_us <= {moment}, 'withdrawn', delivered_us <= {moment}, 'delivered', "
            f"concluded_us <= {moment}, 'concluded', "
            f"arrayExists((s, r) -> s <= {moment} AND r > {moment}, suspended_us, resumed_us), 'suspended', "
            f"'accepted')")


def limit_at(moment: int) -> str:
    """A case_state row's limit N at the moment: promised days and the extensions granted by then."""
    return (f"toInt32(promised_days + arraySum(arrayMap((days, at) -> if(at <= {moment}, days, 0), "
            f"extended_days, extended_us)))")


def first_submission_sql(moment: int, liveness: str = "") -> str:
    """The first submission day of a case accepted by the moment that meets `liveness`. It reads only
    a few columns; the days before it need never be read (submitted_on leads the table's key)."""
    condition = f"accepted_us <= {moment}" + (f" AND {liveness}" if liveness else "")
    return f"SELECT min(submitted_on) AS day FROM case_state FINAL WHERE {condition} AND {not_before_any(condition)}"


def first_submission_days(clickhouse: ClickHouse, conditions: list[str]) -> list[date]:
    """For each condition on case_state, the first submission day of a case that meets it (NO_DATE if
    none), in one pass over the rows."""
    days = ", ".join(f"minIf(submitted_on, {condition}) AS day_{index}" for index, condition in enumerate(conditions))
    meeting_any = " OR ".join(f"({condition})" for condition in conditions)
    rows = clickhouse.query(f"SELECT {days} FROM case_state FINAL WHERE ({meeting_any}) AND {not_before_any(meeting_any)}")
    return [rows[0][f"day_{index}"] or NO_DATE for index in range(len(conditions))]


def not_before_any(condition: str) -> str:
    """Condition on case_state: submitted no earlier than any version of a row meeting `condition`. Found
    without FINAL, that day is cheap (PREWHERE skips the granules of long-closed cases, which FINAL would
    read whole) and no later than the answer, since the latest versions are among every version; FINAL
    then reads from that day on only, so an older version not yet merged away cannot widen the answer."""
    return f"submitted_on >= (SELECT min(submitted_on) FROM case_state WHERE {condition})"


def submitted_since(moment: int, today: date, liveness: str = "") -> str:
    """Condition on case_state: submitted between that first day and the moment's day."""
    return (f"submitted_on <= toDate({quote(today.isoformat())}) AND submitted_on >= "
            f"({first_submission_sql(moment, liveness)})")


def closed_on_or_after(day: date, moment: int) -> str:
    """Condition on case_state: the case was open at the moment, or closed (concluded or withdrawn)
    on the day or later. Every case open at some time from that day on passes it."""
    since = f"toDate({quote(day.isoformat())})"
    return (f"(concluded_us > {moment} OR concluded_on >= {since}) "
            f"AND (withdrawn_us > {moment} OR withdrawn_on >= {since})")


def case_clocks_sql(as_of: datetime, policy: WarningPolicy, cases: CaseFilter) -> str:
    """One row per case accepted by as_of, with its clock as of that moment."""
    moment, day = microseconds(as_of), local_date(as_of)
    today = quote(day.isoformat())
    yellow = f"greatest({policy.yellow_min_days}, intDiv(limit_days * {policy.yellow_percent} + 99, 100))"
    started = f"arrayMap(s -> s <= {moment}, suspended_us)"  # which suspensions had begun by as_of
    return f"""
SELECT case_id, submitted_on, state, item, item_name, kind, department, window, hall, staff, staff_name, promised_days,
    limit_days, legal_days, accepted_us, accepted_on, c_concluded_on AS concluded_on, c_withdrawn_on AS withdrawn_on,
    elapsed_workdays,
    toInt32(limit_days) - elapsed_workdays AS remaining_workdays,
    multiIf(state IN ('concluded', 'delivered', 'withdrawn'), 'none',
            remaining_workdays < 0, 'red',
            remaining_workdays <= {yellow}, 'yellow',
            'none') AS warning,
    if(state IN ('concluded', 'delivered'), toInt8(elapsed_workdays <= limit_days), toInt8(-1)) AS on_time,
    paused, paused_starts, paused_ends
FROM (
    SELECT *,
        toInt32(c_cut - c_acc - arraySum(arrayMap(
            -- only the suspensions whose time does not count pause the clock (行政许可法 §45)
            (lower, upper, counts, begun, cut, acc) ->
                if(counts = 0 AND begun, greatest(toInt64(0), least(toInt64(upper), cut) - greatest(toInt64(lower), acc)),
                   toInt64(0)),
            c_lowers, c_uppers, c_counts, c_begun, replicate(c_cut, c_lowers), replicate(c_acc, c_lowers))))
            AS elapsed_workdays
    FROM (
        SELECT *,
            multiIf(state IN ('concluded', 'delivered'), toInt64(c_concluded_ord),
                    state = 'withdrawn', toInt64(c_withdrawn_ord),
                    -- a scalar subquery is Nullable on newer ClickHouse; as_of always lies in the dimension
                    toInt64(ifNull((SELECT any(ordinal) FROM calendar_days WHERE day = toDate({today})), 0)))
                AS c_cut
        FROM (
            SELECT case_id, submitted_on, item_code AS item, item_name, item_kind AS kind, department_code AS department,
                window_code AS window, hall_code AS hall, staff_code AS staff, staff_name, promised_days, legal_days,
                accepted_us, accepted_on, toInt64(accepted_ord) AS c_acc,
                if(concluded_us <= {moment}, concluded_on, toDate(0)) AS c_concluded_on,
                if(withdrawn_us <= {moment}, withdrawn_on, toDate(0)) AS c_withdrawn_on,
                concluded_ord AS c_concluded_ord, withdrawn_ord AS c_withdrawn_ord,
                {started} AS c_begun,
                {state_at(moment)} AS state,
                {limit_at(moment)} AS limit_days,
                suspended_ordb AS c_lowers,
                arrayMap((r, ordb) -> if(r <= {moment}, ordb, toUInt32({OPEN_END})), resumed_us, resumed_ordb)
                    AS c_uppers,
                suspension_counts AS c_counts,
                state = 'suspended'
                    AND arrayElement(arrayFilter((counts, s) -> s <= {moment}, suspension_counts, suspended_us), -1) = 0
                    AS paused,
                arrayFilter((day, counts, s) -> counts = 0 AND s <= {moment}, suspended_on, suspension_counts,
                            suspended_us) AS paused_starts,
                arrayFilter((day, counts, s) -> counts = 0 AND s <= {moment},
                            arrayMap((r, day) -> if(r <= {moment}, day, toDate(0)), resumed_us, resumed_on),
                            suspension_counts, suspended_us) AS paused_ends
            FROM case_state FINAL
            WHERE accepted_us <= {moment} AND {cases.where(moment, day)}
        ) AS cut_at_as_of
        WHERE {cases.having()}
    ) AS cut
) AS clocks
"""


def case_clocks(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy, calendar: WorkingCalendar,
                cases: CaseFilter = CaseFilter()) -> list[dict[str, Any]]:
    """Every accepted case's SLA clock as of a moment, from events with business time ≤ as_of."""
    return [_clock_row(row, calendar) for row in clickhouse.query(case_clocks_sql(as_of, policy, cases))]


def warnings(clickhouse: ClickHouse, as_of: datetime, policy: WarningPolicy, calendar: WorkingCalendar, *,
             level: str | None = None, hall: str | None = None, department: str | None = None,
             window: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Open cases that are yellow (due soon) or red (overdue) as of a moment, most urgent first:
    one page of them, and how many there are in all. The whole ranking travels as ids only; the
    page's clocks are then read by id, through the table's primary key."""
    cases = CaseFilter(states=("accepted", "suspended"), hall=hall, department=department, window=window)
    levels = ", ".join(quote(name) for name in ((level,) if level else ("red", "yellow")))
    ranked = clickhouse.query(
        f"SELECT case_id, submitted_on FROM ({case_clocks_sql(as_of, policy, cases)}) WHERE warning IN ({levels}) "
        f"ORDER BY remaining_workdays, accepted_us, case_id")
    page = ranked[offset:] if limit is None else ranked[offset:offset + limit]
    if not page:
        return [], len(ranked)
    days = [row["submitted_on"] for row in page]
    on_page = CaseFilter(states=cases.states, keys=tuple((row["submitted_on"], row["case_id"]) for row in page),
                         submitted=(min(days), max(days)))
    rows = {row["case_id"]: row for row in clickhouse.query(case_clocks_sql(as_of, policy, on_page))}
    return [_clock_row(rows[row["case_id"]], calendar) for row in page], len(ranked)


def _clock_row(row: dict[str, Any], calendar: WorkingCalendar) -> dict[str, Any]:
    row["accepted_at"] = datetime.fromtimestamp(row.pop("accepted_us") / 1_000_000, SHANGHAI)
    row["on_time"] = None if row["on_time"] < 0 else bool(row["on_time"])
    row["deadline"] = _deadline(row, calendar)
    for name in ("paused", "paused_starts", "paused_ends", "submitted_on", "accepted_on", "concluded_on",
                 "withdrawn_on"):
        del row[name]
    return row


def _deadline(row: dict[str, Any], calendar: WorkingCalendar) -> date | None:
    """The working day the limit is used up, by the domain's definition; None while paused."""
    if row["paused"]:
        return None
    pauses = [Suspension(start, end) for start, end in zip(row["paused_starts"], row["paused_ends"])]
    return nth_counted_day(calendar, row["accepted_on"], row["limit_days"], pauses)
