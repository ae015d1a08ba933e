"""Read queries of the catalogue and of the stream heads held apart for audit (the cases read
model's questions are in projections/cases.py)."""

from __future__ import annotations

from typing import Any

from projections.backends import ClickHouse, quote


def catalogue(clickhouse: ClickHouse, kind: str) -> list[dict[str, Any]]:
    rows = clickhouse.query(
        f"SELECT * FROM catalogue FINAL WHERE entry_kind = {quote(kind)} ORDER BY code"
    )
    return [_catalogue_row(kind, row) for row in rows]


def keyed(table: str, key: str, condition: str) -> str:
    """A condition on a state table's rows, found first without FINAL through the table's sort key, so
    that FINAL merges only the granules holding rows that may match (any version of a row that matches
    now is among them), then asked again of the latest rows. Worth it for a condition few rows meet."""
    return f"({key}) IN (SELECT {key} FROM {table} WHERE {condition}) AND {condition}"


def page(clickhouse: ClickHouse, table: str, where: str, order_by: str, *, limit: int, offset: int,
         select: str = "*") -> tuple[list[dict[str, Any]], int]:
    """A page of a state or event table's latest rows matching `where` (with `select`'s columns), and
    how many match in all."""
    count = clickhouse.query(f"SELECT toInt64(count()) AS n FROM {table} FINAL WHERE {where}")[0]["n"]
    rows = clickhouse.query(f"SELECT {select} FROM {table} FINAL WHERE {where} ORDER BY {order_by} "
                            f"LIMIT {int(offset)}, {int(limit)}")
    return rows, count


def stream_head(clickhouse: ClickHouse, aggregate_id: str) -> dict[str, Any] | None:
    """The head of one stream as the read models hold it apart from the store, or None if unknown."""
    rows = clickhouse.query(f"SELECT stream, aggregate_id, version, hash FROM stream_heads FINAL "
                            f"WHERE aggregate_id = {quote(aggregate_id)}")
    return rows[0] if rows else None


def stream_heads(clickhouse: ClickHouse, stream: str | None = None) -> dict[str, dict[str, Any]]:
    """The head of every stream (or of every stream of one kind), by aggregate id."""
    where = f"WHERE stream = {quote(stream)}" if stream else ""
    rows = clickhouse.query(f"SELECT stream, aggregate_id, version, hash FROM stream_heads FINAL {where}")
    return {row["aggregate_id"]: row for row in rows}


CATALOGUE_FIELDS = {
    "department": {},
    "hall": {"level": "level"},
    "window": {"hall_code": "hall", "department_code": "department"},
    "staff": {"window_code": "window", "department_code": "department", "role": "role"},
    "item": {"department_code": "department", "item_kind": "kind", "legal_days": "legal_days",
             "promised_days": "promised_days"},
}


def _catalogue_row(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    if kind in TREES:
        return _tree_entry(kind, row)
    return {"code": row["code"], "name": row["name"],
            **{public: row[column] for column, public in CATALOGUE_FIELDS[kind].items()}}


TREES = ("complaint_category", "area")


def _tree_entry(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """An entry of a tree (complaint categories, areas): its parent, depth (1 at the top) and path (the
    codes from the top down to it); an area's coordinates, if known."""
    entry = {"code": row["code"], "name": row["name"], "parent": row["parent_code"] or None, "depth": row["depth"],
             "path": list(row["path"])}
    if kind == "area":
        located = bool(row["has_coordinates"])
        entry.update(lat=row["lat"] if located else None, lon=row["lon"] if located else None)
    return entry
