"""Supervision findings (电子监察) from the read models: the SQL twin of domain.findings, held to it by a
differential test on both backends. Each kind is one question over the cases' rows (case_state) as
they stood at a moment, late entries one over the case events of the period; the details are
written by domain.findings' own *_detail functions.

Days are working-day ordinals (projector.WorkdayOrdinals): the (N+1)-th counted working day is the
ordinal a + N + 1 pushed out by each suspension that starts before it (a prefix sum; the projector
keeps it in case_state.overdue_ord), and the day is found again by joining the ordinal to the
calendar dimension. No lambda captures a column
(ClickHouse 18.16 drops such columns): a case's own values enter a lambda through replicate()."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.findings import (
    Finding, late_entry_detail, late_supplement_detail, materials_overdue_detail, overdue_detail,
)
from domain.clock import beijing, local_date
from projections.backends import ClickHouse, quote
from projections.case_state import NO_DATE, OPEN_END, first_overdue_sql
from projections.queries import keyed
from projections.cases import closed_on_or_after, first_submission_days, limit_at, state_at
from projections.rows import microseconds



def findings(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, late_entry_hours: float = 24,
             materials_days: int = 15) -> list[Finding]:
    """Every finding dated in [first, last] that had arisen by as_of, by date, kind and case."""
    period = Period(first, last, as_of, materials_days)
    period.submitted_since = first_submission(clickhouse, period)
    found = (overdue_findings(clickhouse, period) + _late_entries(clickhouse, period, late_entry_hours)
             + _late_supplements(clickhouse, period) + _materials_overdue(clickhouse, period, materials_days))
    return sorted(found, key=lambda finding: (finding.date, finding.kind, finding.case_id))


class Period:
    def __init__(self, first: date, last: date, as_of: datetime, materials_days: int = 15) -> None:
        self.first, self.as_of_date = first, local_date(as_of)
        # a moment at the very end of its day: nothing recorded after it is of that day
        self.ends_its_day = beijing(as_of).time() == time.max
        # N working days and the next one span at most 1.4 N calendar days, a week's holiday and a
        # ten-day stretch to the next working day: a case accepted before this can have no
        # materials finding dated in the period.
        self.materials_since = first - timedelta(days=2 * materials_days + 30)
        self.submitted_since = NO_DATE
        self.as_of_us = microseconds(as_of)
        self.as_of_day = f"toDate({quote(self.as_of_date.isoformat())})"
        self.last_day = f"toDate({quote(last.isoformat())})"
        self.day_before = f"toDate({quote((first - timedelta(days=1)).isoformat())})"
        self.within = f"BETWEEN toDate({quote(first.isoformat())}) AND toDate({quote(last.isoformat())})"


def first_submission(clickhouse: ClickHouse, period: Period) -> date:
    """The first submission day of a case that can have a finding in the period: the cases before
    it are never read (submitted_on leads case_state's key)."""
    return first_submissions(clickhouse, [period])[0]


def first_submissions(clickhouse: ClickHouse, periods: list[Period]) -> list[date]:
    """first_submission of each period, in one pass over the rows."""
    return first_submission_days(clickhouse, [
        f"accepted_us <= {period.as_of_us} AND ({closed_on_or_after(period.first, period.as_of_us)} "
        f"OR {_materials_pending(period)})" for period in periods])


def _materials_pending(period: Period) -> str:
    return f"(missing_materials > 0 AND accepted_on >= toDate({quote(period.materials_since.isoformat())}))"


def _case_summaries(period: Period, columns: dict[str, str], where: str | None = None,
                    fixed: dict[str, str] | None = None) -> str:
    """One row per case accepted by the period's moment: who accepted it, and the facts of its clock as
    they stood then (the `columns`: suspensions, resumptions and extensions after the moment cut off),
    with the `fixed` ones. Unless `where` says which cases to read, only those still open on the
    period's first day or later: a case closed before the period can be neither overdue nor suspended in it."""
    chosen = where or closed_on_or_after(period.first, period.as_of_us)
    summary = {"c_id": "case_id", "c_window": "window_code", "c_staff": "staff_code",
               "c_staff_department": "staff_department", "c_acc_ord": "toInt64(accepted_ord)",
               "c_promised": "toInt64(promised_days)", **(fixed or {}),
               "c_limit": f"toInt64({limit_at(period.as_of_us)})", "c_state": state_at(period.as_of_us), **columns}
    return f"""
    SELECT {", ".join(f"{expression} AS {name}" for name, expression in summary.items())}, 1 AS c_accepted
    FROM case_state FINAL
    WHERE accepted_us <= {period.as_of_us} AND {chosen} AND {_submitted_in(period)}"""


def _submitted_in(period: Period) -> str:
    """Condition on case_state: submitted between the first submission day that matters and the moment."""
    return f"submitted_on BETWEEN toDate({quote(period.submitted_since.isoformat())}) AND {period.as_of_day}"


def _begun(period: Period, column: str) -> str:
    """A suspension array cut to the suspensions begun by the moment."""
    return f"arrayFilter((value, at) -> at <= {period.as_of_us}, {column}, suspended_us)"


def _resumed_ordbs(period: Period) -> str:
    """Per suspension begun by the moment, the working days before its resumption (OPEN_END if it had
    not been resumed by then)."""
    return _begun(period, f"arrayMap((r, ordb) -> if(r <= {period.as_of_us}, ordb, toUInt32({OPEN_END})), "
                          f"resumed_us, resumed_ordb)")


def _extensions(period: Period, column: str) -> str:
    return f"arrayFilter((value, at) -> at <= {period.as_of_us}, {column}, extended_us)"


def _holders(period: Period, column: str) -> str:
    return f"arrayFilter((value, day) -> day <= {period.as_of_day}, {column}, holder_from_on)"


def overdue_findings(clickhouse: ClickHouse, period: Period) -> list[Finding]:
    return overdue_findings_in(clickhouse, [period])[0]


def overdue_findings_in(clickhouse: ClickHouse, periods: list[Period]) -> list[list[Finding]]:
    """The overdue findings of each period. A case's row holds its first overdue working day
    (overdue_ord), which is its day as of the period's moment unless something happened to the case
    later that same day (case_state.first_overdue_ordinal): the findings are read off that column, and
    only such cases, if any, have their clocks worked out as they stood at the moment."""
    found = _overdue_as_held(clickhouse, periods)
    for index, period in enumerate(periods):
        if not period.ends_its_day and _changed_after(clickhouse, period):
            found[index] = sorted(found[index] + _overdue_worked_out(clickhouse, period),
                                  key=lambda finding: (finding.date, finding.case_id))
    return found


def _cutoff(period: Period) -> str:
    """A case_state row's clock cutoff at the period's moment, as an ordinal: its conclusion or
    withdrawal by then, else the moment's day."""
    moment = period.as_of_us
    return (f"least(least(if(concluded_us <= {moment}, toInt64(concluded_ord), {OPEN_END}), "
            f"if(withdrawn_us <= {moment}, toInt64(withdrawn_ord), {OPEN_END})), {_ordinal_of(period.as_of_day)})")


def _falls_in(period: Period, day: str) -> str:
    """Condition: the working-day ordinal `day` is a day of the period."""
    return f"{day} > {_ordinal_of(period.day_before)} AND {day} <= {_ordinal_of(period.last_day)}"


def _held_overdue(period: Period) -> str:
    """Condition on case_state: the row's first overdue working day lies in the period, and had come
    by the moment (by the clock's cutoff then)."""
    held = "" if period.ends_its_day else f" AND latest_us <= {period.as_of_us}"
    return (f"accepted_us <= {period.as_of_us} AND {_submitted_in(period)}{held} "
            f"AND {_falls_in(period, 'overdue_ord')} AND toInt64(overdue_ord) <= {_cutoff(period)}")


def _overdue_as_held(clickhouse: ClickHouse, periods: list[Period]) -> list[list[Finding]]:
    """The overdue findings of each period read off the rows' overdue_ord, for the cases with nothing
    later on the moment's day: one pass over the rows for all the periods, which reads a few of their
    columns and works out no clock."""
    conditions = [_held_overdue(period) for period in periods]
    in_any = " OR ".join(f"({condition})" for condition in conditions)
    # which periods a row is found for (one alone is the WHERE itself: chDB then fails)
    matched = f"[{', '.join(conditions)}]" if len(periods) > 1 else "[1]"
    return _charged(clickhouse, len(periods), f"""
        SELECT case_id, window_code, toInt64(overdue_ord) AS target, holder_from_on, holder_staff, holder_departments,
            [{", ".join(limit_at(period.as_of_us) for period in periods)}] AS limits, {matched} AS matched
        FROM case_state FINAL
        WHERE {in_any}""")


def _charged(clickhouse: ClickHouse, periods: int, due: str) -> list[list[Finding]]:
    """The overdue findings of each period, from `due`: one row per overdue case (case_id, window_code,
    target: its first overdue working day's ordinal, its holders, and per period its limit and whether
    it is found for it), dated and charged to the holder of that day."""
    rows = clickhouse.query(f"""
SELECT period_index, case_id, window_code, day, c_limit, holder_staff[holder] AS staff,
    holder_departments[holder] AS department
FROM (
    SELECT *, arrayCount((start, on) -> start < on, holder_from_on, replicate(day, holder_from_on)) AS holder
    FROM ({due}
    ) AS due
    ANY LEFT JOIN (SELECT toInt64(ordinal) AS target, day FROM calendar_days WHERE is_workday = 1) AS workdays
        USING target
) AS dated
ARRAY JOIN arrayEnumerate(limits) AS period_index, limits AS c_limit, matched AS c_matched
WHERE c_matched
ORDER BY day, case_id
""")
    found: list[list[Finding]] = [[] for _ in range(periods)]
    details: dict[tuple[int, date], str] = {}  # a month's findings share a few dozen
    for row in rows:
        key = (row["c_limit"], row["day"])
        detail = details.get(key) or details.setdefault(key, overdue_detail(*key))
        found[row["period_index"] - 1].append(Finding(
            "overdue", row["case_id"], row["day"], _or_none(row["window_code"]), _or_none(row["department"]),
            _or_none(row["staff"]), detail))
    return found


def _changed_after(clickhouse: ClickHouse, period: Period) -> bool:
    """Whether any case accepted by the period's moment has an event after it (any version of its row
    does if the latest does: business time never goes back)."""
    rows = clickhouse.query(f"SELECT count() AS n FROM case_state WHERE accepted_us <= {period.as_of_us} "
                            f"AND latest_us > {period.as_of_us} AND {_submitted_in(period)}")
    return rows[0]["n"] > 0


def _overdue_worked_out(clickhouse: ClickHouse, period: Period) -> list[Finding]:
    """The period's overdue findings of the cases changed after its moment, from their histories as
    they stood at the moment: the first overdue working day as the projector works it out
    (case_state.first_overdue_sql), of the suspensions and extensions by then."""
    columns = {
        "c_s_ordbs": _begun(period, "suspended_ordb"),
        "c_r_ordbs": _resumed_ordbs(period),
        "c_s_counts": _begun(period, "suspension_counts"),
        "c_h_starts": _holders(period, "holder_from_on"),
        "c_h_staff": _holders(period, "holder_staff"),
        "c_h_departments": _holders(period, "holder_departments"),
        "c_cut_ord": _cutoff(period),
    }
    changed = f"{_may_fall_due_in(period)} AND latest_us > {period.as_of_us}"
    target = first_overdue_sql("c_acc_ord", "c_limit", "c_s_ordbs", "c_r_ordbs", "c_s_counts")
    return _charged(clickhouse, 1, f"""
        SELECT c_id AS case_id, c_window AS window_code, target, c_h_starts AS holder_from_on,
            c_h_staff AS holder_staff, c_h_departments AS holder_departments, [c_limit] AS limits, [1] AS matched
        FROM (SELECT *, toInt64({target}) AS target FROM ({_case_summaries(period, columns, changed)}) AS summaries)
            AS clocks
        WHERE target <= c_cut_ord AND {_falls_in(period, 'target')}""")[0]


def _may_fall_due_in(period: Period) -> str:
    """Condition on case_state: the case can have its first overdue working day in the period."""
    return f"{closed_on_or_after(period.first, period.as_of_us)} AND {_may_fall_due_by(period)}"


def _ordinal_of(day: str) -> str:
    return f"toInt64(ifNull((SELECT any(ordinal) FROM calendar_days WHERE day = {day}), 0))"


def _may_fall_due_by(period: Period) -> str:
    """Condition on case_state, on its own columns: the case can have its first overdue working day
    in the period. Elapsed days never exceed the working days from acceptance to the clock's cutoff
    (the conclusion or withdrawal, or the moment), and the limit is never below the promised days:
    so an overdue case had more of those than promised days, and its first overdue day comes after
    the (promised + 1)-th working day after acceptance, which must lie before the period's end."""
    cutoff = f"least(least(toInt64(concluded_ord), toInt64(withdrawn_ord)), {_ordinal_of(period.as_of_day)})"
    return (f"{cutoff} - toInt64(accepted_ord) > toInt64(promised_days) "
            f"AND toInt64(accepted_ord) + toInt64(promised_days) + 1 <= {_ordinal_of(period.last_day)}")


def late_entry_rows(clickhouse: ClickHouse, period: Period, hours: float) -> list[dict[str, Any]]:
    """The case events of the period (by the moment) recorded more than `hours` after their business
    time, one row each (case_id, version, event_type, day, delay_us) with the case's acceptance
    (c_window, c_staff, c_staff_department, c_accepted: by the moment), by case and version."""
    threshold_us = int(hours * 3600 * 1_000_000)
    # Events are never altered, so a delivered-again event's rows are identical: DISTINCT is enough
    # where FINAL would merge the whole table.
    return clickhouse.query(f"""
SELECT case_id, version, event_type, day, delay_us, c_window, c_staff, c_staff_department, c_accepted
FROM (
    SELECT DISTINCT case_id, version, event_type, occurred_on AS day, recorded_us - occurred_us AS delay_us
    FROM case_events
    WHERE occurred_on {period.within} AND occurred_us <= {period.as_of_us}
        AND recorded_us - occurred_us > {threshold_us}
) AS late
ANY LEFT JOIN (
    SELECT case_id, window_code AS c_window, staff_code AS c_staff, staff_department AS c_staff_department,
        accepted_us <= {period.as_of_us} AS c_accepted
    FROM case_state FINAL
    WHERE case_id IN (SELECT case_id FROM case_events WHERE occurred_on {period.within}
                      AND recorded_us - occurred_us > {threshold_us})
) AS accepting USING case_id
ORDER BY case_id, version
""")


def _late_entries(clickhouse: ClickHouse, period: Period, hours: float) -> list[Finding]:
    return [Finding("late_entry", row["case_id"], row["day"], *_accepting(row),
                    late_entry_detail(row["event_type"], timedelta(microseconds=row["delay_us"])))
            for row in late_entry_rows(clickhouse, period, hours)]


def _late_supplements(clickhouse: ClickHouse, period: Period) -> list[Finding]:
    columns = {
        "c_s_versions": _begun(period, "suspended_versions"),
        "c_s_ords": _begun(period, "suspended_ord"),
        "c_s_ordbs": _begun(period, "suspended_ordb"),
        "c_s_ons": _begun(period, "suspended_on"),
        "c_s_reasons": _begun(period, "suspension_reasons"),
        "c_s_counts": _begun(period, "suspension_counts"),
        "c_r_ordbs": _resumed_ordbs(period),
        "c_x_versions": _extensions(period, "extended_versions"),
        "c_x_days": _extensions(period, "extended_days"),
    }
    rows = clickhouse.query(f"""
SELECT c_id, c_window, c_staff, c_staff_department, day, elapsed, limit_days
FROM (
    SELECT *,
        toInt64(c_s_ords[i]) - c_acc_ord - arraySum(arrayMap(
            (l, u, c, v, vi, a) -> if(c = 0 AND v < vi, greatest(toInt64(0), toInt64(u) - greatest(toInt64(l), a)), 0),
            c_s_ordbs, c_r_ordbs, c_s_counts, c_s_versions, replicate(c_s_versions[i], c_s_versions),
            replicate(c_acc_ord, c_s_versions))) AS elapsed,
        c_promised + arraySum(arrayMap((d, v, vi) -> if(v < vi, toInt64(d), 0), c_x_days, c_x_versions,
                                       replicate(c_s_versions[i], c_x_days))) AS limit_days,
        c_s_ons[i] AS day
    FROM ({_case_summaries(period, columns, _supplement_requests(period))}) AS summaries
    ARRAY JOIN arrayEnumerate(c_s_versions) AS i
    WHERE c_s_reasons[i] = 'supplement'
) AS requests
WHERE elapsed * 2 > limit_days AND day {period.within}
""")
    return [Finding("late_supplement_request", row["c_id"], row["day"], *_accepting(row, accepted=True),
                    late_supplement_detail(row["elapsed"], row["limit_days"])) for row in rows]


def _supplement_requests(period: Period) -> str:
    """Condition on case_state: the rows of _supplement_requested_in, found first without FINAL, by the
    table's key (few cases have such a request, so FINAL then merges only the granules holding them)."""
    return keyed("case_state", "submitted_on, case_id", f"{_submitted_in(period)} AND {_supplement_requested_in(period)}")


def _supplement_requested_in(period: Period) -> str:
    """Condition on case_state: a supplement was requested on a day of the period, late enough that it
    may be past half the limit (checked on the row's own arrays, before any clock is worked out): the
    elapsed days then are at most the working days since acceptance, and the limit at least the
    promised days. The case's own values enter the lambda through replicate() (ClickHouse 18.16)."""
    return (f"arrayExists((reason, day, ordinal, accepted, promised) -> reason = 'supplement' AND day {period.within} "
            f"AND (toInt64(ordinal) - toInt64(accepted)) * 2 > toInt64(promised), "
            f"suspension_reasons, suspended_on, suspended_ord, replicate(accepted_ord, suspension_reasons), "
            f"replicate(promised_days, suspension_reasons))")


def _materials_overdue(clickhouse: ClickHouse, period: Period, materials_days: int) -> list[Finding]:
    columns = {"c_received": f"materials_us <= {period.as_of_us}", "c_withdrawn": f"withdrawn_us <= {period.as_of_us}"}
    fixed = {"c_missing": "missing_materials", "c_received_on": "materials_on", "c_withdrawn_on": "withdrawn_on"}
    summaries = _case_summaries(period, columns, _materials_pending_rows(period), fixed)
    rows = clickhouse.query(f"""
SELECT * FROM (
    SELECT * FROM (
        SELECT *, c_acc_ord + {materials_days} AS deadline_ord
        FROM ({summaries}) AS summaries
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


def _materials_pending_rows(period: Period) -> str:
    """Condition on case_state: _materials_pending, found first without FINAL by the table's key (few
    cases are accepted without all their materials)."""
    return keyed("case_state", "submitted_on, case_id", f"{_submitted_in(period)} AND {_materials_pending(period)}")


def _accepting(row: dict[str, Any], accepted: bool = False) -> tuple[str | None, str | None, str | None]:
    """(window, department, staff) of the case's acceptance; None for a case never accepted."""
    if not accepted and not row["c_accepted"]:
        return None, None, None
    return _or_none(row["c_window"]), _or_none(row["c_staff_department"]), _or_none(row["c_staff"])


def _or_none(value: str) -> str | None:
    return value or None
