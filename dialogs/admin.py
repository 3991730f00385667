"""Administration in chat: the audit log for a network's admins.

"logg" / "audit" lists the latest changes to the network the channel talks about: who
made them, when, and what changed. Only the network's admins and team owners (`services.permissions`)
may read it; anyone else gets a polite refusal. The whole log, with before and after as
JSON, is `python app.py audit`.
"""

from __future__ import annotations

import logging
from typing import Any

from dialogs.conversation import CommandHandler, CommandRequest
from domain.audit import SYSTEM, TEAMS, AuditEntry
from domain.ports import AuditPort
from domain.recurrence import local
from domain.registry import Language, Localized, RoleRegistry
from domain.turns import Reply
from services.intents import Command
from services.permissions import Permissions
from texts import audit as at
from texts.markdown import escape

log = logging.getLogger(__name__)

AUDIT_COMMAND = Command(
    "audit",
    Localized(
        sv=("logg", "loggen", "ändringslogg", "ändringsloggen", "granskningslogg"),
        en=("audit", "audit log", "the audit log", "change log"),
    ),
)

AUDIT_ROWS = 15  # how many entries "logg" shows; `app.py audit` shows them all


class AuditDialogs:
    """The "logg" command over the audit log."""

    def __init__(self, audit_log: AuditPort, permissions: Permissions | None = None):
        self._audit_log = audit_log
        self._permissions = permissions or Permissions()

    def commands(self) -> list[tuple[Command, CommandHandler]]:
        """The commands to register with the `Conversation`."""
        return [(AUDIT_COMMAND, self.audit)]

    async def audit(self, request: CommandRequest) -> list[Reply]:
        """The network's latest audit entries, for its admins only."""
        network, language = request.network, request.language
        if not await self._permissions.may_administer(network, request.registry, request.turn):
            log.info(
                "audit log refused: not an admin",
                extra={"network": network.key, "user": request.turn.user_aad_object_id},
            )
            return [Reply(at.LOG["refused"].get(language), language)]
        entries = await self._audit_log.entries(network_key=network.key, limit=AUDIT_ROWS)
        name = escape(network.name.get(language))
        if not entries:
            return [Reply(at.LOG["empty"].get(language).format(network=name), language)]
        lines = [f"**{at.LOG['title'].get(language).format(network=name)}**", ""]
        # `describe` is plain text (the command line prints it): escaped for the chat.
        lines += [f"- {escape(describe(entry, request.registry, language))}" for entry in entries]
        lines += ["", at.LOG["more"].get(language).format(key=network.key)]
        return [Reply("\n".join(lines), language)]


def describe(entry: AuditEntry, registry: RoleRegistry, language: Language) -> str:
    """One entry in a line: when, who, what, and what changed."""
    when = local(entry.at).strftime("%Y-%m-%d %H:%M")
    action = at.ACTIONS.get(entry.action)
    what = action.get(language) if action else entry.action
    line = f"{when} {actor_name(entry.actor, registry, language)}: {what}"
    if entry.subject:
        line += f" ({entry.subject})"
    change = _change(entry.before, entry.after)
    return f"{line}: {change}" if change else line


def actor_name(actor: str | None, registry: RoleRegistry, language: Language) -> str:
    """Who made a change, by name when the registry knows their Entra object id."""
    if actor is None:
        return at.LOG["unknown"].get(language)
    if actor.startswith("cli:"):
        return at.LOG["cli"].get(language).format(login=actor.removeprefix("cli:"))
    if actor in (TEAMS, SYSTEM):
        return at.LOG[actor].get(language)
    for network in registry.networks:
        for assignment in network.assignments:
            person = assignment.person
            if person.entra_object_id and person.entra_object_id.casefold() == actor.casefold():
                return person.name
    return actor


def _change(before: Any, after: Any) -> str:
    """What differs between before and after, briefly: "field: old → new"."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return ""
    before, after = before or {}, after or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            removed = [x for x in old or [] if x not in (new or [])]
            added = [x for x in new or [] if x not in (old or [])]
            parts += [f"−{x}" for x in removed] + [f"+{x}" for x in added]
        elif key in before:
            parts.append(f"{key}: {_short(old)} → {_short(new)}")
        else:
            parts.append(f"{key}: {_short(new)}")
    return "; ".join(parts)


def _short(value: Any) -> str:
    text = "–" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
