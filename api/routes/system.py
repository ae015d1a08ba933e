"""Health, sign-in and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import authenticate, login_throttle, passwords
from api.deps import Admin, CurrentUser, DeploymentDep
from api.errors import documented
from api.schemas import UserCreate, UserPublic
from domain.application import ServiceCentre
from domain.base import InvalidValue
from streams.follower import last_position

router = APIRouter(tags=["system"])


@router.get("/health")
def read_health(deployment: DeploymentDep) -> dict:
    """Liveness, the deployment mode, and how far the read models have caught up."""
    return {"status": "ok", "mode": deployment.settings.mode,
            "events": last_position(deployment.centre), "projected": deployment.projector.position()}


@router.post("/auth/token", responses={429: documented("Too many failed sign-ins for this username")})
def create_token(deployment: DeploymentDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    """Exchange username and password for a bearer token. After 5 failures within 15 minutes the
    username is locked for 15 minutes (429), even with the right password."""
    wait = login_throttle.retry_after(form.username)
    if wait:
        raise HTTPException(429, f"too many failed sign-ins for this username; try again in {wait} s",
                            headers={"Retry-After": str(wait)})
    user = authenticate(deployment.accounts, form.username, form.password)
    if user is None:
        login_throttle.failed(form.username)
        # The same answer for an unknown user and a wrong password: nothing to learn about who exists.
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    login_throttle.succeeded(form.username)
    return {"access_token": deployment.tokens.issue(user), "token_type": "bearer",
            "username": user.username, "roles": user.roles}


@router.post("/users", status_code=201, response_model=UserPublic)
def create_user(body: UserCreate, deployment: DeploymentDep, caller: Admin) -> UserPublic:
    """Create a user with roles; a clerk belongs to a window, a `department` user to a department."""
    window, department = placement(deployment.centre, body)
    user = deployment.accounts.register_user(
        username=body.username, password_hash=passwords.hash(body.password), roles=list(body.roles),
        window=window, department=department, actor=caller.actor,
    )
    return public_user(user)


def placement(centre: ServiceCentre, body: UserCreate) -> tuple[str | None, str | None]:
    """The user's window and department, which must exist; a clerk's department is their window's."""
    window = centre.entry("window", body.window, field="window") if body.window else None
    if body.department:
        centre.entry("department", body.department, field="department")
    if window and body.department and body.department != window.department:
        raise InvalidValue("department", f"window {window.code} belongs to department {window.department}, "
                                         f"not {body.department}")
    if "clerk" in body.roles and window is None:
        raise InvalidValue("window", "a clerk needs the window they work at")
    department = body.department or (window.department if window else None)
    if "department" in body.roles and department is None:
        raise InvalidValue("department", "a department user needs their department")
    return (window.code if window else None), department


@router.get("/users/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    """The signed-in user."""
    return public_user(user)


def public_user(user) -> UserPublic:
    return UserPublic(username=user.username, roles=user.roles, window=user.window, department=user.department)
