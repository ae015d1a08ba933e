"""The scoring scheme (考核实施细则), kept as versioned data: what each event of a month is worth.

Windows are scored and staff assessed every month from a base (100): points off for each overdue
case, late entry (windows only), valid bad review, overdue rectification, verified complaint,
inspection finding and card; points on for praise letters and banners, at most `bonus_cap` (10) a
month; the score stays within [min_score, max_score] (0–110). Grades are the lowest score of each
grade (excellent 95, good 85, pass 70; below, fail). Honours go to the top `red_flags` windows and
`stars` staff scoring at least honours.min_score with honours.min_cases cases accepted.

A scheme has one shape in the TOML file and on the wire (`Scheme.as_dict`); `parse_scheme` refuses
anything else, naming the field by its dotted path (`window.inspection.absent`) and never echoing
the value it refused. A deduction is never positive and a bonus never negative, so the sign of a
rule cannot be flipped by mistake. A month is scored with the latest version in force then
(`scheme_for`), so changing the weights never rewrites the months already scored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from domain.base import InvalidValue

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "scoring-scheme.toml"
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

SUBJECTS = ("window", "staff")
INSPECTION_KINDS = ("absent", "off_post", "untidy", "chatting", "phone", "rude", "other")
CARD_COLOURS = ("yellow", "red")
COMMENDATION_KINDS = ("letter", "banner")
# The per-event deductions that are not grouped by kind, in the scheme's order.
WINDOW_DEDUCTIONS = ("overdue", "late_entry", "bad_review", "rectification_overdue", "complaint")
STAFF_DEDUCTIONS = ("overdue", "bad_review", "rectification_overdue", "complaint")
GROUPS = ("inspection", "card", "commendation")
TOP_KEYS = ("effective_from", "base", "min_score", "max_score", "bonus_cap", "grades", "window", "staff", "honours")


@dataclass(frozen=True)
class Grades:
    """The lowest score of each grade; below `pass_` the grade is `fail`."""

    excellent: int
    good: int
    pass_: int  # "pass" on the wire: a Python keyword

    def of(self, score: int) -> str:
        for grade, bar in (("excellent", self.excellent), ("good", self.good), ("pass", self.pass_)):
            if score >= bar:
                return grade
        return "fail"

    def as_dict(self) -> dict[str, int]:
        return {"excellent": self.excellent, "good": self.good, "pass": self.pass_}


@dataclass(frozen=True)
class Inspection:
    absent: int
    off_post: int
    untidy: int
    chatting: int
    phone: int
    rude: int
    other: int


@dataclass(frozen=True)
class Cards:
    yellow: int
    red: int


@dataclass(frozen=True)
class Commendations:
    letter: int
    banner: int


@dataclass(frozen=True)
class Rules:
    """The points of each event for one kind of subject; staff have no late-entry rule (None)."""

    overdue: int
    bad_review: int
    rectification_overdue: int
    complaint: int
    inspection: Inspection
    card: Cards
    commendation: Commendations
    late_entry: int | None = None

    def as_dict(self) -> dict[str, Any]:
        flat = {name: getattr(self, name) for name in WINDOW_DEDUCTIONS if getattr(self, name) is not None}
        return {**flat, **{group: asdict(getattr(self, group)) for group in GROUPS}}

    def points(self) -> tuple[tuple[str, int], ...]:
        """Each rule with its points, named as in a score's lines (`inspection.absent`), in the scheme's order."""
        pairs: list[tuple[str, int]] = []
        for name, value in self.as_dict().items():
            if isinstance(value, dict):
                pairs.extend((f"{name}.{kind}", points) for kind, points in value.items())
            else:
                pairs.append((name, value))
        return tuple(pairs)


@dataclass(frozen=True)
class Honours:
    red_flags: int  # 流动红旗 a month
    stars: int  # 服务明星 a month
    min_score: int
    min_cases: int  # cases accepted in the month


@dataclass(frozen=True)
class Scheme:
    version: int
    effective_from: str  # YYYY-MM, the first month scored with this version
    base: int
    min_score: int
    max_score: int
    bonus_cap: int  # the most the bonuses together add in a month
    grades: Grades
    window: Rules
    staff: Rules
    honours: Honours

    def rules_for(self, subject: str) -> Rules:
        if subject not in SUBJECTS:
            raise ValueError(f"a subject is one of {', '.join(SUBJECTS)}")
        return self.window if subject == "window" else self.staff

    def as_dict(self) -> dict[str, Any]:
        """The scheme's wire shape, which is also the TOML file's."""
        return {"version": self.version, "effective_from": self.effective_from, "base": self.base,
                "min_score": self.min_score, "max_score": self.max_score, "bonus_cap": self.bonus_cap,
                "grades": self.grades.as_dict(), "window": self.window.as_dict(), "staff": self.staff.as_dict(),
                "honours": asdict(self.honours)}


def parse_scheme(data: object, *, version: int | None = None) -> Scheme:
    """A scheme from its wire shape, or InvalidValue naming the first field that is wrong.

    `version`, when given (the server assigns it to a new scheme), replaces any version in the data;
    otherwise the data must carry one."""
    table = _table(data, "", TOP_KEYS, optional=("version",))
    scheme = Scheme(
        version=_version(table, version),
        effective_from=check_month(table["effective_from"], "effective_from"),
        base=_integer(table["base"], "base"),
        min_score=_integer(table["min_score"], "min_score"),
        max_score=_integer(table["max_score"], "max_score"),
        bonus_cap=_not_negative(table["bonus_cap"], "bonus_cap"),
        grades=_grades(table["grades"]),
        window=_rules(table["window"], "window", WINDOW_DEDUCTIONS),
        staff=_rules(table["staff"], "staff", STAFF_DEDUCTIONS),
        honours=_honours(table["honours"]),
    )
    _check_bounds(scheme)
    return scheme


def load_default_scheme(path: Path | str | None = None) -> Scheme:
    """The scheme in `config/scoring-scheme.toml` of this repository, or in the file given."""
    with open(path or DEFAULT_PATH, "rb") as file:
        return parse_scheme(tomllib.load(file))


def scheme_for(month: str, schemes: Iterable[Scheme]) -> Scheme:
    """The scheme a month is scored with: the latest version among those in force by then."""
    check_month(month, "month")
    in_force = [scheme for scheme in schemes if scheme.effective_from <= month]  # YYYY-MM sorts as text
    if not in_force:
        raise InvalidValue("month", "no scoring scheme is in force in that month")
    return max(in_force, key=lambda scheme: scheme.version)


def check_month(value: object, field: str) -> str:
    if not isinstance(value, str) or not MONTH.fullmatch(value):
        raise InvalidValue(field, f"{field} must be a month written YYYY-MM")
    return value


def _check_bounds(scheme: Scheme) -> None:
    if scheme.min_score > scheme.max_score:
        raise InvalidValue("min_score", "min_score must not exceed max_score")
    # A subject with nothing to its name scores the base: it has to be a score the bounds allow.
    if not scheme.min_score <= scheme.base <= scheme.max_score:
        raise InvalidValue("base", "base must lie between min_score and max_score")
    if not scheme.grades.excellent > scheme.grades.good:
        raise InvalidValue("grades.good", "grades.good must be below grades.excellent")
    if not scheme.grades.good > scheme.grades.pass_:
        raise InvalidValue("grades.pass", "grades.pass must be below grades.good")


def _version(table: dict[str, object], assigned: int | None) -> int:
    stated = _positive(table["version"], "version") if "version" in table else None
    if assigned is not None:
        return _positive(assigned, "version")
    if stated is None:
        raise InvalidValue("version", "version is missing")
    return stated


def _grades(value: object) -> Grades:
    table = _table(value, "grades", ("excellent", "good", "pass"))
    bars = {name: _integer(table[name], f"grades.{name}") for name in ("excellent", "good", "pass")}
    return Grades(excellent=bars["excellent"], good=bars["good"], pass_=bars["pass"])


def _rules(value: object, path: str, deductions: tuple[str, ...]) -> Rules:
    table = _table(value, path, (*deductions, *GROUPS))
    flat = {name: _deduction(table[name], f"{path}.{name}") for name in deductions}
    return Rules(
        **flat,
        inspection=Inspection(**_group(table["inspection"], f"{path}.inspection", INSPECTION_KINDS, _deduction)),
        card=Cards(**_group(table["card"], f"{path}.card", CARD_COLOURS, _deduction)),
        commendation=Commendations(**_group(table["commendation"], f"{path}.commendation", COMMENDATION_KINDS,
                                            _not_negative)),
    )


def _group(value: object, path: str, kinds: tuple[str, ...], check: Callable[[object, str], int]) -> dict[str, int]:
    table = _table(value, path, kinds)
    return {kind: check(table[kind], f"{path}.{kind}") for kind in kinds}


def _honours(value: object) -> Honours:
    table = _table(value, "honours", ("red_flags", "stars", "min_score", "min_cases"))
    return Honours(red_flags=_not_negative(table["red_flags"], "honours.red_flags"),
                   stars=_not_negative(table["stars"], "honours.stars"),
                   min_score=_integer(table["min_score"], "honours.min_score"),
                   min_cases=_not_negative(table["min_cases"], "honours.min_cases"))


def _table(value: object, path: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, object]:
    """The table at `path` with exactly `keys` (and maybe `optional`); the root's path is ""."""
    if not isinstance(value, dict):
        field = path or "scheme"
        raise InvalidValue(field, f"{field} must be a table")
    for key in value:
        if key not in keys and key not in optional:
            field = f"{path}.{key}" if path else str(key)
            raise InvalidValue(field, f"{field} is not part of a scoring scheme")
    for key in keys:
        if key not in value:
            field = f"{path}.{key}" if path else key
            raise InvalidValue(field, f"{field} is missing")
    return value


def _integer(value: object, field: str) -> int:
    # bool is an int in Python, but `true` is not a number of points.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(field, f"{field} must be a whole number")
    return value


def _deduction(value: object, field: str) -> int:
    points = _integer(value, field)
    if points > 0:
        raise InvalidValue(field, f"{field} is a deduction: it must be zero or negative")
    return points


def _not_negative(value: object, field: str) -> int:
    number = _integer(value, field)
    if number < 0:
        raise InvalidValue(field, f"{field} must not be negative")
    return number


def _positive(value: object, field: str) -> int:
    number = _integer(value, field)
    if number < 1:
        raise InvalidValue(field, f"{field} must be 1 or more")
    return number
