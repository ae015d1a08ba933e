"""Page 工作人员月度考核: every staff member's assessment of a month, ranked and graded, the service stars
(服务明星), each assessment explained point by point, a CSV file; for supervisors and admins, finalising the
month and amending an assessment with its reason."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError
from ui.finalising import show_finalise_and_amend
from ui.scoreboard import show_scoreboard
from ui.session import client, current_translator, handle_api_error, show_notice
from ui.widgets import fmt_time, month_code, month_select

SUBJECT, PREFIX = "staff", "as"


def render() -> None:
    t = current_translator()
    st.header(t("assessments_title"))
    show_notice()
    start, _ = month_select(t, f"{PREFIX}_month")
    month = month_code(start)
    api = client()
    try:
        body = api.staff_assessments(month)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.caption(t("scheme_caption", version=body.get("scheme_version", "-"))
               + (" · " + t("as_of_caption", as_of=fmt_time(body["as_of"])) if body.get("as_of") else ""))
    show_scoreboard(t, body, SUBJECT, PREFIX)
    show_finalise_and_amend(t, api, month, body, SUBJECT, PREFIX)


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
