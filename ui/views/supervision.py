"""Page 巡查·表扬·黄红牌: record an on-site inspection finding (现场巡查: 空岗, 串岗, 仪容不整 …), a
commendation (表扬信, 锦旗) or a card (黄牌, 红牌) against a window and, if named, a member of its staff;
below each form, what was recorded in the month, with a CSV file."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.scoreboard import CARD_COLOURS, COMMENDATION_KINDS, INSPECTION_KINDS, rule_label
from ui.session import Translate, catalogue, client, current_translator, handle_api_error, roles, send, show_notice
from ui.widgets import csv_bytes, fmt_time, month_select

# per kind of entry: the field of its choice and its choices, its text field and whether that is required,
# the roles that may record one, and the client's method for recording and for listing
ENTRIES = {
    "inspection": {"choice": "kind", "choices": INSPECTION_KINDS, "text": "note", "required": False,
                   "roles": {"supervisor", "admin"}},
    "commendation": {"choice": "kind", "choices": COMMENDATION_KINDS, "text": "note", "required": False,
                     "roles": {"supervisor", "admin"}},
    "card": {"choice": "colour", "choices": CARD_COLOURS, "text": "reason", "required": True,
             "roles": {"supervisor"}},
}
CHOICE_LABELS = {"inspection": "inspection_kind", "commendation": "commendation_kind", "card": "card_colour"}
LIMIT = 500  # the listing shows this many of the month; `count` says how many there are


def choice_label(t: Translate, entry: str, choice: str | None) -> str:
    """空岗, 锦旗, 黄牌 …: the same words as the score's lines."""
    return rule_label(t, f"{entry}.{choice}") if choice else "-"


def may_record(entry: str, user_roles: set[str]) -> bool:
    return bool(ENTRIES[entry]["roles"] & set(user_roles))


def entry_problem(entry: str, window: str | None, text: str) -> str | None:
    """What is missing from an entry (a label key), or None."""
    if not window:
        return "window_required"
    if ENTRIES[entry]["required"] and not text.strip():
        return "reason_required"
    return None


def entry_body(entry: str, window: str, staff: str | None, choice: str, text: str) -> dict:
    """The JSON of POST /inspections, /commendations or /cards (no staff, no empty note)."""
    spec = ENTRIES[entry]
    body = {"window": window, spec["choice"]: choice}
    if staff:
        body["staff"] = staff
    if text.strip() or spec["required"]:
        body[spec["text"]] = text.strip()
    return body


def normalised(entry: str, item: dict) -> dict:
    """A listed record with its choice and text under their own names (a listing may give every kind of
    record as `kind` and `note`)."""
    spec = ENTRIES[entry]
    return {**item, spec["choice"]: item.get(spec["choice"]) or item.get("kind"),
            spec["text"]: item.get(spec["text"]) or item.get("note")}


def entry_rows(t: Translate, entry: str, items: list[dict]) -> list[dict]:
    spec = ENTRIES[entry]
    items = [normalised(entry, i) for i in items]
    return [{t("col_occurred_at"): fmt_time(i.get("occurred_at")), t("col_window"): i.get("window"),
             t("col_staff"): i.get("staff") or "-", t(CHOICE_LABELS[entry]): choice_label(t, entry, i.get(spec["choice"])),
             t(f"entry_{spec['text']}"): i.get(spec["text"]) or "", t("col_id"): i.get("id")} for i in items]


def entries_csv(entry: str, items: list[dict]) -> bytes:
    spec = ENTRIES[entry]
    return csv_bytes(("id", "occurred_at", "window", "staff", spec["choice"], spec["text"]),
                     [normalised(entry, i) for i in items])


def record(api: SunlightClient, entry: str, body: dict) -> dict:
    if entry == "inspection":
        return api.inspect(body["window"], body["kind"], staff=body.get("staff"), note=body.get("note"))
    if entry == "commendation":
        return api.commend(body["window"], body["kind"], staff=body.get("staff"), note=body.get("note"))
    return api.issue_card(body["window"], body["colour"], body["reason"], staff=body.get("staff"))


def listing(api: SunlightClient, entry: str, start: date, end: date) -> dict:
    method = {"inspection": api.inspections, "commendation": api.commendations, "card": api.cards}[entry]
    return method(start, end, limit=LIMIT)


def render() -> None:
    t = current_translator()
    st.header(t("supervision_title"))
    show_notice()
    try:
        windows, staff = catalogue("windows"), catalogue("staff")
    except ApiError as err:
        handle_api_error(err, t)
        return
    start, end = month_select(t, "sv_month")
    api = client()
    for tab, entry in zip(st.tabs([t(f"entry_{e}") for e in ENTRIES]), ENTRIES):
        with tab:
            if may_record(entry, roles()):
                entry_form(t, api, entry, windows, staff)
            else:
                st.caption(t("cards_supervisor_only"))
            show_listing(t, api, entry, start, end)


def entry_form(t: Translate, api: SunlightClient, entry: str, windows: list[dict], staff: list[dict]) -> None:
    spec = ENTRIES[entry]
    window_names = {w["code"]: w.get("name", "") for w in windows}
    staff_names = {s["code"]: s.get("name", "") for s in staff}
    with st.form(f"sv_form_{entry}", clear_on_submit=True):
        col_window, col_staff, col_choice = st.columns(3)
        window = col_window.selectbox(t("window"), list(window_names), index=None, key=f"sv_{entry}_window",
                                      placeholder=t("window_required"),
                                      format_func=lambda c: f"{c} · {window_names[c]}")
        person = col_staff.selectbox(t("col_staff"), [None, *staff_names], key=f"sv_{entry}_staff",
                                     format_func=lambda c: t("no_staff") if c is None else f"{c} · {staff_names[c]}")
        choice = col_choice.selectbox(t(CHOICE_LABELS[entry]), spec["choices"], key=f"sv_{entry}_choice",
                                      format_func=lambda c: choice_label(t, entry, c))
        text = st.text_input(t(f"entry_{spec['text']}"), max_chars=500, key=f"sv_{entry}_text")
        submitted = st.form_submit_button(t("entry_submit"), type="primary")
    if not submitted:
        return
    problem = entry_problem(entry, window, text)
    if problem:
        st.warning(t(problem))
        return
    body = entry_body(entry, window, person, choice, text)
    send(t, lambda: record(api, entry, body),
         t("entry_recorded", what=choice_label(t, entry, choice), window=window))


def show_listing(t: Translate, api: SunlightClient, entry: str, start: date, end: date) -> None:
    st.subheader(t("entries_of_month"))
    try:
        body = listing(api, entry, start, end)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = body.get("items") or []
    if not items:
        st.info(t("no_entries"))
        return
    st.dataframe(entry_rows(t, entry, items), hide_index=True)
    count = body.get("count", len(items))
    st.caption(t("count_caption", count=count) if count <= len(items) else t("shown_of", shown=len(items), count=count))
    st.download_button(t("download_csv"), data=entries_csv(entry, items), mime="text/csv", icon=":material/download:",
                       file_name=f"sunlight-{entry}s-{start:%Y-%m}.csv", key=f"sv_{entry}_csv")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
