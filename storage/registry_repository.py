"""The role registry in the database: load it, replace networks, and tell when it changed.

Every write bumps one revision counter in the same transaction, so each replica can
ask `revision()` (one small query) and reload only when it moved. With a
`storage.changes.ChangeFeed` the query itself is skipped until the feed says another
writer may have committed since the last one (every write also notifies the feed).

Holders are stored as one person row per person across all networks. A holder is
the same person as a stored one when `registry_files.same_person` says so (same
e-mail in any case, or same Entra object id; by name only for people with
neither). The stored person then takes the details last written, so correcting a
name in one network corrects it in every network; persons no longer holding any
role are deleted.

`set_role_holders` changes one role's holders in one group (or for the whole network),
as the administration cards do: one transaction, one revision, one audit entry.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import SYSTEM
from domain.personal_data import PersonField
from domain.registry import (
    Assignment,
    Group,
    Localized,
    Network,
    Person,
    Role,
    RoleRegistry,
    UnknownGroup,
    UnknownNetwork,
)
from storage import audit
from storage.changes import REGISTRY, ChangeFeed, notify
from storage.database import Database
from storage.registry_files import (
    RegistryFileError,
    planning_document,
    read_planning,
    same_person,
)
from storage.schema import (
    AssignmentRow,
    GroupRow,
    NetworkRow,
    PersonRow,
    RegistryRevisionRow,
    RoleRow,
)

log = logging.getLogger(__name__)

_REVISION_ROW_ID = 1  # the counter is the only row of its table

ROLE_HOLDERS_ACTION = "roles.set"


class HoldersChanged(Exception):
    """The role's holders are no longer the ones the change was based on."""

    def __init__(self, current: tuple[Assignment, ...]):
        super().__init__("the role's holders changed since they were read")
        self.current = current


