"""Page 月度指标: a month's figures (按时办结率, 即办件办结率, 平均办结天数, 提速率 …) per window or
department, as tiles for the whole, a table, bars for the rates, and a CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import altair as alt
import streamlit as st

from ui.client import ApiError
from ui.session import Translate, client, current_translator, handle_api_error
from ui.widgets import month_select, percent, tiles

GROUPINGS = ("window", "department")
RATES = ("on_time_rate", "immediate_rate", "speedup_rate")
# the fields of an item, in the order of the table and of the CSV file
FIELDS = ("key", "name", "accepted", "concluded", "concluded_on_time", "on_time_rate", "immediate_accepted",
          "immediate_same_day", "immediate_rate", "avg_elapsed_workdays", "speedup_rate", "withdrawn",
          "refused", "overdue", "yellow")
MAX_ROWS_SHOWN = 40  # more rows than this scroll inside the table
TILES = ("accepted", "concluded", "on_time_rate", "immediate_rate", "speedup_rate",
         "avg_elapsed_workdays", "withdrawn", "refused", "overdue", "yellow")


def render() -> None:
    t = current_translator()
    st.header(t("figures_title"))
    col_month, col_by = st.columns([1, 2], vertical_alignment="bottom")
    with col_month:
        start, end = month_select(t, "m_month")
    with col_by:
        by = st.radio(t("group_by"), GROUPINGS, key="m_by", horizontal=True, format_func=lambda g: t(f"by_{g}"))
    try:
        figures = fetch_figures(start, end, by)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.caption(t("period_caption", start=figures.get("from", start), end=figures.get("to", end)))
    total = figures.get("total") or {}
    tiles([(t(f"metric_{field}"), figure(field, total.get(field))) for field in TILES], per_row=5)
    items = figures.get("items") or []
    if not items:
        st.info(t("no_figures"))
        return
    st.subheader(t("rates_title"))
    for tab, rate in zip(st.tabs([t(f"metric_{rate}") for rate in RATES]), RATES):
        with tab:
            show_rate_chart(t, items, rate, total.get(rate))
    st.subheader(t("figures_table_title"))
    st.dataframe(figures_table(t, items, by), hide_index=True, column_config=column_config(t), placeholder="—",
                 height=35 * (min(len(items), MAX_ROWS_SHOWN) + 1) + 3)  # a centre's windows at a glance
    st.download_button(t("download_csv"), data=figures_csv(items), mime="text/csv", icon=":material/download:",
                       file_name=f"sunlight-figures-{start:%Y-%m}-by-{by}.csv", key="m_csv")


def fetch_figures(start: date, end: date, by: str) -> dict:
    """All the groups of the month: a paginated answer (count > items) is fetched page by page."""
    api = client()
    body = api.metrics(start, end, by)
    items = list(body.get("items") or [])
    page = len(items)
    while page and len(items) < (body.get("count") or 0):
        more = api.metrics(start, end, by, limit=page, offset=len(items)).get("items") or []
        if not more:
            break
        items += more
    return {**body, "items": items}


def figure(field: str, value: Any) -> Any:
    """A figure of the total as its tile shows it."""
    if field in RATES:
        return percent(value)
    if field == "avg_elapsed_workdays":
        return "—" if value is None else f"{value:.2f}"
    return value


def label_of(item: dict) -> str:
    """'A01 综合受理窗口': names repeat (every hall has its 综合受理窗口), codes do not."""
    key, name = item.get("key") or "", item.get("name") or ""
    return name if key in name else f"{key} {name}".strip() or "-"


def show_rate_chart(t: Translate, items: list[dict], rate: str, total_rate: float | None) -> None:
    """Horizontal bars, highest first; a group whose rate is null (nothing to divide) is left out,
    not drawn as 0, and named below the chart."""
    rows = [{"group": label_of(i), "value": round(i[rate] * 100, 2), "text": percent(i[rate])}
            for i in items if i.get(rate) is not None]
    missing = [label_of(i) for i in items if i.get(rate) is None]
    if rows:
        st.altair_chart(rate_chart(t, rows, rate, total_rate), width="stretch")
        if total_rate is not None:
            st.caption(t("total_rate_line", rate=percent(total_rate)))
    if missing:
        st.caption(t("rate_missing", groups=t("list_separator").join(missing)))


def rate_chart(t: Translate, rows: list[dict], rate: str, total_rate: float | None) -> alt.LayerChart:
    title = t(f"metric_{rate}")
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("group:N", title=None, sort="-x", axis=alt.Axis(labelLimit=240)),
        x=alt.X("value:Q", title=f"{title} (%)", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(tickCount=10)),
        tooltip=[alt.Tooltip("group:N", title=t("col_name")), alt.Tooltip("text:N", title=title)],
    )
    layers = [base.mark_bar(color="#4c78a8"), base.mark_text(align="left", dx=4).encode(text="text:N")]
    if total_rate is not None:  # the whole centre's rate, for comparison
        rule = alt.Chart(alt.Data(values=[{"value": total_rate * 100, "label": t("total_rate")}]))
        layers.append(rule.mark_rule(color="#d62728", strokeDash=[4, 3]).encode(x="value:Q", tooltip="label:N"))
    return alt.layer(*layers).properties(height=alt.Step(26))  # a row per group, labels never crowded


def figures_table(t: Translate, items: list[dict], by: str) -> list[dict]:
    """The table: localised column names, rates in percent (formatted by column_config)."""
    rows = []
    for item in items:
        row = {t(f"by_{by}_key"): item.get("key"), t("col_name"): item.get("name")}
        for field in FIELDS[2:]:
            value = item.get(field)
            row[t(f"metric_{field}")] = round(value * 100, 2) if field in RATES and value is not None else value
        rows.append(row)
    return rows


def column_config(t: Translate) -> dict:
    """Rates as "99.1%" and days with two decimals; the numbers stay numbers, so the columns sort."""
    config = {t(f"metric_{rate}"): st.column_config.NumberColumn(format="%.1f%%") for rate in RATES}
    config[t("metric_avg_elapsed_workdays")] = st.column_config.NumberColumn(format="%.2f")
    return config


def figures_csv(items: list[dict]) -> bytes:
    """The table as CSV with the API's field names as the header, UTF-8 with a BOM (for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for item in items:
        writer.writerow(["" if item.get(field) is None else item.get(field) for field in FIELDS])
    return out.getvalue().encode("utf-8-sig")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
