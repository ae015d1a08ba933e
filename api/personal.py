"""How personal data is shown: opened for the roles that serve the applicant, masked for the rest,
`[erased]` once the applicant's key is destroyed."""

from __future__ import annotations

from api.vault import ERASED, Vault

PERSONAL_FIELDS = ("name", "id_number", "phone")


def person_view(vault: Vault, sealed: dict[str, str], in_clear: bool) -> dict[str, str]:
    person = vault.open(sealed)
    if person is None:
        return {field: ERASED for field in PERSONAL_FIELDS}
    return dict(person) if in_clear else {field: mask(field, value) for field, value in person.items()}


def mask(field: str, value: str) -> str:
    """Enough to recognise, never enough to misuse: a name keeps its surname, a number its last quarter
    (at most four characters), and no value is ever shown whole."""
    if field == "name":
        return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"
    kept = min(4, len(value) // 4)
    return "*" * (len(value) - kept) + value[len(value) - kept:]
