"""Inspections, commendations and cards from supervision_records: listings, and a period's records
for the scores. A record's department is its window's (from the catalogue), for row scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.backends import ClickHouse, day_literal, quote
from projections.queries import page

RECORD_KINDS = ("inspection", "commendation", "card")



@dataclass(frozen=True)
class RecordFilter:
    record_kind: str
    first: date | None = None
    last: date | None = None
    window: str | None = None
    staff: str | None = None
    department: str | None = None

    def where(self) -> str:
        conditions = [f"record_kind = {quote(self.record_kind)}"]
        if self.first:
            conditions.append(f"occurred_on >= {day_literal(self.first)}")
        if self.last:
            conditions.append(f"occurred_on <= {day_literal(self.last)}")
        for column, value in (("window_code", self.window), ("staff_code", self.staff)):
            if value is not None:
                conditions.append(f"{column} = {quote(value)}")
        if self.department is not None:
            conditions.append(f"window_code IN (SELECT code FROM catalogue FINAL WHERE entry_kind = 'window' "
                              f"AND department_code = {quote(self.department)})")
        return " AND ".join(conditions)


def records(clickhouse: ClickHouse, chosen: RecordFilter, *, limit: int, offset: int) -> tuple[list[dict], int]:
    """A page of the records chosen, latest first, and how many there are."""
    return page(clickhouse, "supervision_records", chosen.where(), "occurred_us DESC, record_id", limit=limit, offset=offset)


def month_records(clickhouse: ClickHouse, *, first: date, last: date) -> list[dict[str, Any]]:
    """Every inspection, commendation and card dated in the period (inclusive), by date."""
    return clickhouse.query(f"""
SELECT record_id, record_kind, kind, window_code, staff_code, occurred_on
FROM supervision_records FINAL
WHERE occurred_on BETWEEN {day_literal(first)} AND {day_literal(last)}
ORDER BY occurred_on, record_id
""")
