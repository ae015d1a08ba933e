"""Sunlight console (Streamlit), over the HTTP API: the entry point, one file per page in views/.

Run: streamlit run ui/app.py   (API base URL from SUNLIGHT_API_URL)

The page files are in views/, not pages/: a pages/ folder beside the entry point switches Streamlit to
its older multipage mode, which runs a page's file without this one (no sidebar, no login) when a
session starts on that page's address.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

try:
    from ui.client import ApiError, SunlightClient
    from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
    from ui.session import Translate, api_url, log_out, may_open
except ImportError:  # `streamlit run ui/app.py` puts ui/ (not the repo root) on sys.path
    sys.path.append(str(Path(__file__).resolve().parent.parent))
    from ui.client import ApiError, SunlightClient
    from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
    from ui.session import Translate, api_url, log_out, may_open

# files under views/, the first is the home page; the menu's sections: cases, scores and supervision, 12345
CASE_PAGES = ("warnings", "figures", "findings", "trace")
ASSESSMENT_PAGES = ("scores", "assessments", "reviews", "supervision", "what_if")
HOTLINE_PAGES = ("complaints", "complaint_trace", "complaint_kpis", "hotspots", "complaint_map")
PAGES = CASE_PAGES + ASSESSMENT_PAGES + HOTLINE_PAGES
# Material icons ship with Streamlit; emoji depend on the fonts of the desk's computer
PAGE_ICONS = {"warnings": ":material/alarm:", "figures": ":material/bar_chart:", "findings": ":material/policy:",
              "trace": ":material/timeline:", "scores": ":material/leaderboard:",
              "assessments": ":material/badge:", "reviews": ":material/thumb_down:",
              "supervision": ":material/fact_check:", "what_if": ":material/tune:",
              "complaints": ":material/support_agent:", "complaint_trace": ":material/manage_search:",
              "complaint_kpis": ":material/monitoring:", "hotspots": ":material/local_fire_department:",
              "complaint_map": ":material/map:"}
# keyed widgets whose option labels depend on the language (see relabel_widgets)
LABELLED_WIDGETS = ("f_level", "f_hall", "f_department", "f_window", "m_month", "m_by",
                    "fd_kind", "fd_window", "fd_department", "sc_month", "as_month", "rv_state", "rv_window",
                    "rv_staff", "rv_outcome", "sv_month", "sv_inspection_staff", "sv_inspection_choice",
                    "sv_commendation_staff", "sv_commendation_choice", "sv_card_staff", "sv_card_choice", "wi_month",
                    "cq_state", "cq_department", "cq_in_channel", "cq_in_type", "cq_in_window", "cq_in_staff",
                    "cq_in_department", "cq_review_approved", "cq_callback_verdict", "cq_escalate_level",
                    "cq_verify_valid", "ck_by", "ck_level", "hs_by", "hs_level", "hs_period", "mp_level")


def relabel_widgets() -> None:
    """After a language switch, re-send the keyed choices so the browser shows them in the new
    language (otherwise it keeps the old label)."""
    for key in LABELLED_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar() -> Translate:
    """Language, and who is signed in (or the login form); returns the translator."""
    with st.sidebar:
        lang = st.selectbox("语言 / Language", list(LANGUAGES), key="lang",
                            index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                            format_func=LANGUAGES.get, on_change=relabel_widgets)
        t = translator(lang)
        if st.session_state.get("token"):
            st.caption(t("logged_in_as", user=st.session_state.get("username", "?"),
                         roles=", ".join(st.session_state.get("roles", [])) or "-"))
            st.button(t("logout"), on_click=log_out)
        else:
            login_form(t)
        st.caption(t("api_url", url=api_url()))
    return t


def login_form(t: Translate) -> None:
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
        with SunlightClient(api_url()) as api:
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


def please_log_in() -> None:
    t = translator(st.session_state.get("lang", DEFAULT_LANGUAGE))
    st.title(t("app_title"))
    st.info(t("please_login"))


def navigation(t: Translate):
    """The pages of a signed-in user; before login, only the prompt (and no menu)."""
    if not st.session_state.get("token"):
        return st.navigation([st.Page(please_log_in, title=t("login_title"), default=True)],
                             position="hidden")
    here = Path(__file__).resolve().parent
    user_roles = st.session_state.get("roles") or []

    def pages(names: tuple[str, ...]) -> list:
        return [st.Page(here / "views" / f"{name}.py", title=t(f"page_{name}"), icon=PAGE_ICONS[name],
                        url_path=name, default=name == PAGES[0]) for name in names if may_open(name, user_roles)]

    sections = {t("app_title"): pages(CASE_PAGES), t("section_assessment"): pages(ASSESSMENT_PAGES),
                t("section_hotline"): pages(HOTLINE_PAGES)}
    return st.navigation({title: section for title, section in sections.items() if section})


def main() -> None:
    st.set_page_config(page_title="Sunlight", page_icon="☀️", layout="wide")
    t = sidebar()
    page = navigation(t)
    flash = st.session_state.pop("flash", None)
    if flash:
        st.error(flash)
    page.run()


if __name__ == "__main__":  # streamlit runs the script as __main__; importing it renders nothing
    main()
