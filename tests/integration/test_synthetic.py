"""The synthetic stores the read-side benchmark times (bench/synthetic.py) are folded in SQL straight
into the read models: each case's row must be the one the projector would fold from its events."""

from __future__ import annotations

from datetime import date

from bench.synthetic import build
from projections.case_state import OPEN_END, folded, new_state


def test_synthetic_case_rows_are_the_projectors_fold_of_their_events(read_models):
    build(read_models, 3_000, date(2026, 11, 20), progress=False, complaints=10)
    rows: dict[str, dict] = {}
    for event in read_models.query("SELECT * FROM case_events ORDER BY case_id, version"):
        rows[event["case_id"]] = folded(rows.get(event["case_id"]) or new_state(event["case_id"]), event)
    stored = {row["case_id"]: row for row in read_models.query("SELECT * FROM case_state FINAL")}
    assert stored == rows
    late = [row for row in rows.values() if row["overdue_ord"] <= row["concluded_ord"] < OPEN_END]
    assert 75 < len(late) < 225  # one case in twenty is concluded late
