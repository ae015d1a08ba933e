"""docker-compose.yml describes the same server deployment as the code and `make services`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from api.cli import cli
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_kafka_clickhouse_postgres_and_every_sunlight_process():
    assert set(COMPOSE["services"]) == {"kafka", "clickhouse", "postgres", "api", "relay", "projector", "ui"}


def test_compose_commands_are_commands_of_the_cli():
    commands = {command.name or command.callback.__name__ for command in cli.registered_commands}
    for name in ("api", "relay", "projector"):
        command = COMPOSE["services"][name]["command"]
        assert command[0] == "sunlight" and command[1] in commands, command
    assert "--mode" in COMPOSE["services"]["api"]["command"]


def test_compose_sets_only_settings_that_exist():
    fields = {f"SUNLIGHT_{name.upper()}" for name in Settings.model_fields}
    for name, service in COMPOSE["services"].items():
        for variable in service.get("environment", {}):
            if variable.startswith("SUNLIGHT_") and name != "ui":
                assert variable in fields, f"{name}: {variable} is not a setting"


def test_compose_and_make_services_run_the_same_kafka_version():
    pom = (ROOT / "scripts" / "kafka" / "pom.xml").read_text()
    local = re.search(r"<kafka.version>([\d.]+)</kafka.version>", pom).group(1)
    assert COMPOSE["services"]["kafka"]["image"] == f"apache/kafka:{local}"
