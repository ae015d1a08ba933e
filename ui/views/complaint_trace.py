"""Page 工单追溯: one 12345 complaint as of a moment — its state, its reply clock, where it went (转办, 退单,
退回重办, 回访 …) — its events on a timeline and in a table with their keyed hashes, and whether the record
is intact."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import streamlit as st

from ui.client import ApiError
from ui.hotline import event_label, event_name, state_label, tree_index, tree_rows
from ui.session import Translate, client, current_translator, handle_api_error, names_of
from ui.views.complaints import detail_fields, yes_no
from ui.views.trace import show_history, show_verification
from ui.widgets import as_of_input, fmt_time, labelled, tiles

EVENT_COLOURS = {"Received": "#4c78a8", "Answered": "#54a24b", "Dispatched": "#72b7b2", "Objected": "#e45756",
                 "Replied": "#54a24b", "Reviewed": "#b279a2", "CalledBack": "#9d755d", "Merged": "#bab0ac",
                 "DuplicateMerged": "#bab0ac", "Escalated": "#f58518", "BecameProblem": "#d62728",
                 "Verified": "#eeca3b"}


def events_of(history: dict | list | None) -> list[dict]:
    """The events of a history answer, in version order: `{events: [...]}` (or `items`, `history`, a bare list)."""
    if isinstance(history, list):
        events = history
    elif isinstance(history, dict):
        events = next((history[k] for k in ("events", "items", "history") if isinstance(history.get(k), list)), [])
    else:
        events = []
    events = [e for e in events if isinstance(e, dict)]
    return sorted(events, key=lambda e: (e.get("version") is None, e.get("version") or 0))


def actor_of(event: dict) -> str:
    actor = event.get("actor")
    if isinstance(actor, dict):
        return f"{actor.get('user', '?')} ({actor.get('role', '?')})"
    return str(actor or "-")


def timeline_rows(t: Translate, events: list[dict], as_of: datetime | None = None) -> list[dict]:
    """A point per event: when it happened (Beijing), what it was in words, who recorded it, and whether it
    came after the moment asked about (the state above does not include it then)."""
    cutoff = as_of.isoformat(sep=" ", timespec="seconds") if as_of else None
    rows = []
    for e in events:
        occurred = fmt_time(e.get("occurred_at") or e.get("at"))
        if occurred == "-":
            continue  # nothing to place on a time axis
        kind = e.get("type") or e.get("event")
        rows.append({"version": e.get("version"), "at": occurred.replace(" ", "T"), "time": occurred,
                     "event": event_label(t, kind), "name": event_name(kind), "actor": actor_of(e),
                     "recorded": fmt_time(e.get("recorded_at")),
                     "after": bool(cutoff and occurred > cutoff)})
    return rows


def timeline_chart(t: Translate, rows: list[dict]) -> alt.LayerChart:
    """The events on a time axis, one lane per kind of event in the order they first happened."""
    lanes = list(dict.fromkeys(r["event"] for r in rows))
    colours = {r["event"]: EVENT_COLOURS.get(r["name"], "#888888") for r in rows}
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("at:T", title=t("col_occurred_at"), axis=alt.Axis(format="%m-%d %H:%M", labelAngle=0)),
        y=alt.Y("event:N", title=None, sort=lanes, axis=alt.Axis(labelLimit=200)),
        tooltip=[alt.Tooltip("version:Q", title=t("col_version")), alt.Tooltip("event:N", title=t("col_type")),
                 alt.Tooltip("time:N", title=t("col_occurred_at")), alt.Tooltip("recorded:N", title=t("col_recorded_at")),
                 alt.Tooltip("actor:N", title=t("col_actor"))],
    )
    path = base.mark_line(color="#bbbbbb", strokeDash=[2, 2]).encode(order=alt.Order("version:Q"))
    points = base.mark_point(filled=True, size=140).encode(
        color=alt.Color("event:N", legend=None, scale=alt.Scale(domain=lanes, range=[colours[e] for e in lanes])),
        opacity=alt.condition("datum.after", alt.value(0.3), alt.value(1.0)))
    labels = base.mark_text(dy=-12, fontSize=11).encode(text="version:Q")
    return alt.layer(path, points, labels).properties(height=alt.Step(36))


def render() -> None:
    t = current_translator()
    st.header(t("complaint_trace_title"))
    linked = st.query_params.pop("complaint", None)  # a link from the queue names the complaint
    if linked:
        st.session_state["ct_id"] = linked
    complaint_id = st.text_input(t("complaint_id"), key="ct_id", help=t("complaint_id_help")).strip()
    as_of = as_of_input(t, "ct_asof")
    if not complaint_id:
        st.info(t("complaint_trace_enter_id"))
        return
    api = client()
    try:
        state = api.complaint(complaint_id, as_of=as_of.isoformat(timespec="seconds"))
        history = api.complaint_history(complaint_id)
    except ApiError as err:
        handle_api_error(err, t)
        return
    events = events_of(history)
    show_state(t, state, as_of)
    show_verification(t, api, state.get("id") or complaint_id, stream="complaint")
    rows = timeline_rows(t, events, as_of)
    if rows:
        st.subheader(t("timeline_title"))
        st.altair_chart(timeline_chart(t, rows), width="stretch")
        if any(r["after"] for r in rows):
            st.caption(t("timeline_after_hint"))
    show_history(t, [history_entry(t, e) for e in events])


def history_entry(t: Translate, event: dict) -> dict:
    """An event as the history table reads it: its kind in words beside its name, the actor as {user, role}."""
    kind = event.get("type") or event.get("event")
    label = event_label(t, kind)
    actor = event.get("actor")
    return {**event, "type": label if label == (kind or "-") else f"{label} {kind}",
            "occurred_at": event.get("occurred_at") or event.get("at"),
            "actor": actor if isinstance(actor, dict) else {"user": actor or "?", "role": "?"}}


def show_state(t: Translate, c: dict, as_of: datetime) -> None:
    departments = names_of("departments")
    st.subheader(t("complaint_state_as_of", reference=c.get("reference") or c.get("id") or "-",
                   as_of=as_of.isoformat(sep=" ", timespec="minutes")))
    if c.get("overdue"):
        st.error(t("cq_overdue_since", due=c.get("due_date") or "-", days=-(c.get("remaining_workdays") or 0)),
                 icon=":material/alarm:")
    tiles([(t("col_cstate"), state_label(t, c.get("state"))),
           (t("col_department"), labelled(c.get("department"), departments) if c.get("department") else "-"),
           (t("col_due_date"), c.get("due_date") or "-"),
           (t("col_remaining"), c.get("remaining_workdays")),
           (t("col_escalation"), c.get("escalation_level") or 0),
           (t("cq_problem"), yes_no(t, c.get("problem"))),
           (t("col_within_2h"), yes_no(t, c.get("dispatched_within_2h"))),
           (t("col_replied_on_time"), yes_no(t, c.get("replied_on_time"))),
           (t("version"), c.get("version", "-"))], per_row=3)
    fields = detail_fields(t, c, tree_index(tree_rows("complaint-categories")), tree_index(tree_rows("areas")))
    st.caption(" · ".join(f"{label}: {value}" for label, value in fields if value))
    route = [labelled(d, departments) for d in c.get("departments") or []]
    if route:
        st.caption(t("departments_route", route=" → ".join(route)))
    if c.get("valid") is not None:
        st.info(t("verified_valid" if c["valid"] else "verified_invalid", at=fmt_time(c.get("verified_at"))),
                icon=":material/fact_check:")
    if c.get("content"):
        st.info(t("complaint_content", content=c["content"]), icon=":material/chat:")
    if c.get("reply"):
        st.info(t("complaint_reply", reply=c["reply"], at=fmt_time(c.get("replied_at"))), icon=":material/reply:")
    with st.expander(t("raw_state")):
        st.json(c)


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
