"""The rebuild's fast path reads envelopes off the stored JSON; it must give exactly the envelope
the definition gives (the domain event, then envelope_of), and step aside where it cannot."""

from __future__ import annotations

import random
from datetime import datetime

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import TopicError

from streams.envelope import envelope_of
from streams.stored import StoredEnvelopes, direct_envelope
from tests.utils.cases import random_case, random_moment, register_catalogue
from tests.utils.centre import make_centre


@pytest.fixture(scope="module")
def centre():
    centre = make_centre()
    register_catalogue(centre)
    rng = random.Random(7)
    for _ in range(300):
        random_case(centre, rng, random_moment(rng, datetime(2025, 9, 1), datetime(2026, 9, 1)))
    return centre


@pytest.fixture(scope="module")
def stored(centre) -> list:
    return list(centre.recorder.select_notifications(start=1, limit=100_000))


def test_every_stored_event_reads_directly_as_the_definition_reads_it(centre, stored):
    types = set()
    for notification in stored:
        direct = direct_envelope(notification, notification.id)
        assert direct == envelope_of(centre.mapper.to_domain_event(notification), notification.id)
        types.add(direct.type)
    assert {"CaseSubmitted", "CaseAccepted", "CaseSuspended", "CaseResumed", "CaseExtended", "CaseTransferred",
            "CaseMaterialsReceived", "CaseConcluded", "CaseDelivered", "CaseRefused", "CaseWithdrawn",
            "WindowRegistered", "StaffRegistered", "ServiceItemRegistered"} <= types


def reshaped(notification, change) -> StoredEvent:
    state = orjson.loads(notification.state)
    change(state)
    return StoredEvent(originator_id=notification.originator_id, originator_version=notification.originator_version,
                       topic=notification.topic, state=orjson.dumps(state))


def nested_datetime(state):
    state["actor"] = {**state["actor"], "since": {"_type_": "datetime_iso", "_data_": "2025-01-01T00:00:00+00:00"}}


def utc_business_time(state):
    state["occurred_at"] = {"_type_": "datetime_iso", "_data_": "2025-09-01T01:00:00+00:00"}


def upcast_marker(state):
    state["class_version"] = 1


@pytest.mark.parametrize("change", [nested_datetime, utc_business_time, upcast_marker])
def test_what_the_fast_path_cannot_vouch_for_goes_the_defining_way(centre, stored, change):
    notification = reshaped(stored[-1], change)
    assert direct_envelope(notification, 9) is None
    envelope = StoredEnvelopes(centre.mapper).envelope(notification, 9)
    assert envelope == envelope_of(centre.mapper.to_domain_event(notification), 9)


def test_an_unknown_topic_fails_as_the_definition_fails(centre, stored):
    notification = StoredEvent(originator_id=stored[0].originator_id, originator_version=1,
                               topic="domain.nowhere:Gone.Happened", state=stored[0].state)
    assert direct_envelope(notification, 1) is None
    with pytest.raises(TopicError):
        StoredEnvelopes(centre.mapper).envelope(notification, 1)
