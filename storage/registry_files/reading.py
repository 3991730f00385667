"""Network data files: YAML documents to and from `RoleRegistry`.

A file holds one network document (`key:`, `name:`, `groups:`, `roles:`,
`holders:`, ...) or several as `{networks: [...]}`; `dump` always writes the
latter. The optional planning sections (`admins:`, `channels:`, `agenda:`,
`meeting_kinds:`, `meetings:`, `wheel:`) describe meetings and the annual wheel;
`planning_document` / `read_planning` give them as plain JSON-safe data, which is how
the database stores them. Loading checks everything a person editing the file can get wrong and
raises one `RegistryFileError` listing every problem, each with the file, the line
and the place in the document (`roles[3].title.en`, counting from 0). Order is
kept everywhere, so `load(dump(registry)) == registry`.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml
from dateutil import rrule as rfc5545

from storage.registry import (
    DEFAULT_RULE_START,
    LANGUAGES,
    MEETING_MODES,
    SHIFT_POLICIES,
    TARGET_EACH_GROUP,
    TARGET_GENERAL,
    AgendaSettings,
    Assignment,
    Channel,
    Group,
    Localized,
    MeetingKind,
    MeetingOffset,
    MeetingSeries,
    MeetingStep,
    MinMeetingsCheck,
    Network,
    Person,
    PrecededByCheck,
    Role,
    RoleRegistry,
    ShiftPolicy,
    TermEndCheck,
    WheelCheck,
    WheelRule,
)

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
ENTRA_OBJECT_ID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$")
URL_PATTERN = re.compile(r"^https?://\S+$")
# Rules that repeat more often than daily are no meeting or deadline rhythm, and would
# make expanding a year of them needlessly slow.
RRULE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# Fields someone might add to a holder that the bot must not store (docs/data-protection.md).
PRIVATE_CONTACT_FIELDS = frozenset({
    "phone", "telephone", "mobile", "cell", "telefon", "mobil", "mobilnummer", "telefonnummer",
    "address", "home_address", "adress", "hemadress", "postadress", "private_email",
    "personal_email", "personnummer", "birthdate", "date_of_birth", "födelsedatum",
})

PLANNING_SECTIONS = ("admins", "channels", "agenda", "meeting_kinds", "meetings", "wheel")

# Lines are never folded: a folded `{sv: ..., en: ...}` is hard to read and to edit.
_NO_WRAP = 1_000_000

KeyPath = tuple[str | int, ...]  # a place in a document: ("roles", 3, "title", "en")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file."""

    source: str
    line: int | None  # 1-based; None when the document came without line numbers
    place: str  # e.g. "roles[3].title.en"; "" for the whole document
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class RegistryFileError(Exception):
    """A network data file cannot be read or is wrong; `problems` lists every finding."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PersonDetails(Protocol):
    """What identifies a person: a `Person`, or a stored row with the same fields."""

    name: str
    email: str | None
    entra_object_id: str | None


def same_person(a: PersonDetails, b: PersonDetails) -> bool:
    """Whether two holders are one person.

    The same e-mail address (in any case) or the same Entra object id makes the same
    person; people with neither are told apart by name alone.
    """
    if a.email and b.email and a.email.casefold() == b.email.casefold():
        return True
    if a.entra_object_id and b.entra_object_id and a.entra_object_id == b.entra_object_id:
        return True
    contactless = not (a.email or a.entra_object_id or b.email or b.entra_object_id)
    return contactless and a.name == b.name


# --- loading ------------------------------------------------------------------------------


def load_file(path: str | Path) -> RoleRegistry:
    """The networks of one file: a single network document or `{networks: [...]}`."""
    networks, problems = _load_path(Path(path))
    problems += _registry_problems(networks)
    if problems:
        raise RegistryFileError(problems)
    return RoleRegistry(tuple(loaded.network for loaded in networks))


def load_directory(path: str | Path) -> RoleRegistry:
    """The networks of every `*.yaml` file in a folder, files in name order."""
    folder = Path(path)
    if not folder.is_dir():
        raise RegistryFileError([Problem(str(folder), None, "", "not a folder")])
    networks: list[_Loaded] = []
    problems: list[Problem] = []
    for file in sorted(folder.glob("*.yaml")):
        file_networks, file_problems = _load_path(file)
        networks += file_networks
        problems += file_problems
    problems += _registry_problems(networks)
    if problems:
        raise RegistryFileError(problems)
    return RoleRegistry(tuple(loaded.network for loaded in networks))


def load_network_document(mapping: Any, source: str | Path) -> Network:
    """One network from an already parsed document; `source` names it in error messages."""
    reader = _Reader(str(source), {})
    loaded = reader.network(mapping, ())
    if loaded is not None:
        reader.problems += _person_problems([loaded])
    if reader.problems or loaded is None:
        raise RegistryFileError(reader.problems)
    return loaded.network


@dataclass(frozen=True)
class _Loaded:
    """A network read from a document, and where it and each of its holders are."""

    network: Network
    source: str
    key_at: tuple[str, int | None]  # place and line of the network's key
    holders_at: tuple[tuple[str, int | None], ...]  # one per assignment


def _load_path(path: Path) -> tuple[list[_Loaded], list[Problem]]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(source, None, "", f"cannot read the file: {err}")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [], [Problem(source, None, "", "the file is empty")]
        lines: dict[KeyPath, int] = {}
        duplicates: list[Problem] = []
        _index_lines(node, (), lines, duplicates, source)
        document = loader.construct_document(node)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(err, "problem", None) or str(err)
        return [], [Problem(source, line, "", f"not valid YAML: {detail}")]
    finally:
        loader.dispose()

    reader = _Reader(source, lines)
    reader.problems += duplicates
    loaded: list[_Loaded] = []
    if isinstance(document, dict) and "networks" in document:
        reader.known_keys(document, (), {"networks"})
        items = reader.sequence(document["networks"], ("networks",))
        for index, item in enumerate(items or ()):
            network = reader.network(item, ("networks", index))
            if network is not None:
                loaded.append(network)
    else:
        network = reader.network(document, ())
        if network is not None:
            loaded.append(network)
    return loaded, reader.problems


def _registry_problems(networks: list[_Loaded]) -> list[Problem]:
    """What is wrong only across networks: a network key twice, one person told two ways."""
    problems: list[Problem] = []
    first: dict[str, _Loaded] = {}
    for loaded in networks:
        key = loaded.network.key
        if key in first:
            other = first[key]
            where = _where(other.source, *other.key_at, seen_from=loaded.source)
            problems.append(
                Problem(
                    loaded.source,
                    loaded.key_at[1],
                    loaded.key_at[0],
                    f"duplicate network key {key!r} (also at {where})",
                )
            )
        else:
            first[key] = loaded
    return problems + _person_problems(networks)


def _person_problems(networks: Iterable[_Loaded]) -> list[Problem]:
    # One person row serves every holder that is the same person, so their details
    # must agree; otherwise storing and loading would change someone's name or e-mail.
    problems: list[Problem] = []
    seen: list[tuple[Person, str, str, int | None]] = []  # person, source, place, line
    for loaded in networks:
        for assignment, (place, line) in zip(
            loaded.network.assignments, loaded.holders_at, strict=True
        ):
            person = assignment.person
            if any(person == other[0] for other in seen):
                continue
            for other, other_source, other_place, other_line in seen:
                if same_person(person, other):
                    where = _where(other_source, other_place, other_line, seen_from=loaded.source)
                    problems.append(
                        Problem(
                            loaded.source,
                            line,
                            place,
                            f"{_describe(person)} is the same person as {_describe(other)} "
                            f"at {where}: give the same name, email and entra_object_id",
                        )
                    )
                    break
            else:
                seen.append((person, loaded.source, place, line))
    return problems


def _where(source: str, place: str, line: int | None, *, seen_from: str) -> str:
    """A place for a message about `seen_from`: the file is named only when it is another."""
    at_line = f" (line {line})" if line is not None else ""
    return f"{place}{at_line}" if source == seen_from else f"{source}:{line or ''} {place}"


def _describe(person: Person) -> str:
    details = [d for d in (person.email, person.entra_object_id) if d]
    return f"{person.name!r}" + (f" ({', '.join(details)})" if details else "")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML where dates stay text, so that the reader can insist on ISO dates."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _index_lines(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], problems: list[Problem], source: str
) -> None:
    """Record the line of every place in the document and report repeated mapping keys."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                problems.append(
                    Problem(
                        source,
                        line,
                        _place(path + (key,)),
                        f"{key!r} is given twice (first on line {first_line[key]})",
                    )
                )
                continue
            first_line[key] = line
            _index_lines(value_node, path + (key,), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines, problems, source)


