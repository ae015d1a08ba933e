"""Sunlight console (Streamlit): overdue warnings and case trace, over the HTTP API.

Run: streamlit run ui/app.py   (API base URL from SUNLIGHT_API_URL)
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import altair as alt
import streamlit as st

try:
    from ui.client import ApiError, SunlightClient
    from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
except ImportError:  # `streamlit run ui/app.py` puts ui/ (not the repo root) on sys.path
    sys.path.append(str(Path(__file__).resolve().parent.parent))
    from ui.client import ApiError, SunlightClient
    from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator

API_URL = os.environ.get("SUNLIGHT_API_URL", "http://127.0.0.1:8000")
SHANGHAI = timezone(timedelta(hours=8))  # naive times in the API are Asia/Shanghai (no DST)
LEVEL_COLOURS = {"red": "#d62728", "yellow": "#f2c744"}
LEVEL_ICONS = {"red": "🔴", "yellow": "🟡"}
CASE_STATES = ("submitted", "accepted", "refused", "suspended", "concluded")
# keyed widgets whose option labels depend on the language (see relabel_widgets)
LABELLED_WIDGETS = ("page", "f_level", "f_hall", "f_department", "f_window")


# -- session -----------------------------------------------------------------------------------

def now_shanghai() -> datetime:
    return datetime.now(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)


def client() -> SunlightClient:
    return SunlightClient(API_URL, token=st.session_state.get("token"))


def log_out() -> None:
    for key in ("token", "username", "roles"):
        st.session_state.pop(key, None)
    load_catalogue.clear()


def handle_api_error(err: ApiError, t) -> None:
    """Show an API failure; an authentication failure ends the session and asks to log in."""
    if err.status == 401:
        log_out()
        st.session_state["flash"] = t("session_expired")
        st.rerun()
    elif err.status == 0:
        st.error(t("api_unreachable", message=err.message))
    else:
        st.error(t("api_error", status=err.status, message=err.message))


@st.cache_data(ttl=300, show_spinner=False)
def load_catalogue(base_url: str, token: str, kind: str) -> list[dict]:
    with SunlightClient(base_url, token=token) as api:
        return api.catalogue(kind)


# -- sidebar -----------------------------------------------------------------------------------

def relabel_widgets() -> None:
    """After a language switch, re-send the keyed choices so the browser shows them in the new
    language (otherwise it keeps the old label, and the page radio shows nothing selected)."""
    for key in LABELLED_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar() -> tuple[callable, str | None]:
    """Language, login/logout and page choice; returns the translator and the page key."""
    with st.sidebar:
        lang = st.selectbox("语言 / Language", list(LANGUAGES), key="lang",
                            index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                            format_func=LANGUAGES.get, on_change=relabel_widgets)
        t = translator(lang)
        st.title(t("app_title"))
        if st.session_state.get("token"):
            st.caption(t("logged_in_as", user=st.session_state.get("username", "?"),
                         roles=", ".join(st.session_state.get("roles", [])) or "-"))
            st.button(t("logout"), on_click=log_out)
            page = st.radio(t("page"), ["warnings", "trace"], key="page",
                            format_func=lambda p: t(f"page_{p}"))
        else:
            login_form(t)
            page = None
        st.caption(t("api_url", url=API_URL))
    return t, page


def login_form(t) -> None:
    st.subheader(t("login_title"))
    with st.form("login"):
        username = st.text_input(t("username"))
        password = st.text_input(t("password"), type="password")
        submitted = st.form_submit_button(t("login"))
    if not submitted:
        return
    if not username or not password:
        st.warning(t("login_missing"))
        return
    try:
        with SunlightClient(API_URL) as api:
            body = api.login(username, password)
    except ApiError as err:
        if err.status == 401:
            st.error(t("login_failed"))
        elif err.status == 0:
            st.error(t("api_unreachable", message=err.message))
        else:
            st.error(t("api_error", status=err.status, message=err.message))
        return
    st.session_state["token"] = body["access_token"]
    st.session_state["username"] = body.get("username", username)
    st.session_state["roles"] = list(body.get("roles", []))
    st.rerun()


# -- shared widgets ----------------------------------------------------------------------------

def as_of_input(t, prefix: str) -> datetime:
    """A date + time input (defaulting to now, Shanghai time) with a "now" button."""
    date_key, time_key = f"{prefix}_date", f"{prefix}_time"

    def reset() -> None:
        now = now_shanghai()
        st.session_state[date_key], st.session_state[time_key] = now.date(), now.time()

    if date_key not in st.session_state:
        reset()
    col_date, col_time, col_now = st.columns([3, 3, 1], vertical_alignment="bottom")
    day: date = col_date.date_input(t("as_of_date"), key=date_key)
    moment: time = col_time.time_input(t("as_of_time"), key=time_key, step=60)
    col_now.button(t("now"), key=f"{prefix}_now", on_click=reset)
    return datetime.combine(day, moment)


def code_select(t, label_key: str, rows: list[dict], key: str) -> str | None:
    """A selectbox over catalogue codes ("code · name"), None meaning all."""
    names = {row["code"]: row.get("name", "") for row in rows}
    options = [None, *names]
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    return st.selectbox(t(label_key), options, key=key, placeholder=t("any"),
                        format_func=lambda c: t("any") if c is None else f"{c} · {names[c]}")


def level_label(t, level: str | None) -> str:
    return t(f"level_{level}") if level in LEVEL_COLOURS else t("normal")


# -- page: overdue warnings --------------------------------------------------------------------

def warnings_page(t) -> None:
    st.header(t("warnings_title"))
    token = st.session_state["token"]
    try:
        halls = load_catalogue(API_URL, token, "halls")
        departments = load_catalogue(API_URL, token, "departments")
        windows = load_catalogue(API_URL, token, "windows")
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

    try:
        result = client().warnings(as_of=as_of.isoformat(timespec="seconds"), level=level,
                                   hall=hall, department=department, window=window)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = result.get("items", [])
    st.caption(t("as_of_caption", as_of=fmt_time(result.get("as_of") or as_of.isoformat())))

    red = sum(1 for i in items if i.get("warning") == "red")
    yellow = sum(1 for i in items if i.get("warning") == "yellow")
    col_red, col_yellow, col_total = st.columns(3)
    col_red.metric(f"{LEVEL_ICONS['red']} {t('red_count')}", red, border=True)
    col_yellow.metric(f"{LEVEL_ICONS['yellow']} {t('yellow_count')}", yellow, border=True)
    col_total.metric(t("total_count"), len(items), border=True)

    if not items:
        st.info(t("no_warnings"))
        return
    st.subheader(t("chart_title"))
    st.altair_chart(warnings_chart(t, items), width="stretch")
    st.dataframe(warnings_table(t, items), hide_index=True)


def warnings_chart(t, items: list[dict]) -> alt.Chart:
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


def warnings_table(t, items: list[dict]) -> list[dict]:
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


def fmt_time(value: str | None) -> str:
    """ISO time as 'YYYY-MM-DD HH:MM:SS' in Shanghai time (the API mixes +08:00 and UTC)."""
    if not isinstance(value, str):
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value.replace("T", " ")
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")


# -- page: case trace --------------------------------------------------------------------------

def trace_page(t) -> None:
    st.header(t("trace_title"))
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
    show_state(t, state, as_of)
    show_verification(t, api, case_id)
    show_history(t, history.get("events", []))


AUDITING_ROLES = {"auditor", "supervisor", "admin"}


def show_verification(t, api, case_id: str) -> None:
    """Whether the record is intact: every keyed hash, every link, and the head held apart."""
    if not AUDITING_ROLES & set(st.session_state.get("roles") or []):
        return
    try:
        verdict = api.verify("case", case_id)
    except ApiError as err:
        st.warning(t("verify_failed", detail=err.message))
        return
    if verdict.get("valid"):
        st.success(t("verify_intact", n=verdict.get("events", 0)), icon="✅")
    else:
        st.error(t("verify_broken", version=verdict.get("first_broken_version"), reason=verdict.get("reason", "")),
                 icon="❌")


def show_state(t, state: dict, as_of: datetime) -> None:
    st.subheader(t("state_as_of", as_of=as_of.isoformat(sep=" ", timespec="minutes")))
    on_time = state.get("on_time")
    code = state.get("state")
    rows = [[
        (t("state"), t(f"state_{code}") if code in CASE_STATES else code or "-"),
        (t("warning"), f"{LEVEL_ICONS.get(state.get('warning'), '🟢')} {level_label(t, state.get('warning'))}"),
        (t("deadline"), state.get("deadline") or t("none")),
    ], [
        (t("elapsed"), state.get("elapsed_workdays", "-")),
        (t("remaining"), state.get("remaining_workdays", "-")),
        (t("on_time"), "-" if on_time is None else t("yes") if on_time else t("no")),
        (t("version"), state.get("version", "-")),
    ]]
    for tiles in rows:  # two rows: seven tiles in one row cut dates and labels off
        for col, (label, value) in zip(st.columns(len(tiles)), tiles):
            col.metric(label, "-" if value is None else value)
    fields = [(t("col_item"), state.get("item_name") or state.get("item")),
              (t("col_window"), state.get("window")), (t("col_staff"), state.get("staff"))]
    details = " · ".join(f"{label}: {value}" for label, value in fields if value)
    if details:
        st.caption(details)
    with st.expander(t("raw_state")):
        st.json(state)


def show_history(t, events: list[dict]) -> None:
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


def short_hash(value: str | None, n: int = 12) -> str:
    if not value:
        return "-"
    return value if len(value) <= n else value[:n] + "…"


# -- main --------------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title="Sunlight", page_icon="☀️", layout="wide")
    t, page = sidebar()
    flash = st.session_state.pop("flash", None)
    if flash:
        st.error(flash)
    if page is None:
        st.title(t("app_title"))
        st.info(t("please_login"))
    elif page == "trace":
        trace_page(t)
    else:
        warnings_page(t)


if __name__ == "__main__":  # streamlit runs the script as __main__; importing it renders nothing
    main()
