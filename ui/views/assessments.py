"""Page 工作人员月度考核: every staff member's assessment of a month, ranked and graded, the service stars
(服务明星), each assessment explained point by point, a CSV file; for supervisors and admins, finalising the
month and amending an assessment with its reason."""

from __future__ import annotations

from ui.scoreboard import render_board

SUBJECT, PREFIX = "staff", "as"


def render() -> None:
    render_board("assessments_title", SUBJECT, PREFIX, lambda api, month: api.staff_assessments(month))


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
