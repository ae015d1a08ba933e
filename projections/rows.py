"""The read-model rows of one event, by table: what the projector writes for each envelope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.clock import SHANGHAI, aware, local_date
from projections.ordinals import WorkdayOrdinals
from streams.envelope import Envelope

# The state a case is in after each event; "" for the events that leave the state as it was.
STATE_AFTER = {
    "CaseSubmitted": "submitted",
    "CaseAccepted": "accepted",
    "CaseRefused": "refused",
    "CaseSuspended": "suspended",
    "CaseResumed": "accepted",
    "CaseConcluded": "concluded",
    "CaseDelivered": "delivered",
    "CaseWithdrawn": "withdrawn",
    "CaseMaterialsReceived": "",
    "CaseExtended": "",
    "CaseTransferred": "",
}
CATALOGUE_STREAMS = ("department", "hall", "window", "staff", "item", "complaint_category", "area")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
BEIJING_OFFSET = timedelta(hours=8)


def microseconds(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive moment is Beijing time, as everywhere."""
    return (aware(moment) - EPOCH) // ONE_MICROSECOND


def moment_of(us: int) -> datetime:
    """The Beijing moment `microseconds` gave these microseconds for (exact: no float on the way)."""
    return (EPOCH + timedelta(microseconds=us)).astimezone(SHANGHAI)


def beijing_date(moment: datetime) -> date:
    """The Beijing date of an aware moment; envelopes already carry Beijing time, so mostly its own date."""
    return moment.date() if moment.utcoffset() == BEIJING_OFFSET else local_date(moment)


def case_event_row(envelope: Envelope, ordinals: WorkdayOrdinals) -> dict[str, Any]:
    payload, occurred_at = envelope.payload, datetime.fromisoformat(envelope.occurred_at)
    occurred_on = beijing_date(occurred_at)
    occurred_ord, occurred_ord_before = ordinals.of(occurred_on)
    event_type = envelope.type
    return {
        "case_id": envelope.aggregate_id,
        "version": envelope.version,
        "position": envelope.position,
        "event_type": event_type,
        "state_after": STATE_AFTER[event_type],
        "occurred_us": microseconds(occurred_at),
        "occurred_on": occurred_on,
        "occurred_ord": occurred_ord,
        "occurred_ord_before": occurred_ord_before,
        "recorded_us": microseconds(datetime.fromisoformat(envelope.recorded_at)),
        "item_code": payload.get("item", ""),
        "item_name": payload.get("item_name", ""),
        "item_kind": payload.get("kind", ""),
        # the department the event names: the item's (submitted), the accepting staff member's
        # (accepted), the receiving staff member's (transferred)
        "department_code": payload.get("department", payload.get("staff_department", "")),
        "channel": payload.get("channel", ""),
        "window_code": payload.get("window", ""),
        "hall_code": payload.get("hall", ""),
        "staff_code": payload.get("staff", ""),
        "staff_name": payload.get("staff_name", ""),
        "promised_days": payload.get("promised_days", 0),
        "legal_days": payload.get("legal_days", 0),
        "reason": payload.get("reason", ""),
        "counts": int(payload.get("counts", False)),
        "extended_days": payload.get("days", 0) if event_type == "CaseExtended" else 0,
        "missing_materials": len(payload.get("missing_materials", [])),
        "outcome": payload.get("outcome", ""),
        "actor_user": envelope.actor.get("user", ""),
        "actor_role": envelope.actor.get("role", ""),
        "hash": envelope.hash,
        "previous_hash": envelope.previous_hash,
    }


def catalogue_row(envelope: Envelope) -> dict[str, Any]:
    payload = envelope.payload
    return {
        "entry_kind": envelope.stream,
        "code": payload["code"],
        "name": payload.get("name", ""),
        "level": payload.get("level", ""),
        "hall_code": payload.get("hall", ""),
        "department_code": payload.get("department", ""),
        "window_code": payload.get("window", ""),
        "role": payload.get("role", ""),
        "item_kind": payload.get("kind", "") if envelope.stream == "item" else "",
        "legal_days": payload.get("legal_days", 0),
        "promised_days": payload.get("promised_days", 0),
        # the trees (complaint categories, areas): the path runs from the top code down to the entry
        "parent_code": payload.get("parent") or "",
        "depth": payload.get("depth", 0),
        "path": payload.get("path", []),
        "has_coordinates": int(payload.get("lat") is not None),
        "lat": float(payload.get("lat") or 0.0),
        "lon": float(payload.get("lon") or 0.0),
        "version": envelope.version,
        "position": envelope.position,
    }


SUPERVISION_STREAMS = {"inspection": "kind", "commendation": "kind", "card": "colour"}  # and the field of its kind


def supervision_record_row(envelope: Envelope) -> dict[str, Any]:
    """An inspection, commendation or card: each a one-event aggregate, so one row each."""
    payload, occurred_at = envelope.payload, datetime.fromisoformat(envelope.occurred_at)
    return {
        "record_id": envelope.aggregate_id,
        "record_kind": envelope.stream,
        "kind": payload[SUPERVISION_STREAMS[envelope.stream]],
        "window_code": payload["window"],
        "staff_code": payload.get("staff") or "",
        "note": payload.get("note", payload.get("reason", "")),
        "occurred_us": microseconds(occurred_at),
        "occurred_on": beijing_date(occurred_at),
        "actor_user": envelope.actor.get("user", ""),
        "actor_role": envelope.actor.get("role", ""),
        "position": envelope.position,
    }


def stream_head_row(envelope: Envelope) -> dict[str, Any]:
    """Every event moves its stream's head; the table keeps the highest version (tamper evidence)."""
    return {"stream": envelope.stream, "aggregate_id": envelope.aggregate_id, "version": envelope.version,
            "hash": envelope.hash, "position": envelope.position}


def rows_of(envelope: Envelope, ordinals: WorkdayOrdinals) -> dict[str, dict[str, Any]]:
    """The read-model rows of one event, by table (not yet checked against the tables)."""
    rows = {"stream_heads": stream_head_row(envelope)}
    if envelope.stream == "case":
        rows["case_events"] = case_event_row(envelope, ordinals)
    elif envelope.stream in CATALOGUE_STREAMS:
        rows["catalogue"] = catalogue_row(envelope)
    elif envelope.stream in SUPERVISION_STREAMS:
        rows["supervision_records"] = supervision_record_row(envelope)
    return rows
