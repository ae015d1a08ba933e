"""Page 诉求工单: the 12345 complaint queue — filtered by state, department, overdue and problem tickets
(问题工单), the overdue and problem ones highlighted, a CSV file — a complaint's details and the steps its
state allows the signed-in roles (直接答复, 转办, 退单, 答复, 审核, 回访, 并单, 督办, 核实), and the intake form
(受理) for the hotline."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.hotline import (CHANNELS, LEVELS, OPEN, STATES, TYPES, VERDICTS, channel_label, state_label, tree_index,
                        tree_label, tree_options, tree_rows, type_label, verdict_label)
from ui.session import (Translate, catalogue, client, current_translator, handle_api_error, notify, roles, send,
                        show_notice)
from ui.widgets import code_select, csv_bytes, fmt_time, labelled, now_shanghai, period_input, tiles

ACTIONS = ("answer", "dispatch", "object", "reply", "review", "callback", "merge", "escalate", "verify")
HOTLINE = {"hotline", "admin"}  # take, answer, dispatch, review, call back and merge complaints
ESCALATORS = {"hotline", "supervisor"}  # 督办
RECEIVERS = HOTLINE  # 受理: the intake form
# the one text an action needs (the others' notes are optional)
REQUIRED_TEXT = {"answer": "reply", "object": "reason", "reply": "reply", "merge": "into"}
TEXT_FIELDS = {"answer": "reply", "object": "reason", "reply": "reply", "merge": "into", "review": "note",
               "callback": "note", "escalate": "note", "verify": "note"}
# the fields of a complaint in the CSV file, as the API names them (what the citizen said is left out)
FIELDS = ("id", "reference", "type", "category", "area", "channel", "state", "department", "due_date",
          "remaining_workdays", "overdue", "escalation_level", "problem", "redo_count", "reopen_count",
          "objection_count", "dispatched_within_2h", "replied_on_time", "duplicates", "merged_into", "received_at")
OVERDUE_STYLE = "background-color: #fde0dc"
PROBLEM_STYLE = "background-color: #fff0c2"
TILE_STATES = ("received", "returned", "dispatched", "replied", "awaiting_callback")
LIMIT = 500  # the listing shows this many; `count` says how many match
DAYS_BACK = 30  # the period first shown: the last 30 days


# -- pure functions ------------------------------------------------------------------------------

def allowed_actions(complaint: dict, user_roles: set[str] | list[str]) -> list[str]:
    """The steps the complaint's state allows that these roles may take (the API checks them again, and
    that a department user's department holds the complaint)."""
    user_roles = set(user_roles)
    state, hotline = complaint.get("state"), bool(HOTLINE & user_roles)
    direct = complaint.get("answered_directly")  # None: not in this answer (a listing), so both are offered
    actions = []
    if hotline and state in ("received", "returned"):
        actions += ["answer", "dispatch"]
    if "department" in user_roles and state == "dispatched":
        actions += ["object", "reply"]
    if hotline and state == "replied" and direct is not True:
        actions.append("review")
    if hotline and (state == "awaiting_callback" or (state == "replied" and direct is not False)):
        actions.append("callback")
    if hotline and state in OPEN:
        actions.append("merge")
    if ESCALATORS & user_roles and state in OPEN and escalation_choices(complaint):
        actions.append("escalate")
    if ("supervisor" in user_roles and state in (*OPEN, "closed") and complaint.get("subject")
            and complaint.get("verified_at") is None and complaint.get("valid") is None):
        actions.append("verify")
    return actions


def escalation_choices(complaint: dict) -> list[int]:
    """The 督办 levels above the complaint's (the level only rises)."""
    current = complaint.get("escalation_level") or 0
    return [level for level in LEVELS if level > current]


def yes_no(t: Translate, value: bool | None) -> str:
    return "-" if value is None else t("yes") if value else t("no")


