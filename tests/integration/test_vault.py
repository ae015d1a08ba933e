"""Applicants' personal data sealed with a key of their own, on both key stores (SQLite, PostgreSQL)."""

from __future__ import annotations

import base64

import pytest

from api.keys import Keys
from api.vault import PostgresKeyStore, SqliteKeyStore, UnknownApplicant, Vault

KEYS = Keys(b"vault test master secret, at least 32 bytes long")
PERSON = {"name": "王芳", "id_number": "37020219900101123X", "phone": "13812345678"}


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield SqliteKeyStore(tmp_path / "keys.sqlite3")
    else:
        postgres_store = PostgresKeyStore(request.getfixturevalue("postgres_database"))
        yield postgres_store
        postgres_store.close()


def vault_on(store) -> Vault:
    return Vault(store, KEYS.applicant_keys, KEYS.person_digest)


def test_sealed_data_opens_again_and_holds_nothing_in_clear(store):
    vault = vault_on(store)
    sealed = vault.seal(PERSON)
    assert set(sealed) == {"ref", "sealed"} and sealed["ref"].startswith("ap_")
    raw = base64.urlsafe_b64decode(sealed["sealed"])
    for value in PERSON.values():
        assert value.encode() not in raw and value not in sealed["ref"]
    assert vault.open(sealed) == PERSON


def test_the_same_person_keeps_one_reference_and_another_gets_their_own(store):
    vault = vault_on(store)
    first = vault.seal(PERSON)
    again = vault.seal({**PERSON, "id_number": PERSON["id_number"].lower(), "phone": "13900000000"})
    other = vault.seal({"name": "李强", "id_number": "370202198505051234"})
    nameless = vault.seal({"name": "王芳"})  # no ID number: nobody to recognise, a reference of its own
    assert first["ref"] == again["ref"]
    assert len({first["ref"], other["ref"], nameless["ref"]}) == 3


def test_erasing_destroys_the_key_for_every_case_of_that_person(store):
    vault = vault_on(store)
    first, second = vault.seal(PERSON), vault.seal(PERSON)
    erasure = vault.erase(first["ref"], by="admin")
    assert erasure.erased and erasure.erased_by == "admin" and erasure.erased_at is not None
    assert vault.open(first) is None and vault.open(second) is None
    assert store.wrapped_key(first["ref"]) is None
    # Erasing again changes nothing; the person coming back gets a new reference and key.
    assert vault.erase(first["ref"], by="someone").erased_by == "admin"
    assert vault.seal(PERSON)["ref"] != first["ref"]


def test_an_unknown_reference_cannot_be_erased(store):
    with pytest.raises(UnknownApplicant):
        vault_on(store).erase("ap_nobody", by="admin")


def test_another_master_secret_opens_nothing(store):
    sealed = vault_on(store).seal(PERSON)
    stranger = Keys(b"another master secret, also 32 bytes or more")
    assert Vault(store, stranger.applicant_keys, stranger.person_digest).open(sealed) is None


def test_a_sealed_form_moved_to_another_reference_does_not_open(store):
    vault = vault_on(store)
    mine, theirs = vault.seal(PERSON), vault.seal({"name": "李强"})
    assert vault.open({"ref": theirs["ref"], "sealed": mine["sealed"]}) is None
