"""Page 办件追溯: one case as of a moment — its state, who held it, who an overdue case is charged
to — the record of its events, and whether that record is intact."""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.session import AUDITING_ROLES, Translate, client, current_translator, handle_api_error, names_of, roles
from ui.widgets import LEVEL_ICONS, as_of_input, fmt_time, labelled, level_label, short_hash, tiles

CASE_STATES = ("submitted", "accepted", "refused", "suspended", "concluded", "delivered", "withdrawn")
STAGES = ("acceptance", "review", "approval", "decision")
DELIVERY_METHODS = ("pickup", "mail")


def render() -> None:
    t = current_translator()
    st.header(t("trace_title"))
    linked = st.query_params.pop("case", None)  # a link from another page (a score's lines) names the case
    if linked:
        st.session_state["trace_case_id"] = linked
    case_id = st.text_input(t("case_id"), key="trace_case_id").strip()
    as_of = as_of_input(t, "t_asof")
    if not case_id:
        st.info(t("trace_enter_id"))
        return
    api = client()
    try:
        state = api.case(case_id, as_of=as_of.isoformat(timespec="seconds"))
        history = api.history(case_id)
    except ApiError as err:
        handle_api_error(err, t)
        return
    events = history.get("events", [])
    show_state(t, state, as_of)
    show_handling(t, state, extensions_until(events, as_of), names_of("departments"))
    show_verification(t, api, case_id)
    show_history(t, events)


def coded(t: Translate, prefix: str, code: str | None, known: tuple[str, ...]) -> str:
    """A code of a closed set in words (state, stage, delivery method); anything else as it is."""
    return t(f"{prefix}_{code}") if code in known else code or "-"


def extensions_until(events: list[dict], as_of: datetime) -> list[dict]:
    """The CaseExtended events that had happened by `as_of` (the state's extended_days adds them up)."""
    cutoff = as_of.isoformat(sep=" ", timespec="seconds")
    return [e for e in events if e.get("type") == "CaseExtended" and fmt_time(e.get("occurred_at")) <= cutoff]


def show_state(t: Translate, state: dict, as_of: datetime) -> None:
    st.subheader(t("state_as_of", as_of=as_of.isoformat(sep=" ", timespec="minutes")))
    on_time = state.get("on_time")
    tiles([
        (t("state"), coded(t, "state", state.get("state"), CASE_STATES)),
        (t("stage"), coded(t, "stage", state.get("stage"), STAGES) if state.get("stage") else t("none")),
        (t("handler"), state.get("handler") or t("none")),
        (t("warning"), f"{LEVEL_ICONS.get(state.get('warning'), '🟢')} {level_label(t, state.get('warning'))}"),
        (t("deadline"), state.get("deadline") or t("none")),
        (t("elapsed"), state.get("elapsed_workdays", "-")),
        (t("remaining"), state.get("remaining_workdays", "-")),
        (t("on_time"), "-" if on_time is None else t("yes") if on_time else t("no")),
        (t("extended_days"), state.get("extended_days") or 0),
        (t("suspended_workdays"), state.get("suspended_workdays") or 0),
        (t("version"), state.get("version", "-")),
    ], per_row=4)  # more to a row cut dates and labels off
    fields = [(t("col_item"), state.get("item_name") or state.get("item")),
              (t("col_window"), state.get("window")), (t("col_staff"), state.get("staff"))]
    details = " · ".join(f"{label}: {value}" for label, value in fields if value)
    if details:
        st.caption(details)


def show_handling(t: Translate, state: dict, extensions: list[dict], departments: dict[str, str]) -> None:
    """Who is to blame for an overdue case, what is still missing, how the case ended, who held it."""
    charged = state.get("charged_to")
    if charged:
        st.error(t("charged_to", stage=coded(t, "stage", charged.get("stage"), STAGES), staff=charged.get("staff"),
                   department=labelled(charged.get("department"), departments)), icon=":material/gavel:")
    if state.get("pending_materials"):
        materials = t("list_separator").join(state["pending_materials"])
        st.warning(t("pending_materials", materials=materials), icon=":material/attach_file:")
    if state.get("extended_days"):
        lines = [t("extension", at=fmt_time(e.get("occurred_at"))[:10], days=(e.get("payload") or {}).get("days", "?"),
                   reason=(e.get("payload") or {}).get("reason") or "-") for e in extensions]
        st.info("  \n".join([t("extended", days=state["extended_days"]), *lines]), icon=":material/more_time:")
    if state.get("delivery_method"):
        method = coded(t, "delivery", state["delivery_method"], DELIVERY_METHODS)
        st.info(t("delivered", method=method, at=fmt_time(state.get("delivered_at"))), icon=":material/local_shipping:")
    if state.get("withdrawal_reason"):
        st.info(t("withdrawn", reason=state["withdrawal_reason"], at=fmt_time(state.get("withdrawn_at"))), icon=":material/undo:")
    holders = state.get("holders") or []
    if holders:
        st.subheader(t("holders_title"))
        st.dataframe([{
            t("col_stage"): coded(t, "stage", h.get("stage"), STAGES),
            t("col_staff"): h.get("staff"),
            t("col_department"): labelled(h.get("department"), departments),
            t("col_from"): h.get("from") or "-",
            t("col_to"): h.get("to") or t("until_now"),
            t("col_workdays"): h.get("workdays"),
        } for h in holders], hide_index=True)
    with st.expander(t("raw_state")):
        st.json(state)


def show_verification(t: Translate, api: SunlightClient, aggregate_id: str, stream: str = "case") -> None:
    """Whether the record is intact: every keyed hash, every link, and the head held apart (for the
    auditing roles)."""
    if not AUDITING_ROLES & roles():
        return
    try:
        verdict = api.verify(stream, aggregate_id)
    except ApiError as err:
        st.warning(t("verify_failed", detail=err.message))
        return
    if verdict.get("valid"):
        st.success(t("verify_intact", n=verdict.get("events", 0)), icon=":material/verified:")
    else:
        st.error(t("verify_broken", version=verdict.get("first_broken_version"), reason=verdict.get("reason", "")),
                 icon=":material/gpp_bad:")


def show_history(t: Translate, events: list[dict]) -> None:
    st.subheader(t("history_title", n=len(events)))
    rows = []
    for e in events:
        actor = e.get("actor") or {}
        rows.append({
            t("col_version"): e.get("version"),
            t("col_type"): e.get("type"),
            t("col_occurred_at"): fmt_time(e.get("occurred_at")),
            t("col_recorded_at"): fmt_time(e.get("recorded_at")),
            t("col_actor"): f"{actor.get('user', '?')} ({actor.get('role', '?')})",
            t("col_hash"): short_hash(e.get("hash")),
            t("col_previous_hash"): short_hash(e.get("previous_hash")),
            t("col_payload"): json.dumps(e.get("payload") or {}, ensure_ascii=False, sort_keys=True),
        })
    st.dataframe(rows, hide_index=True)


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
