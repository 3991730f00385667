"""A person's data across the bot's tables: export it, or erase it (GDPR art. 15 and 17).

A person is named by their work e-mail, their Entra object id or their name (`PersonKey`;
the shipped data registers some people by name alone). A name that several people in
the registry share is refused (`AmbiguousPerson`, listing them): nothing is exported or
erased until the person is named by e-mail or Entra object id. The registry gives their
name, e-mail and Entra object id; a stored personal chat gives their Teams user id.
With those every table that can name a person is searched: the registry and networks'
admins, conversation references, agenda points they added and meetings they last
edited, minutes they sent (filed, still pending, or received and waiting for them to
pick the meeting), scheduled posts that mention them or go to them, and audit entries.
Each table is read and changed by the module that owns it; this module only puts the
pieces together, in one transaction.

Erasing keeps what the networks need without the person: their agenda points and
minutes stay, with `PLACEHOLDER` as author or sender (a received file still waiting
for them to pick its meeting is deleted: they can send it again); audit entries keep
what happened with `PLACEHOLDER` for who; a post still to be sent names the role they
held instead of them, and a post already sent keeps no text at all. The erasure itself
is recorded in the audit log with counts only, never what was erased.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry
from domain.conversations import StoredReference
from domain.personal_data import AmbiguousPerson, Erasure, PersonKey
from domain.posts import CLEARED_POST
from domain.registry import Person, RoleRegistry, UnknownNetwork
from storage import audit, conversations, meetings, minutes, outbox, registry_repository
from storage.database import Database
from storage.registry_repository import RegistryRepository

log = logging.getLogger(__name__)

PLACEHOLDER = "[borttagen person]"  # Swedish, as the users read it: "[removed person]"


@dataclass(frozen=True)
class _Identity:
    """How the tables name one person."""

    person_id: int | None
    person: Person | None
    registry_ids: frozenset[str]  # e-mail and Entra object id: how `admins` lists people
    user_ids: frozenset[str]  # those and the Teams user ids of their personal chats
    chats: tuple[StoredReference, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.person.name,) if self.person else ()

    @property
    def needles(self) -> tuple[str, ...]:
        """Everything that identifies them in free text: ids, e-mail and name."""
        return (*self.user_ids, *self.names)


async def _identify(session: AsyncSession, key: PersonKey) -> _Identity:
    found = await registry_repository.find_people(session, key.field, key.value)
    if len(found) > 1:
        raise AmbiguousPerson(key, [person for _, person in found])
    person_id, person = found[0] if found else (None, None)
    registry_ids = {key.value} if key.field != "name" else set()
    if person is not None:
        registry_ids |= {i for i in (person.email, person.entra_object_id) if i}
    elif key.field == "name":
        # Not in the registry: they may still have written to the bot under this name.
        person = Person(name=key.value)
    chats = await conversations.personal_references(session, registry_ids)
    user_ids = registry_ids | {
        user_id for chat in chats for user_id in conversations.reference_user_ids(chat.reference)
    }
    return _Identity(person_id, person, frozenset(registry_ids), frozenset(user_ids), tuple(chats))


def _about(entry: AuditEntry, needles: tuple[str, ...]) -> dict[str, Any]:
    """An audit entry as exported to the person: what concerns them, not others.

    A registry import lists every holder that changed; only the lines naming the person
    are theirs to see. Another actor is not named.
    """
    folded = {needle.casefold() for needle in needles}
    exported = entry.as_json()
    if entry.actor is None or entry.actor.casefold() not in folded:
        exported["actor"] = None
    exported["before"] = _only_about(entry.before, folded)
    exported["after"] = _only_about(entry.after, folded)
    return exported


def _only_about(value: Any, folded: set[str]) -> Any:
    if isinstance(value, list):
        return [_only_about(item, folded) for item in value if audit.mentions(item, folded)]
    if isinstance(value, dict):
        return {key: _only_about(item, folded) for key, item in value.items()}
    return value


class PersonalData:
    """Export and erasure of one person's data."""

    def __init__(self, database: Database):
        self._database = database

    async def find(self, person: str | PersonKey) -> list[Person]:
        """The registry's people so named: none, one, or (a shared name) several."""
        key = PersonKey.of(person)
        async with self._database.snapshot() as session:
            found = await registry_repository.find_people(session, key.field, key.value)
        return [person for _, person in found]

    async def export(self, person: str | PersonKey) -> dict[str, Any]:
        """Everything stored about the person (by e-mail, or by `PersonKey`), as a
        JSON-ready dict; `AmbiguousPerson` for a name several people hold."""
        key = PersonKey.of(person)
        async with self._database.snapshot() as session:
            who = await _identify(session, key)
            return {
                "email": key.value if key.field == "email" else (
                    who.person.email if who.person else None
                ),
                "person": (
                    {
                        "name": who.person.name,
                        "email": who.person.email,
                        "entra_object_id": who.person.entra_object_id,
                    }
                    if who.person_id is not None and who.person
                    else None
                ),
                "roles": (
                    await registry_repository.person_assignments(session, who.person_id)
                    if who.person_id is not None
                    else []
                ),
                "admin_of": await registry_repository.admin_of(session, who.registry_ids),
                "personal_chats": [
                    {
                        "conversation_id": chat.conversation_id,
                        "reference": chat.reference,
                        "updated_at": chat.updated_at.isoformat(),
                        "active": chat.active,
                    }
                    for chat in who.chats
                ],
                "last_sender_in": await conversations.references_naming(session, who.user_ids),
                "agenda_items": [
                    {
                        "meeting": item.meeting_id,
                        "text": item.text,
                        "author_name": item.author_name,
                        "added_at": item.added_at.isoformat(),
                    }
                    for item in await meetings.items_by_authors(session, who.user_ids)
                ],
                **await minutes.uploads_naming(session, who.needles),
                "scheduled_posts": await outbox.posts_naming(session, who.needles),
                "audit_entries": [
                    _about(entry, who.needles)
                    for entry in await audit.entries_naming(session, who.needles)
                ],
            }

    async def erase(
        self, person: str | PersonKey, *, actor: str | None, now: datetime
    ) -> Erasure:
        """Remove the person (by e-mail, or by `PersonKey`) from the registry and their
        data from every table, at once; `AmbiguousPerson`, and nothing erased, for a name
        several people hold.

        Idempotent: erasing again finds nothing more and records another (empty) erasure.
        """
        key = PersonKey.of(person)
        # Read before the transaction (its own snapshot): which roles a post's mention of
        # them stands for. A registry change in between only changes those words.
        registry = await RegistryRepository(self._database).load()
        async with self._database.transaction() as session:
            who = await _identify(session, key)
            # Everything found by the ids the registry and chats give comes first.
            agenda = await meetings.redact_person(session, who.user_ids, who.names, PLACEHOLDER)
            uploads = await minutes.redact_uploader(
                session,
                who.needles,
                [chat.conversation_id for chat in who.chats],
                PLACEHOLDER,
            )
            received, received_paths = await minutes.forget_received(
                session,
                who.needles,
                [chat.conversation_id for chat in who.chats],
                PLACEHOLDER,
            )
            posts = await outbox.redact_posts(
                session,
                who.needles,
                who.names,
                stand_in=_role_titles(registry, who),
                cleared=lambda language: CLEARED_POST.get("en" if language == "en" else "sv"),
            )
            entries = await audit.redact_entries(session, who.needles, PLACEHOLDER)
            personal_chats = await conversations.delete_personal_references(session, who.user_ids)
            shared_chats = await conversations.forget_user_in_references(session, who.user_ids)
            roles, admin_entries = await registry_repository.erase_person(
                session, self._database, who.person_id, who.registry_ids
            )
            erasure = Erasure(
                roles,
                admin_entries,
                personal_chats,
                shared_chats,
                agenda,
                entries,
                minutes=uploads,
                posts=posts,
                received_files=received,
            )
            await audit.record(
                session, action="person.erase", actor=actor, at=now, after=erasure.as_json()
            )
        minutes.remove_spilled(received_paths)  # after the commit: no row points at a missing file
        log.info("person erased", extra=erasure.as_json())
        return erasure