def flags(t: Translate, complaint: dict) -> str:
    """🔴 超期 · ⚠️ 问题工单 · ⏫ 督办 2 级: what needs looking at first."""
    marks = []
    if complaint.get("overdue"):
        marks.append(f"🔴 {t('cq_overdue')}")
    if complaint.get("problem"):
        marks.append(f"⚠️ {t('cq_problem')}")
    if complaint.get("escalation_level"):
        marks.append(f"⏫ {t('cq_escalated', level=complaint['escalation_level'])}")
    return " ".join(marks)


def row_style(complaint: dict) -> str:
    """The CSS of a complaint's row: overdue first (red), then a problem ticket (amber)."""
    if complaint.get("overdue"):
        return OVERDUE_STYLE
    if complaint.get("problem"):
        return PROBLEM_STYLE
    return ""


def complaint_rows(t: Translate, items: list[dict], categories: dict[str, dict], areas: dict[str, dict],
                   departments: dict[str, str]) -> list[dict]:
    """The queue with localised columns: codes in words, categories and areas by their names."""
    return [{
        t("col_reference"): c.get("reference") or c.get("id"),
        t("col_flags"): flags(t, c),
        t("col_cstate"): state_label(t, c.get("state")),
        t("col_ctype"): type_label(t, c.get("type")),
        t("col_category"): node_name(c.get("category"), categories),
        t("col_area"): node_name(c.get("area"), areas),
        t("col_cchannel"): channel_label(t, c.get("channel")),
        t("col_department"): labelled(c.get("department"), departments) if c.get("department") else "-",
        t("col_due_date"): c.get("due_date") or "-",
        t("col_remaining"): c.get("remaining_workdays"),
        t("col_escalation"): c.get("escalation_level") or 0,
        t("col_objections"): c.get("objection_count") or 0,
        t("col_redo"): c.get("redo_count") or 0,
        t("col_reopen"): c.get("reopen_count") or 0,
        t("col_within_2h"): yes_no(t, c.get("dispatched_within_2h")),
        t("col_replied_on_time"): yes_no(t, c.get("replied_on_time")),
        t("col_received_at"): fmt_time(c.get("received_at")),
    } for c in items]


def node_name(code: str | None, index: dict[str, dict]) -> str:
    """A category's or area's own name (the code when the catalogue does not know it)."""
    return str((index.get(code or "") or {}).get("name") or code or "-")


def styled_table(rows: list[dict], items: list[dict]):
    """The rows with the overdue and problem tickets highlighted."""
    frame = pd.DataFrame(rows)
    styles = [row_style(c) for c in items]
    return frame.style.format(precision=0, na_rep="-").apply(
        lambda df: pd.DataFrame([[css] * len(df.columns) for css in styles], index=df.index, columns=df.columns),
        axis=None)


def state_counts(items: list[dict]) -> dict[str, int]:
    counts = {state: sum(1 for c in items if c.get("state") == state) for state in STATES}
    counts["overdue"] = sum(1 for c in items if c.get("overdue"))
    counts["problem"] = sum(1 for c in items if c.get("problem"))
    return counts


def queue_counts(api: SunlightClient, listing: dict, filters: dict) -> dict[str, int]:
    """The tiles' counts: read off the page when it holds every complaint that matches, else asked of the API
    (one small question per tile, limit 1: only its count is read)."""
    items = listing.get("items") or []
    count = listing.get("count", len(items))
    if count <= len(items):
        return state_counts(items)
    counts = {}
    for state in TILE_STATES:
        if filters.get("state"):
            counts[state] = count if filters["state"] == state else 0
        else:
            counts[state] = api.complaints(limit=1, **{**filters, "state": state}).get("count", 0)
    for flag in ("overdue", "problem"):
        counts[flag] = count if filters.get(flag) else api.complaints(limit=1, **{**filters, flag: True}).get("count", 0)
    return counts


def complaints_csv(items: list[dict]) -> bytes:
    """The listing with the API's field names (the citizen's name, phone and words are left out)."""
    return csv_bytes(FIELDS, items)


