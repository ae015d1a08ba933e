"""Inspections (现场巡查), commendations (表扬信, 锦旗) and cards (黄牌, 红牌): one event each, chained
like a case's, naming the window and, when given, the member of staff."""

from __future__ import annotations

import pytest

from domain.base import GENESIS_HASH, BusinessTimeError, InvalidValue, replay
from domain.card import CARD_COLOURS, Card
from domain.commendation import COMMENDATION_KINDS, Commendation
from domain.inspection import INSPECTION_KINDS, Inspection
from tests.unit.test_review import STAFF, STAFF_2, SUPERVISOR, WINDOW, at, bj
from tests.utils.centre import TEST_CHAIN


def only_event(aggregate):
    """The aggregate's one event, checked to be the head of a chain and correctly hashed."""
    [event] = aggregate.collect_events()
    assert (event.previous_hash, event.hash, aggregate.version) == (GENESIS_HASH, TEST_CHAIN.hash_of(event), 1)
    assert (event.actor, event.occurred_at) == (SUPERVISOR.as_dict(), bj("2026-09-22 10:00"))
    assert vars(replay([event], None)) == vars(aggregate)
    return event


# -- inspections ---------------------------------------------------------------------------------


def test_the_inspection_kinds_are_the_issues():
    assert INSPECTION_KINDS == ("absent", "off_post", "untidy", "chatting", "phone", "rude", "other")


@pytest.mark.parametrize("kind", INSPECTION_KINDS)
def test_an_inspection_names_the_window_and_the_staff_member_and_their_department(kind):
    inspection = Inspection.inspect(window=WINDOW, staff=STAFF, kind=kind, note="10:05 巡查", **at("2026-09-22 10:00"))
    assert (inspection.window, inspection.staff, inspection.staff_department, inspection.kind, inspection.note) == (
        "A12", "S001", "D01", kind, "10:05 巡查")
    assert inspection.inspected_at == bj("2026-09-22 10:00")
    event = only_event(inspection)
    assert type(event).__qualname__ == "Inspection.Recorded"
    assert (event.window, event.staff, event.staff_department, event.kind, event.note) == (
        "A12", "S001", "D01", kind, "10:05 巡查")


def test_an_inspection_may_name_no_staff_and_a_staff_member_found_away_from_their_own_window():
    absent = Inspection.inspect(window=WINDOW, kind="absent", **at("2026-09-22 10:00"))
    assert (absent.staff, absent.staff_department, absent.note) == (None, None, "")
    off_post = Inspection.inspect(window=WINDOW, staff=STAFF_2, kind="off_post", **at("2026-09-22 10:00"))
    assert (off_post.window, off_post.staff, off_post.staff_department) == ("A12", "S002", "D02")


@pytest.mark.parametrize("kind", ["late", "", "Absent", None])
def test_an_unknown_inspection_kind_is_refused(kind):
    with pytest.raises(InvalidValue) as raised:
        Inspection.inspect(window=WINDOW, kind=kind, **at("2026-09-22 10:00"))
    assert raised.value.field == "kind"


# -- commendations -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", COMMENDATION_KINDS)
def test_a_commendation_is_a_letter_or_a_banner(kind):
    commendation = Commendation.commend(window=WINDOW, staff=STAFF, kind=kind, note="群众来信",
                                        **at("2026-09-22 10:00"))
    assert (commendation.window, commendation.staff, commendation.kind, commendation.note) == (
        "A12", "S001", kind, "群众来信")
    assert commendation.commended_at == bj("2026-09-22 10:00")
    event = only_event(commendation)
    assert type(event).__qualname__ == "Commendation.Recorded"
    assert (event.window, event.staff, event.kind, event.note) == ("A12", "S001", kind, "群众来信")


def test_a_commendation_of_a_window_names_no_staff():
    assert Commendation.commend(window=WINDOW, kind="banner", **at("2026-09-22 10:00")).staff is None


@pytest.mark.parametrize("kind", ["flowers", "Letter", ""])
def test_an_unknown_commendation_kind_is_refused(kind):
    with pytest.raises(InvalidValue) as raised:
        Commendation.commend(window=WINDOW, kind=kind, **at("2026-09-22 10:00"))
    assert raised.value.field == "kind"


# -- cards ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("colour", CARD_COLOURS)
def test_a_card_is_yellow_or_red_with_its_reason(colour):
    card = Card.issue(window=WINDOW, staff=STAFF, colour=colour, reason="多次空岗", **at("2026-09-22 10:00"))
    assert (card.window, card.staff, card.colour, card.reason, card.issued_at) == (
        "A12", "S001", colour, "多次空岗", bj("2026-09-22 10:00"))
    event = only_event(card)
    assert type(event).__qualname__ == "Card.Issued"
    assert (event.window, event.staff, event.colour, event.reason) == ("A12", "S001", colour, "多次空岗")


def test_a_card_to_a_window_names_no_staff():
    assert Card.issue(window=WINDOW, colour="red", reason="窗口投诉", **at("2026-09-22 10:00")).staff is None


@pytest.mark.parametrize("colour", ["green", "Red", ""])
def test_an_unknown_card_colour_is_refused(colour):
    with pytest.raises(InvalidValue) as raised:
        Card.issue(window=WINDOW, colour=colour, reason="x", **at("2026-09-22 10:00"))
    assert raised.value.field == "colour"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_card_needs_a_reason(reason):
    with pytest.raises(InvalidValue) as raised:
        Card.issue(window=WINDOW, colour="yellow", reason=reason, **at("2026-09-22 10:00"))
    assert raised.value.field == "reason"


# -- business time -------------------------------------------------------------------------------


@pytest.mark.parametrize("record", [
    lambda when: Inspection.inspect(window=WINDOW, kind="absent", **when),
    lambda when: Commendation.commend(window=WINDOW, kind="letter", **when),
    lambda when: Card.issue(window=WINDOW, colour="yellow", reason="x", **when),
], ids=["inspection", "commendation", "card"])
def test_none_lies_in_the_future(record):
    with pytest.raises(BusinessTimeError, match="in the future"):
        record({**at("2026-09-22 10:00"), "recorded_at": bj("2026-09-22 09:59")})


def test_each_is_a_stream_of_its_own():
    first = Inspection.inspect(window=WINDOW, kind="absent", **at("2026-09-22 10:00"))
    second = Inspection.inspect(window=WINDOW, kind="absent", **at("2026-09-22 10:00"))
    assert first.id != second.id