def _role_titles(registry: RoleRegistry, who: _Identity) -> Callable[[str, str, str], str]:
    """What stands in a post for the erased holder: the titles of the roles they hold in
    the post's network, those of the post's group (channel) first, else `PLACEHOLDER`."""

    def stand_in(network_key: str, channel: str, language: str) -> str:
        try:
            network = registry.network(network_key)
        except UnknownNetwork:
            return PLACEHOLDER
        held = [a for a in network.assignments if _same_person(a.person, who)]
        here = [a for a in held if a.group_key in (channel, None)] or held
        lang = "en" if language == "en" else "sv"
        titles: list[str] = []
        for assignment in here:
            try:
                title = network.role(assignment.role_key).title.get(lang)
            except KeyError:
                continue
            if title not in titles:
                titles.append(title)
        return ", ".join(titles) or PLACEHOLDER

    return stand_in


def _same_person(holder: Person, who: _Identity) -> bool:
    """Whether a holder in the registry is the person identified: by e-mail or Entra
    object id, or, for someone registered by name alone, by that name."""
    ids = {i.casefold() for i in who.registry_ids}
    if holder.email or holder.entra_object_id:
        return any(i and i.casefold() in ids for i in (holder.email, holder.entra_object_id))
    return who.person_id is not None and who.person is not None and (
        not (who.person.email or who.person.entra_object_id)
        and holder.name.casefold() == who.person.name.casefold()
    )
