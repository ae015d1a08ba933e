"""A month's inputs to the window scores and staff assessments, from the read models: per window and
staff member of the catalogue, the ids of the events behind each rule of the scheme, the cases
accepted and the on-time rate (for ties), and whether a staff member is barred from being a star.
domain.scoring weighs them; nothing here knows a point.

Who each rule is charged to (issue 7 §3):

| rule | window | staff |
|---|---|---|
| `overdue` (first overdue working day in the month) | the window that accepted the case | `charged_to`: who held it then |
| `late_entry` (one per event entered late) | the window that accepted the case | — |
| `bad_review` (valid: rating ≤ 2, not overturned; month of the review) | the case's accepting window | its accepting staff |
| `rectification_overdue` | the review's window | the review's staff |
| `inspection.<kind>`, `card.<colour>`, `commendation.<kind>` | the window | the staff member, when named |
| `complaint` (verified valid; month of the verification) | the subject's window | the subject's staff member |

A ref is the id of the case, review, inspection, card or commendation behind it; a late entry is
one per event, so its ref is `<case id>#<version>` (a case entered late twice counts twice).

Each kind of input is one question over the month (the cost grows with the month, not with the
history): case findings as of the end of the month (or now, if earlier) like `/findings`, the
month's case figures like `/metrics/cases` (only those that break ties), and reviews valid as of
the moment asked (an appeal upheld after the month still removes a bad review from the month's
scores). The overdue findings of several months can be found in one pass over the cases
(months_overdue): the window scores find the month before's with the month's, for the talks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from domain.assessment import month_days
from domain.clock import local_date
from domain.findings import Finding
from domain.metrics import CaseCounts, case_figures, period_as_of
from domain.scheme import SUBJECTS
from domain.scoring import SubjectMonth
from projections import queries
from projections.queries import keyed
from projections.backends import ClickHouse, quote
from projections.findings import Period, first_submissions, late_entry_rows, overdue_findings_in
from projections.metrics import ranking_counts_by
from projections.reviews import rectification_overdue, valid_bad_reviews
from projections.rows import microseconds
from projections.supervision import month_records

# subject -> code -> rule -> ids
Refs = dict[str, dict[str, dict[str, list[str]]]]
# subject -> code -> what is shown beside the score
Details = dict[str, dict[str, dict[str, Any]]]
DETAIL_FIELDS = {"window": ("name", "hall", "department"), "staff": ("name", "window", "department")}


def month_subjects(clickhouse: ClickHouse, *, month: date, as_of: datetime, late_entry_hours: float = 24,
                   materials_days: int = 15, subjects: Iterable[str] = SUBJECTS, ranking: bool = True,
                   overdue: MonthOverdue | None = None) -> dict[str, list[SubjectMonth]]:
    """Every window ("window") and staff member ("staff") of the catalogue with the month's counts,
    by code. `month` is the month's first day; `as_of` the moment asked about (usually now); `overdue`
    the month's overdue findings if found ahead (months_overdue)."""
    found, _ = month_subjects_and_details(clickhouse, month=month, as_of=as_of, late_entry_hours=late_entry_hours,
                                          materials_days=materials_days, subjects=subjects, ranking=ranking,
                                          overdue=overdue)
    return found