class RegistryRepository:
    """Reads and writes the whole role registry."""

    def __init__(self, database: Database, changes: ChangeFeed | None = None):
        self._database = database
        self._changes = changes
        # (feed version, revision) of the last query, reused while the version stands.
        self._known: tuple[Hashable, int] | None = None

    async def revision(self) -> int:
        """The registry's revision: 0 before the first write, then larger after each write."""
        # Read before the query: a write committed while it runs moves the version again.
        version = self._changes.version(REGISTRY) if self._changes is not None else None
        if version is not None and self._known is not None and self._known[0] == version:
            return self._known[1]
        async with self._database.snapshot() as session:
            revision = await session.scalar(
                select(RegistryRevisionRow.revision).where(
                    RegistryRevisionRow.id == _REVISION_ROW_ID
                )
            )
        revision = revision or 0
        self._known = (version, revision) if version is not None else None
        return revision

    async def is_empty(self) -> bool:
        """True when no network is stored, as in a new database."""
        async with self._database.snapshot() as session:
            return await session.scalar(select(NetworkRow.id).limit(1)) is None

    async def load(self) -> RoleRegistry:
        """Every stored network, exactly as it was stored (order, dates, deputies)."""
        async with self._database.snapshot() as session:
            network_rows = await session.scalars(
                select(NetworkRow).order_by(NetworkRow.position, NetworkRow.id)
            )
            groups: dict[int, list[Group]] = defaultdict(list)
            for row in await session.scalars(select(GroupRow).order_by(GroupRow.position)):
                groups[row.network_id].append(_group(row))
            roles: dict[int, list[Role]] = defaultdict(list)
            for row in await session.scalars(select(RoleRow).order_by(RoleRow.position)):
                roles[row.network_id].append(_role(row))
            assignments: dict[int, list[Assignment]] = defaultdict(list)
            rows = await session.execute(
                select(AssignmentRow, RoleRow.key, GroupRow.key, PersonRow)
                .join(RoleRow, AssignmentRow.role_id == RoleRow.id)
                .outerjoin(GroupRow, AssignmentRow.group_id == GroupRow.id)
                .join(PersonRow, AssignmentRow.person_id == PersonRow.id)
                .order_by(AssignmentRow.position)
            )
            for assignment, role_key, group_key, person in rows:
                assignments[assignment.network_id].append(
                    _assignment(assignment, role_key, group_key, person)
                )
            return RoleRegistry(
                tuple(
                    _network(row, groups[row.id], roles[row.id], assignments[row.id])
                    for row in network_rows
                )
            )

    async def replace_networks(
        self,
        networks: Iterable[Network],
        *,
        actor: str | None = SYSTEM,
        action: str = "registry.import",
    ) -> None:
        """Store the given networks, each replacing the stored network with its key.

        One transaction: groups, roles and holders of each given network become
        exactly the given ones; other networks stay as they are. Raises ValueError
        (and stores nothing) for a network that refers to unknown roles or groups,
        repeats a key, or gives one person with two different sets of details.
        Each network's entry in the audit log (`action` by `actor`) lists what changed.
        """
        networks = tuple(networks)
        _check(networks)
        async with self._database.transaction() as session:
            # First, so that on PostgreSQL concurrent registry writers queue on this row.
            await self._bump_revision(session)
            person_ids = await _store_persons(
                session, [a.person for n in networks for a in n.assignments]
            )
            next_position = await session.scalar(select(func.max(NetworkRow.position)))
            next_position = -1 if next_position is None else next_position
            for network in networks:
                row = await session.scalar(select(NetworkRow).where(NetworkRow.key == network.key))
                before = await _audited_network(session, row)
                if row is None:
                    next_position += 1
                    row = NetworkRow(key=network.key, position=next_position)
                    session.add(row)
                await _store_network(session, row, network, person_ids)
                after = await _audited_network(session, row)
                assert after is not None
                await audit.record(
                    session, action=action, actor=actor, network_key=network.key,
                    subject=f"network {network.key}", **_changes(before, after),
                )
            await _delete_orphaned_persons(session)
        log.info("registry networks replaced", extra={"networks": [n.key for n in networks]})

    async def set_role_holders(
        self,
        network_key: str,
        role_key: str,
        group_key: str | None,
        holders: Sequence[Assignment],
        *,
        actor: str | None,
        expected: Sequence[Assignment] | None = None,
    ) -> bool:
        """Make `holders` (holders and deputies, in order) the role's only holders in the
        group, or network-wide when `group_key` is None; other roles stay as they are.

        One transaction: the revision is bumped (so every replica's snapshot shows the
        new holders on its next turn) and an audit entry (`roles.set` by `actor`) keeps
        the holders before and after. With `expected`, the change is made only if those
        are still the holders (else `HoldersChanged`, nothing written): a form shown
        before someone else's change must not undo it. Raises `UnknownNetwork`,
        `UnknownGroup` or ValueError (unknown role, a group for a network role or none
        for a group role, a holder of another role or group, a term ending before it
        starts, one person given with two sets of details), writing nothing. Returns
        False when the holders were already exactly these.
        """
        holders = tuple(holders)
        for holder in holders:
            if holder.role_key != role_key or holder.group_key != group_key:
                raise ValueError(
                    f"{holder.person.name!r} is given for {holder.role_key!r} in "
                    f"{holder.group_key!r}, not for {role_key!r} in {group_key!r}"
                )
            if holder.term_start and holder.term_end and holder.term_end < holder.term_start:
                raise ValueError(
                    f"the term of {holder.person.name!r} ends ({holder.term_end}) before it "
                    f"starts ({holder.term_start})"
                )
        async with self._database.transaction() as session:
            # First, so that on PostgreSQL concurrent registry writers queue on this row
            # and the holders read below are the ones this change replaces.
            await self._bump_revision(session)
            network = await session.scalar(select(NetworkRow).where(NetworkRow.key == network_key))
            if network is None:
                known = tuple(await session.scalars(select(NetworkRow.key)))
                raise UnknownNetwork(network_key, known)
            role = await session.scalar(
                select(RoleRow).where(RoleRow.network_id == network.id, RoleRow.key == role_key)
            )
            if role is None:
                raise ValueError(f"unknown role {role_key!r} in network {network_key!r}")
            group_id = await _role_group_id(session, network, role, group_key)
            rows = await session.execute(
                select(AssignmentRow, RoleRow.key, GroupRow.key, PersonRow)
                .join(RoleRow, AssignmentRow.role_id == RoleRow.id)
                .outerjoin(GroupRow, AssignmentRow.group_id == GroupRow.id)
                .join(PersonRow, AssignmentRow.person_id == PersonRow.id)
                .where(AssignmentRow.network_id == network.id)
                .order_by(AssignmentRow.position, AssignmentRow.id)
            )
            found_rows = list(rows)
            mine = [
                found
                for found in found_rows
                if found[0].role_id == role.id and found[0].group_id == group_id
            ]
            before = tuple(_assignment(*found) for found in mine)
            if expected is not None and before != tuple(expected):
                raise HoldersChanged(before)
            if before == holders:
                return False
            person_ids = await _store_persons(session, [h.person for h in holders])
            mine_ids = {found[0].id for found in mine}
            everyone = [found[0] for found in found_rows]
            # The role's holders take the place of the first of the old ones (else the
            # end), so the network's order (and its exported file) stays as it was.
            slot = next(
                (n for n, row in enumerate(everyone) if row.id in mine_ids), len(everyone)
            )
            for row in everyone:
                if row.id in mine_ids:
                    await session.delete(row)
            await session.flush()
            added = [
                AssignmentRow(
                    network_id=network.id,
                    role_id=role.id,
                    group_id=group_id,
                    person_id=person_ids[holder.person],
                    position=0,
                    deputy=holder.deputy,
                    term_start=holder.term_start,
                    term_end=holder.term_end,
                )
                for holder in holders
            ]
            session.add_all(added)
            kept = [row for row in everyone if row.id not in mine_ids]
            ordered = kept[:slot] + added + kept[slot:]
            for position, row in enumerate(ordered):
                row.position = position
            await session.flush()
            await _delete_orphaned_persons(session)
            where = role_key + (f" in {group_key}" if group_key else "")
            await audit.record(
                session,
                action=ROLE_HOLDERS_ACTION,
                actor=actor,
                network_key=network_key,
                subject=f"role {where}",
                before={"holders": [_holder_line(h) for h in before]},
                after={"holders": [_holder_line(h) for h in holders]},
            )
        log.info(
            "role holders set",
            extra={"network": network_key, "role": role_key, "group": group_key},
        )
        return True

    async def delete_network(self, key: str) -> bool:
        """Delete a network with its groups, roles and holders; False if there was none."""
        async with self._database.transaction() as session:
            result = await session.execute(delete(NetworkRow).where(NetworkRow.key == key))
            if not result.rowcount:
                return False
            await _delete_orphaned_persons(session)
            await self._bump_revision(session)
        log.info("registry network deleted", extra={"network": key})
        return True

    async def _bump_revision(self, session: AsyncSession) -> None:
        await _bump_revision(session, self._database)


