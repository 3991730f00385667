"""Role holders in chat: who holds each role, and for administrators, changing it by card.

"roller" / "roles" [group] shows a card with each role of the group (in General or a
personal chat without a group: the network-wide roles, with a button per group) and who
holds it: holders and deputies with their terms of office. Everyone may look.

Those who may administer the network (`services.permissions`: its configured admins and
its team's owners) also get "Ändra en roll" on the card: it opens the role's edit card
(`roles.edit`), which adds a person (`roles.add`: a people picker that searches the
tenant's directory as one types, deputy or not, the term) or changes or removes those
who hold it now (`roles.update`). Everyone else gets a polite refusal and nothing
changes. Each change is one write (`RegistryRepository.set_role_holders`): one
transaction, a new registry revision (so "who …?" answers name the new holder on the
next message, on every replica) and an audit entry with the holders before and after.

What is stored of a person is what the registry keeps anyway: a name, a work e-mail and
the Entra object id, as the directory (or the registry) gives them. A person picked by
id must be known to the directory (or already to the registry); a term that ends before
it starts, an unknown role or group, or a form shown before someone else's change, is
answered with what is wrong, and nothing is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from dialogs.conversation import (
    ActionHandler,
    ActionRequest,
    CommandHandler,
    CommandRequest,
    command_from_card,
)
from domain.ports import PeopleDirectoryPort, RegistryPort
from domain.registry import (
    Assignment,
    Group,
    Language,
    Localized,
    Network,
    Person,
    Role,
    RoleRegistry,
)
from domain.turns import Reply, Turn
from services.intents import Command
from services.permissions import Permissions
from services.registry_snapshots import RegistrySnapshots
from services.text import fold
from storage.registry_repository import HoldersChanged
from texts import common as texts
from texts import roles as rt
from texts.markdown import escape
from views import cards

log = logging.getLogger(__name__)

ROLES_COMMAND = Command(
    "roles",
    Localized(
        sv=("roller", "rollerna", "rollinnehavare", "ändra roller", "ändra roll"),
        en=("roles", "the roles", "role holders", "edit roles", "edit role"),
    ),
    Localized(
        sv="vem som har gruppens roller; administratörer kan ändra dem",
        en="who holds the group's roles; administrators can change them",
    ),
    topics=Localized(sv=("roller", "rollerna", "rollinnehavare*"), en=("roles", "role holders")),
    rank=40,
)

EDIT_ACTION = "roles.edit"
ADD_ACTION = "roles.add"
UPDATE_ACTION = "roles.update"

SEARCH_RESULTS = 10  # what the people picker lists; Teams shows at most 15
MIN_SEARCH_LENGTH = 2  # shorter texts would list half the directory

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class RolesAdminDialogs:
    """The "roller" command, its edit card actions and the people picker's search."""

    def __init__(
        self,
        snapshots: RegistrySnapshots,
        store: RegistryPort,
        *,
        default_network: str,
        permissions: Permissions | None = None,
        directory: PeopleDirectoryPort | None = None,
        today: Callable[[], date] = date.today,
    ):
        self._snapshots = snapshots
        self._store = store
        self._default_network = default_network
        self._permissions = permissions or Permissions()
        self._directory = directory
        self._today = today

    def commands(self) -> list[tuple[Command, CommandHandler]]:
        """The commands to register with the `Conversation`."""
        return [(ROLES_COMMAND, self.roles)]

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [
            (EDIT_ACTION, self.edit),
            (ADD_ACTION, self.add),
            (UPDATE_ACTION, self.update),
            (cards.SHOW_ROLES, self.roles_from_card),
        ]

    # --- the roles card ---

    async def roles(self, request: CommandRequest) -> list[Reply]:
        """The roles of the group named or of the channel, else the network-wide ones."""
        network, language = request.network, request.language
        group = request.group(only_group=False)  # the network's own roles are no group's
        admin = await self._permissions.may_administer(network, request.registry, request.turn)
        return [_roles_reply(network, group, language, admin)]

    # --- card actions ---

    async def roles_from_card(self, request: ActionRequest) -> list[Reply]:
        """`roles.show`: the roles of the group a button of the network's roles names."""
        return await self.roles(command_from_card(request))

    async def edit(self, request: ActionRequest) -> list[Reply]:
        """`roles.edit`: the edit card of the role chosen on the roles card."""
        found = await self._target(request)
        if isinstance(found, Reply):
            return [found]
        network, group, role = found
        return [_edit_reply(network, group, role, request.language, request.turn)]

    async def add(self, request: ActionRequest) -> list[Reply]:
        """`roles.add`: a person added to the role, as holder or deputy, with a term."""
        found = await self._target(request)
        if isinstance(found, Reply):
            return [found]
        network, group, role = found
        language, value = request.language, request.value
        current = _holders(network, role, group)
        stale = _stale(current, value, network, group, role, request)
        if stale is not None:
            return stale
        problems: list[str] = []
        start = _date(value.get("start_new"), language, problems)
        end = _date(value.get("end_new"), language, problems)
        chosen = str(value.get("person") or "").strip()
        person: Person | None = None
        if not chosen:
            problems.append(rt.NO_PERSON.get(language))
        else:
            person, problem = await self._person(chosen, request.registry, request.turn)
            if problem is not None:
                problems.append(problem.get(language))
        if person is not None and start and end and end < start:
            problems.append(_term_order(person.name, start, end, language))
        deputy = value.get("deputy_new") == "true"
        if person is not None and any(
            _same(a.person, person) and a.deputy == deputy for a in current
        ):
            problems.append(rt.ALREADY_HOLDS.get(language).format(name=escape(person.name)))
        if problems:
            return [_problems(problems, language)]
        assert person is not None
        added = Assignment(
            role_key=role.key,
            person=person,
            group_key=group.key if group else None,
            deputy=deputy,
            term_start=start,
            term_end=end,
        )
        return await self._save(request, network, group, role, current, (*current, added))

    async def update(self, request: ActionRequest) -> list[Reply]:
        """`roles.update`: the current holders' deputy flags and terms changed, or removed."""
        found = await self._target(request)
        if isinstance(found, Reply):
            return [found]
        network, group, role = found
        language, value = request.language, request.value
        current = _holders(network, role, group)
        stale = _stale(current, value, network, group, role, request)
        if stale is not None:
            return stale
        problems: list[str] = []
        kept: list[Assignment] = []
        for number, holder in enumerate(current):
            if value.get(f"remove_{number}") == "true":
                continue
            deputy = value.get(f"deputy_{number}", "true" if holder.deputy else "false")
            # The form shows each date; Teams leaves out a date input left empty, so an
            # absent date is one the admin cleared.
            start = _date(value.get(f"start_{number}"), language, problems)
            end = _date(value.get(f"end_{number}"), language, problems)
            if start and end and end < start:
                problems.append(_term_order(holder.person.name, start, end, language))
            kept.append(replace(holder, deputy=deputy == "true", term_start=start, term_end=end))
        if problems:
            return [_problems(problems, language)]
        return await self._save(request, network, group, role, current, tuple(kept))

    # --- the people picker ---

    async def search_people(self, turn: Turn, text: str, top: int) -> list[tuple[str, str]]:
        """(title, value) choices for the people picker: registry people, then the directory.

        Only for those who may administer the network the conversation is about; anyone
        else gets no choices (the picker is on their card only if someone forwarded it).
        """
        text = " ".join(text.split())
        if len(text) < MIN_SEARCH_LENGTH:
            return []
        registry, _finder = await self._snapshots.current()
        key = turn.network_key or self._default_network
        if key not in registry.keys():
            return []
        network = registry.network(key)
        if not await self._permissions.may_administer(network, registry, turn):
            log.info("people search refused: not an admin", extra={"network": key})
            return []
        wanted = fold(text)
        found = [
            (title, value)
            for value, title in _known_people(network, turn)
            if wanted in fold(title)
        ]
        if self._directory is not None:
            try:
                people = await self._directory.search(text, top)
            except Exception:  # noqa: BLE001 - the registry's people are still offered; logged
                log.warning("directory search failed", exc_info=True)
                people = []
            values = {value for _, value in found}
            found += [
                (_person_title(p), p.entra_object_id)
                for p in people
                if p.entra_object_id and p.entra_object_id not in values
            ]
        return found[:top]

    # --- shared ---

    async def _target(self, request: ActionRequest) -> tuple[Network, Group | None, Role] | Reply:
        """The network, group and role a submit is about, once the sender may change them;
        else the reply that says why not."""
        language, value, registry = request.language, request.value, request.registry
        network = request.network
        key = value.get("network")
        if isinstance(key, str) and key != network.key:
            if key not in registry.keys():
                text = texts.UNKNOWN_NETWORK.get(language).format(
                    key=key, known=", ".join(registry.keys())
                )
                return Reply(text, language)
            network = registry.network(key)
        if not await self._permissions.may_administer(network, registry, request.turn):
            log.info(
                "role change refused: not an admin",
                extra={"network": network.key, "user": request.turn.sender_id},
            )
            return Reply(rt.NOT_ADMIN.get(language), language)
        role_key = str(value.get("role") or "")
        role = next((r for r in network.roles if r.key == role_key), None)
        if role is None:
            text = rt.UNKNOWN_ROLE.get(language).format(
                role=escape(role_key), network=escape(network.name.get(language))
            )
            return Reply(text, language)
        group_key = value.get("group") or None
        title = escape(role.title.get(language))
        if role.scope == "network":
            if group_key is not None:
                return Reply(rt.NOT_IN_GROUP.get(language).format(role=title), language)
            return network, None, role
        group = next((g for g in network.groups if g.key == group_key), None)
        if group is None:
            if group_key is not None:
                known = ", ".join(
                    f"{escape(g.name.get(language))} ({escape(g.key)})" for g in network.groups
                )
                text = texts.UNKNOWN_GROUP.get(language).format(
                    key=escape(str(group_key)),
                    network=escape(network.name.get(language)),
                    known=known,
                )
                return Reply(text, language)
            example = escape(network.groups[0].name.get(language)) if network.groups else ""
            text = rt.NEEDS_GROUP.get(language).format(role=title, example=example)
            return Reply(text, language)
        return network, group, role

    async def _person(
        self, chosen: str, registry: RoleRegistry, turn: Turn
    ) -> tuple[Person | None, Localized[str] | None]:
        """The person a picker value names, or what is wrong with it."""
        people = [a.person for n in registry.networks for a in n.assignments]
        if chosen.startswith(("email:", "name:")):
            kind, _, wanted = chosen.partition(":")
            for person in people:
                if kind == "email" and (person.email or "").casefold() == wanted.casefold():
                    return person, None
                if kind == "name" and not (person.email or person.entra_object_id) and (
                    person.name == wanted
                ):
                    return person, None
            return None, rt.UNKNOWN_PERSON
        if not _OBJECT_ID.match(chosen):
            return None, rt.UNKNOWN_PERSON
        known = next(
            (p for p in people if (p.entra_object_id or "").casefold() == chosen.casefold()), None
        )
        if self._directory is None:
            # Without Graph only people the bot already knows can be checked.
            if known is not None:
                return known, None
            if turn.user_aad_object_id and turn.user_aad_object_id.casefold() == chosen.casefold():
                return Person(name=turn.user_name or chosen, entra_object_id=chosen), None
            return None, rt.UNKNOWN_PERSON
        try:
            person = await self._directory.person(chosen)
        except Exception:  # noqa: BLE001 - nothing is written on a failed check; logged
            log.warning("directory lookup failed", exc_info=True)
            return None, rt.DIRECTORY_DOWN
        if person is None:
            log.info("role change refused: person not in the directory")
            return None, rt.UNKNOWN_PERSON
        if known is not None and known.email and not person.email:
            person = replace(person, email=known.email)  # keep the work e-mail on file
        return person, None

    async def _save(
        self,
        request: ActionRequest,
        network: Network,
        group: Group | None,
        role: Role,
        current: tuple[Assignment, ...],
        holders: tuple[Assignment, ...],
    ) -> list[Reply]:
        language = request.language
        if holders == current:
            return [Reply(rt.NOTHING_CHANGED.get(language), language)]
        try:
            changed = await self._store.set_role_holders(
                network.key,
                role.key,
                group.key if group else None,
                holders,
                actor=request.turn.sender_id,
                expected=current,
            )
        except HoldersChanged:
            registry, _finder = await self._snapshots.current()
            fresh = registry.network(network.key)
            text = rt.CHANGED_MEANWHILE.get(language)
            return [
                Reply(text, language),
                _edit_reply(fresh, group, fresh.role(role.key), language, request.turn),
            ]
        except ValueError as error:  # what the checks above cannot see (same person twice)
            # The message quotes the holder's name: the user sees it, the log does not.
            log.info("role change rejected", extra={"error": type(error).__name__})
            return [_problems([str(error)], language)]
        if not changed:
            return [Reply(rt.NOTHING_CHANGED.get(language), language)]
        registry, _finder = await self._snapshots.current()
        fresh = registry.network(network.key)
        names = [
            escape(a.person.name) + (f" ({rt.DEPUTY.get(language)})" if a.deputy else "")
            for a in _holders(fresh, role, group)
        ]
        text = rt.SAVED.get(language).format(
            role=escape(role.title.get(language)),
            scope=_scope(fresh, group, language),
            holders=", ".join(names) or rt.NOBODY.get(language),
        )
        return [Reply(text, language), _roles_reply(fresh, group, language, admin=True)]


