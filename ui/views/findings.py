"""Page 监察发现: the supervision findings of a period (超期, 录入不及时, 补不过半, 容缺材料逾期未补),
counted per kind and listed page by page. Supervisors, auditors and admins only (the API decides)."""

from __future__ import annotations

from datetime import date
from math import ceil

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.session import Translate, catalogue, client, current_translator, handle_api_error
from ui.widgets import code_select, labelled, period_input, tiles

KINDS = ("overdue", "late_entry", "late_supplement_request", "materials_overdue", "review_unverified",
         "rectification_overdue", "talk_required")
PAGE_SIZE = 50
PAGE_KEY = "fd_page"


def first_page() -> None:
    """A changed filter starts the listing again from its first page."""
    st.session_state.pop(PAGE_KEY, None)


def render() -> None:
    t = current_translator()
    st.header(t("findings_title"))
    try:
        departments, windows = catalogue("departments"), catalogue("windows")
    except ApiError as err:
        handle_api_error(err, t)
        return
    with st.expander(t("filters"), expanded=True):
        col_kind, col_dept, col_window = st.columns(3)
        with col_kind:
            kind = st.selectbox(t("finding_kind"), [None, *KINDS], key="fd_kind", on_change=first_page,
                                format_func=lambda k: t(f"kind_{k}") if k else t("any"))
        with col_dept:
            department = code_select(t, "department", departments, "fd_department", on_change=first_page)
        with col_window:
            narrowed = [w for w in windows if department is None or w.get("department") == department]
            window = code_select(t, "window", narrowed, "fd_window", on_change=first_page)
        start, end = period_input(t, "fd", on_change=first_page)
    if start > end:
        st.warning(t("period_reversed"))
        return
    try:
        show_findings(t, client(), start, end, kind, {"window": window, "department": department},
                      {row["code"]: row.get("name", "") for row in departments})
    except ApiError as err:
        if err.status == 403:
            st.warning(t("findings_forbidden"), icon=":material/lock:")
        else:
            handle_api_error(err, t)


def show_findings(t: Translate, api: SunlightClient, start: date, end: date, kind: str | None,
                  filters: dict, departments: dict[str, str]) -> None:
    # one small question per kind for the tiles (limit 1: only its count is read)
    counts = {k: api.findings(start, end, kind=k, limit=1, **filters).get("count", 0) for k in KINDS}
    tiles([*((t(f"kind_{k}"), counts[k]) for k in KINDS), (t("findings_total"), sum(counts.values()))], per_row=4)
    page = st.session_state.get(PAGE_KEY, 1)
    listing = api.findings(start, end, kind=kind, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
    count, items = listing.get("count", 0), listing.get("items") or []
    if not count:
        st.info(t("no_findings"))
        return
    pages = max(1, ceil(count / PAGE_SIZE))
    if page > pages:  # fewer findings than when that page was chosen
        first_page()
        st.rerun()
    st.dataframe([{
        t("finding_kind"): t(f"kind_{i.get('kind')}") if i.get("kind") in KINDS else i.get("kind"),
        t("col_case_id"): i.get("case_id"),
        t("col_date"): i.get("date"),
        t("col_window"): i.get("window"),
        t("col_department"): labelled(i.get("department"), departments),
        t("col_staff"): i.get("staff"),
        t("col_detail"): i.get("detail"),
    } for i in items], hide_index=True)
    if pages > 1:
        col_page, col_caption = st.columns([1, 4], vertical_alignment="bottom")
        col_page.number_input(t("page_number"), min_value=1, max_value=pages, step=1, key=PAGE_KEY)
        col_caption.caption(t("page_caption", page=page, pages=pages, count=count))
    else:
        st.caption(t("count_caption", count=count))


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
