"""Yellow and red cards (黄牌, 红牌) to a window or a member of staff, always with the reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import DeploymentDep, caller_with
from api.review_schemas import CardCreate, CardPublic
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