def _roles_reply(network: Network, group: Group | None, language: Language, admin: bool) -> Reply:
    roles = [r for r in network.roles if r.scope == ("group" if group else "network")]
    scope = _scope(network, group, language)
    title = (
        rt.ROLES_TITLE.get(language).format(scope=scope)
        if group
        else rt.NETWORK_ROLES.get(language).format(network=scope)
    )
    listings = []
    lines = [title]
    for role in roles:
        assigned = _holders(network, role, group)
        holders = [_holder_line(a, language) for a in assigned if not a.deputy]
        deputies = [_holder_line(a, language) for a in assigned if a.deputy]
        listings.append(
            cards.RoleListing(
                title=escape(role.title.get(language)),
                holders=holders or [rt.VACANT.get(language)],
                deputies=deputies,
            )
        )
        who = ", ".join(holders) or rt.VACANT.get(language)
        if deputies:
            who += f" ({rt.DEPUTIES.get(language)}: {', '.join(deputies)})"
        lines.append(f"- {escape(role.title.get(language))}: {who}")
    empty = rt.NO_ROLES.get(language).format(scope=scope)
    edit = None
    if admin and roles:
        data = {
            "action": EDIT_ACTION,
            "network": network.key,
            "group": group.key if group else None,
            "lang": language,
        }
        edit = ([(r.key, r.title.get(language)) for r in roles], data)
    buttons = []
    if group is None:
        buttons = [
            cards.command_button(
                rt.GROUP_BUTTON.get(language).format(group=g.name.get(language)),
                cards.SHOW_ROLES,
                network.key,
                g.key,
                language,
            )
            for g in network.groups
        ]
    card = cards.roles_card(
        title,
        listings,
        language,
        empty=empty,
        note=None if admin else rt.ONLY_ADMINS.get(language),
        edit=edit,
        buttons=buttons,
    )
    text = "\n".join(lines) if roles else empty
    return Reply(text, language, card=card)


