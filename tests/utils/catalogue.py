"""The small catalogue most domain tests stand on: one department, hall, window and clerk."""

from __future__ import annotations

from datetime import datetime

from domain.application import ServiceCentre
from domain.base import SYSTEM

# code: (name, kind, legal_days, promised_days)
ITEMS = {"P5": ("食品经营许可", "promised", 20, 5), "IMM": ("个体工商户注销", "immediate", 1, 1)}
# window code: the clerk's staff code
WINDOWS = {"A12": "S001"}


def register_small_centre(centre: ServiceCentre, at: datetime, items: dict = ITEMS,
                          windows: dict = WINDOWS) -> ServiceCentre:
    centre.register("department", code="D01", name="市场监管局", actor=SYSTEM, at=at)
    centre.register("hall", code="H01", name="市民中心", level="city", actor=SYSTEM, at=at)
    for window, staff in windows.items():
        centre.register("window", code=window, name=f"综合受理 {window}", hall="H01", department="D01",
                        kind="comprehensive", actor=SYSTEM, at=at)
        centre.register("staff", code=staff, name="李娜", window=window, department="D01", role="window_staff",
                        actor=SYSTEM, at=at)
    for code, (name, kind, legal_days, promised_days) in items.items():
        centre.register("item", code=code, name=name, department="D01", kind=kind, legal_days=legal_days,
                        promised_days=promised_days, actor=SYSTEM, at=at)
    return centre
