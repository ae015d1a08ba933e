"""Embedded mode: follow the event store's notification log straight into the projector."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application

from streams.envelope import Envelope, envelope_of

log = logging.getLogger("sunlight.follower")


def read_envelopes(app: Application, after: int, limit: int) -> list[Envelope]:
    """The next envelopes of the log, after position `after` (the log has no gaps to skip)."""
    notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
    return [envelope_of(app.mapper.to_domain_event(n), n.id) for n in notifications]


def last_position(app: Application) -> int:
    return app.recorder.max_notification_id() or 0


class NotificationFollower:
    """Polls the log in a thread; a command can nudge it and wait to read its own writes."""

    def __init__(self, app: Application, project: Callable[[list[Envelope]], Any], position: int,
                 batch_size: int = 5000, interval: float = 0.5) -> None:
        self.app, self.project, self.position = app, project, position
        self.batch_size, self.interval = batch_size, interval
        self._wake, self._stopped = threading.Event(), threading.Event()
        self._caught_up = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sunlight-follower", daemon=True)

    def catch_up(self, progress: Callable[[int], Any] = lambda _: None) -> int:
        """Project everything not yet projected; returns how many events it wrote."""
        written = 0
        while batch := read_envelopes(self.app, self.position, self.batch_size):
            self.project(batch)
            self.position = batch[-1].position
            written += len(batch)
            progress(len(batch))
        with self._caught_up:
            self._caught_up.notify_all()
        return written

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def nudge(self) -> None:
        self._wake.set()

    def wait_for(self, position: int, timeout: float = 10.0) -> bool:
        """Block until the read models include `position` (read-your-writes)."""
        deadline = time.monotonic() + timeout
        self.nudge()
        with self._caught_up:
            while self.position < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._caught_up.wait(remaining):
                    return self.position >= position
        return True

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.catch_up()
            except Exception:  # keep following: a failed batch is retried from the same position
                log.exception("projection batch failed; retrying")
                self._stopped.wait(self.interval)
            self._wake.wait(self.interval)
            self._wake.clear()