async def _bump_revision(session: AsyncSession, database: Database) -> None:
    insert = database.insert(RegistryRevisionRow).values(id=_REVISION_ROW_ID, revision=1)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[RegistryRevisionRow.id],
            set_={"revision": RegistryRevisionRow.revision + 1},
        )
    )
    await notify(session, REGISTRY)


async def _role_group_id(
    session: AsyncSession, network: NetworkRow, role: RoleRow, group_key: str | None
) -> int | None:
    """The group row a role's holders are kept under: None for a network-scope role."""
    if role.scope == "network":
        if group_key is not None:
            raise ValueError(f"role {role.key!r} is held network-wide, not in a group")
        return None
    if group_key is None:
        raise ValueError(f"role {role.key!r} is held in a group: give the group")
    group_id = await session.scalar(
        select(GroupRow.id).where(GroupRow.network_id == network.id, GroupRow.key == group_key)
    )
    if group_id is None:
        known = tuple(
            await session.scalars(
                select(GroupRow.key)
                .where(GroupRow.network_id == network.id)
                .order_by(GroupRow.position)
            )
        )
        raise UnknownGroup(network.key, group_key, known)
    return group_id


async def _audited_network(
    session: AsyncSession, row: NetworkRow | None
) -> dict[str, Any] | None:
    """What the audit log compares of a stored network: keys, admins and holders."""
    if row is None:
        return None
    groups = await session.scalars(
        select(GroupRow.key).where(GroupRow.network_id == row.id).order_by(GroupRow.position)
    )
    roles = await session.scalars(
        select(RoleRow.key).where(RoleRow.network_id == row.id).order_by(RoleRow.position)
    )
    holders = await session.execute(
        select(AssignmentRow, RoleRow.key, GroupRow.key, PersonRow)
        .join(RoleRow, AssignmentRow.role_id == RoleRow.id)
        .outerjoin(GroupRow, AssignmentRow.group_id == GroupRow.id)
        .join(PersonRow, AssignmentRow.person_id == PersonRow.id)
        .where(AssignmentRow.network_id == row.id)
        .order_by(AssignmentRow.position)
    )
    return {
        "groups": list(groups),
        "roles": list(roles),
        "admins": list((row.planning or {}).get("admins") or []),
        "holders": [_holder_line(_assignment(*found)) for found in holders],
    }


