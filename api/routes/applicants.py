"""Applicants' personal data: erasure on request (个人信息保护法, the right to deletion)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.deps import Admin, DeploymentDep

router = APIRouter(prefix="/applicants", tags=["applicants"])


class ErasurePublic(BaseModel):
    ref: str
    erased: bool
    erased_at: datetime | None
    erased_by: str | None


@router.post("/{ref}/erase", response_model=ErasurePublic)
def erase_applicant(ref: str = Path(max_length=64), *, deployment: DeploymentDep, caller: Admin) -> ErasurePublic:
    """Destroy the applicant's key: their personal fields read `[erased]` from now on, while their cases,
    the figures and the hash chain stay intact. Erasing again changes nothing."""
    erasure = deployment.vault.erase(ref, by=caller.username)
    return ErasurePublic(ref=erasure.ref, erased=erasure.erased, erased_at=erasure.erased_at,
                         erased_by=erasure.erased_by)
