"""The composition root: one deployment (embedded or server) wired from its settings."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from api.auth import Tokens, ensure_admin, persistent_secret
from api.settings import Settings
from domain.accounts import Accounts
from domain.application import ServiceCentre
from domain.calendar import WorkingCalendar
from domain.sla import WarningPolicy
from projections.backends import ChdbClickHouse, ClickHouse, ServerClickHouse
from projections.projector import Projector
from streams.follower import NotificationFollower, last_position

log = logging.getLogger("sunlight")


@dataclass
class Deployment:
    settings: Settings
    centre: ServiceCentre
    accounts: Accounts
    clickhouse: ClickHouse
    projector: Projector
    tokens: Tokens
    follower: NotificationFollower | None = None
    created_admin_password: str | None = field(default=None, repr=False)

    def wait_for_read_models(self) -> bool:
        """Read-your-writes: wait (bounded) until the read models include the latest event."""
        target = last_position(self.centre)
        if self.follower is not None:
            return self.follower.wait_for(target, self.settings.read_wait_seconds)
        deadline = time.monotonic() + self.settings.read_wait_seconds
        while self.projector.position() < target:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def after_write(self) -> None:
        if self.follower is not None:
            self.follower.nudge()

    def start(self) -> None:
        if self.follower is not None:
            self.follower.start()

    def stop(self) -> None:
        if self.follower is not None:
            self.follower.stop()
        self.clickhouse.close()


def build_calendar(settings: Settings) -> WorkingCalendar:
    return WorkingCalendar.from_overrides_file(settings.calendar_overrides)


def build_policy(settings: Settings) -> WarningPolicy:
    return WarningPolicy(yellow_percent=settings.yellow_percent, yellow_min_days=settings.yellow_min_days)


def build_centre(settings: Settings) -> ServiceCentre:
    return ServiceCentre(settings.event_store_env(), calendar=build_calendar(settings), policy=build_policy(settings))


def build_clickhouse(settings: Settings) -> ClickHouse:
    if settings.mode == "embedded":
        return ChdbClickHouse(settings.data_dir / "chdb")
    return ServerClickHouse(settings.clickhouse_url)


def build_deployment(settings: Settings) -> Deployment:
    centre = build_centre(settings)
    accounts = Accounts(settings.event_store_env("accounts"))
    clickhouse = build_clickhouse(settings)
    projector = Projector(clickhouse, centre.calendar)
    projector.create_tables()
    follower = None
    if settings.mode == "embedded":
        follower = NotificationFollower(centre, projector.project, projector.position())
        follower.catch_up()
    secret = settings.secret_key or persistent_secret(settings.data_dir / "secret.key")
    admin_password = ensure_admin(accounts, settings.admin_password, settings.data_dir / "admin-password")
    return Deployment(settings, centre, accounts, clickhouse, projector, Tokens(secret, settings.token_minutes),
                      follower, admin_password)