def action_problem(action: str, values: dict) -> str | None:
    """What is missing from a step (a label key), or None."""
    if action == "dispatch" and not values.get("department"):
        return "department_required"
    field = REQUIRED_TEXT.get(action)
    if field and not str(values.get(field) or "").strip():
        return f"{field}_required"
    return None


def action_call(api: SunlightClient, complaint_id: str, action: str, values: dict):
    """The client's call of a step, with the values of its form (an empty note is left out)."""
    note = str(values.get("note") or "").strip() or None
    text = {field: str(values.get(field) or "").strip() for field in ("reply", "reason", "into")}
    calls = {
        "answer": lambda: api.answer_complaint(complaint_id, text["reply"]),
        "dispatch": lambda: api.dispatch_complaint(complaint_id, values["department"]),
        "object": lambda: api.object_complaint(complaint_id, text["reason"]),
        "reply": lambda: api.reply_complaint(complaint_id, text["reply"]),
        "review": lambda: api.review_complaint(complaint_id, bool(values["approved"]), note),
        "callback": lambda: api.call_back_complaint(complaint_id, values["verdict"], note),
        "merge": lambda: api.merge_complaint(complaint_id, text["into"]),
        "escalate": lambda: api.escalate_complaint(complaint_id, int(values["level"]), note),
        "verify": lambda: api.verify_complaint(complaint_id, bool(values["valid"]), note),
    }
    return calls[action]


def intake_problem(category: str | None, area: str | None, content: str) -> str | None:
    if not category:
        return "category_required"
    if not area:
        return "area_required"
    if not content.strip():
        return "content_required"
    return None


def intake_body(*, channel: str, type: str, category: str, area: str, content: str, name: str = "", phone: str = "",
                window: str | None = None, staff: str | None = None, department: str | None = None) -> dict:
    """The JSON of POST /complaints: the citizen's blank fields and an empty subject are left out."""
    body: dict = {"channel": channel, "type": type, "category": category, "area": area, "content": content.strip()}
    citizen = {field: value.strip() for field, value in (("name", name), ("phone", phone)) if value.strip()}
    if citizen:
        body["citizen"] = citizen
    subject = {field: value for field, value in (("window", window), ("staff", staff), ("department", department))
               if value}
    if subject:
        body["subject"] = subject
    return body


# -- the page ------------------------------------------------------------------------------------

def render() -> None:
    t = current_translator()
    st.header(t("complaints_title"))
    show_notice()
    try:
        departments = catalogue("departments")
    except ApiError as err:
        handle_api_error(err, t)
        return
    categories, areas = tree_rows("complaint-categories"), tree_rows("areas")  # codes are shown without them
    api = client()
    if RECEIVERS & roles():
        intake_form(t, api, categories, areas, departments)
    filters = queue_filters(t, departments)
    if filters is None:
        return
    try:
        listing = api.complaints(limit=LIMIT, **filters)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = listing.get("items") or []
    count = listing.get("count", len(items))
    try:
        counts = queue_counts(api, listing, filters)
    except ApiError as err:
        handle_api_error(err, t)
        return
    tiles([(t("cq_total"), count), *((state_label(t, s), counts[s]) for s in TILE_STATES),
           (f"🔴 {t('cq_overdue')}", counts["overdue"]), (f"⚠️ {t('cq_problem')}", counts["problem"])], per_row=4)
    if not items:
        st.info(t("no_complaints"))
        return
    category_index, area_index = tree_index(categories), tree_index(areas)
    department_names = {d["code"]: d.get("name", "") for d in departments}
    rows = complaint_rows(t, items, category_index, area_index, department_names)
    st.dataframe(styled_table(rows, items), hide_index=True, key="cq_table", on_select=pick_complaint(items),
                 selection_mode="single-row")
    st.caption(t("cq_legend") + " · " + (t("count_caption", count=count) if count <= len(items)
                                         else t("shown_of", shown=len(items), count=count)))
    st.download_button(t("download_csv"), data=complaints_csv(items), mime="text/csv", icon=":material/download:",
                       file_name=f"sunlight-complaints-{filters.get('start') or 'all'}-{filters.get('end') or 'all'}.csv",
                       key="cq_csv")
    references = {c.get("id"): c.get("reference") or c.get("id") for c in items}
    if st.session_state.get("cq_pick") not in references:
        st.session_state["cq_pick"] = next(iter(references))
    complaint_id = st.selectbox(t("complaint_pick"), list(references), key="cq_pick", help=t("pick_hint"),
                                format_func=lambda i: references.get(i) or i)
    show_complaint(t, api, complaint_id, category_index, area_index, department_names, departments)


