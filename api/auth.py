"""Passwords (argon2 via pwdlib), bearer tokens (JWT via pyjwt) and the sign-in throttle."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import jwt
from pwdlib import PasswordHash

from domain.accounts import Accounts, User
from domain.base import SYSTEM
from domain.clock import utc_now

passwords = PasswordHash.recommended()
# Checked when the user is unknown, so that answer takes as long as a wrong password (no user probing).
DUMMY_HASH = passwords.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Tokens:
    secret: str
    minutes: int

    def issue(self, user: User) -> str:
        claims = {"sub": user.username, "roles": user.roles, "exp": utc_now() + timedelta(minutes=self.minutes)}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def username(self, token: str) -> str | None:
        try:
            # A token without an expiry would be valid forever: refuse it, as one without a subject.
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
            return claims["sub"]
        except jwt.PyJWTError:
            return None


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
    if user is None:
        passwords.verify(password, DUMMY_HASH)
        return None
    if not passwords.verify(password, user.password_hash):
        return None
    return user


@dataclass
class Failures:
    times: deque[float]  # of the recent failures, oldest first
    locked_until: float = 0.0


class LoginThrottle:
    """Failed sign-ins per username, kept in this process: `failures` within `window` seconds lock
    the username for `lockout` seconds, whatever the password. Memory is bounded: entries are kept
    in the order of their last failure, expired ones are dropped from the front, and at most
    `max_users` are kept (a flood of made-up usernames evicts the oldest, it cannot grow the table)."""

    def __init__(self, failures: int = 5, window: float = 15 * 60, lockout: float = 15 * 60,
                 max_users: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.window, self.lockout, self.max_users = failures, window, lockout, max_users
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Failures] = OrderedDict()

    def retry_after(self, username: str) -> int:
        """Whole seconds until the username may try again; 0 when it is not locked."""
        with self._lock:
            entry = self._entries.get(self.key(username))
            remaining = entry.locked_until - self.clock() if entry else 0.0
        return math.ceil(remaining) if remaining > 0 else 0

    def failed(self, username: str) -> None:
        key, now = self.key(username), self.clock()
        with self._lock:
            entry = self._entries.pop(key, None) or Failures(deque(maxlen=self.failures))
            entry.times.append(now)
            while entry.times[0] <= now - self.window:
                entry.times.popleft()
            if len(entry.times) >= self.failures:
                entry.locked_until = now + self.lockout
                entry.times.clear()
            self._entries[key] = entry  # at the end: the most recent
            self.prune(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._entries.pop(self.key(username), None)

    def prune(self, now: float) -> None:
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            last = entry.times[-1] if entry.times else 0.0
            expired = last <= now - self.window and entry.locked_until <= now
            if not expired and len(self._entries) <= self.max_users:
                return
            del self._entries[key]

    @staticmethod
    def key(username: str) -> str:
        return username[:64]  # no username is longer; a megabyte-long one is not kept whole


# One per process: the counts live in the deployment that answers /auth/token.
login_throttle = LoginThrottle()
