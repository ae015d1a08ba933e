"""Embedded mode: follow the event store's notification log straight into the projector.

A stored event that cannot become an envelope is handed on as Unreadable (the projector sets it
aside as a dead letter) and the log goes on past it; the follower only stops to retry when the
read models themselves cannot take a batch."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from streams.envelope import Envelope, stream_of
from streams.stored import StoredEnvelopes

log = logging.getLogger("sunlight.follower")


@dataclass(frozen=True)
class Unreadable:
    """A stored event that could not become an envelope: where it is, and the error's type only
    (an error's message may quote the event, which may hold personal data)."""

    position: int
    stream: str
    aggregate_id: str
    version: int
    event_type: str  # as an envelope names it, e.g. "CaseSubmitted"
    error: str


@dataclass(frozen=True)
class LogBatch:
    after: int
    envelopes: list[Envelope] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def last_position(self) -> int:
        """The last position read, readable or not (`after` if nothing was read)."""
        positions = [envelope.position for envelope in self.envelopes] + [item.position for item in self.unreadable]
        return max(positions, default=self.after)

    @property
    def size(self) -> int:
        return len(self.envelopes) + len(self.unreadable)


def read_log(app: Application, after: int, limit: int) -> LogBatch:
    """The next events of the log after position `after` (the log has no gaps to skip), each
    converted on its own, so one that cannot be read does not hold up the others."""
    return log_batch(app, after, app.recorder.select_notifications(start=after + 1, limit=limit))


def log_batch(app: Application, after: int, notifications: Iterable[Notification]) -> LogBatch:
    """Stored events (notifications) as envelopes, and those that cannot be read as Unreadable."""
    batch, envelopes = LogBatch(after), StoredEnvelopes(app.mapper)
    for notification in notifications:
        try:
            batch.envelopes.append(envelopes.envelope(notification, notification.id))
        except Exception as error:  # a stored row may be broken in any way
            batch.unreadable.append(unreadable(notification, error))
    return batch


def unreadable(notification: Any, error: BaseException) -> Unreadable:
    class_path = notification.topic.rpartition(":")[2].split(".")  # "domain.case:Case.Submitted"
    return Unreadable(position=notification.id, stream=stream_of(class_path[0]),
                      aggregate_id=str(notification.originator_id), version=notification.originator_version,
                      event_type="".join(class_path[-2:]), error=type(error).__name__)


def read_envelopes(app: Application, after: int, limit: int) -> list[Envelope]:
    """The next envelopes of the log; what cannot be read is logged and left out."""
    batch = read_log(app, after, limit)
    for item in batch.unreadable:
        log.error("the stored event at position %d (%s %s version %d, %s) cannot be read: %s",
                  item.position, item.stream, item.aggregate_id, item.version, item.event_type, item.error)
    return batch.envelopes


def last_position(app: Application) -> int:
    return app.recorder.max_notification_id() or 0


class NotificationFollower:
    """Polls the log in a thread; a command can nudge it and wait to read its own writes.

    `project(envelopes, unreadable)` writes one batch (Projector.project); it raises only when the
    read models cannot take the batch, which is then read again from the same position."""

    def __init__(self, app: Application, project: Callable[[list[Envelope], list[Unreadable]], Any], position: int,
                 batch_size: int = 5000, interval: float = 0.5) -> None:
        self.app, self.project, self.position = app, project, position
        self.batch_size, self.interval = batch_size, interval
        self._wake, self._stopped = threading.Event(), threading.Event()
        self._caught_up = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sunlight-follower", daemon=True)

    def catch_up(self, progress: Callable[[int], Any] = lambda _: None) -> int:
        """Project everything not yet projected; returns how many events it read."""
        read = 0
        while (batch := read_log(self.app, self.position, self.batch_size)).size:
            self.project(batch.envelopes, batch.unreadable)
            self.position = batch.last_position
            read += batch.size
            progress(batch.size)
        with self._caught_up:
            self._caught_up.notify_all()
        return read

    def try_catch_up(self) -> bool:
        """Catch up if the read models take it; if not, log why and leave it to the next try."""
        try:
            self.catch_up()
        except Exception as error:  # the batch is read again next time, from the same position
            log.warning("the read models did not take the events after position %d (%s); retrying",
                        self.position, type(error).__name__)
            return False
        return True

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread.is_alive():
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
            if not self.try_catch_up():
                self._stopped.wait(self.interval)
            self._wake.wait(self.interval)
            self._wake.clear()