def _edit_reply(
    network: Network, group: Group | None, role: Role, language: Language, turn: Turn
) -> Reply:
    current = _holders(network, role, group)
    lines = [
        _holder_line(a, language) + (f" ({rt.DEPUTY.get(language)})" if a.deputy else "")
        for a in current
    ] or [rt.VACANT.get(language)]
    title = rt.EDIT_TITLE.get(language).format(
        role=escape(role.title.get(language)), scope=_scope(network, group, language)
    )
    form = cards.RoleEditForm(
        title=title,
        intro=rt.EDIT_INTRO.get(language),
        current=lines,
        holders=[
            cards.HolderInput(
                name=a.person.name,
                deputy=a.deputy,
                term_start=a.term_start.isoformat() if a.term_start else "",
                term_end=a.term_end.isoformat() if a.term_end else "",
            )
            for a in current
        ],
        people=_known_people(network, turn),
        data={
            "network": network.key,
            "group": group.key if group else None,
            "role": role.key,
            "lang": language,
            "before": [_holder_key(a) for a in current],
        },
    )
    text = title + "\n\n" + "\n".join(f"- {line}" for line in lines)
    return Reply(text, language, card=cards.role_edit_card(form, language))


def _stale(
    current: tuple[Assignment, ...],
    value: dict[str, Any],
    network: Network,
    group: Group | None,
    role: Role,
    request: ActionRequest,
) -> list[Reply] | None:
    """The replies for a form shown before the role last changed; None if it is current."""
    if value.get("before") == [_holder_key(a) for a in current]:
        return None
    language = request.language
    return [
        Reply(rt.CHANGED_MEANWHILE.get(language), language),
        _edit_reply(network, group, role, language, request.turn),
    ]


