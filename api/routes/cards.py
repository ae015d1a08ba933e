"""Yellow and red cards (黄牌, 红牌) to a window or a member of staff, always with the reason."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import DeploymentDep, Reader, caller_with
from api.records import listed_records
from api.review_schemas import CardCreate, CardPublic, CardsPublic
from api.routes.cases import command
from api.scope import Caller

router = APIRouter(prefix="/cards", tags=["supervision"])

# A card is a supervisor's sanction (issue 7 §2).
Sanctioner = Annotated[Caller, Depends(caller_with("supervisor"))]


@router.post("", status_code=201, response_model=CardPublic)
def issue_card(body: CardCreate, deployment: DeploymentDep, caller: Sanctioner) -> CardPublic:
    """Issue a yellow or red card; it costs the scheme's points and bars a service star that month."""
    card = deployment.centre.issue_card(window=body.window, staff=body.staff, colour=body.colour, reason=body.reason,
                                        **command(deployment, caller, body.at))
    deployment.after_write()
    return CardPublic(id=str(card.id), window=card.window, staff=card.staff, colour=card.colour, reason=card.reason,
                      occurred_at=card.issued_at, actor=caller.actor.as_dict())


@router.get("", response_model=CardsPublic)
def list_cards(deployment: DeploymentDep, caller: Reader,
                first: Annotated[date | None, Query(alias="from", description="First day, inclusive (Beijing)")] = None,
                last: Annotated[date | None, Query(alias="to", description="Last day, inclusive (Beijing)")] = None,
                window: str | None = None, staff: str | None = None, department: str | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> CardsPublic:
    """The cards issued in the period, latest first, within the caller's scope."""
    items, count = listed_records(deployment, caller, "card", first=first, last=last, window=window, staff=staff,
                                  department=department, limit=limit, offset=offset)
    cards = [CardPublic(id=item["id"], window=item["window"], staff=item["staff"], colour=item["kind"],
                        reason=item["note"], occurred_at=item["occurred_at"], actor=item["actor"]) for item in items]
    return CardsPublic(items=cards, count=count, limit=limit, offset=offset)
