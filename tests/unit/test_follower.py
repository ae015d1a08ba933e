"""The embedded follower reads the log event by event: one stored event that cannot be read is handed
on as Unreadable and the position moves past it; a batch the read models cannot take is logged and
read again from the same position, so startup never depends on projecting."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from eventsourcing.persistence import StoredEvent

from domain.base import SYSTEM
from streams.follower import (
    NotificationFollower,
    Unreadable,
    last_position,
    read_envelopes,
    read_log,
)
from tests.utils.centre import make_centre

NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)


def centre_with_an_unreadable_event(then_more: bool = True):
    """A department, a broken stored event, and (unless it is to be last) one more department."""
    centre = make_centre(clock=lambda: NOW)
    at = datetime(2026, 1, 5, 9)
    centre.register("department", code="D01", name="市场监管局", actor=SYSTEM, at=at)
    topic = centre.recorder.select_notifications(start=1, limit=1)[0].topic
    broken_id = uuid.uuid4()
    centre.recorder.insert_events([StoredEvent(originator_id=broken_id, originator_version=1, topic=topic,
                                               state=b"not json")])
    if then_more:
        centre.register("department", code="D02", name="税务局", actor=SYSTEM, at=at)
    return centre, broken_id


def test_one_unreadable_event_does_not_fail_the_batch():
    centre, broken_id = centre_with_an_unreadable_event()
    batch = read_log(centre, 0, 100)
    assert [envelope.position for envelope in batch.envelopes] == [1, 3]
    assert batch.unreadable == [Unreadable(position=2, stream="department", aggregate_id=str(broken_id), version=1,
                                           event_type="DepartmentRegistered", error="MapperDeserialisationError")]
    assert batch.last_position == 3 and batch.size == 3
    assert [envelope.position for envelope in read_envelopes(centre, 0, 100)] == [1, 3]


def test_the_follower_moves_past_an_unreadable_last_event():
    centre, _ = centre_with_an_unreadable_event(then_more=False)
    written = []
    follower = NotificationFollower(centre, lambda envelopes, unreadable: written.append((envelopes, unreadable)), 0)
    assert follower.catch_up() == 2
    assert follower.position == last_position(centre) == 2
    assert follower.wait_for(2, timeout=0.1)
    [(envelopes, unreadable)] = written
    assert [envelope.position for envelope in envelopes] == [1] and [item.position for item in unreadable] == [2]


def test_a_batch_the_read_models_cannot_take_is_logged_and_read_again(caplog):
    centre, _ = centre_with_an_unreadable_event()
    attempts = []

    def project(envelopes, unreadable):
        attempts.append(len(envelopes) + len(unreadable))
        if len(attempts) == 1:
            raise ConnectionError("ClickHouse is down; this message names 市场监管局")

    follower = NotificationFollower(centre, project, 0)
    with caplog.at_level(logging.WARNING, logger="sunlight.follower"):
        assert follower.try_catch_up() is False
    assert follower.position == 0
    assert "ConnectionError" in caplog.text and "市场监管局" not in caplog.text
    assert follower.try_catch_up() is True
    assert follower.position == 3 and attempts == [3, 3]
