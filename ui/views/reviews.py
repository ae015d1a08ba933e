"""Page 差评处置: the bad reviews (差评) of a period and where each stands — awaiting verification (待核实),
rectifying (整改中), under appeal (申诉中) … — late ones marked; a review's history, and the step its state
allows: verify (核实), rectify (整改), decide the appeal (supervisors), the return visit (回访)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.session import (Translate, catalogue, client, current_translator, handle_api_error, roles, send,
                        show_notice)
from ui.views.trace import coded, show_history
from ui.widgets import code_select, csv_bytes, fmt_time, now_shanghai, period_input, tiles

STATES = ("recorded", "awaiting_verification", "rectifying", "rectified", "explained", "appealed", "overturned")
WAITING = ("awaiting_verification", "rectifying")  # the states whose deadline the centre must meet
OUTCOMES = ("rectify_now", "rectify_by_deadline", "explain", "appeal")
CHANNELS = ("pad", "app", "sms", "web", "hotline")
RETURN_VISIT_STATES = ("rectifying", "rectified", "explained")
ACTIONS = ("verify", "rectify", "appeal_decision", "return_visit")
WORKERS = {"supervisor", "department", "admin"}
FIELDS = ("id", "case", "window", "staff", "staff_department", "rating", "bad", "channel", "state", "deadline",
          "verification_deadline", "rectification_deadline", "outcome", "given_at", "verified_at", "rectified_at",
          "return_rating")
LIMIT = 500  # the listing shows this many; `count` says how many match


def allowed_actions(review: dict, user_roles: set[str]) -> list[str]:
    """The steps the review's state allows that these roles may take (the API checks them again)."""
    state, worker = review.get("state"), bool(WORKERS & set(user_roles))
    actions = []
    if worker and state == "awaiting_verification":
        actions.append("verify")
    if worker and state == "rectifying":
        actions.append("rectify")
    if state == "appealed" and "supervisor" in user_roles:
        actions.append("appeal_decision")
    if worker and state in RETURN_VISIT_STATES and review.get("return_rating") is None:
        actions.append("return_visit")
    return actions


def is_late(review: dict, today: date) -> bool:
    """Waiting on the centre past its deadline (verification, then rectification)."""
    deadline = review.get("deadline")
    return review.get("state") in WAITING and bool(deadline) and date.fromisoformat(deadline) < today


def due_label(t: Translate, review: dict, today: date) -> str:
    if review.get("state") not in WAITING or not review.get("deadline"):
        return "-"
    return f"⚠️ {review['deadline']} {t('late')}" if is_late(review, today) else review["deadline"]


def review_rows(t: Translate, items: list[dict], today: date) -> list[dict]:
    return [{
        t("col_review"): r.get("id"), t("col_case_id"): r.get("case"), t("col_window"): r.get("window"),
        t("col_staff"): r.get("staff"), t("col_rating"): r.get("rating"),
        t("col_channel"): coded(t, "channel", r.get("channel"), CHANNELS),
        t("review_state"): coded(t, "rstate", r.get("state"), STATES), t("col_due"): due_label(t, r, today),
        t("col_outcome"): coded(t, "outcome", r.get("outcome"), OUTCOMES) if r.get("outcome") else "-",
        t("col_given_at"): fmt_time(r.get("given_at")),
        t("col_return_rating"): r.get("return_rating"),
    } for r in items]


def reviews_csv(items: list[dict]) -> bytes:
    """The listing with the API's field names (the citizen's comment is left out: it may name people)."""
    return csv_bytes(FIELDS, items)


def action_problem(note: str) -> str | None:
    return None if note.strip() else "note_required"


