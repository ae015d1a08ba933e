"""The rules of a citizen's request (市民诉求, 12345) that are not tied to one event: its vocabulary, its
readable reference number, its handling limit and due date, and when it becomes a problem ticket."""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain.calendar import WorkingCalendar
from domain.review import working_days_after

CHANNELS = ("phone", "web", "wechat", "app", "board", "mail")
# 咨询 求助 建议 投诉 举报
TYPES = ("enquiry", "help", "suggestion", "complaint", "report")
# Handling limits in working days after the first dispatch, per type (SUNLIGHT_COMPLAINT_DAYS_<TYPE>).
COMPLAINT_DAYS = {"enquiry": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15}
STATES = ("received", "dispatched", "returned", "replied", "awaiting_callback", "closed", "merged")
# The states in which nothing more happens to a complaint but a verification (closed only).
FINISHED = ("closed", "merged")
OPEN = tuple(state for state in STATES if state not in FINISHED)
VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")  # 满意 基本满意 不满意
LEVELS = (1, 2, 3)  # 督办 levels; 0 = never escalated
DISPATCH_WITHIN = timedelta(hours=2)  # the commitment: dispatched within 2 hours of receipt
# 问题工单: objected to or sent back (退单 + 退回重办) this many times in all, or dispatched to this many
# distinct departments.
PROBLEM_SENT_BACK = 3
PROBLEM_DEPARTMENTS = 3
SUBJECT_FIELDS = ("window", "staff", "department")

REFERENCE_PREFIX = "12345"
REFERENCE = re.compile(r"^12345-(\d{8})-(\d{4,})$")


def reference_of(day: date, number: int) -> str:
    """The readable number of the `number`-th complaint received on `day`: 12345-YYYYMMDD-NNNN (more
    digits past 9999)."""
    return f"{REFERENCE_PREFIX}-{day:%Y%m%d}-{number:04d}"


def is_reference(text: str) -> bool:
    return REFERENCE.match(text) is not None


def due_date(calendar: WorkingCalendar, first_dispatched_on: date, limit_days: int) -> date:
    """The last day to reply: the `limit_days`-th working day after the first dispatch date (that day
    itself never counts)."""
    return working_days_after(calendar, first_dispatched_on, limit_days)


def problem_reason(*, objections: int, redos: int, departments: int) -> str | None:
    """Why a complaint is a problem ticket (问题工单), or None while it is not one."""
    if objections + redos >= PROBLEM_SENT_BACK:
        return "sent_back"
    if departments >= PROBLEM_DEPARTMENTS:
        return "departments"
    return None
