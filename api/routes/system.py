"""Health, sign-in and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import authenticate, passwords
from api.deps import Admin, CurrentUser, DeploymentDep
from api.schemas import UserCreate, UserPublic
from streams.follower import last_position

router = APIRouter(tags=["system"])


@router.get("/health")
def read_health(deployment: DeploymentDep) -> dict:
    """Liveness, the deployment mode, and how far the read models have caught up."""
    return {"status": "ok", "mode": deployment.settings.mode,
            "events": last_position(deployment.centre), "projected": deployment.projector.position()}


@router.post("/auth/token")
def create_token(deployment: DeploymentDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    """Exchange username and password for a bearer token."""
    user = authenticate(deployment.accounts, form.username, form.password)
    if user is None:
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    return {"access_token": deployment.tokens.issue(user), "token_type": "bearer",
            "username": user.username, "roles": user.roles}


@router.post("/users", status_code=201, response_model=UserPublic)
def create_user(body: UserCreate, deployment: DeploymentDep, actor: Admin) -> UserPublic:
    """Create a user with roles, and optionally the window or department they belong to."""
    user = deployment.accounts.register_user(
        username=body.username, password_hash=passwords.hash(body.password), roles=list(body.roles),
        window=body.window, department=body.department, actor=actor,
    )
    return public_user(user)


@router.get("/users/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    """The signed-in user."""
    return public_user(user)


def public_user(user) -> UserPublic:
    return UserPublic(username=user.username, roles=user.roles, window=user.window, department=user.department)
