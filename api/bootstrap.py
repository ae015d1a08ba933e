"""The composition root: one deployment (embedded or server) wired from its settings."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from api.auth import Tokens, ensure_admin
from api.keys import Keys, load_keys
from api.settings import Settings
from api.vault import PostgresKeyStore, SqliteKeyStore, Vault
from domain.accounts import Accounts
from domain.application import ServiceCentre
from domain.base import HashChain
from domain.calendar import WorkingCalendar
from domain.clock import TimeBounds
from domain.scheme import load_default_scheme
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
    vault: Vault
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


def build_keys(settings: Settings) -> Keys:
    return load_keys(settings.secret_key, settings.secret_key_file, settings.data_dir)


def build_bounds(settings: Settings) -> TimeBounds:
    return TimeBounds(earliest=settings.earliest_date)


def build_centre(settings: Settings, keys: Keys | None = None, vault: Vault | None = None) -> ServiceCentre:
    """Without keys the centre reads and replays (relay, projector, rebuild) but records nothing."""
    return ServiceCentre(settings.event_store_env(), chain=HashChain(keys.hash_chain) if keys else None, vault=vault,
                         calendar=build_calendar(settings), policy=build_policy(settings),
                         bounds=build_bounds(settings), rectify_days=settings.rectify_days,
                         verify_days=settings.verify_days, default_scheme=load_default_scheme(settings.scoring_scheme),
                         complaint_days=settings.complaint_days())


def build_vault(settings: Settings, keys: Keys) -> Vault:
    if settings.mode == "embedded":
        store: SqliteKeyStore | PostgresKeyStore = SqliteKeyStore(settings.data_dir / "keys.sqlite3")
    else:
        store = PostgresKeyStore(settings.database_url)
    return Vault(store, keys.applicant_keys, keys.person_digest)


def build_clickhouse(settings: Settings) -> ClickHouse:
    if settings.mode == "embedded":
        return ChdbClickHouse(settings.data_dir / "chdb")
    return ServerClickHouse(settings.clickhouse_url)


def build_deployment(settings: Settings) -> Deployment:
    keys = build_keys(settings)
    vault = build_vault(settings, keys)
    centre = build_centre(settings, keys, vault)
    accounts = Accounts(settings.event_store_env("accounts"), chain=centre.required_chain())
    clickhouse = build_clickhouse(settings)
    projector = Projector(clickhouse, centre.calendar, centre.bounds)
    projector.create_tables(rebuild_if_changed=settings.mode == "embedded")
    follower = None
    if settings.mode == "embedded":
        follower = NotificationFollower(centre, projector.project, projector.position())
        follower.try_catch_up()  # startup never waits on projecting: the follower retries
    admin_password = ensure_admin(accounts, settings.admin_password, settings.data_dir / "admin-password")
    tokens = Tokens(keys.token_signing, settings.token_minutes)
    return Deployment(settings, centre, accounts, clickhouse, projector, tokens, vault, follower, admin_password)
