"""Several months' overdue findings found in one pass over the cases (projections.scores.months_overdue,
as the window scores find the month before's for the talks) are each month's own findings, as
/findings has them (held to the domain reference by test_sql_findings), on chDB and on the ClickHouse
server; so is the first submission day each month reads from."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.metrics import period_as_of
from projections.findings import Period, first_submission, findings
from projections.scores import months_overdue
from tests.integration.test_sql_findings import random_centre, store  # noqa: F401  (fixtures)

MONTHS = [(date(2025, 9, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 10, 31)),
          (date(2025, 11, 1), date(2025, 11, 30)), (date(2026, 1, 1), date(2026, 1, 31))]


def ordered(found: list) -> list:
    return sorted(found, key=lambda finding: (finding.date, finding.case_id))


# the end of every month, and a moment within the last one (its findings so far)
@pytest.mark.parametrize("as_of", [datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 1, 14, 3, tzinfo=UTC)])
def test_months_found_together_are_each_months_own(store, as_of):  # noqa: F811
    together = months_overdue(store, months=[first for first, _ in MONTHS], as_of=as_of)
    assert len(together) == len(MONTHS)
    for (first, last), month in zip(MONTHS, together):
        moment = period_as_of(last, as_of)
        expected = [finding for finding in findings(store, first=first, last=last, as_of=moment)
                    if finding.kind == "overdue"]
        assert ordered(month.findings) == ordered(expected), first
        assert month.submitted_since == first_submission(store, Period(first, last, moment)), first
    assert any(month.findings for month in together)