def queue_filters(t: Translate, departments: list[dict]) -> dict | None:
    """The listing's filters as the client's arguments; None when the period is reversed."""
    today = now_shanghai().date()
    if "cq_from" not in st.session_state:
        st.session_state["cq_from"], st.session_state["cq_to"] = today - timedelta(days=DAYS_BACK), today
    with st.expander(t("filters"), expanded=True):
        col_state, col_dept, col_overdue, col_problem = st.columns(4, vertical_alignment="bottom")
        state = col_state.selectbox(t("col_cstate"), [None, *STATES], key="cq_state",
                                    format_func=lambda s: state_label(t, s) if s else t("any"))
        with col_dept:
            department = code_select(t, "department", departments, "cq_department")
        overdue = col_overdue.checkbox(t("overdue_only"), key="cq_f_overdue")
        problem = col_problem.checkbox(t("problem_only"), key="cq_f_problem")
        every_date = st.checkbox(t("every_date"), key="cq_every_date")
        start, end = (None, None) if every_date else period_input(t, "cq")
    if start and end and start > end:
        st.warning(t("period_reversed"))
        return None
    return {"start": start, "end": end, "state": state, "department": department,
            "overdue": True if overdue else None, "problem": True if problem else None}


def pick_complaint(items: list[dict]):
    def pick() -> None:  # a click on a row opens that complaint below
        rows = ((st.session_state.get("cq_table") or {}).get("selection") or {}).get("rows") or []
        if rows and rows[0] < len(items):
            st.session_state["cq_pick"] = items[rows[0]].get("id")
    return pick


def show_complaint(t: Translate, api: SunlightClient, complaint_id: str, categories: dict[str, dict],
                   areas: dict[str, dict], department_names: dict[str, str], departments: list[dict]) -> None:
    try:
        complaint = api.complaint(complaint_id)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.subheader(t("complaint_detail", reference=complaint.get("reference") or complaint_id))
    show_summary(t, complaint, categories, areas, department_names)
    st.page_link("views/complaint_trace.py", label=t("open_complaint_trace"), icon=":material/timeline:",
                 query_params={"complaint": complaint.get("id") or complaint_id})
    actions = allowed_actions(complaint, roles())
    if not actions:
        st.caption(t("no_complaint_actions"))
        return
    for tab, action in zip(st.tabs([t(f"caction_{a}") for a in actions]), actions):
        with tab:
            action_form(t, api, complaint, action, departments)


