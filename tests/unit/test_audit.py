"""Tamper evidence in the domain: a stream checked against its keyed hash chain and its head."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from domain.audit import Head, StoredStreamEvent, verify_stream
from domain.base import Actor, HashChain
from domain.clock import SHANGHAI
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import TEST_CHAIN, make_centre

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)
CLERK = Actor("clerk-li", "clerk")


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def events():
    """A case of five events, as stored."""
    centre = register_small_centre(make_centre(clock=lambda: NOW), at=bj("2025-09-01 09:00"))
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                              at=bj("2025-09-26 09:00"))
    centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK, at=bj("2025-09-26 10:00"))
    centre.suspend_case(case.id, reason="supplement", actor=CLERK, at=bj("2025-09-29 09:00"))
    centre.resume_case(case.id, actor=CLERK, at=bj("2025-10-09 09:00"))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-10-10 09:00"))
    return centre.case_events(case.id)


def stored(events) -> list[StoredStreamEvent]:
    return [StoredStreamEvent(event.originator_version, event) for event in events]


def head_of(events) -> Head:
    return Head(events[-1].originator_version, events[-1].hash)


def test_an_untouched_stream_verifies(events):
    verdict = verify_stream(stored(events), TEST_CHAIN, head_of(events))
    assert (verdict.events, verdict.valid, verdict.first_broken_version, verdict.reason) == (5, True, None, None)


@pytest.mark.parametrize("index", range(5))
def test_an_altered_event_is_found_wherever_it_is(events, index):
    altered = list(events)
    altered[index] = dataclasses.replace(events[index], actor={"user": "someone-else", "role": "clerk"})
    verdict = verify_stream(stored(altered), TEST_CHAIN, head_of(events))
    assert (verdict.valid, verdict.first_broken_version) == (False, index + 1)
    assert "altered" in verdict.reason


def test_the_hash_cannot_be_recomputed_without_the_key(events):
    # Someone who can write rows changes the outcome and recomputes the hash with a key of their own.
    forger = HashChain(b"a key the forger made up, 32 bytes!")
    fields = {**vars(events[-1]), "outcome": "denied"}
    forged = type(events[-1])(**{**fields, "hash": ""})
    forged = dataclasses.replace(forged, hash=forger.hash_of(forged))
    verdict = verify_stream(stored(events[:-1] + [forged]), TEST_CHAIN, Head(5, forged.hash))
    assert (verdict.valid, verdict.first_broken_version) == (False, 5)


def test_a_deleted_last_event_is_caught_by_the_head_held_apart(events):
    verdict = verify_stream(stored(events[:-1]), TEST_CHAIN, head_of(events))
    assert (verdict.valid, verdict.first_broken_version, verdict.events) == (False, 5, 4)
    assert "deleted" in verdict.reason


def test_a_deleted_middle_event_breaks_the_versions(events):
    verdict = verify_stream(stored(events[:2] + events[3:]), TEST_CHAIN, head_of(events))
    assert (verdict.valid, verdict.first_broken_version) == (False, 3)


def test_an_appended_copy_with_a_correct_link_is_still_caught(events):
    # The link is public (the history shows hashes), so a forger can set it; the event's own hash they cannot.
    copy = dataclasses.replace(events[-1], originator_version=6, previous_hash=events[-1].hash)
    verdict = verify_stream(stored(events + [copy]), TEST_CHAIN, Head(6, copy.hash))
    assert (verdict.valid, verdict.first_broken_version) == (False, 6)


def test_an_event_beyond_the_head_never_went_through_the_log(events):
    verdict = verify_stream(stored(events), TEST_CHAIN, Head(4, events[3].hash))
    assert (verdict.valid, verdict.first_broken_version) == (False, 5)


def test_a_head_with_another_hash_is_a_changed_last_event(events):
    verdict = verify_stream(stored(events), TEST_CHAIN, Head(5, "0" * 64))
    assert (verdict.valid, verdict.first_broken_version) == (False, 5)


def test_an_unreadable_event_is_a_finding(events):
    rows = stored(events)
    rows[1] = StoredStreamEvent(2, None, "JSONDecodeError")
    verdict = verify_stream(rows, TEST_CHAIN, head_of(events))
    assert (verdict.valid, verdict.first_broken_version) == (False, 2)
    assert "JSONDecodeError" in verdict.reason


def test_no_head_means_the_end_cannot_be_confirmed(events):
    verdict = verify_stream(stored(events), TEST_CHAIN, None)
    assert verdict.valid is False and "no head" in verdict.reason


def test_a_short_chain_key_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        HashChain(b"short")
