"""Request dependencies: the deployment, the signed-in user, the caller's role and the `as_of` moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import OAuth2PasswordBearer

from api.bootstrap import Deployment
from api.scope import WIDEST_FIRST, Caller
from domain.accounts import User
from domain.base import ROLES
from domain.clock import beijing

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token")


def get_deployment(request: Request) -> Deployment:
    return request.app.state.deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


def get_current_user(deployment: DeploymentDep, token: Annotated[str, Depends(oauth2)]) -> User:
    username = deployment.tokens.username(token)
    user = deployment.accounts.user(username) if username else None
    if user is None:
        raise HTTPException(401, "invalid or expired token", headers={"WWW-Authenticate": "Bearer"})
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def caller_with(*roles: str):
    """A dependency giving the caller, acting with the widest of their roles among `roles` (else 403)."""

    def caller(user: CurrentUser) -> Caller:
        for role in WIDEST_FIRST:
            if role in roles and role in user.roles:
                return Caller(user.username, role, user.window, user.department)
        raise HTTPException(403, f"needs role {' or '.join(roles)}; {user.username} has {', '.join(user.roles)}")

    return caller


Admin = Annotated[Caller, Depends(caller_with("admin"))]
# Work at a window (submit, accept, refuse), and work on a case (suspend, resume, conclude).
WindowWork = Annotated[Caller, Depends(caller_with("clerk", "supervisor", "admin"))]
CaseWork = Annotated[Caller, Depends(caller_with("clerk", "department", "supervisor", "admin"))]
Auditing = Annotated[Caller, Depends(caller_with("auditor", "supervisor", "admin"))]
Reader = Annotated[Caller, Depends(caller_with(*ROLES))]


def as_of_moment(deployment: DeploymentDep, as_of: Annotated[datetime | None, Query(
        description="Business time (ISO 8601; naive = Beijing time) between the earliest date and 2099-12-31; "
                    "default now.")] = None) -> datetime:
    """The moment a figure is asked for, checked against the bounds before any work is done."""
    if as_of is None:
        return beijing(deployment.centre.clock())
    return deployment.centre.bounds.as_of(as_of)


AsOf = Annotated[datetime, Depends(as_of_moment)]
