"""Reading network data files: YAML with line numbers → `schema` models → `RoleRegistry`.

Each problem the models find is placed at its line in the file (a missing field at the
line of the mapping that lacks it). What only shows across documents is checked here: a
network key given twice, and one person told two ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from domain.registry import (
    AgendaSettings,
    Assignment,
    Channel,
    Group,
    Localized,
    MeetingKind,
    MeetingOffset,
    MeetingSeries,
    MeetingStep,
    Network,
    Person,
    Role,
    RoleRegistry,
    WheelRule,
)
from domain.wheel_checks import CHECK_KINDS, WheelCheck
from storage.registry_files.problems import KeyPath, Problem, RegistryFileError, place
from storage.registry_files.schema import (
    AT,
    FIRST,
    AgendaDocument,
    CheckDocument,
    Declared,
    LocalizedDocument,
    MeetingKindDocument,
    NetworkDocument,
    NetworksDocument,
    PlanningDocument,
    RoleDocument,
    SeriesDocument,
    WheelRuleDocument,
    message,
)


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
    loaded, problems = _network(mapping, (), str(source), {})
    if loaded is not None:
        problems += _person_problems([loaded])
    if problems or loaded is None:
        raise RegistryFileError(problems)
    return loaded.network


def read_planning(document: Mapping[str, Any] | None, network: Network, source: str) -> Network:
    """`network` with the planning sections of `document` (from `planning_document`).

    The sections are checked against the network's groups and roles exactly as in a data
    file; `source` names the document in the `RegistryFileError` raised otherwise.
    """
    if not document:
        return network
    context = Declared.in_document(
        document,
        groups=tuple(g.key for g in network.groups),
        roles=tuple(r.key for r in network.roles),
        role_scopes={r.key: r.scope for r in network.roles},
    )
    try:
        planning = PlanningDocument.model_validate(document, context={"declared": context})
    except ValidationError as err:
        raise RegistryFileError(_problems(err, (), source, {})) from None
    return replace(network, **_planning(planning))


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
        problems: list[Problem] = []
        _index_lines(node, (), lines, problems, source)
        document = loader.construct_document(node)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(err, "problem", None) or str(err)
        return [], [Problem(source, line, "", f"not valid YAML: {detail}")]
    finally:
        loader.dispose()

    loaded: list[_Loaded] = []
    if isinstance(document, dict) and "networks" in document:
        try:
            NetworksDocument.model_validate(document)
        except ValidationError as err:  # and the networks are read all the same
            problems += _problems(err, (), source, lines)
        items = document["networks"] if isinstance(document["networks"], list) else []
        for index, item in enumerate(items):
            network, network_problems = _network(item, ("networks", index), source, lines)
            problems += network_problems
            if network is not None:
                loaded.append(network)
    else:
        network, network_problems = _network(document, (), source, lines)
        problems += network_problems
        if network is not None:
            loaded.append(network)
    return loaded, sorted(problems, key=lambda p: p.line or 0)


def _network(
    document: Any, path: KeyPath, source: str, lines: Mapping[KeyPath, int]
) -> tuple[_Loaded | None, list[Problem]]:
    """The network at `path` of a parsed document, or the problems that keep it out."""
    context = {"declared": Declared.in_document(document)}
    try:
        model = NetworkDocument.model_validate(document, context=context)
    except ValidationError as err:
        return None, _problems(err, path, source, lines)
    network = _network_of(model)
    return (
        _Loaded(
            network,
            source,
            (place(path + ("key",)), lines.get(path + ("key",))),
            tuple(
                (place(path + ("holders", index)), lines.get(path + ("holders", index)))
                for index in range(len(network.assignments))
            ),
        ),
        [],
    )


def _problems(
    error: ValidationError, path: KeyPath, source: str, lines: Mapping[KeyPath, int]
) -> list[Problem]:
    """Each error of a validation as a problem at its line of the file."""
    problems = []
    for found in error.errors():
        at = path + tuple(found["loc"])
        where = found.get("ctx", {})
        if AT in where:
            at = at[:-1] + (where[AT],)
        text = message(found)
        if FIRST in where:  # at items[i].key: the first of the same key is items[FIRST]
            text += f" (first at {place(at[:-2] + (where[FIRST],))})"
        line = None
        for end in range(len(at), -1, -1):  # a missing field: the line of its parent
            line = lines.get(at[:end])
            if line is not None:
                break
        problems.append(Problem(source, line, place(at), text))
    return problems


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
        for assignment, (at, line) in zip(
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
                            at,
                            f"{_describe(person)} is the same person as {_describe(other)} "
                            f"at {where}: give the same name, email and entra_object_id",
                        )
                    )
                    break
            else:
                seen.append((person, loaded.source, at, line))
    return problems


def _where(source: str, at: str, line: int | None, *, seen_from: str) -> str:
    """A place for a message about `seen_from`: the file is named only when it is another."""
    at_line = f" (line {line})" if line is not None else ""
    return f"{at}{at_line}" if source == seen_from else f"{source}:{line or ''} {at}"


def _describe(person: Person) -> str:
    details = [d for d in (person.email, person.entra_object_id) if d]
    return f"{person.name!r}" + (f" ({', '.join(details)})" if details else "")


# --- YAML with line numbers ---------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML where dates stay text, so that the models can insist on ISO dates."""


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
                        place(path + (key,)),
                        f"{key!r} is given twice (first on line {first_line[key]})",
                    )
                )
                continue
            first_line[key] = line
            _index_lines(value_node, path + (key,), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines, problems, source)


