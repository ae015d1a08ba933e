"""Page 超期预警: the open cases that are yellow or red as of a moment."""

from __future__ import annotations

import altair as alt
import streamlit as st

from ui.client import ApiError
from ui.session import Translate, catalogue, client, current_translator, handle_api_error
from ui.widgets import LEVEL_COLOURS, LEVEL_ICONS, as_of_input, code_select, fmt_time, level_label, tiles


PAGE = 1000  # the most urgent first; the API says how many there are in all


def level_counts(result: dict, level: str | None, filters: dict) -> dict[str, int]:
    """Red and yellow counts: read off the page when it holds every warning, else asked of the API."""
    items = result.get("items", [])
    if result.get("count", len(items)) <= len(items):
        return {lv: sum(1 for item in items if item.get("warning") == lv) for lv in ("red", "yellow")}
    if level is not None:
        return {lv: result["count"] if lv == level else 0 for lv in ("red", "yellow")}
    return {lv: client().warnings(level=lv, limit=1, **filters)["count"] for lv in ("red", "yellow")}


def render() -> None:
    t = current_translator()
    st.header(t("warnings_title"))
    try:
        halls, departments, windows = (catalogue(kind) for kind in ("halls", "departments", "windows"))
    except ApiError as err:
        handle_api_error(err, t)
        return

    with st.expander(t("filters"), expanded=True):
        col_level, col_hall, col_dept, col_window = st.columns(4)
        with col_level:
            level = st.selectbox(t("level"), [None, "yellow", "red"], key="f_level",
                                 placeholder=t("level_all"), format_func=lambda lv: t(f"level_{lv or 'all'}"))
        with col_hall:
            hall = code_select(t, "hall", halls, "f_hall")
        with col_dept:
            department = code_select(t, "department", departments, "f_department")
        narrowed = [w for w in windows
                    if (hall is None or w.get("hall") == hall)
                    and (department is None or w.get("department") == department)]
        with col_window:
            window = code_select(t, "window", narrowed, "f_window")
        as_of = as_of_input(t, "w_asof")

    filters = {"as_of": as_of.isoformat(timespec="seconds"), "hall": hall, "department": department,
               "window": window}
    try:
        result = client().warnings(level=level, limit=PAGE, **filters)
        counts = level_counts(result, level, filters)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = result.get("items", [])
    st.caption(t("as_of_caption", as_of=fmt_time(result.get("as_of") or as_of.isoformat())))

    tiles([(f"{LEVEL_ICONS['red']} {t('red_count')}", counts["red"]),
           (f"{LEVEL_ICONS['yellow']} {t('yellow_count')}", counts["yellow"]),
           (t("total_count"), result.get("count", len(items)))], per_row=3)
    if result.get("count", 0) > len(items):
        st.caption(t("warnings_page", shown=len(items), count=result["count"]))

    if not items:
        st.info(t("no_warnings"))
        return
    st.subheader(t("chart_title"))
    st.altair_chart(warnings_chart(t, items), width="stretch")
    st.dataframe(warnings_table(t, items), hide_index=True)


def warnings_chart(t: Translate, items: list[dict]) -> alt.Chart:
    rows = [{"window": i.get("window") or "-", "level": level_label(t, i.get("warning")),
             "order": 0 if i.get("warning") == "red" else 1} for i in items]
    labels = [level_label(t, "red"), level_label(t, "yellow")]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("window:N", title=t("window"), sort="-y", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count():Q", title=t("count"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("level:N", title=t("level"),
                            scale=alt.Scale(domain=labels,
                                            range=[LEVEL_COLOURS["red"], LEVEL_COLOURS["yellow"]])),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("window:N", title=t("window")),
                     alt.Tooltip("level:N", title=t("level")),
                     alt.Tooltip("count():Q", title=t("count"))],
        )
        .properties(height=320)
    )


def warnings_table(t: Translate, items: list[dict]) -> list[dict]:
    """Rows with localised column names: red first, then the least time left."""
    ordered = sorted(items, key=lambda i: (i.get("warning") != "red",
                                           i.get("remaining_workdays") if i.get("remaining_workdays") is not None else 0,
                                           i.get("accepted_at") or ""))
    return [{
        t("col_case_id"): i.get("case_id"),
        t("col_item"): i.get("item_name") or i.get("item"),
        t("col_window"): i.get("window"),
        t("col_staff"): i.get("staff_name") or i.get("staff"),
        t("col_accepted_at"): fmt_time(i.get("accepted_at")),
        # a suspended case has no deadline while its clock is stopped: say so rather than "-"
        t("col_deadline"): i.get("deadline") or (t("state_suspended") if i.get("state") == "suspended" else "-"),
        t("col_elapsed"): i.get("elapsed_workdays"),
        t("col_remaining"): i.get("remaining_workdays"),
        t("col_warning"): f"{LEVEL_ICONS.get(i.get('warning'), '')} {level_label(t, i.get('warning'))}",
    } for i in ordered]


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
