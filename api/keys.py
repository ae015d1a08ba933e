"""The deployment's secrets: one master secret, kept outside the data, and the keys derived from it.

The master secret is `SUNLIGHT_SECRET_KEY`, or a key file (`SUNLIGHT_SECRET_KEY_FILE`) created on
first start. It must not sit in the data folder: whoever copies the data must not get the key that
signs tokens, keys the hash chain and unwraps every applicant's key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MINIMUM_SECRET_LENGTH = 32


class SecretError(ValueError):
    """Raised when the master secret is missing, too short or kept inside the data folder."""


@dataclass(frozen=True)
class Keys:
    master: bytes

    def derive(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose only; knowing one derived key reveals no other."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"sunlight/{purpose}".encode()).derive(
            self.master)

    @property
    def token_signing(self) -> str:
        return self.derive("tokens").hex()

    @property
    def hash_chain(self) -> bytes:
        return self.derive("hash-chain")

    @property
    def applicant_keys(self) -> bytes:
        return self.derive("applicant-keys")

    @property
    def person_digest(self) -> bytes:
        return self.derive("person-digest")


def load_keys(secret: str | None, key_file: Path, data_dir: Path) -> Keys:
    if secret:
        if len(secret) < MINIMUM_SECRET_LENGTH:
            raise SecretError(f"SUNLIGHT_SECRET_KEY must have at least {MINIMUM_SECRET_LENGTH} characters")
        return Keys(secret.encode())
    return Keys(key_file_secret(key_file, data_dir).encode())


def key_file_secret(key_file: Path, data_dir: Path) -> str:
    """The secret in the key file, created (readable by its owner only) on first start."""
    key_file = key_file.expanduser().resolve()
    if key_file.is_relative_to(data_dir.expanduser().resolve()):
        raise SecretError(f"the key file {key_file} must not be inside the data folder {data_dir}")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(48))
    secret = key_file.read_text().strip()
    if len(secret) < MINIMUM_SECRET_LENGTH:
        raise SecretError(f"the key file {key_file} holds fewer than {MINIMUM_SECRET_LENGTH} characters")
    return secret