def _place(path: KeyPath) -> str:
    place = ""
    for part in path:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else part)
    return place


# Fields of each kind of mapping: name -> required.
_NETWORK_FIELDS = {
    "key": True,
    "name": True,
    "description": False,
    "aliases": False,
    "ask_instead": False,
    "groups": False,
    "roles": True,
    "holders": False,
    **{section: False for section in PLANNING_SECTIONS},
}
_GROUP_FIELDS = {"key": True, "name": True, "aliases": False}
_ROLE_FIELDS = {
    "key": True,
    "scope": True,
    "title": True,
    "duties": True,
    "synonyms": False,
    "ask_instead": False,
}
_CHANNEL_FIELDS = {"key": True, "name": True}
_AGENDA_FIELDS = {"standing_points": False, "reminder_days": False, "shift": False}
_KIND_FIELDS = {"key": True, "name": True, "standing_agenda": False, "steps": False}
_STEP_FIELDS = {"title": True, "purpose": True, "homework": False}
_SERIES_FIELDS = {
    "key": True,
    "group": True,
    "kind": True,
    "start": True,
    "end": True,
    "rrule": False,
    "mode": False,
    "place": False,
    "online_url": False,
}
_RULE_FIELDS = {
    "key": True,
    "title": True,
    "description": False,
    "responsible": False,
    "target": True,
    "rrule": False,
    "start": False,
    "relative_to": False,
    "check": False,
    "lead_days": False,
    "on_the_day": False,
    "shift": False,
}
_OFFSET_FIELDS = {"kind": True, "days": True, "step": False}
_CHECK_FIELDS = {
    "min_meetings": {"type": True, "count": True, "kind": False, "mode": False, "year": False},
    "preceded_by": {"type": True, "kind": True, "by_kind": True, "days": True},
    "term_end": {"type": True, "role": True},
}
_HOLDER_FIELDS = {
    "role": True,
    "group": False,
    "name": True,
    "email": False,
    "entra_object_id": False,
    "deputy": False,
    "term_start": False,
    "term_end": False,
}


