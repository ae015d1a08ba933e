"""Passwords (argon2 via pwdlib) and bearer tokens (JWT via pyjwt)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import jwt
from pwdlib import PasswordHash

from domain.base import SYSTEM
from domain.accounts import Accounts, User
from domain.clock import utc_now

passwords = PasswordHash.recommended()


@dataclass(frozen=True)
class Tokens:
    secret: str
    minutes: int

    def issue(self, user: User) -> str:
        claims = {"sub": user.username, "roles": user.roles, "exp": utc_now() + timedelta(minutes=self.minutes)}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def username(self, token: str) -> str | None:
        try:
            return jwt.decode(token, self.secret, algorithms=["HS256"])["sub"]
        except jwt.PyJWTError:
            return None


def persistent_secret(path: Path) -> str:
    """A signing key kept beside the data, so tokens survive a restart."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_admin(accounts: Accounts, password: str | None, password_file: Path) -> str | None:
    """On first start, create `admin`; returns the password if this call created it."""
    if accounts.user("admin") is not None:
        return None
    if not password:
        password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password)
        password_file.chmod(0o600)
    accounts.register_user(username="admin", password_hash=passwords.hash(password), roles=["admin"], actor=SYSTEM)
    return password


def authenticate(accounts: Accounts, username: str, password: str) -> User | None:
    user = accounts.user(username)
    if user is None or not passwords.verify(password, user.password_hash):
        return None
    return user
