"""The service centre's review and supervision commands, on an in-memory store, with hand-computed
dates around National Day 2025: holidays Wed 10-01 .. Wed 10-08; Sun 09-28 and Sat 10-11 are
working days (调休). The working days after Tue 09-30 are 10-09 (1), 10-10 (2), 10-11 (3),
10-13 (4), 10-14 (5), 10-15 (6), …, 10-28 (15)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from domain.base import (
    GENESIS_HASH, SYSTEM, Actor, BusinessTimeError, DuplicateCode, IllegalTransition, InvalidValue, UnknownReference,
)
from domain.card import Card
from domain.case_commands import VersionConflict
from domain.clock import SHANGHAI
from domain.commendation import Commendation
from domain.inspection import Inspection
from domain.review import Review
from domain.review_commands import ReviewNotFound
from domain.scheme import load_default_scheme
from domain.scheme_book import SchemeBook
from streams.envelope import STREAMS, envelope_of, stream_of
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import TEST_CHAIN, make_centre

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=timezone.utc)
CLERK = Actor("clerk-li", "clerk")
SUPERVISOR = Actor("sup-wang", "supervisor")
D = date.fromisoformat
COMMENT = "窗口人员态度差，我的电话 13812345678"


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def centre():
    centre = make_centre(clock=lambda: NOW)
    register_small_centre(centre, at=bj("2025-09-01 09:00"), windows={"A12": "S001", "B01": "S002"})
    return centre


def served(centre, concluded: str = "2025-09-26 15:00", window: str = "A12", staff: str = "S001"):
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三"}, actor=CLERK,
                              at=bj("2025-09-26 09:00"))
    centre.accept_case(case.id, window=window, staff=staff, actor=CLERK, at=bj("2025-09-26 09:30"))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj(concluded))
    return case


def bad_review(centre, given: str = "2025-09-30 10:00", **options):
    return centre.give_review(served(centre).id, rating=options.pop("rating", 2), channel="pad", actor=CLERK,
                              at=bj(given), **options)


def envelopes(centre, aggregate_id) -> list:
    return [envelope_of(event, 0) for event in centre.events.get(aggregate_id)]


# -- giving a review -------------------------------------------------------------------------------


def test_a_review_names_the_cases_accepting_window_and_staff_and_is_stored(centre):
    case = served(centre)
    review = centre.give_review(case.id, rating=4, channel="app", actor=CLERK, at=bj("2025-09-27 10:00"))
    assert review.id == Review.id_for(case.id)
    stored = centre.review(review.id)
    assert (stored.case_id, stored.window, stored.staff, stored.staff_department, stored.rating, stored.state) == (
        str(case.id), "A12", "S001", "D01", 4, "recorded")
    assert (stored.comment, centre.verification_deadline(stored)) == (None, None)


def test_a_second_review_of_a_case_is_a_duplicate(centre):
    case = served(centre)
    centre.give_review(case.id, rating=5, channel="pad", actor=CLERK, at=bj("2025-09-27 10:00"))
    with pytest.raises(DuplicateCode, match="already has a review"):
        centre.give_review(case.id, rating=1, channel="web", actor=CLERK, at=bj("2025-09-28 10:00"))
    assert centre.review(Review.id_for(case.id)).rating == 5


def test_an_unknown_case_is_an_invalid_reference_and_an_open_case_cannot_be_reviewed(centre):
    with pytest.raises(UnknownReference) as raised:
        centre.give_review(Review.id_for("nothing"), rating=5, channel="pad", actor=CLERK)
    assert raised.value.field == "case"
    open_case = centre.submit_case(item="P5", channel="window", applicant={"name": "李四"}, actor=CLERK,
                                   at=bj("2025-09-26 09:00"))
    with pytest.raises(IllegalTransition, match="cannot review a case that is submitted"):
        centre.give_review(open_case.id, rating=5, channel="pad", actor=CLERK)


def test_the_comment_is_sealed_and_leaves_the_store_as_a_reference_only(centre):
    review = bad_review(centre, comment=COMMENT)
    assert set(review.comment) == {"ref", "sealed"} and review.comment["sealed"] != COMMENT
    assert centre.vault.people[review.comment["ref"]] == {"comment": COMMENT}
    [given] = envelopes(centre, review.id)
    assert given.type == "ReviewGiven" and given.payload["comment_ref"] == review.comment["ref"]
    assert "comment" not in given.payload
    for secret in ("13812345678", "态度差", "sealed"):
        assert secret.encode() not in given.to_json()


def test_a_blank_comment_is_no_comment_and_a_refused_review_seals_nothing(centre):
    assert bad_review(centre, comment="   ").comment is None
    with pytest.raises(InvalidValue) as raised:
        bad_review(centre, rating=6, comment=COMMENT)
    assert raised.value.field == "rating"
    assert not [person for person in centre.vault.people.values() if "comment" in person]


# -- the bad review's workflow ----------------------------------------------------------------------


def test_a_bad_review_is_due_for_verification_two_working_days_after_it_is_given(centre):
    assert centre.verification_deadline(bad_review(centre, given="2025-09-30 10:00")) == D("2025-10-10")
    assert centre.verification_deadline(bad_review(centre, given="2025-09-27 10:00")) == D("2025-09-29")  # Sun 28 works


def test_rectify_by_deadline_across_national_day_then_rectified_then_visited(centre):
    review = bad_review(centre)
    centre.verify_review(review.id, outcome="rectify_by_deadline", note="属实", actor=SUPERVISOR,
                         at=bj("2025-09-30 16:00"))
    assert (centre.review(review.id).state, centre.review(review.id).deadline) == ("rectifying", D("2025-10-14"))
    centre.rectify_review(review.id, note="已培训", actor=SUPERVISOR, at=bj("2025-10-14 17:00"))
    centre.return_visit(review.id, rating=4, note="满意", actor=SUPERVISOR, at=bj("2025-10-15 10:00"))
    done = centre.review(review.id)
    assert (done.state, done.rectified_on_time, done.return_rating, done.rating, done.version) == (
        "rectified", True, 4, 2, 4)
    # As of a moment in between, the review is what it was then.
    assert centre.review(review.id, as_of=bj("2025-10-10 12:00")).state == "rectifying"
    with pytest.raises(ReviewNotFound):
        centre.review(review.id, as_of=bj("2025-09-30 09:00"))


def test_every_step_is_an_event_of_one_keyed_hash_chain(centre):
    review = bad_review(centre)
    centre.verify_review(review.id, outcome="rectify_by_deadline", note="属实", actor=SUPERVISOR,
                         at=bj("2025-09-30 16:00"))
    centre.rectify_review(review.id, note="已整改", actor=SUPERVISOR, at=bj("2025-10-15 09:00"))
    events = list(centre.events.get(review.id))
    assert [type(event).__qualname__ for event in events] == ["Review.Given", "Review.Verified", "Review.Rectified"]
    previous = GENESIS_HASH
    for event in events:
        assert (event.previous_hash, event.hash) == (previous, TEST_CHAIN.hash_of(event))
        previous = event.hash
    assert events[1].deadline == "2025-10-14" and events[2].on_time is False
    assert [envelope.stream for envelope in envelopes(centre, review.id)] == ["review"] * 3


def test_the_rectify_days_setting_reaches_the_deadline():
    centre = make_centre(clock=lambda: NOW, rectify_days=15, verify_days=3)
    register_small_centre(centre, at=bj("2025-09-01 09:00"))
    review = bad_review(centre)
    assert centre.verification_deadline(review) == D("2025-10-11")  # 10-09, 10-10, Sat 10-11
    centre.verify_review(review.id, outcome="rectify_by_deadline", note="属实", actor=SUPERVISOR,
                         at=bj("2025-09-30 16:00"))
    assert centre.review(review.id).deadline == D("2025-10-28")


def test_an_appeal_upheld_overturns_and_one_not_upheld_is_rectified_from_the_decision(centre):
    upheld, dismissed = bad_review(centre), bad_review(centre)
    for review in (upheld, dismissed):
        centre.verify_review(review.id, outcome="appeal", note="恶意差评", actor=SUPERVISOR, at=bj("2025-09-30 11:00"))
    centre.decide_appeal(upheld.id, upheld=True, note="查无此事", actor=SUPERVISOR, at=bj("2025-10-09 10:00"))
    centre.decide_appeal(dismissed.id, upheld=False, note="属实", actor=SUPERVISOR, at=bj("2025-10-09 10:00"))
    assert (centre.review(upheld.id).state, centre.review(upheld.id).counts) == ("overturned", False)
    # From Thu 10-09: 10-10 (1), Sat 10-11 (2), 10-13 (3), 10-14 (4), 10-15 (5).
    assert (centre.review(dismissed.id).state, centre.review(dismissed.id).deadline) == ("rectifying", D("2025-10-15"))


def test_steps_out_of_order_are_refused_naming_the_state(centre):
    review = bad_review(centre)
    with pytest.raises(IllegalTransition, match="awaiting_verification"):
        centre.rectify_review(review.id, note="x", actor=SUPERVISOR)
    centre.verify_review(review.id, outcome="explain", note="解释", actor=SUPERVISOR, at=bj("2025-09-30 16:00"))
    with pytest.raises(IllegalTransition, match="explained"):
        centre.verify_review(review.id, outcome="rectify_now", note="again", actor=SUPERVISOR)
    with pytest.raises(IllegalTransition, match="explained"):
        centre.decide_appeal(review.id, upheld=True, note="x", actor=SUPERVISOR)
    good = centre.give_review(served(centre).id, rating=5, channel="pad", actor=CLERK, at=bj("2025-09-30 10:00"))
    with pytest.raises(IllegalTransition, match="recorded"):
        centre.verify_review(good.id, outcome="explain", note="x", actor=SUPERVISOR)


def test_a_stale_expected_version_and_a_time_before_the_last_event_are_refused(centre):
    review = bad_review(centre)
    with pytest.raises(VersionConflict):
        centre.verify_review(review.id, outcome="explain", note="x", actor=SUPERVISOR, expected_version=2)
    with pytest.raises(BusinessTimeError):
        centre.verify_review(review.id, outcome="explain", note="x", actor=SUPERVISOR, at=bj("2025-09-30 09:00"))
    assert centre.verify_review(review.id, outcome="explain", note="x", actor=SUPERVISOR,
                                expected_version=1).version == 2


def test_an_unknown_review_or_another_aggregates_id_is_not_found(centre):
    case = served(centre)
    with pytest.raises(ReviewNotFound):
        centre.review(Review.id_for(case.id))
    with pytest.raises(ReviewNotFound):
        centre.review(case.id)  # a case's stream is not a review


# -- inspections, commendations, cards --------------------------------------------------------------


def test_an_inspection_commendation_and_card_are_recorded_at_a_known_window(centre):
    inspection = centre.inspect(window="A12", staff="S002", kind="off_post", note="串岗", actor=SUPERVISOR,
                                at=bj("2025-10-09 10:00"))
    commendation = centre.commend(window="A12", kind="banner", actor=SUPERVISOR, at=bj("2025-10-09 11:00"))
    card = centre.issue_card(window="B01", staff="S002", colour="yellow", reason="多次空岗", actor=SUPERVISOR,
                             at=bj("2025-10-09 12:00"))
    assert (inspection.window, inspection.staff, inspection.staff_department, inspection.kind) == (
        "A12", "S002", "D01", "off_post")
    assert (commendation.window, commendation.staff, card.colour, card.staff) == ("A12", None, "yellow", "S002")
    for recorded, aggregate, stream in ((inspection, Inspection, "inspection"),
                                        (commendation, Commendation, "commendation"), (card, Card, "card")):
        [envelope] = envelopes(centre, recorded.id)
        assert (envelope.stream, envelope.version, envelope.previous_hash) == (stream, 1, GENESIS_HASH)
        assert type(next(iter(centre.events.get(recorded.id)))).__qualname__.startswith(aggregate.__name__)


@pytest.mark.parametrize("record", [
    lambda centre, **ref: centre.inspect(kind="absent", actor=SUPERVISOR, **ref),
    lambda centre, **ref: centre.commend(kind="letter", actor=SUPERVISOR, **ref),
    lambda centre, **ref: centre.issue_card(colour="red", reason="x", actor=SUPERVISOR, **ref),
], ids=["inspection", "commendation", "card"])
def test_an_unknown_window_or_staff_is_an_invalid_reference(centre, record):
    for reference, field in (({"window": "Z99"}, "window"), ({"window": "A12", "staff": "S999"}, "staff")):
        with pytest.raises(UnknownReference) as raised:
            record(centre, **reference)
        assert raised.value.field == field


# -- scoring schemes ------------------------------------------------------------------------------


def scheme_body(**changes) -> dict:
    body = load_default_scheme().as_dict()
    del body["version"], body["effective_from"]
    return {**body, **changes}


def test_version_1_is_the_default_file_without_any_event(centre):
    assert centre.current_scheme("2026-03") == load_default_scheme()
    assert centre.scheme_book() is None and list(centre.events.get(SchemeBook.id_for())) == []


def test_new_versions_are_numbered_by_the_server_and_in_force_from_their_month(centre):
    window = {**scheme_body()["window"], "overdue": -8}
    second = centre.record_scheme(effective_from="2026-04", scheme=scheme_body(window=window, version=99),
                                  actor=SUPERVISOR, at=bj("2025-10-20 10:00"))
    third = centre.record_scheme(effective_from="2026-07", scheme=scheme_body(bonus_cap=6), actor=SYSTEM,
                                 at=bj("2025-10-21 10:00"))
    assert (second.version, second.effective_from, second.window.overdue) == (2, "2026-04", -8)
    assert (third.version, third.bonus_cap) == (3, 6)
    assert [centre.current_scheme(month).version for month in ("2026-01", "2026-03", "2026-04", "2026-06", "2026-07",
                                                               "2027-01")] == [1, 1, 2, 2, 3, 3]
    with pytest.raises(InvalidValue) as raised:
        centre.current_scheme("2025-12")  # before any version
    assert raised.value.field == "month"


def test_the_versions_are_events_of_one_chained_stream(centre):
    for month in ("2026-02", "2026-05"):
        centre.record_scheme(effective_from=month, scheme=scheme_body(), actor=SUPERVISOR, at=bj("2025-10-20 10:00"))
    stream = envelopes(centre, SchemeBook.id_for())
    assert [(envelope.type, envelope.stream, envelope.version) for envelope in stream] == [
        ("SchemeBookOpened", "scheme_book", 1), ("SchemeBookSchemeRecorded", "scheme_book", 2)]
    assert stream[1].previous_hash == stream[0].hash
    assert [envelope.payload["scheme"]["version"] for envelope in stream] == [2, 3]
    assert json.loads(stream[1].to_json())["payload"]["scheme"]["effective_from"] == "2026-05"


@pytest.mark.parametrize("changes, field", [
    ({"window": {**scheme_body()["window"], "inspection": {**scheme_body()["window"]["inspection"], "absent": 2}}},
     "window.inspection.absent"),
    ({"honours": {"red_flags": 5, "stars": 3, "min_score": 95}}, "honours.min_cases"),
    ({"grades": {"excellent": 80, "good": 85, "pass": 70}}, "grades.good"),
    ({"surprise": 1}, "surprise"),
])
def test_a_malformed_scheme_is_refused_naming_the_field_and_records_nothing(centre, changes, field):
    with pytest.raises(InvalidValue) as raised:
        centre.record_scheme(effective_from="2026-04", scheme=scheme_body(**changes), actor=SUPERVISOR)
    assert raised.value.field == field
    with pytest.raises(InvalidValue) as raised:
        centre.record_scheme(effective_from="2026-4", scheme=scheme_body(), actor=SUPERVISOR)
    assert raised.value.field == "effective_from"
    assert centre.scheme_book() is None


# -- streams --------------------------------------------------------------------------------------


def test_each_new_aggregate_has_a_stream_name_the_audit_knows():
    names = {cls: stream_of(cls) for cls in ("Review", "Inspection", "Commendation", "Card", "SchemeBook")}
    assert names == {"Review": "review", "Inspection": "inspection", "Commendation": "commendation", "Card": "card",
                     "SchemeBook": "scheme_book"}
    assert set(names.values()) <= set(STREAMS)
