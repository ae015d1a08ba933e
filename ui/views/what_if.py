"""Page 模拟评分: take the scoring scheme a month is scored with, change its weights, and see the windows'
scores and the staff's assessments under it beside the scheme in force — the ranks that move, as tables,
a chart and CSV files. Nothing is recorded."""

from __future__ import annotations

import copy

import altair as alt
import streamlit as st

from ui.client import ApiError, SunlightClient
from ui.scoreboard import HONOUR_ICONS, HONOURS, RULES, grade_label, rule_label
from ui.session import Translate, client, current_translator, handle_api_error, names_of
from ui.widgets import csv_bytes, month_code, month_select

SUBJECT_RULES = {"window": RULES, "staff": tuple(r for r in RULES if r != "late_entry")}  # no late entry for staff
SUBJECTS = {"window": "windows", "staff": "staff"}  # the subject -> its list in the answer (and its catalogue)
RESULT_KEY, LOADED_KEY = "wi_result", "wi_loaded"
MAX_POINTS = 1000  # the API bounds every weight of a scheme to ±1000
CHANGE_COLOURS = {"up": "#2ca02c", "down": "#d62728", "same": "#9e9e9e"}


def flat_rules(scheme: dict, subject: str) -> dict[str, int]:
    """{'overdue': -5, 'inspection.absent': -2, …} of the scheme's window or staff rules."""
    flat = {}
    for rule in SUBJECT_RULES[subject]:
        value = scheme.get(subject) or {}
        for part in rule.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, int):
            flat[rule] = value
    return flat


def with_weights(scheme: dict, weights: dict[str, dict[str, int]]) -> dict:
    """A copy of the scheme with the weights {subject: {dotted rule: points}} in place of its own."""
    changed = copy.deepcopy(scheme)
    for subject, rules in weights.items():
        for rule, points in rules.items():
            *parents, leaf = rule.split(".")
            node = changed.setdefault(subject, {})
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = int(points)
    return changed


def changed_rules(scheme: dict, weights: dict[str, dict[str, int]]) -> list[tuple[str, str]]:
    return [(subject, rule) for subject, rules in weights.items() for rule, points in rules.items()
            if flat_rules(scheme, subject).get(rule) != points]


def weight_bounds(rule: str) -> tuple[int, int]:
    """A deduction is zero or less, a bonus zero or more (the API refuses the others)."""
    return (0, MAX_POINTS) if rule.startswith("commendation.") else (-MAX_POINTS, 0)


def rank_change(item: dict) -> int | None:
    """Places gained under the what-if scheme (negative: lost); None when a rank is missing."""
    if item.get("rank") is None or item.get("current_rank") is None:
        return None
    return item["current_rank"] - item["rank"]


def rank_arrow(change: int | None) -> str:
    if change is None:
        return "-"
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "="


def what_if_rows(t: Translate, items: list[dict], subject: str, names: dict[str, str]) -> list[dict]:
    honour = HONOURS[subject]
    return [{
        t(f"col_{subject}"): i.get(subject), t("col_name"): names.get(i.get(subject) or "", ""),
        t("col_current_score"): i.get("current_score"), t("col_what_if_score"): i.get("score"),
        t("col_current_rank"): i.get("current_rank"), t("col_what_if_rank"): i.get("rank"),
        t("col_rank_change"): rank_arrow(rank_change(i)), t("col_grade"): grade_label(t, i.get("grade")),
        t(f"col_{honour}"): HONOUR_ICONS[honour] if i.get(honour) else "",
    } for i in sorted(items, key=lambda i: (i.get("rank") is None, i.get("rank") or 0))]


def what_if_csv(items: list[dict], subject: str) -> bytes:
    rows = [{**i, "rank_change": rank_change(i)} for i in items]
    return csv_bytes((subject, "current_score", "current_rank", "score", "rank", "rank_change", "grade",
                      HONOURS[subject]), rows)


