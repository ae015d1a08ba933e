"""Every setting of a deployment, read from the environment (prefix SUNLIGHT_) once, at start."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.complaint_rules import TYPES

REPOSITORY = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SUNLIGHT_", env_file=".env", extra="ignore")

    mode: Literal["embedded", "server"] = "embedded"
    data_dir: Path = Path(".sunlight")
    admin_password: str | None = None
    # The master secret (tokens, hash chain, applicants' keys); else the key file, outside the data.
    secret_key: str | None = None
    secret_key_file: Path = Path.home() / ".config" / "sunlight" / "secret.key"
    token_minutes: int = 8 * 60

    # Server mode; the defaults are what `make services` starts on loopback.
    database_url: str = "postgresql://sunlight:sunlight@127.0.0.1:5432/sunlight"
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_topic: str = "sunlight.events"
    kafka_group: str = "sunlight-projector"
    clickhouse_url: str = "clickhouse://127.0.0.1:9000/sunlight"

    calendar_overrides: Path = REPOSITORY / "config" / "calendar-overrides.toml"
    yellow_percent: int = 20
    yellow_min_days: int = 1
    # Business times lie between this date and now; `as_of` between it and 2099-12-31.
    earliest_date: date = date(2004, 1, 1)
    # How far in the past a business time may lie for roles other than supervisor and admin.
    clerk_backdate_hours: int = Field(default=72, ge=0)
    # Supervision findings: an event recorded later than this after its business time is 录入不及时;
    # a 容缺 case's materials are due by the end of this many working days after acceptance.
    late_entry_hours: float = Field(default=24, gt=0)
    materials_days: int = Field(default=15, ge=1, le=250)
    # Reviews (好差评): a bad review is verified within this many working days after it is given, and
    # rectified (限期整改) within this many after the verification; 5 or 15 depending on the locality.
    verify_days: int = Field(default=2, ge=1, le=250)
    rectify_days: int = Field(default=5, ge=1, le=250)
    # 12345 complaints: the reply is due this many working days after the first dispatch, by request type.
    complaint_days_enquiry: int = Field(default=2, ge=1, le=250)
    complaint_days_help: int = Field(default=10, ge=1, le=250)
    complaint_days_suggestion: int = Field(default=10, ge=1, le=250)
    complaint_days_complaint: int = Field(default=15, ge=1, le=250)
    complaint_days_report: int = Field(default=15, ge=1, le=250)
    # Scoring scheme version 1, in force without any recorded version (POST /schemes adds later ones).
    scoring_scheme: Path = REPOSITORY / "config" / "scoring-scheme.toml"
    # How long a read waits for the read models to include the latest write.
    read_wait_seconds: float = 10.0

    def complaint_days(self) -> dict[str, int]:
        """The handling limit of each request type (enquiry help suggestion complaint report)."""
        return {kind: getattr(self, f"complaint_days_{kind}") for kind in TYPES}

    def event_store_env(self, store: str = "events") -> dict[str, str]:
        """eventsourcing's persistence settings for one store ("events" or "accounts").

        PostgreSQL names tables after the application; SQLite does not, so users get their own
        file there: their events must never enter the log that is published."""
        if self.mode == "embedded":
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                    "SQLITE_DBNAME": str(self.data_dir / f"{store}.sqlite3"), "SQLITE_LOCK_TIMEOUT": "10"}
        dsn = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dsn.path.strip("/") or "sunlight",
            "POSTGRES_HOST": dsn.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(dsn.port or 5432),
            "POSTGRES_USER": dsn.username or "sunlight",
            "POSTGRES_PASSWORD": dsn.password or "",
            "POSTGRES_POOL_SIZE": "10",
        }