def render() -> None:
    t = current_translator()
    st.header(t("reviews_title"))
    show_notice()
    try:
        windows, staff = catalogue("windows"), catalogue("staff")
    except ApiError as err:
        handle_api_error(err, t)
        return
    with st.expander(t("filters"), expanded=True):
        col_bad, col_state, col_window, col_staff = st.columns(4, vertical_alignment="bottom")
        bad = col_bad.checkbox(t("bad_only"), value=True, key="rv_bad")
        state = col_state.selectbox(t("review_state"), [None, *STATES], key="rv_state",
                                    format_func=lambda s: coded(t, "rstate", s, STATES) if s else t("any"))
        with col_window:
            window = code_select(t, "window", windows, "rv_window")
        with col_staff:
            person = code_select(t, "col_staff", staff, "rv_staff")
        start, end = period_input(t, "rv")
    if start > end:
        st.warning(t("period_reversed"))
        return
    api = client()
    try:
        listing = api.reviews(start, end, bad=True if bad else None, state=state, window=window, staff=person,
                              limit=LIMIT)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items, today = listing.get("items") or [], now_shanghai().date()
    count = listing.get("count", len(items))
    tiles([(coded(t, "rstate", s, STATES), sum(1 for r in items if r.get("state") == s))
           for s in ("awaiting_verification", "rectifying", "appealed")]
          + [(t("late"), sum(1 for r in items if is_late(r, today)))], per_row=4)
    if not items:
        st.info(t("no_reviews"))
        return
    st.dataframe(review_rows(t, items, today), hide_index=True, key="rv_table", on_select=pick_review(items),
                 selection_mode="single-row")
    st.caption(t("count_caption", count=count) if count <= len(items)
               else t("shown_of", shown=len(items), count=count))
    st.download_button(t("download_csv"), data=reviews_csv(items), mime="text/csv", icon=":material/download:",
                       file_name=f"sunlight-reviews-{start}-{end}.csv", key="rv_csv")
    ids = [r.get("id") for r in items]
    if st.session_state.get("rv_pick") not in ids:
        st.session_state["rv_pick"] = ids[0]
    review_id = st.selectbox(t("review_pick"), ids, key="rv_pick", help=t("pick_hint"))
    show_review(t, api, review_id)


def pick_review(items: list[dict]):
    def pick() -> None:  # a click on a row opens that review below
        rows = ((st.session_state.get("rv_table") or {}).get("selection") or {}).get("rows") or []
        if rows and rows[0] < len(items):
            st.session_state["rv_pick"] = items[rows[0]].get("id")
    return pick


def show_review(t: Translate, api: SunlightClient, review_id: str) -> None:
    try:
        review = api.review(review_id)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.subheader(t("review_detail", id=review_id))
    tiles([(t("review_state"), coded(t, "rstate", review.get("state"), STATES)),
           (t("col_rating"), review.get("rating", "-")),
           (t("col_due"), due_label(t, review, now_shanghai().date())),
           (t("col_outcome"), coded(t, "outcome", review.get("outcome"), OUTCOMES) if review.get("outcome") else "-"),
           (t("col_return_rating"), review.get("return_rating") or "-")], per_row=5)
    st.caption(" · ".join(f"{t(label)}: {review.get(field) or '-'}" for label, field in (
        ("col_case_id", "case"), ("col_window", "window"), ("col_staff", "staff"), ("col_department", "staff_department"))))
    if review.get("comment"):
        st.info(t("review_comment", comment=review["comment"]), icon=":material/chat:")
    actions = allowed_actions(review, roles())
    if actions:
        for tab, action in zip(st.tabs([t(f"action_{a}") for a in actions]), actions):
            with tab:
                action_form(t, api, review_id, action)
    else:
        st.caption(t("no_actions"))
    show_history(t, review.get("history") or [])


def action_form(t: Translate, api: SunlightClient, review_id: str, action: str) -> None:
    """One step of the workflow; every step needs a note."""
    with st.form(f"rv_form_{action}", clear_on_submit=True):
        values: dict = {}
        if action == "verify":
            values["outcome"] = st.selectbox(t("col_outcome"), OUTCOMES, key="rv_outcome",
                                             format_func=lambda o: coded(t, "outcome", o, OUTCOMES))
        elif action == "appeal_decision":
            values["upheld"] = st.radio(t("appeal_upheld"), (False, True), horizontal=True,
                                        format_func=lambda u: t("yes") if u else t("no"))
        elif action == "return_visit":
            values["rating"] = st.number_input(t("return_rating"), min_value=1, max_value=5, value=5, step=1)
        note = st.text_area(t("note"), max_chars=500)
        submitted = st.form_submit_button(t(f"action_{action}"), type="primary")
    if not submitted:
        return
    problem = action_problem(note)
    if problem:
        st.warning(t(problem))
        return
    calls = {"verify": lambda: api.verify_review(review_id, values["outcome"], note.strip()),
             "rectify": lambda: api.rectify_review(review_id, note.strip()),
             "appeal_decision": lambda: api.decide_appeal(review_id, values["upheld"], note.strip()),
             "return_visit": lambda: api.return_visit(review_id, int(values["rating"]), note.strip())}
    send(t, calls[action], t("action_done", action=t(f"action_{action}"), id=review_id))


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
