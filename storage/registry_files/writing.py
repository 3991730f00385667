"""Writing network data files: `RoleRegistry` → YAML, and the planning sections as JSON.

`dump` writes the layout of the hand-written files (block style, short things such as
`{sv: ..., en: ...}` on one line, nothing that only repeats a default), always as one
`{networks: [...]}` document; `reading.load_file(dump(registry)) == registry`.
`planning_document` gives a network's planning sections as JSON-safe data, the form the
database stores (read back with `reading.read_planning`).
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from domain.registry import (
    AgendaSettings,
    Assignment,
    Group,
    Localized,
    MeetingKind,
    MeetingSeries,
    Network,
    Role,
    RoleRegistry,
    WheelRule,
)
from domain.wheel_checks import WheelCheck

# Lines are never folded: a folded `{sv: ..., en: ...}` is hard to read and to edit.
_NO_WRAP = 1_000_000


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
    return _json_safe(sections) if sections else None


def _json_safe(value: Any) -> Any:
    """Plain dicts, lists, text, numbers and booleans; dates as ISO text."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


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
    return _Inline(type=check.key, **check.to_settings())


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