# --- models to the registry ---------------------------------------------------------------


def _localized(document: LocalizedDocument[Any] | None, empty: Any = "") -> Localized[Any]:
    if document is None:
        return Localized(empty, empty)
    sv, en = document.sv, document.en
    return Localized(tuple(sv), tuple(en)) if isinstance(sv, list) else Localized(sv, en)


def _network_of(document: NetworkDocument) -> Network:
    return Network(
        key=document.key,
        name=_localized(document.name),
        description=_localized(document.description),
        aliases=tuple(document.aliases),
        groups=tuple(
            Group(key=g.key, name=_localized(g.name), aliases=tuple(g.aliases))
            for g in document.groups
        ),
        roles=tuple(_role(r) for r in document.roles),
        assignments=tuple(
            Assignment(
                role_key=h.role,
                person=Person(name=h.name, email=h.email, entra_object_id=h.entra_object_id),
                group_key=h.group,
                deputy=h.deputy,
                term_start=h.term_start,
                term_end=h.term_end,
            )
            for h in document.holders
        ),
        ask_instead=tuple(document.ask_instead),
        **_planning(document),
    )


def _role(document: RoleDocument) -> Role:
    return Role(
        key=document.key,
        scope=document.scope,  # type: ignore[arg-type]
        title=_localized(document.title),
        duties=_localized(document.duties),
        synonyms=Localized(tuple(document.synonyms.sv), tuple(document.synonyms.en)),
        ask_instead=tuple(document.ask_instead),
    )


def _planning(document: PlanningDocument) -> dict[str, Any]:
    """The planning sections as `Network` keyword arguments (admins and agenda if given)."""
    given = document.model_fields_set
    result: dict[str, Any] = {}
    if "admins" in given:
        result["admins"] = tuple(document.admins)
    result["channels"] = tuple(
        Channel(key=c.key, name=_localized(c.name)) for c in document.channels
    )
    if "agenda" in given:
        result["agenda"] = _agenda(document.agenda or AgendaDocument())
    result["meeting_kinds"] = tuple(_meeting_kind(k) for k in document.meeting_kinds)
    result["meetings"] = tuple(_series(s) for s in document.meetings)
    result["wheel"] = tuple(_wheel_rule(r) for r in document.wheel)
    return result


def _agenda(document: AgendaDocument) -> AgendaSettings:
    return AgendaSettings(
        standing_points=tuple(_localized(p) for p in document.standing_points),
        reminder_days=tuple(document.reminder_days),
        shift=document.shift,  # type: ignore[arg-type]
    )


def _meeting_kind(document: MeetingKindDocument) -> MeetingKind:
    return MeetingKind(
        key=document.key,
        name=_localized(document.name),
        standing_agenda=document.standing_agenda,
        steps=tuple(
            MeetingStep(
                title=_localized(s.title),
                purpose=_localized(s.purpose),
                homework=_localized(s.homework),
            )
            for s in document.steps
        ),
    )


def _series(document: SeriesDocument) -> MeetingSeries:
    return MeetingSeries(
        key=document.key,
        group_key=document.group,
        kind=document.kind,
        start=document.start,
        end=document.end,
        rrule=document.rrule,
        mode=document.mode,  # type: ignore[arg-type]
        place=document.place,
        online_url=document.online_url,
    )


def _wheel_rule(document: WheelRuleDocument) -> WheelRule:
    offset = document.relative_to
    return WheelRule(
        key=document.key,
        title=_localized(document.title),
        target=document.target,
        lead_days=tuple(document.lead_days),
        description=_localized(document.description),
        responsible=document.responsible,
        rrule=document.rrule,
        start=document.start,
        relative_to=(
            MeetingOffset(kind=offset.kind, days=offset.days, step=offset.step)
            if offset is not None
            else None
        ),
        check=None if document.check is None else _check(document.check),
        shift=document.shift,  # type: ignore[arg-type]
        on_the_day=document.on_the_day,
    )


def _check(document: CheckDocument) -> WheelCheck:
    """The check of its `type` (in `CHECK_KINDS`) with the settings the file gives."""
    settings = {name: value for name, value in document if name != "type" and value is not None}
    return CHECK_KINDS[document.type].from_settings(settings)
