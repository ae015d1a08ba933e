"""What every page of the console shares: the API, the signed-in user, the language, errors."""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.i18n import DEFAULT_LANGUAGE, translator

Translate = Callable[..., str]
AUDITING_ROLES = {"auditor", "supervisor", "admin"}
# the pages open to some roles only (a page not named here is open to every signed-in user)
PAGE_ROLES: dict[str, frozenset[str]] = {
    "scores": frozenset({"supervisor", "auditor", "admin", "department"}),
    "assessments": frozenset({"supervisor", "auditor", "admin", "department"}),
    "reviews": frozenset({"supervisor", "department", "admin"}),
    "supervision": frozenset({"supervisor", "admin"}),
    "what_if": frozenset({"supervisor", "admin"}),
    # 12345 hotline (issue 8)
    "complaints": frozenset({"hotline", "department", "supervisor", "admin"}),
    "complaint_trace": frozenset({"hotline", "department", "supervisor", "admin", "auditor"}),
    "complaint_kpis": frozenset({"supervisor", "auditor", "admin", "hotline", "department"}),
    "hotspots": frozenset({"supervisor", "auditor", "admin", "hotline", "department"}),
    "complaint_map": frozenset({"supervisor", "auditor", "admin", "hotline", "department"}),
}
NOTICE_KEY = "notice"


def may_open(page: str, user_roles: set[str] | list[str] | tuple[str, ...]) -> bool:
    """Whether a user with these roles sees the page in the menu (the API still decides every answer)."""
    allowed = PAGE_ROLES.get(page)
    return allowed is None or bool(allowed & set(user_roles))


def api_url() -> str:
    # read on every run, not at import: the pages' modules live as long as the process
    return os.environ.get("SUNLIGHT_API_URL", "http://127.0.0.1:8000")


def current_translator() -> Translate:
    return translator(st.session_state.get("lang", DEFAULT_LANGUAGE))


def client() -> SunlightClient:
    return SunlightClient(api_url(), token=st.session_state.get("token"))


def roles() -> set[str]:
    return set(st.session_state.get("roles") or [])


def log_out() -> None:
    for key in ("token", "username", "roles"):
        st.session_state.pop(key, None)
    load_catalogue.clear()


def handle_api_error(err: ApiError, t: Translate) -> None:
    """Show an API failure; an authentication failure ends the session and asks to log in."""
    if err.status == 401:
        log_out()
        st.session_state["flash"] = t("session_expired")
        st.rerun()
    elif err.status == 0:
        st.error(t("api_unreachable", message=err.message))
    else:
        st.error(t("api_error", status=err.status, message=err.message))


def notify(message: str) -> None:
    """A success to show once, on the next run (a write is followed by st.rerun, to read it back)."""
    st.session_state[NOTICE_KEY] = message


def send(t: Translate, call: Callable[[], object], done: str) -> None:
    """Send a command: on success read the page again and say `done` there; on failure show why."""
    try:
        call()
    except ApiError as err:
        handle_api_error(err, t)
        return
    notify(done)
    st.rerun()


def show_notice() -> None:
    message = st.session_state.pop(NOTICE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


@st.cache_data(ttl=300, show_spinner=False)
def load_catalogue(base_url: str, token: str, kind: str) -> list[dict]:
    with SunlightClient(base_url, token=token) as api:
        return api.catalogue(kind)


def catalogue(kind: str) -> list[dict]:
    """One catalogue of the API (cached for five minutes); raises ApiError."""
    return load_catalogue(api_url(), st.session_state["token"], kind)


def names_of(kind: str) -> dict[str, str]:
    """code -> name of one catalogue, or nothing when it cannot be read (the codes are shown then)."""
    try:
        return {row["code"]: row.get("name", "") for row in catalogue(kind)}
    except ApiError:
        return {}
