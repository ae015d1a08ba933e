"""An embedded deployment (`sunlight api`: SQLite + chDB) as a real process, signed in as admin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.utils.api_client import Api
from tests.utils.processes import Process, free_port, wait_for_http

# Given, so a test can sign a token of its own, and so no key file is written outside the test's folder.
SECRET_KEY = "e2e-master-secret-of-at-least-32-characters"


@contextmanager
def embedded_api(data: Path, admin_password: str) -> Iterator[Api]:
    """The API of a fresh deployment in `data`, as admin; stopped on leaving."""
    port = free_port()
    env = {"SUNLIGHT_ADMIN_PASSWORD": admin_password, "SUNLIGHT_SECRET_KEY": SECRET_KEY}
    process = Process(["api", "--data", str(data), "--port", str(port)], env, data / "api.log").start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process)
        yield Api(f"http://127.0.0.1:{port}").login("admin", admin_password)
    finally:
        process.stop()
