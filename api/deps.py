"""Request dependencies: the deployment, the signed-in user, and role guards."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from api.bootstrap import Deployment
from domain.accounts import User
from domain.base import Actor

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


def acting_as(*roles: str):
    """A dependency giving the actor of a command, refusing users without one of `roles`."""

    def actor(user: CurrentUser) -> Actor:
        for role in user.roles:
            if role in roles:
                return Actor(user.username, role)
        raise HTTPException(403, f"needs role {' or '.join(roles)}; {user.username} has {', '.join(user.roles)}")

    return actor


Admin = Annotated[Actor, Depends(acting_as("admin"))]
Clerk = Annotated[Actor, Depends(acting_as("clerk", "admin"))]
Reader = Annotated[Actor, Depends(acting_as("admin", "clerk", "hotline", "department", "supervisor", "auditor"))]
