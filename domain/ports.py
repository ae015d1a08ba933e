"""What the domain needs from the outside world, as protocols; adapters live at the edges."""

from __future__ import annotations

from typing import Protocol


class PersonalDataVault(Protocol):
    """Seals a person's data with a key of their own, kept apart from the event store.

    The sealed form is `{"ref": <opaque reference>, "sealed": <ciphertext>}`: the event store holds
    it, while the topic, the read models, logs and errors carry only the reference. Destroying the
    person's key erases them; the events, their hashes and every figure stay as they were.
    """

    def seal(self, person: dict[str, str]) -> dict[str, str]: ...
