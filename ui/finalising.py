"""Finalising a month (定稿) and amending a finalised score (更正), for supervisors and admins: the form
under the window scores and the staff assessments."""

from __future__ import annotations

import streamlit as st

from ui.client import SunlightClient
from ui.session import Translate, roles, send

WRITERS = {"supervisor", "admin"}  # may finalise a month and amend it
MAX_AMENDMENT_POINTS = 110  # an amendment moves a score by at most the whole scale (the API's bound)


def amendment_problem(points: int, reason: str) -> str | None:
    """What is missing from an amendment (a label key), or None."""
    if not points:
        return "points_required"
    if not reason.strip():
        return "reason_required"
    return None


def show_finalise_and_amend(t: Translate, api: SunlightClient, month: str, body: dict, subject: str, prefix: str) -> None:
    """Supervisors and admins: finalise the month (once it is over), record an amendment with its reason."""
    if not WRITERS & roles():
        return
    items = body.get("items") or []
    with st.expander(t("finalise_title"), icon=":material/gavel:"):
        if not body.get("finalised"):
            confirmed = st.checkbox(t("finalise_confirm", month=month), key=f"{prefix}_confirm")
            if st.button(t("finalise"), key=f"{prefix}_finalise", disabled=not confirmed, type="primary"):
                send(t, lambda: api.finalise(month), t("finalised_ok", month=month))
        if not body.get("finalised"):  # an amendment corrects a finalised month
            st.caption(t("amend_after_finalising"))
            return
        if not items:
            return
        names = {i.get(subject): i.get("name") or "" for i in items}
        with st.form(f"{prefix}_amend", clear_on_submit=True):
            st.markdown(f"**{t('amend_title')}**")
            code = st.selectbox(t(f"col_{subject}"), list(names), format_func=lambda c: f"{c} · {names[c]}")
            points = st.number_input(t("amend_points"), min_value=-MAX_AMENDMENT_POINTS,
                                     max_value=MAX_AMENDMENT_POINTS, value=0, step=1)
            reason = st.text_input(t("amend_reason"), max_chars=500)
            submitted = st.form_submit_button(t("amend_submit"))
        if submitted:
            problem = amendment_problem(int(points), reason)
            if problem:
                st.warning(t(problem))
            else:
                send(t, lambda: api.amend(month, subject=subject, code=code, points=int(points), reason=reason.strip()),
                     t("amended_ok", code=code, points=int(points)))

