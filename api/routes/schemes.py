"""The scoring scheme (考核实施细则), kept as versioned data: the one in force for a month, and new versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from api.deps import DeploymentDep, Reader, caller_with
from api.review_schemas import SchemeCreate, SchemePublic
from api.routes.cases import command
from api.scope import Caller
from domain.base import InvalidValue
from domain.clock import beijing

router = APIRouter(prefix="/schemes", tags=["supervision"])

SchemeKeeper = Annotated[Caller, Depends(caller_with("admin", "supervisor"))]
MonthQuery = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                         description="YYYY-MM; default the current month (Beijing time)")]


@router.get("/current", response_model=SchemePublic)
def current_scheme(deployment: DeploymentDep, _: Reader, month: MonthQuery = None) -> SchemePublic:
    """The scheme `month` is scored with: the latest version whose effective_from is on or before it
    (version 1 is config/scoring-scheme.toml). 404 if no version is in force that month."""
    month = month or beijing(deployment.centre.clock()).strftime("%Y-%m")
    try:
        scheme = deployment.centre.current_scheme(month)
    except InvalidValue:
        raise HTTPException(404, f"no scoring scheme is in force in {month}") from None
    return SchemePublic.model_validate(scheme.as_dict())


@router.post("", status_code=201, response_model=SchemePublic)
def record_scheme(body: SchemeCreate, deployment: DeploymentDep, caller: SchemeKeeper) -> SchemePublic:
    """Record a new version, in force from `effective_from` (YYYY-MM); the server assigns `version` (the last
    + 1). A malformed scheme (a deduction above zero, grades out of order, …) is a 422 naming the field."""
    rules = body.model_dump(by_alias=True, exclude={"version", "effective_from", "at"})
    scheme = deployment.centre.record_scheme(effective_from=body.effective_from, scheme=rules,
                                             **command(deployment, caller, body.at))
    deployment.after_write()
    return SchemePublic.model_validate(scheme.as_dict())
