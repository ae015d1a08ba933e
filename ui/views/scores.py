"""Page 窗口月度评分: every window's score of a month, ranked, graded (优秀 良好 合格 不合格), the red-flag
windows (流动红旗), each score explained point by point down to the cases behind it, a CSV file; for
supervisors and admins, finalising the month and amending a score with its reason."""

from __future__ import annotations

from ui.scoreboard import render_board

SUBJECT, PREFIX = "window", "sc"


def render() -> None:
    render_board("scores_title", SUBJECT, PREFIX, lambda api, month: api.window_scores(month))


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
