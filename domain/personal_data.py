"""How a person is named in a data-protection request, and what erasing them changed.

`storage.personal_data` exports and erases a person's data (GDPR art. 15 and 17); the
command line names the person with a `PersonKey`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.registry import Person

PersonField = Literal["email", "entra_object_id", "name"]


@dataclass(frozen=True)
class Erasure:
    """What `PersonalData.erase` removed or replaced, as counts."""

    roles: int
    admin_entries: int
    personal_chats: int
    shared_chats: int  # channel and group-chat references that named them as last sender
    agenda_and_meetings: int
    audit_entries: int
    minutes: int = 0  # filed minutes and pending uploads they sent
    posts: int = 0  # scheduled posts that mentioned them or went to them
    received_files: int = 0  # files waiting for a meeting: theirs deleted, others' renamed

    def as_json(self) -> dict[str, int]:
        """The counts as a JSON-ready dict (what the erasure's own audit entry keeps)."""
        return {
            "roles": self.roles,
            "admin_entries": self.admin_entries,
            "personal_chats": self.personal_chats,
            "shared_chats": self.shared_chats,
            "agenda_and_meetings": self.agenda_and_meetings,
            "audit_entries": self.audit_entries,
            "minutes": self.minutes,
            "posts": self.posts,
            "received_files": self.received_files,
        }


@dataclass(frozen=True)
class PersonKey:
    """How a person is named: `field` ("email", "entra_object_id" or "name") and its value."""

    field: PersonField
    value: str

    @classmethod
    def of(cls, person: str | PersonKey) -> PersonKey:
        """`person` as a key; a plain string is a work e-mail."""
        return person if isinstance(person, PersonKey) else cls("email", person)

    def describe(self) -> str:
        """`--email ADDRESS`, as the command line names the person."""
        option = {"email": "email", "entra_object_id": "entra-id", "name": "name"}[self.field]
        return f"--{option} {self.value}"


class AmbiguousPerson(LookupError):
    """A name that several people in the registry hold: `people`, none chosen."""

    def __init__(self, key: PersonKey, people: list[Person]):
        super().__init__(f"{len(people)} people are named {key.value!r}")
        self.key = key
        self.people = people
