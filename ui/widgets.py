"""Inputs and formats shared by the pages (times are Beijing time, Asia/Shanghai, no DST)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone

import streamlit as st

from ui.session import Translate

SHANGHAI = timezone(timedelta(hours=8))  # naive times in the API are Asia/Shanghai
LEVEL_COLOURS = {"red": "#d62728", "yellow": "#f2c744"}
LEVEL_ICONS = {"red": "🔴", "yellow": "🟡"}
MONTHS_BACK = 36  # the month picker offers this month and the 36 before it


def now_shanghai() -> datetime:
    return datetime.now(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)


def as_of_input(t: Translate, prefix: str) -> datetime:
    """A date + time input (defaulting to now, Shanghai time) with a "now" button."""
    date_key, time_key = f"{prefix}_date", f"{prefix}_time"

    def reset() -> None:
        now = now_shanghai()
        st.session_state[date_key], st.session_state[time_key] = now.date(), now.time()

    if date_key not in st.session_state:
        reset()
    col_date, col_time, col_now = st.columns([3, 3, 1], vertical_alignment="bottom")
    day: date = col_date.date_input(t("as_of_date"), key=date_key)
    moment: time = col_time.time_input(t("as_of_time"), key=time_key, step=60)
    col_now.button(t("now"), key=f"{prefix}_now", on_click=reset)
    return datetime.combine(day, moment)


def code_select(t: Translate, label_key: str, rows: list[dict], key: str, on_change=None) -> str | None:
    """A selectbox over catalogue codes ("code · name"), None meaning all."""
    names = {row["code"]: row.get("name", "") for row in rows}
    options = [None, *names]
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    return st.selectbox(t(label_key), options, key=key, placeholder=t("any"), on_change=on_change,
                        format_func=lambda c: t("any") if c is None else f"{c} · {names[c]}")


# -- months and periods ------------------------------------------------------------------------

def month_bounds(first: date) -> tuple[date, date]:
    """The first and the last day of the month of `first`."""
    start = first.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def last_full_month(today: date | None = None) -> date:
    """The first day of the month before today's (Beijing)."""
    today = today or now_shanghai().date()
    return month_bounds(today.replace(day=1) - timedelta(days=1))[0]


def month_select(t: Translate, key: str) -> tuple[date, date]:
    """A month picker (this month and the ones before; default the last full month) -> (from, to);
    this month runs to today (the API takes no day after today)."""
    today = now_shanghai().date()
    this_month = today.replace(day=1)
    months = [this_month]
    for _ in range(MONTHS_BACK):
        months.append(last_full_month(months[-1]))
    if st.session_state.get(key) not in months:
        st.session_state[key] = months[1]
    month = st.selectbox(t("month"), months, key=key,
                         format_func=lambda m: t("month_label", year=m.year, month=m.month)
                         + (t("month_in_progress") if m == this_month else ""))
    start, end = month_bounds(month)
    return start, min(end, today)


def month_code(first: date) -> str:
    """The API's name of a month: 'YYYY-MM'."""
    return f"{first:%Y-%m}"


def period_input(t: Translate, prefix: str, on_change=None) -> tuple[date, date]:
    """Two date inputs, from and to (inclusive), defaulting to the last full month."""
    start_key, end_key = f"{prefix}_from", f"{prefix}_to"
    if start_key not in st.session_state:
        st.session_state[start_key], st.session_state[end_key] = month_bounds(last_full_month())
    today = now_shanghai().date()
    col_from, col_to = st.columns(2)
    start = col_from.date_input(t("period_from"), key=start_key, on_change=on_change, max_value=today)
    end = col_to.date_input(t("period_to"), key=end_key, on_change=on_change, max_value=today)
    return start, end


# -- formats -----------------------------------------------------------------------------------

def level_label(t: Translate, level: str | None) -> str:
    return t(f"level_{level}") if level in LEVEL_COLOURS else t("normal")


def labelled(code: str | None, names: dict[str, str]) -> str:
    """'自然资源和规划局 ZRZY' (or the bare code when the catalogue does not know it)."""
    name = names.get(code or "")
    return f"{name} {code}" if name else code or "-"


def percent(rate: float | None) -> str:
    """A fraction as a percentage with one decimal ("99.1%"); a missing rate as "—"."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def fmt_time(value: str | None) -> str:
    """ISO time as 'YYYY-MM-DD HH:MM:SS' in Shanghai time (the API mixes +08:00 and UTC)."""
    if not isinstance(value, str):
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value.replace("T", " ")
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")


def short_hash(value: str | None, n: int = 12) -> str:
    if not value:
        return "-"
    return value if len(value) <= n else value[:n] + "…"


def tiles(items: list[tuple[str, object]], per_row: int = 4) -> None:
    """Metric tiles, `per_row` to a row (more cut labels and dates off)."""
    for first in range(0, len(items), per_row):
        row = items[first:first + per_row]
        for col, (label, value) in zip(st.columns(per_row), row):
            col.metric(label, "-" if value is None else value, border=True)


def csv_cell(value: object) -> object:
    """A value as a CSV cell: nothing for null, JSON's true/false, a list as its items spaced."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return value


def csv_bytes(fields: Iterable[str], rows: Iterable[dict]) -> bytes:
    """Rows as CSV with the API's field names as the header, UTF-8 with a BOM (for Excel)."""
    fields = list(fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row.get(field)) for field in fields])
    return out.getvalue().encode("utf-8-sig")
