"""What the 12345 hotline pages (诉求工单, 工单追溯, 热线指标, 热点分析, 诉求地图) share: the complaint's
vocabulary in words, the two catalogue trees (complaint categories, areas) and their levels, the KPI fields.
The pure functions take the API's JSON and return labels and rows; the unit tests call them."""

from __future__ import annotations

from ui.client import ApiError
from ui.session import Translate, catalogue
from ui.views.trace import coded

STATES = ("received", "dispatched", "returned", "replied", "awaiting_callback", "closed", "merged")
OPEN = ("received", "dispatched", "returned", "replied", "awaiting_callback")  # closed and merged are finished
CHANNELS = ("phone", "web", "wechat", "app", "board", "mail")
TYPES = ("enquiry", "help", "suggestion", "complaint", "report")  # 咨询 求助 建议 投诉 举报
VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")  # 满意 基本满意 不满意
LEVELS = (1, 2, 3)  # 督办 levels; 0 = never escalated
# the events of a complaint's stream, as the history names them without the aggregate's prefix
EVENTS = ("Received", "Answered", "Dispatched", "Objected", "Replied", "Reviewed", "CalledBack", "Merged",
          "DuplicateMerged", "Escalated", "BecameProblem", "Verified")
EVENT_PREFIX = "Complaint"
TREES = {"category": "complaint-categories", "area": "areas"}  # a grouping -> its catalogue
DEFAULT_LEVELS = (1, 2, 3)  # offered when a tree cannot be read

# the KPI fields of GET /complaints/kpis, in the order of the table and of the CSV file
KPI_FIELDS = ("received", "dispatched", "dispatched_within_2h", "dispatch_rate_2h", "replied", "replied_on_time",
              "on_time_reply_rate", "redo", "redo_rate", "callbacks", "satisfied", "basically_satisfied",
              "unsatisfied", "satisfaction_rate", "merged", "problem")
KPI_RATES = ("dispatch_rate_2h", "on_time_reply_rate", "redo_rate", "satisfaction_rate")
KPI_GROUPINGS = ("department", "category", "area", "type", "channel")


def state_label(t: Translate, state: str | None) -> str:
    return coded(t, "cstate", state, STATES)


def type_label(t: Translate, kind: str | None) -> str:
    return coded(t, "ctype", kind, TYPES)


def channel_label(t: Translate, channel: str | None) -> str:
    return coded(t, "cchannel", channel, CHANNELS)


def verdict_label(t: Translate, verdict: str | None) -> str:
    return coded(t, "verdict", verdict, VERDICTS)


def event_name(event_type: str | None) -> str:
    """'ComplaintDispatched' -> 'Dispatched' (the history may also give the bare name)."""
    name = event_type or ""
    if name.startswith(EVENT_PREFIX) and name[len(EVENT_PREFIX):] in EVENTS:
        return name[len(EVENT_PREFIX):]
    return name


def event_label(t: Translate, event_type: str | None) -> str:
    """转办, 退单, 回访 …; a type the console does not know stays as it is."""
    name = event_name(event_type)
    return t(f"cevent_{name}") if name in EVENTS else event_type or "-"


def grouping_key_label(t: Translate, grouping: str) -> str:
    return t(f"kpi_by_{grouping}")


# -- the catalogue trees -------------------------------------------------------------------------

def tree_index(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows if row.get("code")}


def ancestry(code: str, index: dict[str, dict]) -> list[str]:
    """The codes from the top of the tree down to `code`: its `path` when the API gives one, else by parents."""
    row = index.get(code) or {}
    path = [str(c) for c in row.get("path") or []]
    if path and path[-1] == code:
        return path
    chain, seen = [code], {code}
    parent = row.get("parent")
    while parent and parent not in seen:  # a cycle in the data must not hang the page
        chain.append(parent)
        seen.add(parent)
        parent = (index.get(parent) or {}).get("parent")
    return chain[::-1]


def depth_of(code: str, index: dict[str, dict]) -> int:
    """1 at the top; the API's `depth` when it gives one."""
    depth = (index.get(code) or {}).get("depth")
    return depth if isinstance(depth, int) and depth > 0 else len(ancestry(code, index))


def tree_levels(rows: list[dict]) -> list[int]:
    """The levels a grouping may be asked at: 1 to the deepest entry's."""
    index = tree_index(rows)
    deepest = max((depth_of(code, index) for code in index), default=0)
    return list(range(1, deepest + 1)) if deepest else list(DEFAULT_LEVELS)


def tree_label(code: str | None, index: dict[str, dict]) -> str:
    """'市容环境 / 占道经营 / 流动摊贩' (the names from the top down), or the bare code when unknown."""
    if not code:
        return "-"
    if code not in index:
        return code
    return " / ".join(str((index.get(c) or {}).get("name") or c) for c in ancestry(code, index))


def tree_options(rows: list[dict]) -> list[str]:
    """Every code of a tree, in the order of its labels (a parent before its children)."""
    index = tree_index(rows)
    return sorted(index, key=lambda c: [str((index.get(a) or {}).get("name") or a) for a in ancestry(c, index)])


def level_label(t: Translate, level: int) -> str:
    return t("tree_level", n=level)


def tree_rows(kind: str) -> list[dict]:
    """One catalogue tree (complaint-categories or areas), or nothing when it cannot be read (codes are shown)."""
    try:
        return catalogue(kind)
    except ApiError:
        return []
