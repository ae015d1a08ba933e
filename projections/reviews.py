"""Reviews (好差评) from review_state: the listing, the period's review figures, the valid bad reviews
of a period, and the review findings — the SQL twins of domain.review_metrics and domain.findings,
held to them by a differential test on both backends. Everything "as of a moment" is worked out
from the moments on the review's row; working days are calendar ordinals, as for cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.clock import local_date
from domain.findings import Finding, rectification_overdue_detail, review_unverified_detail
from domain.review_metrics import ReviewCounts
from projections.backends import ClickHouse, day_literal, quote
from projections.queries import keyed, page
from projections.case_state import NO_DATE
from projections.rows import microseconds

GROUP_COLUMNS = {"window": "window_code", "staff": "staff_code", "department": "staff_department"}
BAD = "rating <= 2"


def overturned_at(moment: int) -> str:
    return f"(decided_us <= {moment} AND upheld = 1)"



@dataclass(frozen=True)
class ReviewFilter:
    """Which reviews a listing shows: by date (inclusive), window, staff, the staff's department,
    current state, and bad only."""

    first: date | None = None
    last: date | None = None
    window: str | None = None
    staff: str | None = None
    department: str | None = None
    state: str | None = None
    bad: bool | None = None

    def where(self) -> str:
        conditions = ["1"]
        if self.first:
            conditions.append(f"given_on >= {day_literal(self.first)}")
        if self.last:
            conditions.append(f"given_on <= {day_literal(self.last)}")
        for column, value in (("window_code", self.window), ("staff_code", self.staff),
                              ("staff_department", self.department), ("state", self.state)):
            if value is not None:
                conditions.append(f"{column} = {quote(value)}")
        if self.bad is not None:
            conditions.append(BAD if self.bad else f"NOT ({BAD})")
        return " AND ".join(conditions)


def reviews(clickhouse: ClickHouse, chosen: ReviewFilter, *, limit: int, offset: int) -> tuple[list[dict], int]:
    """A page of the reviews chosen, latest first, and how many there are."""
    return page(clickhouse, "review_state", chosen.where(), "given_us DESC, review_id", limit=limit, offset=offset)


def review_counts_by(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime, by: str | None,
                     window: str | None = None, department: str | None = None) -> dict[str, ReviewCounts]:
    """The period's counts per group (one group, "", without `by`), for the groups that counted
    anything; a review no group can place (a refused case's: no window, no staff) is in the total only.
    `window` and `department` (the staff's) narrow it to a caller's scope."""
    moment = microseconds(as_of)
    scope = "".join(f" AND {column} = {quote(value)}" for column, value in
                    (("window_code", window), ("staff_department", department)) if value is not None)
    key = GROUP_COLUMNS[by] if by else "''"
    kept = "NOT overturned"
    rows = clickhouse.query(f"""
SELECT key,
    toInt64(countIf({kept})) AS reviews,
    {', '.join(f"toInt64(countIf({kept} AND rating = {r})) AS r{r}" for r in range(1, 6))},
    toInt64(countIf({kept} AND NOT ({BAD}))) AS satisfied,
    toInt64(countIf({BAD})) AS bad,
    toInt64(countIf(overturned)) AS bad_overturned,
    toInt64(countIf({kept} AND rectified_us <= {moment})) AS rectified,
    toInt64(countIf({kept} AND rectified_us <= {moment} AND rectified_on_time = 1)) AS rectified_on_time,
    toInt64(countIf({kept} AND return_us <= {moment})) AS return_visits
FROM (
    SELECT {key} AS key, rating, rectified_us, rectified_on_time, return_us, {overturned_at(moment)} AS overturned
    FROM review_state FINAL
    WHERE given_on BETWEEN {day_literal(first)} AND {day_literal(last)} AND given_us <= {moment}{scope}
) AS given
GROUP BY key
""")
    counts = {row.pop("key"): ReviewCounts(**row) for row in rows}
    return {key: value for key, value in counts.items() if value and (by is None or key)}


def valid_bad_reviews(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[dict[str, Any]]:
    """The bad reviews given in the period that count (not overturned by the moment)."""
    moment = microseconds(as_of)
    return clickhouse.query(f"""
SELECT review_id, case_id, window_code, staff_code, staff_department
FROM review_state FINAL
WHERE given_on BETWEEN {day_literal(first)} AND {day_literal(last)} AND given_us <= {moment} AND {BAD}
    AND NOT {overturned_at(moment)}
ORDER BY review_id
""")


def review_findings(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime,
                    verify_days: int) -> list[Finding]:
    """review_unverified and rectification_overdue findings dated in the period that had arisen by as_of."""
    return sorted(_unverified(clickhouse, first, last, as_of, verify_days) + rectification_overdue(
        clickhouse, first, last, as_of), key=lambda finding: (finding.date, finding.kind, finding.case_id))


def _workday(ordinal: str, alias: str) -> str:
    """A join giving the working day with a given ordinal."""
    return (f"ANY LEFT JOIN (SELECT toInt64(ordinal) AS {ordinal}, day AS {alias} FROM calendar_days "
            f"WHERE is_workday = 1) AS {alias}_days USING {ordinal}")


def _unverified(clickhouse: ClickHouse, first: date, last: date, as_of: datetime, verify_days: int) -> list[Finding]:
    moment = microseconds(as_of)
    # (verify_days + 1) working days after the review span at most twice as many days and a holiday
    since = first - timedelta(days=2 * (verify_days + 1) + 30)
    rows = clickhouse.query(f"""
SELECT * FROM (
    SELECT * FROM (
        SELECT review_id, case_id, window_code, staff_code, staff_department, verified_us, verified_on,
            toInt64(given_ord) + {verify_days} AS last_ord, toInt64(given_ord) + {verify_days + 1} AS arises_ord
        FROM review_state FINAL
        WHERE given_on BETWEEN {day_literal(since)} AND {day_literal(last)} AND given_us <= {moment} AND {BAD}
    ) AS bad_reviews
    {_workday('last_ord', 'last_day')}
) AS with_last
{_workday('arises_ord', 'arises_on')}
WHERE arises_on BETWEEN {day_literal(first)} AND {day_literal(last)} AND arises_on <= {day_literal(local_date(as_of))}
    AND NOT (verified_us <= {moment} AND verified_on <= last_day)
""")
    return [_finding(row, "review_unverified", row["arises_on"], review_unverified_detail(verify_days, row["last_day"]))
            for row in rows]


def rectification_overdue(clickhouse: ClickHouse, first: date, last: date, as_of: datetime) -> list[Finding]:
    moment = microseconds(as_of)
    due_in = (f"deadline != {day_literal(NO_DATE)} AND deadline BETWEEN {day_literal(first - timedelta(days=1))} "
              f"AND {day_literal(last - timedelta(days=1))}")
    rows = clickhouse.query(f"""
SELECT review_id, case_id, window_code, staff_code, staff_department, deadline
FROM review_state FINAL
WHERE {keyed("review_state", "given_on, review_id", due_in)} AND deadline_us <= {moment}
    AND deadline < {day_literal(local_date(as_of))}
    AND NOT (rectified_us <= {moment} AND rectified_on <= deadline)
""")
    return [_finding(row, "rectification_overdue", row["deadline"] + timedelta(days=1),
                     rectification_overdue_detail(row["deadline"])) for row in rows]


def _finding(row: dict[str, Any], kind: str, day: date, detail: str) -> Finding:
    return Finding(kind, row["case_id"], day, row["window_code"] or None, row["staff_department"] or None,
                   row["staff_code"] or None, detail, review_id=row["review_id"])
