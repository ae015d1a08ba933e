"""What every page of the console shares: the API, the signed-in user, the language, errors."""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.i18n import DEFAULT_LANGUAGE, translator

Translate = Callable[..., str]
AUDITING_ROLES = {"auditor", "supervisor", "admin"}


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