def _holders(network: Network, role: Role, group: Group | None) -> tuple[Assignment, ...]:
    """Everyone holding the role in the group (or network-wide), current or not, in order."""
    group_key = group.key if group is not None and role.scope == "group" else None
    return tuple(
        a for a in network.assignments if a.role_key == role.key and a.group_key == group_key
    )


def _holder_key(assignment: Assignment) -> str:
    """What a form remembers of a holder, to tell whether the role changed meanwhile."""
    person = assignment.person
    return "|".join(
        (
            person.entra_object_id or person.email or person.name,
            "deputy" if assignment.deputy else "holder",
            assignment.term_start.isoformat() if assignment.term_start else "",
            assignment.term_end.isoformat() if assignment.term_end else "",
        )
    )


def _holder_line(assignment: Assignment, language: Language) -> str:
    """A holder as the cards show them: "Anna Lindqvist (2025-01-01 – 2026-12-31)"."""
    start, end = assignment.term_start, assignment.term_end
    if start and end:
        term = rt.TERM_BOTH.get(language).format(start=start, end=end)
    elif start:
        term = rt.TERM_FROM.get(language).format(start=start)
    elif end:
        term = rt.TERM_UNTIL.get(language).format(end=end)
    else:
        return escape(assignment.person.name)
    return f"{escape(assignment.person.name)} ({term})"


