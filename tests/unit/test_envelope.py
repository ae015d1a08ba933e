"""The wire format: events read from the store's notification log, wrapped as envelopes."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from uuid import UUID

import pytest

from domain.base import GENESIS_HASH, SYSTEM, Actor
from domain.catalogue import ServiceItem
from domain.clock import SHANGHAI
from streams.envelope import SCHEMA_VERSION, Envelope, envelope_of, stream_of
from tests.utils.catalogue import register_small_centre
from tests.utils.centre import TEST_CHAIN, make_centre

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)
CLERK = Actor("clerk-li", "clerk")
BASE_FIELDS = {"originator_id", "originator_version", "originator_topic", "timestamp", "occurred_at", "actor",
               "previous_hash", "hash"}


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def log() -> list[tuple[object, Envelope]]:
    """A small history — the catalogue, a limit change, two cases — as (event, envelope) in log order."""
    centre = make_centre(clock=lambda: NOW)
    register_small_centre(centre, at=bj("2025-09-01 09:00"), items={"P5": ("食品经营许可", "promised", 20, 5)})
    centre.change_item_limits("P5", legal_days=10, promised_days=3, actor=SYSTEM, at=bj("2025-09-15 09:00"))
    case = centre.submit_case(item="P5", channel="window", applicant={"name": "张三", "id_number": "110101198001011234"},
                              actor=CLERK, at=datetime(2025, 9, 26, 9, 0))  # naive: Beijing time
    centre.accept_case(case.id, window="A12", staff="S001", actor=CLERK,
                       at=datetime(2025, 9, 26, 2, 30, tzinfo=timezone.utc))  # 10:30 in Beijing
    centre.suspend_case(case.id, reason="supplement", note="缺营业执照", actor=CLERK, at=bj("2025-09-29 09:00"))
    centre.resume_case(case.id, actor=CLERK, at=bj("2025-10-09 09:00"))
    centre.conclude_case(case.id, outcome="approved", actor=CLERK, at=bj("2025-10-10 16:00"))
    other = centre.submit_case(item="P5", channel="online", applicant={"name": "王五"}, actor=CLERK,
                               at=bj("2025-10-10 17:00"))
    centre.refuse_case(other.id, reason="材料不全", actor=CLERK, at=bj("2025-10-11 09:00"))
    notifications = centre.recorder.select_notifications(start=1, limit=100)
    return [(event, envelope_of(event, n.id))
            for n in notifications for event in [centre.mapper.to_domain_event(n)]]


def envelopes(log, type_: str | None = None) -> list[Envelope]:
    return [envelope for _, envelope in log if type_ is None or envelope.type == type_]


def test_types_and_streams_name_the_aggregate_and_the_event(log):
    assert [(envelope.type, envelope.stream) for envelope in envelopes(log)] == [
        ("DepartmentRegistered", "department"),
        ("HallRegistered", "hall"),
        ("WindowRegistered", "window"),
        ("StaffRegistered", "staff"),
        ("ServiceItemRegistered", "item"),
        ("ServiceItemLimitsChanged", "item"),
        ("CaseSubmitted", "case"),
        ("CaseAccepted", "case"),
        ("CaseSuspended", "case"),
        ("CaseResumed", "case"),
        ("CaseConcluded", "case"),
        ("CaseSubmitted", "case"),
        ("CaseRefused", "case"),
    ]
    assert {envelope.schema_version for envelope in envelopes(log)} == {SCHEMA_VERSION}


def test_stream_names():
    assert stream_of("ServiceItem") == "item"
    assert [stream_of(name) for name in ("Case", "Department", "Hall", "Window", "Staff")] == [
        "case", "department", "hall", "window", "staff"]


def test_positions_follow_the_log_and_versions_follow_each_stream(log):
    assert [envelope.position for envelope in envelopes(log)] == list(range(1, len(log) + 1))
    versions: dict[str, list[int]] = {}
    for envelope in envelopes(log):
        versions.setdefault(envelope.aggregate_id, []).append(envelope.version)
    assert all(found == list(range(1, len(found) + 1)) for found in versions.values())
    item = envelopes(log, "ServiceItemLimitsChanged")[0]
    assert (item.aggregate_id, item.version) == (str(ServiceItem.id_for("P5")), 2)
    assert [envelope.version for envelope in envelopes(log) if envelope.stream == "case"] == [1, 2, 3, 4, 5, 1, 2]


def test_business_time_is_beijing_time_and_record_time_is_utc(log):
    submitted, accepted = envelopes(log, "CaseSubmitted")[0], envelopes(log, "CaseAccepted")[0]
    assert submitted.occurred_at == "2025-09-26T09:00:00+08:00"   # a naive time was taken as Beijing time
    assert accepted.occurred_at == "2025-09-26T10:30:00+08:00"    # a UTC time was converted
    assert all(envelope.occurred_at.endswith("+08:00") for envelope in envelopes(log))
    assert {envelope.recorded_at for envelope in envelopes(log)} == {"2025-10-20T02:00:00+00:00"}


def test_the_actor_is_carried(log):
    assert envelopes(log, "DepartmentRegistered")[0].actor == {"user": "system", "role": "admin"}
    assert envelopes(log, "CaseAccepted")[0].actor == {"user": "clerk-li", "role": "clerk"}


def test_the_payload_is_the_events_own_fields(log):
    assert envelopes(log, "CaseAccepted")[0].payload == {
        "window": "A12", "hall": "H01", "staff": "S001", "staff_name": "李娜", "staff_department": "D01",
        "promised_days": 3, "legal_days": 10, "missing_materials": []}
    submitted = envelopes(log, "CaseSubmitted")[0]
    assert submitted.payload == {
        "item": "P5", "item_name": "食品经营许可", "department": "D01", "kind": "promised", "channel": "window",
        "applicant_ref": log_event(log, submitted).applicant["ref"]}
    assert envelopes(log, "CaseSuspended")[0].payload == {"reason": "supplement", "note": "缺营业执照", "counts": False}
    assert envelopes(log, "CaseResumed")[0].payload == {}
    assert envelopes(log, "CaseConcluded")[0].payload == {"outcome": "approved"}
    assert envelopes(log, "CaseRefused")[0].payload == {"reason": "材料不全"}
    assert envelopes(log, "DepartmentRegistered")[0].payload == {"code": "D01", "name": "市场监管局"}
    # A limit change carries the whole item, so a consumer needs no earlier event.
    assert envelopes(log, "ServiceItemLimitsChanged")[0].payload == {
        "code": "P5", "name": "食品经营许可", "department": "D01", "kind": "promised", "legal_days": 10,
        "promised_days": 3}
    for envelope in envelopes(log):
        assert not BASE_FIELDS & set(envelope.payload), envelope.type


def log_event(log, envelope: Envelope):
    return next(event for event, candidate in log if candidate is envelope)


def test_personal_data_leaves_the_store_as_an_opaque_reference_only(log):
    for _, envelope in log:
        data = envelope.to_json()
        for personal in ("张三", "110101198001011234", "王五", "sealed"):
            assert personal.encode() not in data, envelope.type
    refs = [envelope.payload["applicant_ref"] for envelope in envelopes(log, "CaseSubmitted")]
    assert len(set(refs)) == 2 and all(ref.startswith("ap_") for ref in refs)


def test_the_hash_is_the_events_keyed_hash_and_chains_per_stream(log):
    last_hash: dict[str, str] = {}
    for event, envelope in log:
        assert envelope.hash == event.hash == TEST_CHAIN.hash_of(event)
        assert envelope.previous_hash == event.previous_hash == last_hash.get(envelope.aggregate_id, GENESIS_HASH)
        last_hash[envelope.aggregate_id] = envelope.hash
    assert len({envelope.hash for envelope in envelopes(log)}) == len(log)


def test_the_envelope_names_the_aggregate_and_is_keyed_by_it(log):
    for event, envelope in log:
        assert envelope.aggregate_id == str(event.originator_id)
        assert envelope.key == str(event.originator_id).encode()
        assert UUID(envelope.key.decode()) == event.originator_id


def test_json_round_trips(log):
    for _, envelope in log:
        data = envelope.to_json()
        assert isinstance(data, bytes)
        assert Envelope.from_json(data) == envelope
        document = json.loads(data)
        assert set(document) == {
            "type", "schema_version", "stream", "aggregate_id", "version", "position", "occurred_at", "recorded_at",
            "actor", "payload", "hash", "previous_hash"}
    # Chinese text is written as UTF-8, not escaped.
    assert "市场监管局".encode() in envelopes(log, "DepartmentRegistered")[0].to_json()


def test_an_envelope_from_unknown_json_fields_is_refused():
    with pytest.raises(TypeError):
        Envelope.from_json(b'{"type": "CaseAccepted", "surprise": 1}')
