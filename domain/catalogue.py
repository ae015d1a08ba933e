"""Reference data: departments, halls, windows, staff and service items, and the trees of complaint
categories and areas (12345), each event-sourced so an audit sees the rules in force on any day."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from domain.base import Actor, HashChain, InvalidValue, SunlightAggregate, check_business_time, natural_id

HALL_LEVELS = ("city", "district", "street", "community")
STAFF_ROLES = ("window_staff", "chief_representative")
ITEM_KINDS = ("immediate", "promised", "reported", "joint")
WINDOW_KINDS = ("comprehensive", "specialist")


class CatalogueEntry(SunlightAggregate):
    """An entry keyed by its code; the id is derived from kind and code."""

    KIND = ""
    Registered: ClassVar[type]

    @classmethod
    def id_for(cls, code: str) -> UUID:
        return natural_id(cls.KIND, code)

    @classmethod
    def register(cls, *, code: str, chain: HashChain, occurred_at: datetime, actor: Actor, recorded_at: datetime,
                 **fields: object):
        check_business_time(occurred_at, recorded_at=recorded_at, previous=None)
        return cls.start(cls.Registered, id=cls.id_for(code), chain=chain, occurred_at=occurred_at, actor=actor,
                         recorded_at=recorded_at, code=code, **fields)

    @classmethod
    def derived(cls, code: str, references: dict[str, Any]) -> dict[str, Any]:
        """Fields an entry records beside those given, from the entries it references (by field)."""
        return {}


class Department(CatalogueEntry):
    KIND = "department"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str

    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name


class Hall(CatalogueEntry):
    KIND = "hall"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        level: str

    def __init__(self, code: str, name: str, level: str) -> None:
        check_choice("level", level, HALL_LEVELS)
        self.code, self.name, self.level = code, name, level


class Window(CatalogueEntry):
    """A window: a specialist one (专业窗口) accepts its own department's items only; a comprehensive
    one (综合受理, 一窗受理) accepts any item."""

    KIND = "window"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        hall: str
        department: str
        kind: str

    def __init__(self, code: str, name: str, hall: str, department: str, kind: str) -> None:
        check_choice("kind", kind, WINDOW_KINDS)
        self.code, self.name, self.hall, self.department, self.kind = code, name, hall, department, kind

    def accepts(self, department: str) -> bool:
        """Whether this window may accept an item of the department."""
        return self.kind == "comprehensive" or department == self.department


class Staff(CatalogueEntry):
    KIND = "staff"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        window: str
        department: str
        role: str

    def __init__(self, code: str, name: str, window: str, department: str, role: str) -> None:
        check_choice("role", role, STAFF_ROLES)
        self.code, self.name, self.window, self.department, self.role = code, name, window, department, role


class ServiceItem(CatalogueEntry):
    """A service item (事项) with its legal and promised limits in working days."""

    KIND = "item"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        department: str
        kind: str
        legal_days: int
        promised_days: int

    def __init__(self, code: str, name: str, department: str, kind: str, legal_days: int, promised_days: int) -> None:
        check_choice("kind", kind, ITEM_KINDS)
        check_limits(legal_days, promised_days)
        self.code, self.name, self.department, self.kind = code, name, department, kind
        self.legal_days, self.promised_days = legal_days, promised_days

    class LimitsChanged(SunlightAggregate.Event):
        """Carries the whole item, so a consumer of the topic needs no earlier event."""

        code: str
        name: str
        department: str
        kind: str
        legal_days: int
        promised_days: int

        def apply(self, item: ServiceItem) -> None:
            item.legal_days, item.promised_days = self.legal_days, self.promised_days

    def change_limits(self, *, legal_days: int, promised_days: int, chain: HashChain, occurred_at: datetime,
                      actor: Actor, recorded_at: datetime) -> None:
        check_limits(legal_days, promised_days)
        check_business_time(occurred_at, recorded_at=recorded_at, previous=self.last_occurred_at)
        self.record(self.LimitsChanged, chain=chain, occurred_at=occurred_at, actor=actor, recorded_at=recorded_at,
                    code=self.code, name=self.name, department=self.department, kind=self.kind,
                    legal_days=legal_days, promised_days=promised_days)

    @property
    def clock_days(self) -> int:
        """Working days the SLA clock allows: an immediate item must be done the same day."""
        return 0 if self.kind == "immediate" else self.promised_days


class TaxonomyEntry(CatalogueEntry):
    """An entry of a tree of any depth: a complaint category (class → … → sub-item) or an area (district →
    street → community). Parents never change, so each entry records its `depth` (1 at the top) and its
    `path` (the codes from the top down to itself): a read model finds any ancestor without recursion."""

    MAX_DEPTH = 32

    @classmethod
    def derived(cls, code: str, references: dict[str, Any]) -> dict[str, Any]:
        parent = references.get("parent")
        if parent is None:
            return {"depth": 1, "path": [code]}
        if parent.depth >= cls.MAX_DEPTH:
            raise InvalidValue("parent", f"{cls.KIND} '{parent.code}' is at depth {parent.depth}; a tree is at most "
                                         f"{cls.MAX_DEPTH} levels deep")
        return {"depth": parent.depth + 1, "path": [*parent.path, code]}


class ComplaintCategory(TaxonomyEntry):
    """A class of citizens' requests (诉求分类), e.g. 城乡建设 → 物业管理 → 物业收费; any depth."""

    KIND = "complaint_category"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        parent: str | None
        depth: int
        path: list

    def __init__(self, code: str, name: str, parent: str | None, depth: int, path: list) -> None:
        self.code, self.name, self.parent, self.depth, self.path = code, name, parent, depth, list(path)


class Area(TaxonomyEntry):
    """An area (区域): district → street → community, with its coordinates when known (for the map)."""

    KIND = "area"

    class Registered(SunlightAggregate.Created):
        code: str
        name: str
        parent: str | None
        depth: int
        path: list
        lat: float | None = None
        lon: float | None = None

    def __init__(self, code: str, name: str, parent: str | None, depth: int, path: list, lat: float | None = None,
                 lon: float | None = None) -> None:
        check_coordinates(lat, lon)
        self.code, self.name, self.parent, self.depth, self.path = code, name, parent, depth, list(path)
        self.lat, self.lon = lat, lon


def check_coordinates(lat: float | None, lon: float | None) -> None:
    """Both or neither; latitude within ±90, longitude within ±180 (WGS-84 degrees), finite."""
    if (lat is None) != (lon is None):
        raise InvalidValue("lon" if lon is None else "lat", "lat and lon go together: give both or neither")
    for field, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -bound <= value <= bound:
            raise InvalidValue(field, f"{field} must be a number of degrees between -{bound} and {bound}")


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidValue(field, f"{field} must be one of {', '.join(choices)}; got '{value}'")


def check_limits(legal_days: int, promised_days: int) -> None:
    if legal_days < 0:
        raise InvalidValue("legal_days", "legal_days must not be negative")
    if promised_days < 0:
        raise InvalidValue("promised_days", "promised_days must not be negative")
    if promised_days > legal_days:
        raise InvalidValue("promised_days", f"promised_days ({promised_days}) must not exceed legal_days ({legal_days})")


CATALOGUE = {cls.KIND: cls for cls in (Department, Hall, Window, Staff, ServiceItem, ComplaintCategory, Area)}