def _holder_line(assignment: Assignment) -> str:
    """One holder as the audit log shows it: "role/group: Name <e-mail> (deputy) term"."""
    person = assignment.person
    where = assignment.role_key + (f"/{assignment.group_key}" if assignment.group_key else "")
    contact = person.email or person.entra_object_id
    line = f"{where}: {person.name}" + (f" <{contact}>" if contact else "")
    if assignment.deputy:
        line += " (deputy)"
    if assignment.term_start or assignment.term_end:
        line += f" {assignment.term_start or ''}–{assignment.term_end or ''}"
    return line


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """The audit entry's before/after: only what differs (holders: removed and added);
    a new network's whole content."""
    if before is None:
        return {"before": None, "after": after}
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in before:
        if name == "holders":
            removed = [h for h in before[name] if h not in after[name]]
            added = [h for h in after[name] if h not in before[name]]
            if removed or added:
                old[name], new[name] = removed, added
        elif before[name] != after[name]:
            old[name], new[name] = before[name], after[name]
    return {"before": old or None, "after": new or None}


# --- data protection (`storage.personal_data`) ---


async def find_people(
    session: AsyncSession, field: PersonField, value: str
) -> list[tuple[int, Person]]:
    """The stored people whose `field` is `value` (any case), with their row ids.

    E-mail and Entra object id are unique, so at most one; a name may be several people's.
    Names are compared in Python (`casefold`): SQLite's `lower` folds only ASCII, and
    both databases must find the same people ("Åsa" and "åsa").
    """
    if field == "name":
        wanted = value.casefold()
        rows = [
            row
            for row in await session.scalars(select(PersonRow).order_by(PersonRow.id))
            if row.name.casefold() == wanted
        ]
    else:
        column = PersonRow.email if field == "email" else PersonRow.entra_object_id
        query = select(PersonRow).where(func.lower(column) == value.lower())
        rows = list(await session.scalars(query))
    return [
        (row.id, Person(name=row.name, email=row.email, entra_object_id=row.entra_object_id))
        for row in rows
    ]


