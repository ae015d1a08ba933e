"""Page 热点分析: the categories or areas the citizens call about most in a period, at a level of the tree,
each counted per day, week or month on a line chart, beside the stretch of the same length before it
(↑/↓ and the change in percent), with CSV files of the table and of the series."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.client import ApiError
from ui.session import Translate, client, current_translator, handle_api_error
from ui.views.complaint_kpis import level_picker
from ui.widgets import csv_bytes, period_input

GROUPINGS = ("category", "area")
PERIODS = ("day", "week", "month")
TOP_DEFAULT, TOP_MAX = 10, 50
FIELDS = ("key", "name", "count", "previous_count", "change")
RISING, FALLING = "color: #d62728", "color: #2ca02c"  # more complaints is the bad direction
TIME_FORMATS = {"day": "%m-%d", "week": "%m-%d", "month": "%Y-%m"}


def spot_labels(items: list[dict]) -> dict[str, str]:
    """key -> the name shown; a name that repeats (两个区都有“其他”) gets its code."""
    names = [str(i.get("name") or i.get("key") or "-") for i in items]
    repeated = {n for n in names if names.count(n) > 1}
    return {str(i.get("key")): f"{n} ({i.get('key')})" if n in repeated else n for i, n in zip(items, names)}


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def change_of(item: dict) -> tuple[int | None, float | None]:
    """(count − previous_count, that as a fraction of previous_count): from the two counts when the answer
    has both (the fraction is None when the stretch before had none), else from `change` (an integer is a
    difference, a fraction a ratio)."""
    count, previous = item.get("count"), item.get("previous_count")
    if is_number(count) and is_number(previous):
        delta = count - previous
        return delta, (delta / previous if previous else None)
    change = item.get("change")
    if isinstance(change, int) and not isinstance(change, bool):
        return change, None
    if isinstance(change, float):
        return None, change
    return None, None


def direction(item: dict) -> str | None:
    delta, ratio = change_of(item)
    value = delta if delta is not None else ratio
    if value is None:
        return None
    return "up" if value > 0 else "down" if value < 0 else "same"


def change_label(t: Translate, item: dict) -> str:
    """'↑12 (+25.0%)', '↓3 (-10.0%)', '↑5（新增）' when there were none before, '持平', or '-'."""
    delta, ratio = change_of(item)
    way = direction(item)
    if way is None:
        return "-"
    if way == "same":
        return t("change_same")
    arrow = "↑" if way == "up" else "↓"
    if delta is None:
        return f"{arrow}{abs(ratio) * 100:.1f}%"
    if ratio is not None:
        return f"{arrow}{abs(delta)} ({ratio * 100:+.1f}%)"
    return f"{arrow}{abs(delta)} ({t('change_new')})" if item.get("previous_count") == 0 else f"{arrow}{abs(delta)}"


def hotspot_rows(t: Translate, items: list[dict], by: str) -> list[dict]:
    labels = spot_labels(items)
    return [{t("col_rank"): n, t(f"kpi_by_{by}"): i.get("key"), t("col_name"): labels[str(i.get("key"))],
             t("col_count"): i.get("count"), t("col_previous_count"): i.get("previous_count"),
             t("col_change"): change_label(t, i)} for n, i in enumerate(items, start=1)]


def styled_rows(t: Translate, items: list[dict], by: str):
    """The table with a rise in red and a fall in green."""
    rows = hotspot_rows(t, items, by)
    colours = [RISING if direction(i) == "up" else FALLING if direction(i) == "down" else "" for i in items]
    frame = pd.DataFrame(rows)
    column = t("col_change")
    return frame.style.apply(lambda col: colours if col.name == column else [""] * len(col), axis=0)


def series_rows(items: list[dict]) -> list[dict]:
    """A point per key and period: {who, key, start, count}, in the order of the items."""
    labels = spot_labels(items)
    return [{"who": labels[str(i.get("key"))], "key": i.get("key"), "start": point.get("start"),
             "count": point.get("count") or 0}
            for i in items for point in i.get("series") or [] if point.get("start")]


def series_chart(t: Translate, items: list[dict], period: str) -> alt.LayerChart:
    """A line per key over the periods; the legend in the order of the counts."""
    rows = series_rows(items)
    order = list(spot_labels(items).values())
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("start:T", title=t(f"period_{period}"), axis=alt.Axis(format=TIME_FORMATS[period], labelAngle=0)),
        y=alt.Y("count:Q", title=t("col_count"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("who:N", title=t("col_name"), sort=order, legend=alt.Legend(labelLimit=240)),
        tooltip=[alt.Tooltip("who:N", title=t("col_name")), alt.Tooltip("start:T", title=t(f"period_{period}")),
                 alt.Tooltip("count:Q", title=t("col_count"))])
    return alt.layer(base.mark_line(), base.mark_point(filled=True)).properties(height=380)


def hotspots_csv(items: list[dict]) -> bytes:
    return csv_bytes(FIELDS, items)


def series_csv(items: list[dict]) -> bytes:
    """One row per key and period, with the API's field names."""
    rows = [{"key": i.get("key"), "name": i.get("name"), "start": p.get("start"), "count": p.get("count")}
            for i in items for p in i.get("series") or []]
    return csv_bytes(("key", "name", "start", "count"), rows)


def render() -> None:
    t = current_translator()
    st.header(t("hotspots_title"))
    col_by, col_level, col_period, col_top = st.columns([2, 1, 2, 1], vertical_alignment="bottom")
    by = col_by.radio(t("group_by"), GROUPINGS, key="hs_by", horizontal=True, format_func=lambda g: t(f"kpi_group_{g}"))
    with col_level:
        level = level_picker(t, by, "hs_level")
    period = col_period.radio(t("hotspot_period"), PERIODS, key="hs_period", horizontal=True, index=1,
                              format_func=lambda p: t(f"period_{p}"))
    top = col_top.number_input(t("hotspot_top"), min_value=1, max_value=TOP_MAX, value=TOP_DEFAULT, step=1,
                               key="hs_top")
    start, end = period_input(t, "hs")
    if start > end:
        st.warning(t("period_reversed"))
        return
    try:
        body = client().complaint_hotspots(start, end, by, level=level, period=period, top=int(top))
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = body.get("items") or []
    st.caption(t("hotspot_caption", start=start, end=end, days=(end - start).days + 1))
    if not items:
        st.info(t("no_hotspots"))
        return
    if series_rows(items):
        st.subheader(t("hotspot_chart_title"))
        st.altair_chart(series_chart(t, items, period), width="stretch")
    st.subheader(t("hotspot_table_title"))
    st.dataframe(styled_rows(t, items, by), hide_index=True)
    col_csv, col_series = st.columns(2)
    name = f"sunlight-hotspots-{start}-{end}-by-{by}" + (f"-level{level}" if level else "")
    col_csv.download_button(t("download_csv"), data=hotspots_csv(items), mime="text/csv", key="hs_csv",
                            file_name=f"{name}.csv", icon=":material/download:")
    col_series.download_button(t("download_series_csv"), data=series_csv(items), mime="text/csv", key="hs_series_csv",
                               file_name=f"{name}-{period}.csv", icon=":material/download:")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