def slope_chart(t: Translate, items: list[dict], subject: str) -> alt.Chart:
    """Each subject a line from its current score to its what-if score, coloured by where its rank went."""
    series = [t("series_current"), t("series_what_if")]
    rows = []
    for i in items:
        change = rank_change(i) or 0
        direction = "up" if change > 0 else "down" if change < 0 else "same"
        for label, score in zip(series, (i.get("current_score"), i.get("score"))):
            rows.append({"who": i.get(subject), "series": label, "score": score, "change": rank_arrow(rank_change(i)),
                         "direction": t(f"direction_{direction}")})
    directions = [t(f"direction_{d}") for d in CHANGE_COLOURS]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("series:N", title=None, sort=series, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("score:Q", title=t("col_score"), scale=alt.Scale(zero=False)),
        color=alt.Color("direction:N", title=t("col_rank_change"),
                        scale=alt.Scale(domain=directions, range=list(CHANGE_COLOURS.values()))),
        detail="who:N",
        tooltip=[alt.Tooltip("who:N", title=t(f"col_{subject}")), alt.Tooltip("score:Q", title=t("col_score")),
                 alt.Tooltip("change:N", title=t("col_rank_change"))])
    return alt.layer(base.mark_line(), base.mark_point(filled=True)).properties(height=360)


def render() -> None:
    t = current_translator()
    st.header(t("what_if_title"))
    st.caption(t("what_if_intro"))
    start, _ = month_select(t, "wi_month")
    month = month_code(start)
    api = client()
    try:
        scheme = api.current_scheme(month)
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.caption(t("scheme_in_force", version=scheme.get("version", "-"), effective_from=scheme.get("effective_from", "-")))
    loaded = f"{month}/{scheme.get('version')}"
    load_weights(scheme, force=st.session_state.get(LOADED_KEY) != loaded)
    st.session_state[LOADED_KEY] = loaded
    weights = weights_form(t, scheme)
    if weights is not None:
        run_what_if(t, api, month, scheme, weights, loaded)
    result = st.session_state.get(RESULT_KEY) or {}
    if result.get("loaded") == loaded:
        show_result(t, result["body"], result["changed"])


def weight_key(subject: str, rule: str) -> str:
    return f"wi_{subject}_{rule}"


def load_weights(scheme: dict, force: bool = False) -> None:
    """The inputs hold the scheme's weights: on a new month or scheme, on request, or when first shown."""
    for subject in SUBJECT_RULES:
        for rule, points in flat_rules(scheme, subject).items():
            if force or weight_key(subject, rule) not in st.session_state:
                st.session_state[weight_key(subject, rule)] = points
    if force:
        st.session_state.pop(RESULT_KEY, None)


def weights_form(t: Translate, scheme: dict) -> dict[str, dict[str, int]] | None:
    """The weights of every rule of both subjects; the weights when submitted, else None."""
    with st.form("wi_form"):
        for tab, subject in zip(st.tabs([t(f"weights_{s}") for s in SUBJECT_RULES]), SUBJECT_RULES):
            with tab:
                rules = list(flat_rules(scheme, subject))
                for col, rule in zip(st.columns(4) * len(rules), rules):
                    low, high = weight_bounds(rule)
                    col.number_input(rule_label(t, rule), min_value=low, max_value=high, step=1,
                                     key=weight_key(subject, rule))
        submitted = st.form_submit_button(t("what_if_submit"), type="primary")
    st.button(t("what_if_reset"), key="wi_reset", on_click=load_weights, args=(scheme, True))
    if not submitted:
        return None
    return {subject: {rule: int(st.session_state[weight_key(subject, rule)]) for rule in flat_rules(scheme, subject)}
            for subject in SUBJECT_RULES}


def run_what_if(t: Translate, api: SunlightClient, month: str, scheme: dict, weights: dict, loaded: str) -> None:
    try:
        body = api.what_if(month, with_weights(scheme, weights))
    except ApiError as err:
        handle_api_error(err, t)
        return
    st.session_state[RESULT_KEY] = {"loaded": loaded, "body": body, "changed": len(changed_rules(scheme, weights))}


def show_result(t: Translate, body: dict, changed: int) -> None:
    st.caption(t("changed_rules", n=changed))
    for tab, subject in zip(st.tabs([t(f"what_if_{s}") for s in SUBJECTS]), SUBJECTS):
        with tab:
            items = body.get(SUBJECTS[subject]) or []
            if not items:
                st.info(t("no_scores"))
                continue
            st.altair_chart(slope_chart(t, items, subject), width="stretch")
            st.dataframe(what_if_rows(t, items, subject, names_of(SUBJECTS[subject])), hide_index=True)
            st.download_button(t("download_csv"), data=what_if_csv(items, subject), mime="text/csv",
                               icon=":material/download:", key=f"wi_{subject}_csv",
                               file_name=f"sunlight-what-if-{body.get('month', '')}-{subject}.csv")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
