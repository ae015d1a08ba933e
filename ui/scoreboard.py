"""What the window scores (窗口月度评分) and staff assessments (工作人员月度考核) pages share: rules and grades
in words, the ranked table, the bars, one subject's point-by-point lines, the CSV files, and the finalise
and amendment forms. The pure functions take the API's JSON and return rows; the unit tests call them."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.client import ApiError
from ui.finalising import show_finalise_and_amend
from ui.session import Translate, client, current_translator, handle_api_error, show_notice
from ui.widgets import csv_bytes, fmt_time, month_code, month_select, tiles

INSPECTION_KINDS = ("absent", "off_post", "untidy", "chatting", "phone", "rude", "other")
COMMENDATION_KINDS = ("letter", "banner")
CARD_COLOURS = ("yellow", "red")
# the rules of a scoring scheme, as a score's lines[].rule names them (dotted for the nested rules)
RULES = ("overdue", "late_entry", "bad_review", "rectification_overdue", "complaint",
         *(f"inspection.{k}" for k in INSPECTION_KINDS), *(f"card.{c}" for c in CARD_COLOURS),
         *(f"commendation.{k}" for k in COMMENDATION_KINDS))
LINE_RULES = (*RULES, "amendment")  # a finalised month's amendments show on a line of their own
GRADES = ("excellent", "good", "pass", "fail")
GRADE_COLOURS = {"excellent": "#2ca02c", "good": "#4c78a8", "pass": "#f2a93b", "fail": "#d62728"}
HONOURS = {"window": "red_flag", "staff": "star"}  # the honour of each subject: 流动红旗, 服务明星
HONOUR_ICONS = {"red_flag": "🚩", "star": "⭐"}
# what the refs of a line are the ids of (by the rule's first part)
REF_KINDS = {"overdue": "case", "late_entry": "case", "bad_review": "review", "rectification_overdue": "review",
             "complaint": "complaint", "inspection": "inspection", "card": "card", "commendation": "commendation",
             "amendment": "amendment"}
FIELDS = {"window": ("rank", "window", "name", "hall", "department", "score", "grade", "red_flag"),
          "staff": ("rank", "staff", "name", "window", "department", "score", "grade", "star")}
MAX_CASE_LINKS = 30


def rule_label(t: Translate, rule: str | None) -> str:
    """'overdue' -> 超期办件, 'inspection.absent' -> 空岗; a rule the console does not know stays as it is."""
    return t("rule_" + rule.replace(".", "_")) if rule in LINE_RULES else rule or "-"


def grade_label(t: Translate, grade: str | None) -> str:
    return t(f"grade_{grade}") if grade in GRADES else grade or "-"


def ref_kind(rule: str | None) -> str:
    return REF_KINDS.get((rule or "").split(".")[0], "other")


def honour_mark(item: dict, subject: str) -> str:
    return HONOUR_ICONS[HONOURS[subject]] if item.get(HONOURS[subject]) else ""


def score_rows(t: Translate, items: list[dict], subject: str) -> list[dict]:
    """The ranked table with localised columns (a window's hall, a staff member's window)."""
    rows = []
    for item in items:
        row = {t("col_rank"): item.get("rank"), t(f"col_{subject}"): item.get(subject), t("col_name"): item.get("name")}
        row.update({t("col_hall"): item.get("hall")} if subject == "window" else {t("col_window"): item.get("window")})
        row.update({t("col_department"): item.get("department"), t("col_score"): item.get("score"),
                    t("col_grade"): grade_label(t, item.get("grade")),
                    t(f"col_{HONOURS[subject]}"): honour_mark(item, subject)})
        rows.append(row)
    return rows


def grade_styles(t: Translate) -> dict[str, str]:
    """The CSS of a grade cell, by its label."""
    return {grade_label(t, g): f"background-color: {GRADE_COLOURS[g]}; color: white" for g in GRADES}


def grade_counts(items: list[dict]) -> dict[str, int]:
    return {g: sum(1 for i in items if i.get("grade") == g) for g in GRADES}


def line_rows(t: Translate, lines: list[dict]) -> list[dict]:
    return [{t("col_rule"): rule_label(t, line.get("rule")), t("col_count"): line.get("count"),
             t("col_points"): line.get("points"), t("col_refs"): " ".join(str(r) for r in line.get("refs") or [])}
            for line in lines]


def points_total(lines: list[dict]) -> int:
    return sum(line.get("points") or 0 for line in lines)


def case_refs(lines: list[dict]) -> list[str]:
    """The cases behind the lines (overdue, late entry: '<case id>#<event version>'), each once, in order."""
    seen: dict[str, None] = {}
    for line in lines:
        if ref_kind(line.get("rule")) == "case":
            seen.update((str(r).split("#")[0], None) for r in line.get("refs") or [])
    return list(seen)


def amendment_rows(t: Translate, amendments: list[dict], subject: str) -> list[dict]:
    """A finalised month's corrections of this page's subjects, each with its reason and who made it."""
    return [{t("col_number"): a.get("number"), t(f"col_{subject}"): a.get("code"), t("col_points"): a.get("points"),
             t("amend_reason"): a.get("reason"), t("col_occurred_at"): fmt_time(a.get("at")),
             t("col_actor"): (a.get("actor") or {}).get("user", "-")}
            for a in amendments if a.get("subject", subject) == subject]


def drift_rows(t: Translate, drift: list[dict], subject: str) -> list[dict]:
    """The subjects whose live score left the finalised one (events that came after finalisation)."""
    return [{t(f"col_{subject}"): d.get("code"), t("col_live_score"): d.get("live_score"),
             t("col_finalised_score"): d.get("finalised_score")}
            for d in drift if d.get("subject", subject) == subject]


def scores_csv(items: list[dict], subject: str) -> bytes:
    return csv_bytes(FIELDS[subject], items)


def lines_csv(items: list[dict], subject: str) -> bytes:
    """One row per line of every subject: who, which rule, how many, how many points, and the ids."""
    rows = [{subject: item.get(subject), **line} for item in items for line in item.get("lines") or []]
    return csv_bytes((subject, "rule", "count", "points", "refs"), rows)


def score_chart(t: Translate, items: list[dict], subject: str) -> alt.Chart:
    rows = [{"who": f"{i.get(subject)} {i.get('name') or ''}".strip(), "score": i.get("score"),
             "grade": grade_label(t, i.get("grade")), "rank": i.get("rank")} for i in items]
    return (
        alt.Chart(alt.Data(values=rows)).mark_bar()
        .encode(y=alt.Y("who:N", title=None, sort=[r["who"] for r in rows], axis=alt.Axis(labelLimit=240)),
                x=alt.X("score:Q", title=t("col_score")),
                color=alt.Color("grade:N", title=t("col_grade"),
                                scale=alt.Scale(domain=[grade_label(t, g) for g in GRADES],
                                                range=[GRADE_COLOURS[g] for g in GRADES])),
                tooltip=[alt.Tooltip("rank:Q", title=t("col_rank")), alt.Tooltip("who:N", title=t("col_name")),
                         alt.Tooltip("score:Q", title=t("col_score")), alt.Tooltip("grade:N", title=t("col_grade"))])
        .properties(height=alt.Step(22))
    )


def show_scoreboard(t: Translate, body: dict, subject: str, prefix: str) -> None:
    """Finalised or live, the drift, the grade tiles, the bars, the table, the picked subject's lines."""
    if body.get("finalised"):
        st.success(t("finalised_at", at=fmt_time(body.get("finalised_at"))), icon=":material/lock:")
    else:
        st.info(t("not_finalised"), icon=":material/update:")
    drift = drift_rows(t, body.get("drift") or [], subject)
    if drift:
        st.warning(t("drift_title"), icon=":material/difference:")
        st.dataframe(drift, hide_index=True)
    if body.get("talks_required"):  # windows graded fail two months running: 约谈
        st.error(t("talks_required", windows=t("list_separator").join(body["talks_required"])), icon=":material/forum:")
    amendments = amendment_rows(t, body.get("amendments") or [], subject)
    if amendments:
        st.caption(t("amendments_title"))
        st.dataframe(amendments, hide_index=True)
    items = body.get("items") or []
    if not items:
        st.info(t("no_scores"))
        return
    counts = grade_counts(items)
    honoured = sum(1 for i in items if i.get(HONOURS[subject]))
    tiles([*((grade_label(t, g), counts[g]) for g in GRADES), (t(f"col_{HONOURS[subject]}"), honoured)], per_row=5)
    st.subheader(t("scores_chart_title"))
    st.altair_chart(score_chart(t, items, subject), width="stretch")
    codes = [i.get(subject) for i in items]
    styles = grade_styles(t)
    table = pd.DataFrame(score_rows(t, items, subject)).style.map(lambda v: styles.get(v, ""), subset=[t("col_grade")])
    st.dataframe(table, hide_index=True, key=f"{prefix}_table", on_select=pick_row(f"{prefix}_table", f"{prefix}_pick", codes),
                 selection_mode="single-row")
    col_csv, col_lines = st.columns(2)
    col_csv.download_button(t("download_csv"), data=scores_csv(items, subject), mime="text/csv", key=f"{prefix}_csv",
                            file_name=f"sunlight-{prefix}-{body.get('month', '')}.csv", icon=":material/download:")
    col_lines.download_button(t("download_lines_csv"), data=lines_csv(items, subject), mime="text/csv",
                              key=f"{prefix}_lines_csv", file_name=f"sunlight-{prefix}-{body.get('month', '')}-lines.csv",
                              icon=":material/download:")
    show_lines(t, items, subject, f"{prefix}_pick")


