"""Users of the console and the API, kept in a store of their own (never published)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import Application

from domain.base import ROLES, Actor, DuplicateCode, HashChain, InvalidValue, SunlightAggregate, natural_id, replay
from domain.clock import utc_now


class User(SunlightAggregate):
    class Registered(SunlightAggregate.Created):
        username: str
        password_hash: str
        roles: list
        window: str | None
        department: str | None

    def __init__(self, username: str, password_hash: str, roles: list, window: str | None, department: str | None) -> None:
        if not roles:
            raise InvalidValue("roles", "a user needs at least one role")
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise InvalidValue("roles", f"unknown role '{unknown[0]}'; roles are {', '.join(ROLES)}")
        self.username, self.password_hash, self.roles = username, password_hash, list(roles)
        self.window, self.department = window, department

    @staticmethod
    def id_for(username: str) -> UUID:
        return natural_id("user", username)


class Accounts(Application):
    name = "accounts"

    def __init__(self, env: Mapping[str, str] | None = None, *, chain: HashChain) -> None:
        super().__init__(env)
        self.chain = chain

    def register_user(self, *, username: str, password_hash: str, roles: list[str], actor: Actor,
                      window: str | None = None, department: str | None = None) -> User:
        if self.user(username) is not None:
            raise DuplicateCode(f"user '{username}' already exists")
        now = utc_now()
        user = User.start(
            User.Registered, id=User.id_for(username), chain=self.chain, occurred_at=now, actor=actor,
            recorded_at=now, username=username, password_hash=password_hash, roles=roles, window=window,
            department=department,
        )
        self.save(user)
        return user

    def user(self, username: str) -> User | None:
        return replay(self.events.get(User.id_for(username)), None)
