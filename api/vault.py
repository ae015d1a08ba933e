"""Personal data sealed with a key per applicant (AES-256-GCM), the keys in a store of their own.

Each applicant gets a random data key, kept wrapped (encrypted) by a key derived from the master
secret, so a copy of the key store alone opens nothing. The same person (same ID number) keeps one
reference and one key across cases, found through a keyed digest of the ID number. Erasing a
person destroys their key: their sealed fields can never be opened again, while the events, their
hashes and every figure stay as they were (个人信息保护法: the right to deletion)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.clock import utc_now

ERASED = "[erased]"
NONCE_BYTES = 12


class KeyStore(Protocol):
    def find_by_digest(self, digest: str) -> str | None: ...

    def add(self, ref: str, digest: str | None, wrapped_key: bytes) -> str: ...

    def wrapped_key(self, ref: str) -> bytes | None: ...

    def status(self, ref: str) -> Erasure | None: ...

    def erase(self, ref: str, by: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class Erasure:
    ref: str
    erased: bool
    erased_at: datetime | None = None
    erased_by: str | None = None


class UnknownApplicant(LookupError):
    """Raised when no applicant has the given reference."""


class Vault:
    """Seals and opens applicants' personal data; erases an applicant by destroying their key."""

    def __init__(self, store: KeyStore, wrapping_key: bytes, digest_key: bytes) -> None:
        self.store, self._wrapping, self._digest_key = store, AESGCM(wrapping_key), digest_key

    def seal(self, person: dict[str, str]) -> dict[str, str]:
        ref, key = self._key_for(person)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, orjson.dumps(person), ref.encode())
        return {"ref": ref, "sealed": base64.urlsafe_b64encode(nonce + sealed).decode()}

    def open(self, sealed: dict[str, str]) -> dict[str, str] | None:
        """The person's data, or None once they are erased (or the sealed form was altered)."""
        wrapped = self.store.wrapped_key(sealed["ref"])
        if wrapped is None:
            return None
        try:
            key = self._unwrap(sealed["ref"], wrapped)
            raw = base64.urlsafe_b64decode(sealed["sealed"])
            return orjson.loads(AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], sealed["ref"].encode()))
        except (InvalidTag, ValueError):
            return None

    def erase(self, ref: str, by: str) -> Erasure:
        """Destroy the applicant's key; erasing again changes nothing."""
        status = self.store.status(ref)
        if status is None:
            raise UnknownApplicant(f"applicant {ref} not found")
        if not status.erased:
            self.store.erase(ref, by, utc_now())
        return self.store.status(ref) or status

    def _key_for(self, person: dict[str, str]) -> tuple[str, bytes]:
        digest = self._digest(person.get("id_number"))
        if digest is not None:
            ref = self.store.find_by_digest(digest)
            wrapped = self.store.wrapped_key(ref) if ref else None
            if ref and wrapped:
                return ref, self._unwrap(ref, wrapped)
        key, ref = AESGCM.generate_key(bit_length=256), "ap_" + secrets.token_hex(10)
        nonce = os.urandom(NONCE_BYTES)
        ref = self.store.add(ref, digest, nonce + self._wrapping.encrypt(nonce, key, b"key:" + ref.encode()))
        return ref, self._unwrap(ref, self.store.wrapped_key(ref) or b"")

    def _unwrap(self, ref: str, wrapped: bytes) -> bytes:
        return self._wrapping.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], b"key:" + ref.encode())

    def _digest(self, id_number: str | None) -> str | None:
        """A keyed digest of the ID number: finds the same person again, reveals nothing without the key."""
        if not id_number or not id_number.strip():
            return None
        normalised = id_number.strip().upper().encode()
        return hmac.new(self._digest_key, normalised, hashlib.sha256).hexdigest()


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS applicant_keys (
    ref TEXT PRIMARY KEY,
    person_digest TEXT UNIQUE,
    wrapped_key BLOB,
    created_at TEXT NOT NULL,
    erased_at TEXT,
    erased_by TEXT
)"""


class SqliteKeyStore:
    """Embedded: the applicants' keys in a SQLite file of their own, beside the event store."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute(SQLITE_SCHEMA)

    def find_by_digest(self, digest: str) -> str | None:
        row = self._one("SELECT ref FROM applicant_keys WHERE person_digest = ?", (digest,))
        return row[0] if row else None

    def add(self, ref: str, digest: str | None, wrapped_key: bytes) -> str:
        """Adds the key, unless the same person got one meanwhile; returns the reference in force."""
        with self._lock:
            self._connection.execute(
                "INSERT INTO applicant_keys (ref, person_digest, wrapped_key, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (person_digest) DO NOTHING", (ref, digest, wrapped_key, utc_now().isoformat()))
        return (self.find_by_digest(digest) if digest else None) or ref

    def wrapped_key(self, ref: str) -> bytes | None:
        row = self._one("SELECT wrapped_key FROM applicant_keys WHERE ref = ?", (ref,))
        return row[0] if row else None

    def status(self, ref: str) -> Erasure | None:
        row = self._one("SELECT erased_at, erased_by FROM applicant_keys WHERE ref = ?", (ref,))
        if row is None:
            return None
        return Erasure(ref, row[0] is not None, datetime.fromisoformat(row[0]) if row[0] else None, row[1])

    def erase(self, ref: str, by: str, at: datetime) -> None:
        with self._lock:
            self._connection.execute(
                "UPDATE applicant_keys SET wrapped_key = NULL, person_digest = NULL, erased_at = ?, erased_by = ? "
                "WHERE ref = ?", (at.isoformat(), by, ref))

    def _one(self, sql: str, parameters: tuple) -> tuple | None:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchone()


POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS sunlight_applicant_keys (
    ref text PRIMARY KEY,
    person_digest text UNIQUE,
    wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    erased_at timestamptz,
    erased_by text
)"""


class PostgresKeyStore:
    """Server: the applicants' keys in a table of their own, beside the events in PostgreSQL."""

    def __init__(self, dsn: str) -> None:
        from psycopg_pool import ConnectionPool

        self._pool = ConnectionPool(dsn, min_size=1, max_size=4, kwargs={"autocommit": True}, open=True)
        with self._pool.connection() as connection:
            connection.execute(POSTGRES_SCHEMA)

    def find_by_digest(self, digest: str) -> str | None:
        row = self._one("SELECT ref FROM sunlight_applicant_keys WHERE person_digest = %s", (digest,))
        return row[0] if row else None

    def add(self, ref: str, digest: str | None, wrapped_key: bytes) -> str:
        with self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO sunlight_applicant_keys (ref, person_digest, wrapped_key) VALUES (%s, %s, %s) "
                "ON CONFLICT (person_digest) DO NOTHING", (ref, digest, wrapped_key))
        return (self.find_by_digest(digest) if digest else None) or ref

    def wrapped_key(self, ref: str) -> bytes | None:
        row = self._one("SELECT wrapped_key FROM sunlight_applicant_keys WHERE ref = %s", (ref,))
        return bytes(row[0]) if row and row[0] is not None else None

    def status(self, ref: str) -> Erasure | None:
        row = self._one("SELECT erased_at, erased_by FROM sunlight_applicant_keys WHERE ref = %s", (ref,))
        return None if row is None else Erasure(ref, row[0] is not None, row[0], row[1])

    def erase(self, ref: str, by: str, at: datetime) -> None:
        with self._pool.connection() as connection:
            connection.execute(
                "UPDATE sunlight_applicant_keys SET wrapped_key = NULL, person_digest = NULL, erased_at = %s, "
                "erased_by = %s WHERE ref = %s", (at, by, ref))

    def close(self) -> None:
        self._pool.close()

    def _one(self, sql: str, parameters: tuple) -> tuple | None:
        with self._pool.connection() as connection:
            return connection.execute(sql, parameters).fetchone()
