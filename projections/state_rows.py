"""State tables (DESIGN §10): one row per aggregate, its state after its latest event, folded by the
projector. Idempotent under redelivery: an event whose version the row already holds is not folded
again, and ReplacingMergeTree keeps the row with the highest version. The rows of recently changed
aggregates are held in memory; one not held (after a restart, or moved from another worker) is read
back from the table first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from projections.backends import ClickHouse, quote

Row = dict[str, Any]


class StateRows:
    """Folds events (dicts with the key column, `version` and what the fold needs) onto a table's rows."""

    def __init__(self, clickhouse: ClickHouse, table: str, key: str, new_row: Callable[[str], Row],
                 fold: Callable[[Row, Row], Row], settled: Iterable[str] = (), capacity: int = 500_000) -> None:
        """`settled`: states after which an aggregate takes (almost) no more events: not worth holding."""
        self.clickhouse, self.table, self.key = clickhouse, table, key
        self.new_row, self.fold_one, self.settled = new_row, fold, frozenset(settled)
        self.capacity = capacity
        self._held: OrderedDict[str, Row] = OrderedDict()

    def fold(self, events: Iterable[Row], refuse: Callable[[Row, Exception], Any] | None = None) -> dict[str, Row]:
        """The new rows of the aggregates these events (in log order) change. Nothing is held until
        `keep` is called with them, once they are written. With `refuse`, an event that cannot be
        folded is handed to it and its aggregate's row stays as it was; without, the error is raised."""
        events = list(events)
        states = self._states_before(events)
        changed: dict[str, Row] = {}
        for event in events:
            key = event[self.key]
            state = changed.get(key) or states.get(key) or self.new_row(key)
            if event["version"] <= state["version"]:
                continue  # delivered again: already folded in
            try:
                changed[key] = self.fold_one(state, event)
            except Exception as error:  # whatever is wrong with one event is its own
                if refuse is None:
                    raise
                refuse(event, error)
        return changed

    def keep(self, rows: dict[str, Row]) -> None:
        for key, row in rows.items():
            if row["state"] in self.settled:
                self._held.pop(key, None)
                continue
            self._held[key] = row
            self._held.move_to_end(key)
        while len(self._held) > self.capacity:
            self._held.popitem(last=False)

    def forget(self) -> None:
        self._held.clear()

    def _states_before(self, events: list[Row]) -> dict[str, Row]:
        """The rows these events continue: held ones whose version follows on, the rest read back."""
        first_versions: dict[str, int] = {}
        for event in events:
            first_versions.setdefault(event[self.key], event["version"])
        states, missing = {}, []
        for key, version in first_versions.items():
            held = self._held.get(key)
            if held is not None and held["version"] >= version - 1:
                states[key] = held
            elif version > 1:
                missing.append(key)
        for chunk in range(0, len(missing), 1000):
            states.update(self._read(missing[chunk:chunk + 1000]))
        return states

    def _read(self, keys: list[str]) -> dict[str, Row]:
        listed = ", ".join(quote(key) for key in keys)
        rows = self.clickhouse.query(f"SELECT * FROM {self.table} FINAL WHERE {self.key} IN ({listed})")
        return {row[self.key]: row for row in rows}