def show_summary(t: Translate, c: dict, categories: dict[str, dict], areas: dict[str, dict],
                 department_names: dict[str, str]) -> None:
    """The complaint's state and clock as tiles, where it is from and about, what was said and answered."""
    if c.get("overdue"):
        st.error(t("cq_overdue_since", due=c.get("due_date") or "-", days=-(c.get("remaining_workdays") or 0)),
                 icon=":material/alarm:")
    if c.get("problem"):
        st.warning(t("cq_problem_reason", reason=t(f"problem_{c.get('problem_reason')}")
                     if c.get("problem_reason") in ("sent_back", "departments") else c.get("problem_reason") or "-"),
                   icon=":material/report:")
    tiles([(t("col_cstate"), state_label(t, c.get("state"))),
           (t("col_ctype"), type_label(t, c.get("type"))),
           (t("col_department"), labelled(c.get("department"), department_names) if c.get("department") else "-"),
           (t("col_due_date"), c.get("due_date") or "-"),
           (t("col_remaining"), c.get("remaining_workdays")),
           (t("col_escalation"), c.get("escalation_level") or 0),
           (t("col_within_2h"), yes_no(t, c.get("dispatched_within_2h"))),
           (t("col_replied_on_time"), yes_no(t, c.get("replied_on_time")))], per_row=4)
    st.caption(" · ".join(f"{label}: {value}" for label, value in detail_fields(t, c, categories, areas) if value))
    if c.get("content"):
        st.info(t("complaint_content", content=c["content"]), icon=":material/chat:")
    if c.get("reply"):
        st.info(t("complaint_reply", reply=c["reply"], at=fmt_time(c.get("replied_at"))), icon=":material/reply:")


def detail_fields(t: Translate, c: dict, categories: dict[str, dict], areas: dict[str, dict]) -> list[tuple[str, str]]:
    subject = c.get("subject") or {}
    citizen = c.get("citizen") or {}
    return [
        (t("col_category"), tree_label(c.get("category"), categories) if c.get("category") else ""),
        (t("col_area"), tree_label(c.get("area"), areas) if c.get("area") else ""),
        (t("col_cchannel"), channel_label(t, c.get("channel")) if c.get("channel") else ""),
        (t("col_received_at"), fmt_time(c.get("received_at")) if c.get("received_at") else ""),
        (t("citizen"), " ".join(str(v) for v in (citizen.get("name"), citizen.get("phone")) if v)),
        (t("subject"), " ".join(f"{t(f'subject_{k}')} {v}" for k, v in subject.items() if v)),
        (t("col_objections"), str(c.get("objection_count") or "")),
        (t("col_redo"), str(c.get("redo_count") or "")),
        (t("col_reopen"), str(c.get("reopen_count") or "")),
        (t("verdicts"), t("list_separator").join(verdict_label(t, v) for v in c.get("verdicts") or [])),
        (t("merged_into"), c.get("merged_into") or ""),
        (t("duplicates"), str(len(c.get("duplicates") or [])) if c.get("duplicates") else ""),
    ]


def action_form(t: Translate, api: SunlightClient, complaint: dict, action: str, departments: list[dict]) -> None:
    """One step of the complaint's life; the API answers a step out of order with a 409 naming the state."""
    complaint_id = complaint.get("id")
    names = {d["code"]: d.get("name", "") for d in departments}
    with st.form(f"cq_form_{action}", clear_on_submit=True):
        values: dict = {}
        if action == "dispatch":
            values["department"] = st.selectbox(t("department"), list(names), index=None, key="cq_dispatch_department",
                                                placeholder=t("department_required"),
                                                format_func=lambda c: f"{c} · {names[c]}")
        elif action == "review":
            values["approved"] = st.radio(t("review_approved"), (True, False), horizontal=True, key="cq_review_approved",
                                          format_func=lambda a: t("review_pass") if a else t("review_redo"))
        elif action == "callback":
            values["verdict"] = st.radio(t("callback_verdict"), VERDICTS, horizontal=True, key="cq_callback_verdict",
                                         format_func=lambda v: verdict_label(t, v))
        elif action == "escalate":
            values["level"] = st.selectbox(t("escalation_level"), escalation_choices(complaint), key="cq_escalate_level",
                                           format_func=lambda n: t("cq_escalated", level=n))
        elif action == "verify":
            values["valid"] = st.radio(t("verify_valid"), (True, False), horizontal=True, key="cq_verify_valid",
                                       format_func=lambda v: t("valid_complaint") if v else t("invalid_complaint"))
        field = TEXT_FIELDS.get(action)  # a dispatch names its department only
        if field == "into":
            values[field] = st.text_input(t("field_into"), max_chars=64, key=f"cq_{action}_text",
                                          help=t("merge_into_help"))
        elif field:
            values[field] = st.text_area(t(f"field_{field}"), max_chars=4000 if field == "reply" else 1000,
                                         key=f"cq_{action}_text")
        submitted = st.form_submit_button(t(f"caction_{action}"), type="primary")
    if not submitted:
        return
    problem = action_problem(action, values)
    if problem:
        st.warning(t(problem))
        return
    send(t, action_call(api, complaint_id, action, values),
         t("complaint_action_done", action=t(f"caction_{action}"), reference=complaint.get("reference") or complaint_id))


