"""The folder rules of DESIGN §2, read from the source with `ast` (nothing is imported).

Every import statement counts, also one inside a function or a try block.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = {"domain", "streams", "projections", "api", "ui"}
INFRASTRUCTURE = {
    "kafka", "clickhouse_driver", "chdb", "fastapi", "starlette", "streamlit", "psycopg", "psycopg2", "uvicorn",
    "httpx", "requests",
}


def imports_of(path: Path) -> set[str]:
    """Full names of the modules a file imports; a relative import is resolved against its package."""
    return imports_in(path.read_text(encoding="utf-8"), path.parent.relative_to(ROOT).parts)


def imports_in(source: str, package: tuple[str, ...]) -> set[str]:
    tree = ast.parse(source)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            # `from domain import case` imports domain.case.
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                "__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names if name}


def sources(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files under {folder}/"
    return files


def test_the_import_reader_sees_every_kind_of_import():
    source = (
        "import os.path\nfrom kafka import KafkaProducer\nfrom . import clock\nfrom .sla import x\n"
        "def f():\n    import streamlit as st\n    return __import__('httpx')\n"
        "try:\n    from api.settings import Settings\nexcept ImportError:\n    pass\n"
    )
    names = imports_in(source, ("domain",))
    assert {"os.path", "kafka", "domain", "domain.clock", "domain.sla", "streamlit", "httpx", "api.settings"} <= names
    assert top_level(names) == {"os", "kafka", "domain", "streamlit", "httpx", "api"}


@pytest.mark.parametrize("path", sources("domain"), ids=lambda path: path.name)
def test_the_domain_imports_no_infrastructure_and_no_outer_layer(path):
    forbidden = top_level(imports_of(path)) & (INFRASTRUCTURE | PROJECT - {"domain"})
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


@pytest.mark.parametrize("path", sources("domain"), ids=lambda path: path.name)
def test_the_domain_imports_only_the_standard_library_eventsourcing_pydantic_and_the_calendar(path):
    allowed = set(sys.stdlib_module_names) | {"__future__", "domain", "eventsourcing", "pydantic", "chinese_calendar"}
    others = top_level(imports_of(path)) - allowed
    assert not others, f"{path.relative_to(ROOT)} imports {sorted(others)}"


@pytest.mark.parametrize("path", sources("ui"), ids=lambda path: path.name)
def test_the_ui_imports_nothing_of_the_project_but_itself(path):
    project = top_level(imports_of(path)) & (PROJECT - {"ui"})
    assert not project, f"{path.relative_to(ROOT)} imports {sorted(project)}; the UI talks to the API over HTTP"


@pytest.mark.parametrize("path", sources("streams"), ids=lambda path: path.name)
def test_streams_import_only_the_domain_of_the_project(path):
    project = top_level(imports_of(path)) & (PROJECT - {"streams", "domain"})
    assert not project, f"{path.relative_to(ROOT)} imports {sorted(project)}; wiring belongs in api/"


@pytest.mark.parametrize("path", sources("projections"), ids=lambda path: path.name)
def test_projections_import_only_the_domain_and_the_envelope(path):
    names = {name for name in imports_of(path) if top_level({name}) & (PROJECT - {"projections"})}
    outside = {name for name in names if not name.startswith(("domain", "streams.envelope"))}
    assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}; wiring belongs in api/"