def pick_row(table_key: str, pick_key: str, codes: list):
    def pick() -> None:  # a click on a row chooses its subject in the picker below
        rows = ((st.session_state.get(table_key) or {}).get("selection") or {}).get("rows") or []
        if rows and rows[0] < len(codes):
            st.session_state[pick_key] = codes[rows[0]]
    return pick


def show_lines(t: Translate, items: list[dict], subject: str, pick_key: str) -> None:
    by_code = {i.get(subject): i for i in items}
    if st.session_state.get(pick_key) not in by_code:
        st.session_state[pick_key] = next(iter(by_code))
    code = st.selectbox(t("pick_subject"), list(by_code), key=pick_key, help=t("pick_hint"),
                        format_func=lambda c: f"{c} · {by_code[c].get('name') or ''}")
    item = by_code[code]
    lines = item.get("lines") or []
    st.subheader(t("lines_title", name=f"{code} {item.get('name') or ''}".strip()))
    st.caption(t("lines_total", points=points_total(lines), score=item.get("score"),
                 grade=grade_label(t, item.get("grade"))))
    if not lines:
        st.info(t("no_lines"))
        return
    st.dataframe(line_rows(t, lines), hide_index=True)
    cases = case_refs(lines)
    if cases:
        st.caption(t("related_cases"))
        for col, case_id in zip(st.columns(3) * MAX_CASE_LINKS, cases[:MAX_CASE_LINKS]):
            col.page_link("views/trace.py", label=case_id, icon=":material/timeline:", query_params={"case": case_id})


def render_board(title_key: str, subject: str, prefix: str, fetch) -> None:
    """A score page (窗口月度评分, 工作人员月度考核): the month picker, the table and its lines, and for
    supervisors and admins finalising and amending; `fetch(api, month)` asks for the month's scores."""
    t = current_translator()
    st.header(t(title_key))
    show_notice()
    start, _ = month_select(t, f"{prefix}_month")
    month = month_code(start)
    api = client()
    try:
        body = fetch(api, month)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.caption(t("scheme_caption", version=body.get("scheme_version", "-"))
               + (" · " + t("as_of_caption", as_of=fmt_time(body["as_of"])) if body.get("as_of") else ""))
    show_scoreboard(t, body, subject, prefix)
    show_finalise_and_amend(t, api, month, body, subject, prefix)
