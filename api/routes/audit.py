"""Audit: prove a stream was not altered — every keyed hash, every link, and its head held apart."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import Auditing, DeploymentDep
from domain.case_commands import CaseNotFound
from domain.audit import Head
from domain.catalogue import CATALOGUE
from projections import queries
from streams.envelope import STREAMS, stream_of

router = APIRouter(prefix="/audit", tags=["audit"])

Stream = Literal[STREAMS]  # type: ignore[valid-type]


class VerificationPublic(BaseModel):
    stream: str
    id: str
    events: int
    valid: bool
    first_broken_version: int | None = None
    reason: str | None = None


def aggregate_id_of(stream: str, text: str) -> UUID:
    """A stream's id: a UUID, or for a catalogue entry also its code."""
    try:
        return UUID(text)
    except ValueError:
        if stream in CATALOGUE:
            return CATALOGUE[stream].id_for(text)
        raise CaseNotFound(f"{stream} {text} not found") from None


@router.get("/{stream}/{aggregate_id}/verify", response_model=VerificationPublic, response_model_exclude_none=True)
def verify_stream(stream: Stream, aggregate_id: str, deployment: DeploymentDep, _: Auditing) -> VerificationPublic:
    """Recompute every event's keyed hash from the store, check every link, and check the last event
    against the head held apart in the read models (so a changed, deleted or appended last event shows)."""
    identity = aggregate_id_of(stream, aggregate_id)
    aggregate_class = deployment.centre.aggregate_class_of(identity)
    if aggregate_class is None or stream_of(aggregate_class) != stream:
        raise CaseNotFound(f"{stream} {aggregate_id} not found")
    deployment.wait_for_read_models()
    found = queries.stream_head(deployment.clickhouse, str(identity))
    head = Head(found["version"], found["hash"]) if found else None
    verdict = deployment.centre.verify(identity, head)
    return VerificationPublic(stream=stream, id=aggregate_id, events=verdict.events, valid=verdict.valid,
                              first_broken_version=verdict.first_broken_version, reason=verdict.reason)