async def person_assignments(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """Every role the person holds, in every network, as JSON-ready dicts."""
    rows = await session.execute(
        select(AssignmentRow, RoleRow.key, GroupRow.key, NetworkRow.key)
        .join(RoleRow, AssignmentRow.role_id == RoleRow.id)
        .outerjoin(GroupRow, AssignmentRow.group_id == GroupRow.id)
        .join(NetworkRow, AssignmentRow.network_id == NetworkRow.id)
        .where(AssignmentRow.person_id == person_id)
        .order_by(NetworkRow.position, AssignmentRow.position)
    )
    return [
        {
            "network": network_key,
            "role": role_key,
            "group": group_key,
            "deputy": row.deputy,
            "term_start": row.term_start.isoformat() if row.term_start else None,
            "term_end": row.term_end.isoformat() if row.term_end else None,
        }
        for row, role_key, group_key, network_key in rows
    ]


async def admin_of(session: AsyncSession, identifiers: Iterable[str]) -> list[str]:
    """The keys of the networks whose `admins` list one of `identifiers`."""
    wanted = {i.casefold() for i in identifiers if i}
    rows = await session.scalars(select(NetworkRow).order_by(NetworkRow.position))
    return [
        row.key
        for row in rows
        if any(a.casefold() in wanted for a in (row.planning or {}).get("admins") or [])
    ]


async def erase_person(
    session: AsyncSession, database: Database, person_id: int | None, identifiers: Iterable[str]
) -> tuple[int, int]:
    """Remove a person from the registry: their roles, their row, and their entries in
    every network's `admins`. Returns (roles removed, admin entries removed)."""
    wanted = {i.casefold() for i in identifiers if i}
    roles = 0
    if person_id is not None:
        result = await session.execute(
            delete(AssignmentRow).where(AssignmentRow.person_id == person_id)
        )
        roles = max(result.rowcount or 0, 0)
        await session.execute(delete(PersonRow).where(PersonRow.id == person_id))
    admins = 0
    for row in await session.scalars(select(NetworkRow)):
        listed = (row.planning or {}).get("admins") or []
        kept = [a for a in listed if a.casefold() not in wanted]
        if len(kept) != len(listed):
            admins += len(listed) - len(kept)
            # A new dict: the JSON column notices assignment, not changes inside.
            planning = {k: v for k, v in row.planning.items() if k != "admins"}
            if kept:
                planning["admins"] = kept
            row.planning = planning or None
    await session.flush()
    await _bump_revision(session, database)
    return roles, admins


def _check(networks: Sequence[Network]) -> None:
    """Reject what the tables cannot hold, before anything is written."""
    seen: set[str] = set()
    for network in networks:
        if network.key in seen:
            raise ValueError(f"network {network.key!r} is given twice")
        seen.add(network.key)
        for kind, keys in (
            ("group", [g.key for g in network.groups]),
            ("role", [r.key for r in network.roles]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"network {network.key!r} has a {kind} key twice: {keys}")
        try:
            read_planning(planning_document(network), network, f"network {network.key!r}")
        except RegistryFileError as err:
            raise ValueError(str(err)) from None
        role_keys = {r.key for r in network.roles}
        group_keys = {g.key for g in network.groups}
        for assignment in network.assignments:
            if assignment.role_key not in role_keys:
                raise ValueError(
                    f"network {network.key!r}: {assignment.person.name!r} holds unknown role "
                    f"{assignment.role_key!r}"
                )
            if assignment.group_key is not None and assignment.group_key not in group_keys:
                raise ValueError(
                    f"network {network.key!r}: {assignment.person.name!r} holds "
                    f"{assignment.role_key!r} in unknown group {assignment.group_key!r}"
                )


async def _store_persons(session: AsyncSession, persons: Sequence[Person]) -> dict[Person, int]:
    """The row id of each given person, reusing, updating and merging stored persons."""
    # The person table is small (people holding roles), so match in Python with
    # exactly the rule the data files are checked with.
    rows = list(await session.scalars(select(PersonRow).order_by(PersonRow.id)))
    chosen: dict[Person, PersonRow] = {}
    for person in dict.fromkeys(persons):
        matches = [row for row in rows if same_person(row, person)]
        for other, chosen_row in chosen.items():
            if any(match is chosen_row for match in matches):
                raise ValueError(
                    f"{person} and {other} are the same person (same e-mail, Entra object id, "
                    "or name without either) but with different details"
                )
        if not matches:
            row = PersonRow(
                name=person.name, email=person.email, entra_object_id=person.entra_object_id
            )
            session.add(row)
            rows.append(row)
        else:
            row, *duplicates = matches
            for duplicate in duplicates:  # two stored persons turned out to be one
                await session.execute(
                    update(AssignmentRow)
                    .where(AssignmentRow.person_id == duplicate.id)
                    .values(person_id=row.id)
                )
                await session.delete(duplicate)
                rows.remove(duplicate)
            # Deleted before the update: the e-mail or Entra id may be the duplicate's.
            await session.flush()
            row.name = person.name
            row.email = person.email
            row.entra_object_id = person.entra_object_id
        # One person at a time, so that no unique e-mail or Entra id is ever held twice.
        await session.flush()
        chosen[person] = row
    return {person: row.id for person, row in chosen.items()}


async def _store_network(
    session: AsyncSession, row: NetworkRow, network: Network, person_ids: dict[Person, int]
) -> None:
    row.name_sv, row.name_en = network.name.sv, network.name.en
    row.description_sv, row.description_en = network.description.sv, network.description.en
    row.aliases = list(network.aliases)
    row.ask_instead = list(network.ask_instead)
    row.planning = planning_document(network)
    await session.flush()
    await session.execute(delete(AssignmentRow).where(AssignmentRow.network_id == row.id))
    # Groups and roles are updated in place by key, so their row ids stay the same
    # for tables that refer to them.
    group_ids = await _store_children(session, GroupRow, row.id, network.groups, _group_columns)
    role_ids = await _store_children(session, RoleRow, row.id, network.roles, _role_columns)
    session.add_all(
        AssignmentRow(
            network_id=row.id,
            role_id=role_ids[assignment.role_key],
            group_id=group_ids[assignment.group_key] if assignment.group_key else None,
            person_id=person_ids[assignment.person],
            position=position,
            deputy=assignment.deputy,
            term_start=assignment.term_start,
            term_end=assignment.term_end,
        )
        for position, assignment in enumerate(network.assignments)
    )
    await session.flush()


async def _store_children(
    session: AsyncSession,
    model: type[GroupRow] | type[RoleRow],
    network_id: int,
    items: Sequence[Group] | Sequence[Role],
    columns: Any,
) -> dict[str, int]:
    """Make the network's groups (or roles) exactly `items`; returns their ids by key."""
    stored = {
        row.key: row
        for row in await session.scalars(select(model).where(model.network_id == network_id))
    }
    rows = {}
    for position, item in enumerate(items):
        row = stored.pop(item.key, None)
        if row is None:
            row = model(network_id=network_id, key=item.key)
            session.add(row)
        row.position = position
        for name, value in columns(item).items():
            setattr(row, name, value)
        rows[item.key] = row
    for row in stored.values():
        await session.delete(row)
    await session.flush()
    return {key: row.id for key, row in rows.items()}


async def _delete_orphaned_persons(session: AsyncSession) -> None:
    await session.execute(
        delete(PersonRow).where(~exists().where(AssignmentRow.person_id == PersonRow.id))
    )


def _group_columns(group: Group) -> dict[str, Any]:
    return {"name_sv": group.name.sv, "name_en": group.name.en, "aliases": list(group.aliases)}


def _role_columns(role: Role) -> dict[str, Any]:
    return {
        "scope": role.scope,
        "title_sv": role.title.sv,
        "title_en": role.title.en,
        "duties_sv": list(role.duties.sv),
        "duties_en": list(role.duties.en),
        "synonyms_sv": list(role.synonyms.sv),
        "synonyms_en": list(role.synonyms.en),
        "ask_instead": list(role.ask_instead),
    }


def _network(
    row: NetworkRow, groups: list[Group], roles: list[Role], assignments: list[Assignment]
) -> Network:
    network = Network(
        key=row.key,
        name=Localized(row.name_sv, row.name_en),
        description=Localized(row.description_sv, row.description_en),
        aliases=tuple(row.aliases),
        groups=tuple(groups),
        roles=tuple(roles),
        assignments=tuple(assignments),
        ask_instead=tuple(row.ask_instead),
    )
    # Stored only after the same checks as a data file, so it reads back without problems.
    return read_planning(row.planning, network, f"database network {row.key!r}")


def _group(row: GroupRow) -> Group:
    return Group(key=row.key, name=Localized(row.name_sv, row.name_en), aliases=tuple(row.aliases))


def _role(row: RoleRow) -> Role:
    return Role(
        key=row.key,
        scope=row.scope,  # type: ignore[arg-type]  # the table's CHECK allows only the two
        title=Localized(row.title_sv, row.title_en),
        duties=Localized(tuple(row.duties_sv), tuple(row.duties_en)),
        synonyms=Localized(tuple(row.synonyms_sv), tuple(row.synonyms_en)),
        ask_instead=tuple(row.ask_instead),
    )


def _assignment(
    row: AssignmentRow, role_key: str, group_key: str | None, person: PersonRow
) -> Assignment:
    return Assignment(
        role_key=role_key,
        person=Person(name=person.name, email=person.email, entra_object_id=person.entra_object_id),
        group_key=group_key,
        deputy=row.deputy,
        term_start=row.term_start,
        term_end=row.term_end,
    )