def intake_form(t: Translate, api: SunlightClient, categories: list[dict], areas: list[dict],
                departments: list[dict]) -> None:
    """受理: a citizen's request from any channel, classified and placed, with whom it is against if anyone."""
    category_index, area_index = tree_index(categories), tree_index(areas)
    try:
        windows, staff = catalogue("windows"), catalogue("staff")
    except ApiError:
        windows, staff = [], []
    window_names = {w["code"]: w.get("name", "") for w in windows}
    staff_names = {s["code"]: s.get("name", "") for s in staff}
    department_names = {d["code"]: d.get("name", "") for d in departments}
    with st.expander(t("intake_title"), icon=":material/add_call:"):
        with st.form("cq_intake", clear_on_submit=True):
            col_channel, col_type = st.columns(2)
            channel = col_channel.selectbox(t("col_cchannel"), CHANNELS, key="cq_in_channel",
                                            format_func=lambda c: channel_label(t, c))
            kind = col_type.selectbox(t("col_ctype"), TYPES, key="cq_in_type", format_func=lambda k: type_label(t, k))
            col_category, col_area = st.columns(2)
            category = col_category.selectbox(t("col_category"), tree_options(categories), index=None,
                                              key="cq_in_category", placeholder=t("category_required"),
                                              format_func=lambda c: tree_label(c, category_index))
            area = col_area.selectbox(t("col_area"), tree_options(areas), index=None, key="cq_in_area",
                                      placeholder=t("area_required"), format_func=lambda c: tree_label(c, area_index))
            content = st.text_area(t("field_content"), max_chars=4000, key="cq_in_content")
            col_name, col_phone = st.columns(2)
            name = col_name.text_input(t("citizen_name"), max_chars=200, key="cq_in_name")
            phone = col_phone.text_input(t("citizen_phone"), max_chars=32, key="cq_in_phone")
            st.caption(t("subject_hint"))
            col_window, col_staff, col_dept = st.columns(3)
            window = col_window.selectbox(t("subject_window"), [None, *window_names], key="cq_in_window",
                                          format_func=lambda c: t("none") if c is None else f"{c} · {window_names[c]}")
            person = col_staff.selectbox(t("subject_staff"), [None, *staff_names], key="cq_in_staff",
                                         format_func=lambda c: t("none") if c is None else f"{c} · {staff_names[c]}")
            department = col_dept.selectbox(t("subject_department"), [None, *department_names], key="cq_in_department",
                                            format_func=lambda c: t("none") if c is None
                                            else f"{c} · {department_names[c]}")
            submitted = st.form_submit_button(t("intake_submit"), type="primary")
        if not submitted:
            return
        problem = intake_problem(category, area, content)
        if problem:
            st.warning(t(problem))
            return
        body = intake_body(channel=channel, type=kind, category=category, area=area, content=content, name=name,
                           phone=phone, window=window, staff=person, department=department)
        try:
            created = api.receive_complaint(**body)
        except ApiError as err:
            handle_api_error(err, t)
            return
        notify(t("intake_done", reference=created.get("reference") or created.get("id") or "-"))
        if created.get("id"):
            st.session_state["cq_pick"] = created["id"]
        st.rerun()


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