def month_subjects_and_details(clickhouse: ClickHouse, *, month: date, as_of: datetime, late_entry_hours: float = 24,
                               materials_days: int = 15, subjects: Iterable[str] = SUBJECTS, ranking: bool = True,
                               overdue: MonthOverdue | None = None) -> tuple[dict[str, list[SubjectMonth]], Details]:
    """month_subjects, and the catalogue's details of each subject (window: name, hall, department;
    staff: name, window, department) read in the same pass. Without `ranking`, the month's case
    figures (cases accepted, on-time rate: only ranks and honours use them) are not counted, which
    leaves scores and grades as they are at a fraction of the cost."""
    wanted = tuple(subject for subject in SUBJECTS if subject in set(subjects))
    first, last = month_days(month.strftime("%Y-%m"))
    month_end = period_as_of(last, as_of)
    refs: Refs = {subject: defaultdict(lambda: defaultdict(list)) for subject in SUBJECTS}
    disqualified: set[str] = set()

    def charge(rule: str, ref: str, window: str | None, staff: str | None) -> None:
        if window:
            refs["window"][window][rule].append(ref)
        if staff:
            refs["staff"][staff][rule].append(ref)

    if overdue is None:
        overdue = months_overdue(clickhouse, months=[month], as_of=as_of, materials_days=materials_days)[0]
    for finding in overdue.findings:
        charge("overdue", finding.case_id, finding.window, finding.staff)
    for row in late_entries(clickhouse, first=first, last=last, as_of=month_end, hours=late_entry_hours):
        charge("late_entry", f"{row['case_id']}#{row['version']}", row["window"], None)
    for review in valid_bad_reviews(clickhouse, first=first, last=last, as_of=as_of):
        charge("bad_review", review["review_id"], review["window_code"], review["staff_code"])
        if review["staff_code"]:
            disqualified.add(review["staff_code"])
    for finding in rectification_overdue(clickhouse, first, last, month_end):
        if finding.review_id:
            charge("rectification_overdue", finding.review_id, finding.window, finding.staff)
    for complaint in verified_complaints(clickhouse, first=first, last=last, as_of=as_of):
        charge("complaint", complaint["complaint_id"], complaint["subject_window"], complaint["subject_staff"])
        if complaint["subject_staff"]:
            disqualified.add(complaint["subject_staff"])
    # records are dated by day: those dated after the moment asked about are left out
    for record in month_records(clickhouse, first=first, last=min(last, local_date(as_of))):
        charge(f"{record['record_kind']}.{record['kind']}", record["record_id"], record["window_code"],
               record["staff_code"])
        if record["record_kind"] == "card" and record["staff_code"]:
            disqualified.add(record["staff_code"])

    found: dict[str, list[SubjectMonth]] = {}
    details: Details = {}
    for subject in wanted:
        details[subject] = {row["code"]: {name: row.get(name) for name in DETAIL_FIELDS[subject]}
                            for row in queries.catalogue(clickhouse, subject)}
        counts = ranking_counts_by(clickhouse, first=first, last=last, as_of=month_end, by=subject,
                                   submitted_since=overdue.submitted_since) if ranking else {}
        codes = sorted(set(details[subject]) | set(refs[subject]))
        found[subject] = [subject_month(code, refs[subject].get(code, {}), counts.get(code, CaseCounts()),
                                        subject == "staff" and code in disqualified)
                          for code in codes]
    return found, details


@dataclass(frozen=True)
class MonthOverdue:
    """A month's overdue findings, and the first submission day of a case that can have a finding in
    the month (the month's case figures are read from there on)."""

    findings: list[Finding]
    submitted_since: date


def months_overdue(clickhouse: ClickHouse, *, months: list[date], as_of: datetime,
                   materials_days: int = 15) -> list[MonthOverdue]:
    """Each month's overdue findings (`months`: their first days) as of the end of the month (or as_of,
    if earlier), found together: months in a row share most of their cases, and reading the cases is
    most of the cost of a month's inputs, so the month before (约谈: a window failing two months
    running) is found in the same pass for little more."""
    periods = []
    for month in months:
        first, last = month_days(month.strftime("%Y-%m"))
        periods.append(Period(first, last, period_as_of(last, as_of), materials_days))
    for period, since in zip(periods, first_submissions(clickhouse, periods)):
        period.submitted_since = since
    return [MonthOverdue(found, period.submitted_since)
            for period, found in zip(periods, overdue_findings_in(clickhouse, periods))]


def subject_month(code: str, rules: dict[str, list[str]], counts: CaseCounts, disqualified: bool) -> SubjectMonth:
    return SubjectMonth(code=code, refs={rule: tuple(sorted(ids)) for rule, ids in sorted(rules.items())},
                        accepted=counts.accepted, on_time_rate=case_figures(counts).on_time_rate,
                        disqualified=disqualified)


def late_entries(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime,
                 hours: float) -> list[dict[str, Any]]:
    """The events of projections.findings' `late_entry` findings, each with its version and its case's
    accepting window ('' if the case was not accepted by as_of)."""
    return [{"case_id": row["case_id"], "version": row["version"],
             "window": row["c_window"] if row["c_accepted"] else ""}
            for row in late_entry_rows(clickhouse, Period(first, last, as_of), hours)]


def verified_complaints(clickhouse: ClickHouse, *, first: date, last: date, as_of: datetime) -> list[dict[str, Any]]:
    """The 12345 complaints verified as valid against a window or staff member in the period (by the
    verification's date, by the moment)."""
    verified_in = (f"valid = 1 AND verified_on BETWEEN toDate({quote(first.isoformat())}) "
                   f"AND toDate({quote(last.isoformat())})")
    return clickhouse.query(f"""
SELECT complaint_id, subject_window, subject_staff
FROM complaint_state FINAL
WHERE {keyed("complaint_state", "received_on, complaint_id", verified_in)} AND verified_us <= {microseconds(as_of)}
ORDER BY complaint_id
""")