class _Reader:
    """Turns a parsed document into registry objects, collecting every problem on the way."""

    def __init__(self, source: str, lines: dict[KeyPath, int]):
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, message: str) -> None:
        line = None
        for end in range(len(path), -1, -1):  # a missing field: the line of its parent
            line = self.lines.get(path[:end])
            if line is not None:
                break
        self.problems.append(Problem(self.source, line, _place(path), message))

    # --- shapes ---

    def known_keys(self, mapping: Mapping[Any, Any], path: KeyPath, known: Iterable[str]) -> None:
        known = list(known)
        for key in mapping:
            if key in known:
                continue
            if str(key).casefold() in PRIVATE_CONTACT_FIELDS:
                self.problem(
                    path + (str(key),),
                    f"{key!r}: the registry keeps no private contact details (data "
                    "protection); give only name, work e-mail or Entra object id",
                )
            else:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
                self.problem(path + (str(key),), f"unknown field {key!r}{hint}")

    def fields(
        self, value: Any, path: KeyPath, fields: Mapping[str, bool]
    ) -> dict[str, Any] | None:
        """A mapping with known fields; None values count as absent. None if not a mapping."""
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping with {', '.join(fields)}; got {_kind(value)}")
            return None
        self.known_keys(value, path, fields)
        present = {k: v for k, v in value.items() if isinstance(k, str) and v is not None}
        for name, required in fields.items():
            if required and name not in present:
                self.problem(path + (name,), "missing required field")
        return present

    def sequence(self, value: Any, path: KeyPath) -> list[Any] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list; got {_kind(value)}")
            return None
        return value

    def text(self, value: Any, path: KeyPath, *, allow_empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.problem(path, f"must be text; got {_kind(value)}")
            return None
        if not allow_empty and not value.strip():
            self.problem(path, "must not be empty")
            return None
        return value

    def key(self, value: Any, path: KeyPath) -> str | None:
        text = self.text(value, path)
        if text is not None and not KEY_PATTERN.match(text):
            self.problem(
                path, f"{text!r} is not a valid key: use a-z, 0-9 and _, starting with a letter"
            )
            return None
        return text

    def words(self, value: Any, path: KeyPath) -> tuple[str, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        words = [self.text(item, path + (i,)) for i, item in enumerate(items)]
        return None if None in words else tuple(words)  # type: ignore[arg-type]

    def localized(
        self,
        value: Any,
        path: KeyPath,
        read: Callable[[Any, KeyPath], Any],
        *,
        required: bool = True,
    ) -> Localized[Any] | None:
        fields = self.fields(value, path, {language: required for language in LANGUAGES})
        if fields is None:
            return None
        texts = {}
        for language in LANGUAGES:
            if language in fields:
                texts[language] = read(fields[language], path + (language,))
            elif not required:
                texts[language] = ()
        if any(texts.get(language) is None for language in LANGUAGES):
            return None
        return Localized(texts["sv"], texts["en"])

    def date(self, value: Any, path: KeyPath) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value  # from a document parsed elsewhere
        if isinstance(value, str) and ISO_DATE_PATTERN.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError as err:
                self.problem(path, f"{value!r} is not a date: {err}")
                return None
        self.problem(path, f"{value!r} is not a date in ISO form (YYYY-MM-DD)")
        return None

    def role_keys(self, value: Any, path: KeyPath, roles: Sequence[str]) -> tuple[str, ...] | None:
        keys = self.words(value, path)
        for index, key in enumerate(keys or ()):
            if key not in roles:
                self.problem(path + (index,), _unknown("role", key, roles))
        return keys

    # --- the document ---

    def network(self, value: Any, path: KeyPath) -> _Loaded | None:
        """The network at `path`; None if anything in it is wrong."""
        before = len(self.problems)
        fields = self.fields(value, path, _NETWORK_FIELDS)
        if fields is None:
            return None
        key = self.key(fields.get("key"), path + ("key",)) if "key" in fields else None
        name = description = None
        if "name" in fields:
            name = self.localized(fields["name"], path + ("name",), self.text)
        if "description" in fields:
            description = self.localized(
                fields["description"],
                path + ("description",),
                lambda v, p: self.text(v, p, allow_empty=True),
            )
        aliases = self.words(fields.get("aliases"), path + ("aliases",))

        groups = self.unique_items(fields.get("groups"), path + ("groups",), self.group, "group")
        roles = self.unique_items(fields.get("roles"), path + ("roles",), self.role, "role")
        # Keys as written, so that a role with a mistake elsewhere is not also "unknown".
        group_keys = _declared_keys(fields.get("groups"))
        role_keys = _declared_keys(fields.get("roles"))
        ask_instead = self.role_keys(fields.get("ask_instead"), path + ("ask_instead",), role_keys)
        for index, role in roles:
            for ask_index, ask_key in enumerate(role.ask_instead):
                if ask_key not in role_keys:
                    self.problem(
                        path + ("roles", index, "ask_instead", ask_index),
                        _unknown("role", ask_key, role_keys),
                    )

        roles_by_key = {role.key: role for _index, role in roles}
        holders: list[tuple[Assignment, KeyPath]] = []
        for index, item in enumerate(
            self.sequence(fields.get("holders"), path + ("holders",)) or ()
        ):
            holder_path = path + ("holders", index)
            assignment = self.holder(item, holder_path, roles_by_key, role_keys, group_keys)
            if assignment is not None:
                holders.append((assignment, holder_path))

        planning = self.planning(fields, path, group_keys, role_keys)

        if len(self.problems) > before:
            return None
        network = Network(
            key=key,  # type: ignore[arg-type]
            name=name,  # type: ignore[arg-type]
            description=description or Localized("", ""),
            aliases=aliases or (),
            groups=tuple(group for _index, group in groups),
            roles=tuple(role for _index, role in roles),
            assignments=tuple(assignment for assignment, _path in holders),
            ask_instead=ask_instead or (),
            **planning,
        )
        return _Loaded(
            network,
            self.source,
            self.at(path + ("key",)),
            tuple(self.at(holder_path) for _assignment, holder_path in holders),
        )

    # --- planning: meetings and the annual wheel ---

    def planning(
        self,
        fields: Mapping[str, Any],
        path: KeyPath,
        group_keys: Sequence[str],
        role_keys: Sequence[str],
    ) -> dict[str, Any]:
        """The planning sections as `Network` keyword arguments (absent ones left out)."""
        result: dict[str, Any] = {}
        if "admins" in fields:
            admins = self.words(fields["admins"], path + ("admins",))
            for index, admin in enumerate(admins or ()):
                if not (EMAIL_PATTERN.match(admin) or ENTRA_OBJECT_ID_PATTERN.match(admin)):
                    self.problem(
                        path + ("admins", index),
                        f"{admin!r} is neither a work e-mail address nor an Entra object id",
                    )
            result["admins"] = admins or ()
        channels = self.unique_items(
            fields.get("channels"), path + ("channels",), self.channel, "channel"
        )
        for index, channel in channels:
            if channel.key in group_keys or channel.key in (TARGET_GENERAL, TARGET_EACH_GROUP):
                self.problem(
                    path + ("channels", index, "key"),
                    f"{channel.key!r} is taken: a channel key must be no group key, "
                    f"{TARGET_GENERAL!r} or {TARGET_EACH_GROUP!r}",
                )
        result["channels"] = tuple(channel for _index, channel in channels)
        if "agenda" in fields:
            result["agenda"] = self.agenda(fields["agenda"], path + ("agenda",))
        kinds = self.unique_items(
            fields.get("meeting_kinds"), path + ("meeting_kinds",), self.meeting_kind, "kind"
        )
        result["meeting_kinds"] = tuple(kind for _index, kind in kinds)
        steps = {kind.key: len(kind.steps) for kind in result["meeting_kinds"]}
        kind_keys = _declared_keys(fields.get("meeting_kinds"))
        result["meetings"] = tuple(
            series
            for _index, series in self.unique_items(
                fields.get("meetings"),
                path + ("meetings",),
                lambda v, p: self.series(v, p, group_keys, kind_keys),
                "meeting series",
            )
        )
        targets = [
            TARGET_EACH_GROUP,
            TARGET_GENERAL,
            *group_keys,
            *_declared_keys(fields.get("channels")),
        ]
        result["wheel"] = tuple(
            rule
            for _index, rule in self.unique_items(
                fields.get("wheel"),
                path + ("wheel",),
                lambda v, p: self.wheel_rule(v, p, role_keys, kind_keys, steps, targets),
                "wheel rule",
            )
        )
        return result

    def channel(self, value: Any, path: KeyPath) -> Channel | None:
        fields = self.fields(value, path, _CHANNEL_FIELDS)
        if fields is None:
            return None
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        name = (
            self.localized(fields["name"], path + ("name",), self.text)
            if "name" in fields
            else None
        )
        if key is None or name is None:
            return None
        return Channel(key=key, name=name)

    def agenda(self, value: Any, path: KeyPath) -> AgendaSettings:
        fields = self.fields(value, path, _AGENDA_FIELDS) or {}
        points = []
        for index, item in enumerate(
            self.sequence(fields.get("standing_points"), path + ("standing_points",)) or ()
        ):
            point = self.localized(item, path + ("standing_points", index), self.text)
            if point is not None:
                points.append(point)
        days = (7,)
        if "reminder_days" in fields:
            days = self.day_counts(fields["reminder_days"], path + ("reminder_days",)) or ()
        shift = self.shift_policy(fields, path)
        return AgendaSettings(standing_points=tuple(points), reminder_days=days, shift=shift)

    def meeting_kind(self, value: Any, path: KeyPath) -> MeetingKind | None:
        fields = self.fields(value, path, _KIND_FIELDS)
        if fields is None:
            return None
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        name = (
            self.localized(fields["name"], path + ("name",), self.text)
            if "name" in fields
            else None
        )
        standing_agenda = self.boolean(
            fields.get("standing_agenda", True), path + ("standing_agenda",)
        )
        steps = []
        for index, item in enumerate(self.sequence(fields.get("steps"), path + ("steps",)) or ()):
            step = self.step(item, path + ("steps", index))
            if step is not None:
                steps.append(step)
        if key is None or name is None or standing_agenda is None:
            return None
        return MeetingKind(key=key, name=name, standing_agenda=standing_agenda, steps=tuple(steps))

    def step(self, value: Any, path: KeyPath) -> MeetingStep | None:
        fields = self.fields(value, path, _STEP_FIELDS)
        if fields is None:
            return None
        texts = {
            name: self.localized(fields[name], path + (name,), self.text)
            for name in ("title", "purpose", "homework")
            if name in fields
        }
        if None in texts.values() or "title" not in texts or "purpose" not in texts:
            return None
        return MeetingStep(
            title=texts["title"],  # type: ignore[arg-type]
            purpose=texts["purpose"],  # type: ignore[arg-type]
            homework=texts.get("homework") or Localized("", ""),
        )

    def series(
        self, value: Any, path: KeyPath, group_keys: Sequence[str], kind_keys: Sequence[str]
    ) -> MeetingSeries | None:
        fields = self.fields(value, path, _SERIES_FIELDS)
        if fields is None:
            return None
        before = len(self.problems)
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        group = self.known(fields.get("group"), path + ("group",), "group", group_keys)
        kind = self.known(fields.get("kind"), path + ("kind",), "meeting kind", kind_keys)
        start = self.local_time(fields["start"], path + ("start",)) if "start" in fields else None
        end = self.local_time(fields["end"], path + ("end",)) if "end" in fields else None
        if start is not None and end is not None and end <= start:
            self.problem(path + ("end",), f"the meeting ends ({end}) before it starts ({start})")
        rule = None
        if "rrule" in fields:
            rule = self.rrule(fields["rrule"], path + ("rrule",), start or datetime(2020, 1, 1))
        if rule is not None and start is not None:
            # dateutil silently skips a DTSTART that does not match the rule.
            first = rfc5545.rrulestr(rule, dtstart=start).after(start, inc=True)
            if first != start:
                self.problem(
                    path + ("start",),
                    f"{_local_time(start)} is not a date of {rule!r} (the first is "
                    f"{_local_time(first) if first else 'never'}): start with the first meeting",
                )
        mode = fields.get("mode", "physical")
        if mode not in MEETING_MODES:
            self.problem(
                path + ("mode",), f"must be one of {', '.join(MEETING_MODES)}, not {mode!r}"
            )
        place = self.text(fields["place"], path + ("place",)) if "place" in fields else None
        online_url = None
        if "online_url" in fields:
            online_url = self.text(fields["online_url"], path + ("online_url",))
            if online_url is not None and not URL_PATTERN.match(online_url):
                self.problem(path + ("online_url",), f"{online_url!r} is not an http(s) link")
        if len(self.problems) > before or None in (key, group, kind, start, end):
            return None
        return MeetingSeries(
            key=key,  # type: ignore[arg-type]
            group_key=group,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            start=start,  # type: ignore[arg-type]
            end=end,  # type: ignore[arg-type]
            rrule=rule,
            mode=mode,
            place=place,
            online_url=online_url,
        )

    def wheel_rule(
        self,
        value: Any,
        path: KeyPath,
        role_keys: Sequence[str],
        kind_keys: Sequence[str],
        steps: Mapping[str, int],
        targets: Sequence[str],
    ) -> WheelRule | None:
        fields = self.fields(value, path, _RULE_FIELDS)
        if fields is None:
            return None
        before = len(self.problems)
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        title = (
            self.localized(fields["title"], path + ("title",), self.text)
            if "title" in fields
            else None
        )
        description: Localized[Any] | None = Localized("", "")
        if "description" in fields:
            description = self.localized(
                fields["description"],
                path + ("description",),
                lambda v, p: self.text(v, p, allow_empty=True),
            )
        responsible = None
        if "responsible" in fields:
            responsible = self.known(
                fields["responsible"], path + ("responsible",), "role", role_keys
            )
        target = self.known(fields.get("target"), path + ("target",), "target", targets)
        start = self.date(fields["start"], path + ("start",)) if "start" in fields else None
        rule = None
        if "rrule" in fields:
            dtstart = datetime.combine(start or DEFAULT_RULE_START, datetime.min.time())
            rule = self.rrule(fields["rrule"], path + ("rrule",), dtstart)
        offset = None
        if "relative_to" in fields:
            offset = self.offset(fields["relative_to"], path + ("relative_to",), kind_keys, steps)
        check = None
        if "check" in fields:
            check = self.check(fields["check"], path + ("check",), kind_keys, role_keys)
        lead_days: tuple[int, ...] | None = (0,)
        if "lead_days" in fields:
            lead_days = self.day_counts(fields["lead_days"], path + ("lead_days",))
        shift = self.shift_policy(fields, path)
        on_the_day = self.boolean(fields.get("on_the_day", True), path + ("on_the_day",))
        # When the rule falls: exactly one source of dates.
        own_dates = isinstance(check, PrecededByCheck | TermEndCheck)
        sources = [name for name in ("rrule", "relative_to") if name in fields]
        if own_dates and sources:
            self.problem(
                path + (sources[0],),
                f"a {fields['check'].get('type')} check takes its dates from the meetings or "
                f"terms it checks: remove {sources[0]!r}",
            )
        elif "check" in fields and isinstance(check, MinMeetingsCheck) and "rrule" not in fields:
            self.problem(path + ("rrule",), "missing: when to run the min_meetings check")
        elif not own_dates and "check" not in fields and len(sources) != 1:
            self.problem(
                path + ((sources[1],) if sources else ("rrule",)),
                "give either rrule (dates in the year) or relative_to (around meetings)",
            )
        if "start" in fields and "rrule" not in fields:
            self.problem(path + ("start",), "start is the first date of an rrule: give rrule too")
        if len(self.problems) > before or None in (
            key, title, description, target, lead_days, on_the_day
        ):
            return None
        return WheelRule(
            key=key,  # type: ignore[arg-type]
            title=title,  # type: ignore[arg-type]
            target=target,  # type: ignore[arg-type]
            lead_days=lead_days,  # type: ignore[arg-type]
            description=description,  # type: ignore[arg-type]
            responsible=responsible,
            rrule=rule,
            start=start,
            relative_to=offset,
            check=check,
            shift=shift,
            on_the_day=bool(on_the_day),
        )

    def shift_policy(self, fields: dict[str, Any], path: KeyPath) -> ShiftPolicy:
        """The `shift` of a section (a wheel rule, the agenda): how a day on a weekend or
        holiday moves; the working day before when not given."""
        shift = fields.get("shift", "previous_working_day")
        if shift not in SHIFT_POLICIES:
            self.problem(
                path + ("shift",), f"must be one of {', '.join(SHIFT_POLICIES)}, not {shift!r}"
            )
            return "previous_working_day"
        return shift  # type: ignore[no-any-return]

    def offset(
        self, value: Any, path: KeyPath, kind_keys: Sequence[str], steps: Mapping[str, int]
    ) -> MeetingOffset | None:
        fields = self.fields(value, path, _OFFSET_FIELDS)
        if fields is None:
            return None
        kind = self.known(fields.get("kind"), path + ("kind",), "meeting kind", kind_keys)
        days = self.integer(fields["days"], path + ("days",)) if "days" in fields else None
        step = None
        if "step" in fields:
            step = self.integer(fields["step"], path + ("step",), minimum=1)
            count = steps.get(kind or "", 0)
            if step is not None and kind is not None and step > count:
                self.problem(
                    path + ("step",), f"meeting kind {kind!r} has {count} steps, not {step}"
                )
                step = None
        if kind is None or days is None or ("step" in fields and step is None):
            return None
        return MeetingOffset(kind=kind, days=days, step=step)

    def check(
        self, value: Any, path: KeyPath, kind_keys: Sequence[str], role_keys: Sequence[str]
    ) -> WheelCheck | None:
        check_type = value.get("type") if isinstance(value, dict) else None
        if check_type not in _CHECK_FIELDS:
            self.problem(
                path + ("type",),
                f"must be one of {', '.join(_CHECK_FIELDS)}, not {check_type!r}",
            )
            return None
        fields = self.fields(value, path, _CHECK_FIELDS[check_type])
        if fields is None:
            return None
        before = len(self.problems)
        if check_type == "term_end":
            role = self.known(fields.get("role"), path + ("role",), "role", role_keys)
            return TermEndCheck(role=role) if role is not None else None
        kind = None
        if "kind" in fields:
            kind = self.known(fields["kind"], path + ("kind",), "meeting kind", kind_keys)
        if check_type == "preceded_by":
            by_kind = self.known(
                fields.get("by_kind"), path + ("by_kind",), "meeting kind", kind_keys
            )
            days = (
                self.integer(fields["days"], path + ("days",), minimum=1)
                if "days" in fields
                else None
            )
            if len(self.problems) > before or None in (kind, by_kind, days):
                return None
            return PrecededByCheck(kind=kind, by_kind=by_kind, days=days)  # type: ignore[arg-type]
        count = (
            self.integer(fields["count"], path + ("count",), minimum=1)
            if "count" in fields
            else None
        )
        mode = fields.get("mode", "physical")
        if mode not in ("physical", "any"):
            self.problem(path + ("mode",), f"must be physical or any, not {mode!r}")
        year = fields.get("year", "current")
        if year not in ("current", "next"):
            self.problem(path + ("year",), f"must be current or next, not {year!r}")
        if len(self.problems) > before or count is None:
            return None
        return MinMeetingsCheck(count=count, kind=kind, mode=mode, year=year)

    # --- values of the planning sections ---

    def known(self, value: Any, path: KeyPath, kind: str, known: Sequence[str]) -> str | None:
        """A key that must be one of `known` (a group, role, meeting kind or target)."""
        if value is None:
            return None  # reported as a missing field already
        text = self.text(value, path)
        if text is not None and text not in known:
            self.problem(path, _unknown(kind, text, known))
            return None
        return text

    def boolean(self, value: Any, path: KeyPath) -> bool | None:
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, not {value!r}")
            return None
        return value

    def integer(self, value: Any, path: KeyPath, *, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"must be a whole number; got {_kind(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(path, f"must be at least {minimum}, not {value}")
            return None
        return value

    def day_counts(self, value: Any, path: KeyPath) -> tuple[int, ...] | None:
        """Numbers of days before a date, each at least 0 and given once, largest first."""
        items = self.sequence(value, path)
        if items is None:
            return None
        days = [self.integer(item, path + (i,), minimum=0) for i, item in enumerate(items)]
        if None in days:
            return None
        if len(set(days)) != len(days):
            self.problem(path, f"a number of days is given twice: {days}")
            return None
        return tuple(sorted(days, reverse=True))  # type: ignore[arg-type]

    def local_time(self, value: Any, path: KeyPath) -> datetime | None:
        """A wall-clock time in Europe/Stockholm: `YYYY-MM-DDTHH:MM`, stored naive."""
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(second=0, microsecond=0)
        if isinstance(value, str) and LOCAL_TIME_PATTERN.match(value):
            try:
                return datetime.fromisoformat(value.replace(" ", "T"))
            except ValueError as err:
                self.problem(path, f"{value!r} is not a time: {err}")
                return None
        self.problem(
            path, f"{value!r} is not a local time like 2026-03-10T10:00 (Europe/Stockholm)"
        )
        return None

    def rrule(self, value: Any, path: KeyPath, dtstart: datetime) -> str | None:
        """An RFC 5545 RRULE value (`FREQ=YEARLY;BYMONTH=11`), without DTSTART."""
        text = self.text(value, path)
        if text is None:
            return None
        rule = text.strip()
        if rule.upper().startswith("RRULE:"):
            rule = rule[len("RRULE:") :]
        if "\n" in rule or "DTSTART" in rule.upper():
            self.problem(path, "give only the RRULE value; the first date is `start`")
            return None
        try:
            rfc5545.rrulestr(rule, dtstart=dtstart)
        except (ValueError, TypeError) as err:
            self.problem(path, f"{rule!r} is not an RFC 5545 RRULE: {err}")
            return None
        frequency = re.search(r"FREQ=(\w+)", rule.upper())
        if frequency is None or frequency.group(1) not in RRULE_FREQUENCIES:
            self.problem(
                path, f"{rule!r}: give FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (no more often)"
            )
            return None
        return rule

    def at(self, path: KeyPath) -> tuple[str, int | None]:
        return _place(path), self.lines.get(path)

    def unique_items(
        self, value: Any, path: KeyPath, read: Callable[[Any, KeyPath], Any], kind: str
    ) -> list[tuple[int, Any]]:
        """Groups or roles with their index in the list, each key once."""
        items = []
        first: dict[str, int] = {}
        for index, item in enumerate(self.sequence(value, path) or ()):
            read_item = read(item, path + (index,))
            if read_item is None:
                continue
            if read_item.key in first:
                self.problem(
                    path + (index, "key"),
                    f"duplicate {kind} key {read_item.key!r} "
                    f"(first at {_place(path + (first[read_item.key],))})",
                )
                continue
            first[read_item.key] = index
            items.append((index, read_item))
        return items

    def group(self, value: Any, path: KeyPath) -> Group | None:
        fields = self.fields(value, path, _GROUP_FIELDS)
        if fields is None:
            return None
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        name = (
            self.localized(fields["name"], path + ("name",), self.text)
            if "name" in fields
            else None
        )
        aliases = self.words(fields.get("aliases"), path + ("aliases",))
        if key is None or name is None or aliases is None:
            return None
        return Group(key=key, name=name, aliases=aliases)

    def role(self, value: Any, path: KeyPath) -> Role | None:
        fields = self.fields(value, path, _ROLE_FIELDS)
        if fields is None:
            return None
        key = self.key(fields["key"], path + ("key",)) if "key" in fields else None
        scope = fields.get("scope")
        if "scope" in fields and scope not in ("group", "network"):
            self.problem(path + ("scope",), f"must be 'group' or 'network', not {scope!r}")
            scope = None
        title = duties = None
        if "title" in fields:
            title = self.localized(fields["title"], path + ("title",), self.text)
        if "duties" in fields:
            duties = self.localized(fields["duties"], path + ("duties",), self.words)
        synonyms: Localized[Any] | None = Localized((), ())
        if "synonyms" in fields:
            synonyms = self.localized(
                fields["synonyms"], path + ("synonyms",), self.words, required=False
            )
        ask_instead = self.words(fields.get("ask_instead"), path + ("ask_instead",))
        if None in (key, scope, title, duties, synonyms, ask_instead):
            return None
        return Role(
            key=key,  # type: ignore[arg-type]
            scope=scope,  # type: ignore[arg-type]
            title=title,  # type: ignore[arg-type]
            duties=duties,  # type: ignore[arg-type]
            synonyms=synonyms,  # type: ignore[arg-type]
            ask_instead=ask_instead,  # type: ignore[arg-type]
        )

    def holder(
        self,
        value: Any,
        path: KeyPath,
        roles: Mapping[str, Role],
        role_keys: Sequence[str],
        group_keys: Sequence[str],
    ) -> Assignment | None:
        fields = self.fields(value, path, _HOLDER_FIELDS)
        if fields is None:
            return None
        before = len(self.problems)
        role = group_key = None
        if "role" in fields:
            role_key = self.text(fields["role"], path + ("role",))
            if role_key is not None and role_key not in role_keys:
                self.problem(path + ("role",), _unknown("role", role_key, role_keys))
            role = roles.get(role_key) if role_key is not None else None
        if "group" in fields:
            group_key = self.text(fields["group"], path + ("group",))
            if group_key is not None and group_key not in group_keys:
                self.problem(path + ("group",), _unknown("group", group_key, group_keys))
        if role is not None and role.scope == "group" and "group" not in fields:
            self.problem(
                path + ("group",),
                f"missing: role {role.key!r} is held per group; "
                f"give one of {', '.join(group_keys) or '(no groups)'}",
            )
        if role is not None and role.scope == "network" and "group" in fields:
            self.problem(
                path + ("group",), f"role {role.key!r} is a network role: remove the group"
            )

        name = self.text(fields["name"], path + ("name",)) if "name" in fields else None
        email = entra_object_id = None
        if "email" in fields:
            email = self.text(fields["email"], path + ("email",))
            if email is not None and not EMAIL_PATTERN.match(email):
                self.problem(path + ("email",), f"{email!r} is not an e-mail address")
        if "entra_object_id" in fields:
            entra_object_id = self.text(fields["entra_object_id"], path + ("entra_object_id",))
            if entra_object_id is not None and not ENTRA_OBJECT_ID_PATTERN.match(entra_object_id):
                self.problem(
                    path + ("entra_object_id",),
                    f"{entra_object_id!r} is not an Entra object id "
                    "(a GUID like 00000000-0000-0000-0000-000000000000)",
                )
        deputy = fields.get("deputy", False)
        if not isinstance(deputy, bool):
            self.problem(path + ("deputy",), f"must be true or false, not {deputy!r}")
        term_start = term_end = None
        if "term_start" in fields:
            term_start = self.date(fields["term_start"], path + ("term_start",))
        if "term_end" in fields:
            term_end = self.date(fields["term_end"], path + ("term_end",))
        if term_start and term_end and term_end < term_start:
            self.problem(
                path + ("term_end",), f"term_end {term_end} is before term_start {term_start}"
            )
        if len(self.problems) > before or role is None or name is None:
            return None
        return Assignment(
            role_key=role.key,
            person=Person(name=name, email=email, entra_object_id=entra_object_id),
            group_key=group_key,
            deputy=deputy,
            term_start=term_start,
            term_end=term_end,
        )


def _declared_keys(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i["key"] for i in items if isinstance(i, dict) and isinstance(i.get("key"), str)]


def _unknown(kind: str, key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known) or 'none'}"
    return f"unknown {kind} {key!r}; {hint}"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{value!r}"


# --- writing ------------------------------------------------------------------------------


class _Inline(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{sv: ..., en: ...}`."""


class _InlineList(list):  # type: ignore[type-arg]
    """A list written on one line: `[a, b]`."""


class _Dumper(yaml.SafeDumper):
    """Block style indented like the hand-written files, short things inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    _Inline, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True)
)
_Dumper.add_representer(
    _InlineList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def dump(registry: RoleRegistry) -> str:
    """The registry as one YAML document `{networks: [...]}`, readable by `load_file`."""
    document = {"networks": [_network_document(network) for network in registry.networks]}
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=_NO_WRAP,
        default_flow_style=False,
    )


def write_file(registry: RoleRegistry, path: str | Path) -> None:
    """Write `dump(registry)` to `path`, replacing the file only once it is complete."""
    target = Path(path)
    text = dump(registry)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _localized(value: Localized[Any], inline: bool) -> dict[str, Any]:
    if inline:
        return _Inline(sv=value.sv, en=value.en)
    return {"sv": list(value.sv), "en": list(value.en)}


def _network_document(network: Network) -> dict[str, Any]:
    document: dict[str, Any] = {"key": network.key, "name": _localized(network.name, True)}
    if network.description.sv or network.description.en:
        document["description"] = {"sv": network.description.sv, "en": network.description.en}
    if network.aliases:
        document["aliases"] = _InlineList(network.aliases)
    if network.ask_instead:
        document["ask_instead"] = _InlineList(network.ask_instead)
    if network.groups:
        document["groups"] = [_group_document(group) for group in network.groups]
    document["roles"] = [_role_document(role) for role in network.roles]
    if network.assignments:
        document["holders"] = [_holder_document(a) for a in network.assignments]
    document.update(_planning_sections(network))
    return document


def planning_document(network: Network) -> dict[str, Any] | None:
    """The network's planning sections as JSON-safe data (dates as ISO text); None if none.

    `read_planning` turns it back into the same sections.
    """
    sections = _planning_sections(network)
    if not sections:
        return None
    return yaml.safe_load(yaml.dump(sections, Dumper=_JsonSafeDumper, sort_keys=False))


def read_planning(document: Mapping[str, Any] | None, network: Network, source: str) -> Network:
    """`network` with the planning sections of `document` (from `planning_document`).

    The sections are checked against the network's groups and roles exactly as in a data
    file; `source` names the document in the `RegistryFileError` raised otherwise.
    """
    if not document:
        return network
    reader = _Reader(source, {})
    reader.known_keys(document, (), PLANNING_SECTIONS)
    planning = reader.planning(
        document, (), [g.key for g in network.groups], [r.key for r in network.roles]
    )
    if reader.problems:
        raise RegistryFileError(reader.problems)
    return replace(network, **planning)


class _JsonSafeDumper(yaml.SafeDumper):
    """Writes dates and times as text, so the document reads back as JSON-safe data."""


_JsonSafeDumper.add_representer(date, lambda d, v: d.represent_str(v.isoformat()))
_JsonSafeDumper.add_representer(_Inline, lambda d, v: d.represent_dict(dict(v)))
_JsonSafeDumper.add_representer(_InlineList, lambda d, v: d.represent_list(list(v)))


def _planning_sections(network: Network) -> dict[str, Any]:
    """The planning sections of a network document, each only when it says something."""
    document: dict[str, Any] = {}
    if network.admins:
        document["admins"] = list(network.admins)
    if network.channels:
        document["channels"] = [
            {"key": c.key, "name": _localized(c.name, True)} for c in network.channels
        ]
    if network.agenda != AgendaSettings():
        document["agenda"] = {
            "standing_points": [_localized(p, True) for p in network.agenda.standing_points],
            "reminder_days": _InlineList(network.agenda.reminder_days),
        }
        if network.agenda.shift != "previous_working_day":
            document["agenda"]["shift"] = network.agenda.shift
    if network.meeting_kinds:
        document["meeting_kinds"] = [_kind_document(k) for k in network.meeting_kinds]
    if network.meetings:
        document["meetings"] = [_series_document(s) for s in network.meetings]
    if network.wheel:
        document["wheel"] = [_rule_document(r) for r in network.wheel]
    return document


def _local_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _kind_document(kind: MeetingKind) -> dict[str, Any]:
    document: dict[str, Any] = {"key": kind.key, "name": _localized(kind.name, True)}
    if not kind.standing_agenda:
        document["standing_agenda"] = False
    if kind.steps:
        document["steps"] = [
            {
                "title": _localized(step.title, True),
                "purpose": {"sv": step.purpose.sv, "en": step.purpose.en},
                **(
                    {"homework": {"sv": step.homework.sv, "en": step.homework.en}}
                    if step.homework.sv or step.homework.en
                    else {}
                ),
            }
            for step in kind.steps
        ]
    return document


def _series_document(series: MeetingSeries) -> dict[str, Any]:
    document: dict[str, Any] = {
        "key": series.key,
        "group": series.group_key,
        "kind": series.kind,
        "start": _local_time(series.start),
        "end": _local_time(series.end),
    }
    if series.rrule is not None:
        document["rrule"] = series.rrule
    document["mode"] = series.mode
    if series.place is not None:
        document["place"] = series.place
    if series.online_url is not None:
        document["online_url"] = series.online_url
    return document


def _rule_document(rule: WheelRule) -> dict[str, Any]:
    document: dict[str, Any] = {"key": rule.key, "title": _localized(rule.title, True)}
    if rule.description.sv or rule.description.en:
        document["description"] = {"sv": rule.description.sv, "en": rule.description.en}
    if rule.responsible is not None:
        document["responsible"] = rule.responsible
    document["target"] = rule.target
    if rule.rrule is not None:
        document["rrule"] = rule.rrule
    if rule.start is not None:
        document["start"] = rule.start
    if rule.relative_to is not None:
        offset = rule.relative_to
        document["relative_to"] = _Inline(
            kind=offset.kind, days=offset.days, **({"step": offset.step} if offset.step else {})
        )
    if rule.check is not None:
        document["check"] = _check_document(rule.check)
    document["lead_days"] = _InlineList(rule.lead_days)
    if not rule.on_the_day:
        document["on_the_day"] = False
    if rule.shift != "previous_working_day":
        document["shift"] = rule.shift
    return document


def _check_document(check: WheelCheck) -> dict[str, Any]:
    if isinstance(check, TermEndCheck):
        return _Inline(type="term_end", role=check.role)
    if isinstance(check, PrecededByCheck):
        return _Inline(type="preceded_by", kind=check.kind, by_kind=check.by_kind, days=check.days)
    document = _Inline(type="min_meetings", count=check.count)
    if check.kind is not None:
        document["kind"] = check.kind
    document["mode"] = check.mode
    document["year"] = check.year
    return document


def _group_document(group: Group) -> dict[str, Any]:
    document: dict[str, Any] = {"key": group.key, "name": _localized(group.name, True)}
    if group.aliases:
        document["aliases"] = _InlineList(group.aliases)
    return document


def _role_document(role: Role) -> dict[str, Any]:
    document: dict[str, Any] = {
        "key": role.key,
        "scope": role.scope,
        "title": _localized(role.title, True),
        "duties": _localized(role.duties, False),
    }
    if role.synonyms.sv or role.synonyms.en:
        document["synonyms"] = {
            "sv": _InlineList(role.synonyms.sv),
            "en": _InlineList(role.synonyms.en),
        }
    if role.ask_instead:
        document["ask_instead"] = _InlineList(role.ask_instead)
    return document


def _holder_document(assignment: Assignment) -> dict[str, Any]:
    document: dict[str, Any] = {"role": assignment.role_key}
    if assignment.group_key is not None:
        document["group"] = assignment.group_key
    document["name"] = assignment.person.name
    if assignment.person.email is not None:
        document["email"] = assignment.person.email
    if assignment.person.entra_object_id is not None:
        document["entra_object_id"] = assignment.person.entra_object_id
    if assignment.deputy:
        document["deputy"] = True
    if assignment.term_start is not None:
        document["term_start"] = assignment.term_start
    if assignment.term_end is not None:
        document["term_end"] = assignment.term_end
    return document