def _known_people(network: Network, turn: Turn) -> list[tuple[str, str]]:
    """The picker's fixed choices (value, title): the network's people, then the sender."""
    choices: dict[str, str] = {}
    for assignment in sorted(network.assignments, key=lambda a: fold(a.person.name)):
        person = assignment.person
        if person.entra_object_id:
            value = person.entra_object_id
        elif person.email:
            value = f"email:{person.email}"
        else:
            value = f"name:{person.name}"
        choices.setdefault(value, _person_title(person))
    sender = turn.user_aad_object_id
    if sender and not any(v.casefold() == sender.casefold() for v in choices):
        choices[sender] = turn.user_name or sender
    return list(choices.items())


def _person_title(person: Person) -> str:
    return f"{person.name} ({person.email})" if person.email else person.name


def _same(a: Person, b: Person) -> bool:
    if a.entra_object_id and b.entra_object_id:
        return a.entra_object_id.casefold() == b.entra_object_id.casefold()
    if a.email and b.email:
        return a.email.casefold() == b.email.casefold()
    return a.name == b.name and not (a.email or a.entra_object_id or b.email or b.entra_object_id)


def _scope(network: Network, group: Group | None, language: Language) -> str:
    """The group's (or network's) name, markdown-escaped for the texts it goes into."""
    return escape(group.name.get(language) if group is not None else network.name.get(language))


def _date(value: Any, language: Language, problems: list[str]) -> date | None:
    """A form's date: "" or absent is none; anything but YYYY-MM-DD is a problem."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(rt.BAD_DATE.get(language).format(value=text[:40]))
        return None


def _term_order(name: str, start: date, end: date, language: Language) -> str:
    return rt.TERM_ORDER.get(language).format(name=escape(name), start=start, end=end)


def _problems(problems: list[str], language: Language) -> Reply:
    listed = "; ".join(dict.fromkeys(problems))
    return Reply(rt.FORM_PROBLEMS.get(language).format(problems=listed), language)
