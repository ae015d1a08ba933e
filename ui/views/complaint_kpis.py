"""Page 热线指标: the 12345 hotline's figures of a period (2 小时派单率, 按时答复率, 重办率, 回访满意率 …) per
department, category, area, request type or channel — tiles for the whole, bars, a table and a CSV file;
categories and areas at the level chosen (a level's figures include everything below it)."""

from __future__ import annotations

from datetime import date

import altair as alt
import streamlit as st

from ui.client import ApiError
from ui.hotline import (CHANNELS, KPI_FIELDS, KPI_GROUPINGS, KPI_RATES, TREES, TYPES, channel_label,
                        grouping_key_label, level_label, tree_levels, tree_rows, type_label)
from ui.session import Translate, client, current_translator, handle_api_error
from ui.widgets import csv_bytes, percent, period_input, tiles

TILES = ("received", "dispatched", "dispatch_rate_2h", "replied", "on_time_reply_rate", "redo", "redo_rate",
         "callbacks", "satisfaction_rate", "unsatisfied", "merged", "problem")
COUNT_CHART = "received"  # the first chart: how many complaints each group received
HOTLINE_KEY = "hotline"  # by department: the complaints never dispatched
MAX_ROWS_SHOWN = 40


def kpi_label(t: Translate, item: dict, by: str) -> str:
    """A group in words: a type or channel by its label, the hotline's own by name, else 'code name'."""
    key, name = str(item.get("key") or ""), str(item.get("name") or "")
    if by == "type" and key in TYPES:
        return type_label(t, key)
    if by == "channel" and key in CHANNELS:
        return channel_label(t, key)
    if by == "department" and key == HOTLINE_KEY and name in ("", HOTLINE_KEY):
        return t("kpi_hotline")
    if not name or name == key:
        return key or "-"
    return name if key in name else f"{key} {name}"


def kpi_figure(field: str, value) -> object:
    """A figure of the total as its tile shows it."""
    return percent(value) if field in KPI_RATES else value


def chart_rows(t: Translate, items: list[dict], by: str, field: str) -> tuple[list[dict], list[str]]:
    """The bars of one figure (a rate in percent) and the groups left out because it is null (nothing to
    divide), which are named, not drawn as 0."""
    rows, missing = [], []
    for item in items:
        value = item.get(field)
        if value is None:
            missing.append(kpi_label(t, item, by))
        elif field in KPI_RATES:
            rows.append({"group": kpi_label(t, item, by), "value": round(value * 100, 2), "text": percent(value)})
        else:
            rows.append({"group": kpi_label(t, item, by), "value": value, "text": str(value)})
    return rows, missing


def kpi_chart(t: Translate, rows: list[dict], field: str, total_value: float | None) -> alt.LayerChart:
    """Horizontal bars, highest first; a rate's bars on 0–100% with the whole as a dashed line."""
    title = t(f"kpi_{field}")
    rate = field in KPI_RATES
    x = alt.X("value:Q", title=f"{title} (%)" if rate else title,
              scale=alt.Scale(domain=[0, 100]) if rate else alt.Undefined)
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("group:N", title=None, sort="-x", axis=alt.Axis(labelLimit=240)), x=x,
        tooltip=[alt.Tooltip("group:N", title=t("col_name")), alt.Tooltip("text:N", title=title)])
    layers = [base.mark_bar(color="#4c78a8"), base.mark_text(align="left", dx=4).encode(text="text:N")]
    if rate and total_value is not None:
        rule = alt.Chart(alt.Data(values=[{"value": total_value * 100, "label": t("kpi_total")}]))
        layers.append(rule.mark_rule(color="#d62728", strokeDash=[4, 3]).encode(x="value:Q", tooltip="label:N"))
    return alt.layer(*layers).properties(height=alt.Step(26))


def kpi_table(t: Translate, items: list[dict], by: str) -> list[dict]:
    """The table: localised columns, rates in percent (formatted by column_config), null rates left empty."""
    rows = []
    for item in items:
        row = {grouping_key_label(t, by): item.get("key"), t("col_name"): kpi_label(t, item, by)}
        for field in KPI_FIELDS:
            value = item.get(field)
            row[t(f"kpi_{field}")] = round(value * 100, 2) if field in KPI_RATES and value is not None else value
        rows.append(row)
    return rows


def column_config(t: Translate) -> dict:
    return {t(f"kpi_{rate}"): st.column_config.NumberColumn(format="%.1f%%") for rate in KPI_RATES}


def kpi_csv(items: list[dict]) -> bytes:
    """The groups with the API's field names, UTF-8 with a BOM (for Excel)."""
    return csv_bytes(("key", "name", *KPI_FIELDS), items)


def level_picker(t: Translate, by: str, key: str) -> int | None:
    """For categories and areas, the level of the tree to group at (1 at the top); None for the others."""
    if by not in TREES:
        return None
    levels = tree_levels(tree_rows(TREES[by]))
    if st.session_state.get(key) not in levels:
        st.session_state[key] = levels[0]
    return st.selectbox(t("tree_level_pick"), levels, key=key, format_func=lambda n: level_label(t, n))


def render() -> None:
    t = current_translator()
    st.header(t("complaint_kpis_title"))
    col_by, col_level = st.columns([3, 1], vertical_alignment="bottom")
    by = col_by.radio(t("group_by"), KPI_GROUPINGS, key="ck_by", horizontal=True,
                      format_func=lambda g: t(f"kpi_group_{g}"))
    with col_level:
        level = level_picker(t, by, "ck_level")
    start, end = period_input(t, "ck")
    if start > end:
        st.warning(t("period_reversed"))
        return
    try:
        body = client().complaint_kpis(start, end, by, level)
    except ApiError as err:
        handle_api_error(err, t)
        return
    show_kpis(t, body, by, start, end, level)


def show_kpis(t: Translate, body: dict, by: str, start: date, end: date, level: int | None) -> None:
    st.caption(t("period_caption", start=body.get("from", start), end=body.get("to", end)))
    total = body.get("total") or {}
    tiles([(t(f"kpi_{field}"), kpi_figure(field, total.get(field))) for field in TILES], per_row=4)
    items = body.get("items") or []
    if not items:
        st.info(t("no_kpis"))
        return
    st.subheader(t("kpi_charts_title"))
    fields = (COUNT_CHART, *KPI_RATES)
    for tab, field in zip(st.tabs([t(f"kpi_{f}") for f in fields]), fields):
        with tab:
            rows, missing = chart_rows(t, items, by, field)
            if rows:
                st.altair_chart(kpi_chart(t, rows, field, total.get(field)), width="stretch")
                if field in KPI_RATES and total.get(field) is not None:
                    st.caption(t("kpi_total_line", rate=percent(total[field])))
            if missing:
                st.caption(t("rate_missing", groups=t("list_separator").join(missing)))
    st.subheader(t("figures_table_title"))
    st.dataframe(kpi_table(t, items, by), hide_index=True, column_config=column_config(t), placeholder="—",
                 height=35 * (min(len(items), MAX_ROWS_SHOWN) + 1) + 3)
    suffix = f"-level{level}" if level else ""
    st.download_button(t("download_csv"), data=kpi_csv(items), mime="text/csv", icon=":material/download:",
                       file_name=f"sunlight-complaint-kpis-{start}-{end}-by-{by}{suffix}.csv", key="ck_csv")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
