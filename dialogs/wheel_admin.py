"""Changing annual-wheel entries from chat: the edit form, saving, pausing, resetting.

Admins (`services.permissions`: the network's configured admins and its team's owners) see
an "Ändra" ("Edit") button on each row of the "årshjul" card and an "Ändra årshjulet"
button that lists every entry (paused ones and checks that have no dates right now
included). The form changes an entry as people think of it:

- when: the months and day of the month of an entry on given days of the year (e.g. 15
  September; "the last day" for month ends), or the days before (after) each meeting of
  an entry relative to meetings; checks that carry their own dates keep them;
- the reminders' lead days ("30, 7, 0"), the channel it is posted in, the responsible role;
- years in which it is paused (no dates, no posts at all).

Saving checks the whole form first (nothing is stored while anything is wrong; the reply
says what), then stores only what differs from the data file's rule
(`storage.wheel_overrides`, audited with the entry before and after), withdraws the
entry's reminders still waiting in the outbox (the next planning pass plans them again,
with the new dates) and answers with the entry as it now stands and its next dates.
"Back to the data file's rule" drops the override.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dialogs.conversation import ActionHandler, ActionRequest
from domain.ports import MeetingPort, OutboxPort, WheelOverridePort
from domain.posts import PostKey
from domain.recurrence import local, start_of_day
from domain.registry import TARGET_EACH_GROUP, Language, Network, WheelRule
from domain.turns import Reply
from domain.wheel import (
    effective_rule,
    effective_rules,
    wheel_deadlines,
    wheel_targets,
    yearly_date,
)
from domain.wheel_overrides import NO_RESPONSIBLE, WheelOverride
from services.permissions import Permissions
from texts import meetings as mt
from texts import wheel_admin as wt
from texts.calendar import MONTHS
from texts.markdown import escape
from views import cards
from views.meetings import channel_name, kind_name

log = logging.getLogger(__name__)

EDIT_ACTION = "wheel.edit"
SAVE_ACTION = "wheel.save"
RESET_ACTION = "wheel.reset"
ENTRIES_ACTION = "wheel.entries"

NOBODY = "-"  # the form's value for "no particular role"
LAST_DAY = -1
MAX_LEAD_DAYS = 365
MAX_LEADS = 5
MAX_OFFSET = 365
NEXT_DATES_DAYS = 365  # how far ahead the reply after a save looks for the entry's dates
NEXT_DATES = 3
# A day that exists in the month every year (February: 28; "the last day" covers the 29th).
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def edit_button(network_key: str, rule_key: str, language: Language) -> dict[str, Any]:
    """The "Ändra" button of one entry (a row of the wheel card)."""
    return cards.submit_button(
        wt.EDIT_BUTTON.get(language),
        {"action": EDIT_ACTION, "network": network_key, "rule": rule_key, "lang": language},
    )


def entries_button(network_key: str, language: Language) -> dict[str, Any]:
    """The "Ändra årshjulet" button: every entry of the wheel, each with its edit button."""
    return cards.submit_button(
        wt.EDIT_WHEEL_BUTTON.get(language),
        {"action": ENTRIES_ACTION, "network": network_key, "lang": language},
    )


class WheelAdmin:
    """The card actions that change annual-wheel entries."""

    def __init__(
        self,
        overrides: WheelOverridePort,
        meetings: MeetingPort,
        outbox: OutboxPort,
        *,
        permissions: Permissions | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._overrides = overrides
        self._meetings = meetings
        self._outbox = outbox
        self._permissions = permissions or Permissions()
        self._now = now

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [
            (ENTRIES_ACTION, self.entries),
            (EDIT_ACTION, self.edit),
            (SAVE_ACTION, self.save),
            (RESET_ACTION, self.reset),
        ]

    async def entries(self, request: ActionRequest) -> list[Reply]:
        """Every entry of the wheel with how it stands and its edit button."""
        network, refusal = await self._admin_network(request)
        if refusal is not None:
            return refusal
        language = request.language
        overrides = await self._overrides.for_network(network.key)
        today = local(self._now()).date()
        rows = []
        for rule in effective_rules(network, overrides):
            override = overrides.get(rule.key)
            details = " · ".join(
                value for _, value in _facts(network, rule, override, today, language)
            )
            rows.append(
                (
                    escape(rule.title.get(language)),
                    details,
                    edit_button(network.key, rule.key, language),
                )
            )
        network_name = escape(network.name.get(language))
        title = wt.ENTRIES_TITLE.get(language).format(network=network_name)
        if not rows:
            text = wt.NO_ENTRIES.get(language).format(network=network_name)
            return [Reply(text, language)]
        card = cards.wheel_entries_card(title, wt.ENTRIES_INTRO.get(language), rows, language)
        text = title + "\n" + "\n".join(f"- {what}: {details}" for what, details, _ in rows)
        return [Reply(text, language, card=card)]

    async def edit(self, request: ActionRequest) -> list[Reply]:
        """The edit form of one entry."""
        network, refusal = await self._admin_network(request)
        if refusal is not None:
            return refusal
        shipped = _rule(network, request.value.get("rule"))
        if shipped is None:
            return [Reply(wt.ENTRY_GONE.get(request.language), request.language)]
        overrides = await self._overrides.for_network(network.key)
        return [self._form(network, shipped, overrides, request.language)]

    async def save(self, request: ActionRequest) -> list[Reply]:
        """Check the form, then store what differs from the data file's rule."""
        network, refusal = await self._admin_network(request)
        if refusal is not None:
            return refusal
        language, value = request.language, request.value
        shipped = _rule(network, value.get("rule"))
        if shipped is None:
            return [Reply(wt.ENTRY_GONE.get(language), language)]
        overrides = await self._overrides.for_network(network.key)
        old = overrides.get(shipped.key)
        today = local(self._now()).date()
        new, problems = _parsed(network, shipped, old, value, today, language)
        if problems:
            listed = "; ".join(dict.fromkeys(problems))
            return [Reply(wt.BAD_FORM.get(language).format(problems=listed), language)]
        assert new is not None
        before = _audited(shipped, old)
        after = _audited(shipped, new)
        title = escape(shipped.title.get(language))
        if before == after:
            return [Reply(wt.UNCHANGED.get(language).format(title=title), language)]
        actor = request.turn.sender_id
        now = self._now()
        await self._overrides.save(new, actor=actor, now=now, before=before, after=after)
        withdrawn = await self._outbox.withdraw_pending(
            PostKey.wheel_rule_prefix(network.key, shipped.key)
        )
        log.info(
            "wheel entry changed",
            extra={"network": network.key, "rule": shipped.key, "withdrawn": withdrawn},
        )
        stored = {**overrides, shipped.key: new}
        if new.is_empty():
            stored.pop(shipped.key)
        heading = wt.SAVED.get(language).format(title=title)
        return [await self._standing(network, shipped, stored, heading, withdrawn, language)]

    async def reset(self, request: ActionRequest) -> list[Reply]:
        """Drop the entry's override: the data file's rule applies again."""
        network, refusal = await self._admin_network(request)
        if refusal is not None:
            return refusal
        language = request.language
        shipped = _rule(network, request.value.get("rule"))
        if shipped is None:
            return [Reply(wt.ENTRY_GONE.get(language), language)]
        overrides = await self._overrides.for_network(network.key)
        old = overrides.get(shipped.key)
        title = escape(shipped.title.get(language))
        if old is None:
            return [Reply(wt.RESET_NOTHING.get(language).format(title=title), language)]
        actor = request.turn.sender_id
        await self._overrides.reset(
            network.key,
            shipped.key,
            actor=actor,
            now=self._now(),
            before=_audited(shipped, old),
            after=_audited(shipped, None),
        )
        withdrawn = await self._outbox.withdraw_pending(
            PostKey.wheel_rule_prefix(network.key, shipped.key)
        )
        stored = {key: o for key, o in overrides.items() if key != shipped.key}
        heading = wt.RESET_DONE.get(language).format(title=title)
        return [await self._standing(network, shipped, stored, heading, withdrawn, language)]

    # --- shared ---

    async def _admin_network(self, request: ActionRequest) -> tuple[Network, list[Reply] | None]:
        """The network the form is about, or the refusal for someone who may not change it."""
        network = request.network
        key = request.value.get("network")
        if isinstance(key, str) and key in request.registry.keys():
            network = request.registry.network(key)
        if not await self._permissions.may_administer(network, request.registry, request.turn):
            log.info(
                "wheel change refused: not an admin",
                extra={"network": network.key, "user": request.turn.sender_id},
            )
            return network, [Reply(wt.NOT_ADMIN.get(request.language), request.language)]
        return network, None

    def _form(
        self,
        network: Network,
        shipped: WheelRule,
        overrides: Mapping[str, WheelOverride],
        language: Language,
    ) -> Reply:
        override = overrides.get(shipped.key)
        rule = _effective(network, shipped, overrides)
        today = local(self._now()).date()
        facts = _facts(network, rule, override, today, language)
        if override is not None:
            shipped_text = " · ".join(v for _, v in _facts(network, shipped, None, today, language))
            facts.append((wt.SHIPPED.get(language), shipped_text))
        paused = sorted(override.paused_years) if override is not None else []
        years = sorted({today.year, today.year + 1, *paused})
        data = {"network": network.key, "rule": shipped.key, "lang": language}
        form_fields: dict[str, Any] = {}
        date_rule = yearly_date(rule)
        if date_rule is not None:
            months, day = date_rule
            form_fields.update(
                months=[(str(n), name) for n, name in enumerate(MONTHS.get(language), 1)],
                chosen_months=",".join(str(m) for m in months),
                days=[(str(d), str(d)) for d in range(1, 32)]
                + [(str(LAST_DAY), wt.LAST_DAY.get(language))],
                day=str(day),
            )
        elif rule.relative_to is not None:
            form_fields["offset"] = str(-rule.relative_to.days)
        else:
            form_fields["note"] = wt.DATE_FROM_CHECK.get(language)
        form = cards.WheelEntryForm(
            data=data,
            title=escape(shipped.title.get(language)),
            facts=facts,
            lead_days=", ".join(str(d) for d in rule.lead_days),
            targets=[(t, _target_name(network, t, language)) for t in wheel_targets(network)],
            target=rule.target,
            roles=[(NOBODY, wt.NOBODY.get(language))]
            + [(r.key, r.title.get(language)) for r in network.roles],
            responsible=rule.responsible or NOBODY,
            years=[(str(y), str(y)) for y in years],
            paused=",".join(str(y) for y in paused),
            reset={**data, "action": RESET_ACTION} if override is not None else None,
            **form_fields,
        )
        card = cards.wheel_entry_form_card(form, language)
        title = wt.FORM_TITLE.get(language).format(title=escape(shipped.title.get(language)))
        text = title + "\n" + "\n".join(f"- {label}: {value}" for label, value in facts)
        return Reply(text, language, card=card)

    async def _standing(
        self,
        network: Network,
        shipped: WheelRule,
        overrides: Mapping[str, WheelOverride],
        heading: str,
        withdrawn: int,
        language: Language,
    ) -> Reply:
        """The entry as it now stands, with its next dates."""
        rule = _effective(network, shipped, overrides)
        today = local(self._now()).date()
        end = today + timedelta(days=NEXT_DATES_DAYS)
        stored = await self._meetings.meetings(
            network.key,
            start_of_day(date(today.year, 1, 1)),
            start_of_day(date(end.year + 2, 1, 1)),
        )
        days = sorted(
            {
                d.day
                for d in wheel_deadlines(network, stored, today, end, overrides=overrides)
                if d.rule.key == shipped.key
            }
        )[:NEXT_DATES]
        facts = _facts(network, rule, overrides.get(shipped.key), today, language)
        lines = [heading]
        if days:
            dates = ", ".join(mt.format_day(day, language) for day in days)
            lines.append(wt.NEXT_DATES.get(language).format(dates=dates))
        else:
            lines.append(wt.NO_NEXT_DATES.get(language))
        if withdrawn:
            lines.append(wt.WITHDRAWN.get(language).format(count=withdrawn))
        buttons = [
            cards.command_button(
                mt.WHEEL_BUTTON.get(language), cards.SHOW_WHEEL, network.key, None, language
            ),
            edit_button(network.key, shipped.key, language),
        ]
        title = escape(shipped.title.get(language))
        card = cards.notice_card(title, facts, lines, buttons)
        text = "\n".join(
            [f"**{title}**", *lines, *(f"- {label}: {value}" for label, value in facts)]
        )
        return Reply(text, language, card=card)


def _rule(network: Network, key: Any) -> WheelRule | None:
    return next((r for r in network.wheel if r.key == key), None)


def _effective(
    network: Network, shipped: WheelRule, overrides: Mapping[str, WheelOverride]
) -> WheelRule:
    rules = effective_rules(network, overrides)
    return next(r for r in rules if r.key == shipped.key)


def _target_name(network: Network, target: str, language: Language) -> str:
    if target == TARGET_EACH_GROUP:
        return wt.EACH_GROUP.get(language)
    return channel_name(network, target, language)


def _role_title(network: Network, key: str | None, language: Language) -> str:
    if key is None:
        return wt.NOBODY.get(language)
    role = next((r for r in network.roles if r.key == key), None)
    return role.title.get(language) if role is not None else key


def _joined(items: list[str], language: Language) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {wt.AND.get(language)} {items[-1]}"


def describe_when(network: Network, rule: WheelRule, language: Language) -> str:
    """When an entry falls, as people say it: "15 september varje år"."""
    date_rule = yearly_date(rule)
    if date_rule is not None:
        months, day = date_rule
        names = _joined([MONTHS.get(language)[m - 1] for m in months], language)
        if day == LAST_DAY:
            return wt.LAST_OF.get(language).format(months=names)
        return wt.YEARLY.get(language).format(day=day, months=names)
    if rule.relative_to is not None:
        kind = kind_name(network, rule.relative_to.kind).get(language).lower()
        days = rule.relative_to.days
        if days == 0:
            return wt.RELATIVE_ON.get(language).format(kind=kind)
        template = wt.RELATIVE_BEFORE if days < 0 else wt.RELATIVE_AFTER
        return template.get(language).format(days=abs(days), kind=kind)
    if rule.check is not None:
        return wt.BY_CHECK.get(language)
    return rule.rrule or ""


def describe_lead(lead_days: tuple[int, ...], language: Language) -> str:
    """ "30, 7 dagar före och samma dag"."""
    before = [str(d) for d in sorted(lead_days, reverse=True) if d > 0]
    parts = [wt.LEAD_DAYS.get(language).format(days=", ".join(before))] if before else []
    if 0 in lead_days:
        parts.append(wt.ON_THE_DAY.get(language))
    return _joined(parts, language)


def _facts(
    network: Network,
    rule: WheelRule,
    override: WheelOverride | None,
    today: date,
    language: Language,
) -> list[tuple[str, str]]:
    facts = [
        (wt.WHEN.get(language), describe_when(network, rule, language)),
        (wt.LEAD.get(language), describe_lead(rule.reminder_leads, language)),
        (wt.WHERE.get(language), escape(_target_name(network, rule.target, language))),
        (wt.WHO.get(language), escape(_role_title(network, rule.responsible, language))),
    ]
    paused = [y for y in (override.paused_years if override else ()) if y >= today.year - 1]
    if paused:
        facts.append((wt.PAUSED.get(language), ", ".join(str(y) for y in sorted(paused))))
    return facts


def _audited(shipped: WheelRule, override: WheelOverride | None) -> dict[str, Any]:
    """An entry as the audit log keeps it: the effective rule's parts, machine-readable."""
    rule = effective_rule(shipped, override)
    return {
        "rrule": rule.rrule,
        "relative_days": rule.relative_to.days if rule.relative_to is not None else None,
        "lead_days": list(rule.lead_days),
        "target": rule.target,
        "responsible": rule.responsible,
        "paused_years": sorted(override.paused_years) if override is not None else [],
    }


_INTEGER = re.compile(r"^-?\d{1,4}$")


def _parsed(
    network: Network,
    shipped: WheelRule,
    old: WheelOverride | None,
    value: Mapping[str, Any],
    today: date,
    language: Language,
) -> tuple[WheelOverride | None, list[str]]:
    """The override a submitted form asks for (only what differs from `shipped`), or what
    is wrong with the form."""
    problems: list[str] = []
    say = {key: text.get(language) for key, text in wt.PROBLEMS.items()}
    months = day = offset = None
    shipped_date = yearly_date(shipped)
    if shipped_date is not None:
        months = _int_list(value.get("months"))
        if not months or any(not 1 <= m <= 12 for m in months):
            problems.append(say["months"])
            months = None
        day_text = str(value.get("day", "")).strip()
        day = int(day_text) if _INTEGER.match(day_text) else None
        if day is None or not (day == LAST_DAY or 1 <= day <= 31):
            problems.append(say["day"])
            day = None
        if months and day is not None and day != LAST_DAY:
            for month in months:
                if day > _MONTH_DAYS[month - 1]:
                    month_name = MONTHS.get(language)[month - 1]
                    problems.append(say["day_in_month"].format(month=month_name, day=day))
        if months is not None:
            months = sorted(set(months))
    elif shipped.relative_to is not None:
        offset_text = str(value.get("offset", "")).strip()
        before = int(offset_text) if _INTEGER.match(offset_text) else None
        if before is None or abs(before) > MAX_OFFSET:
            problems.append(say["offset"])
        else:
            offset = -before
    leads = _int_list(value.get("lead_days"))
    if not leads or len(set(leads)) > MAX_LEADS or any(not 0 <= d <= MAX_LEAD_DAYS for d in leads):
        problems.append(say["lead_days"])
    target = value.get("target")
    if target not in wheel_targets(network):
        problems.append(say["target"])
    responsible = value.get("responsible", NOBODY)
    if responsible != NOBODY and responsible not in {r.key for r in network.roles}:
        problems.append(say["responsible"])
    paused = _int_list(value.get("paused"), allow_empty=True)
    allowed_years = {today.year, today.year + 1, *(old.paused_years if old else ())}
    if paused is None or any(y not in allowed_years for y in paused):
        problems.append(say["paused"])
    if problems:
        return None, problems
    assert leads is not None and paused is not None
    lead_days = tuple(sorted(set(leads), reverse=True))
    shipped_responsible = shipped.responsible or NO_RESPONSIBLE
    chosen_responsible = NO_RESPONSIBLE if responsible == NOBODY else responsible
    shipped_offset = shipped.relative_to.days if shipped.relative_to is not None else None
    return (
        WheelOverride(
            network_key=network.key,
            rule_key=shipped.key,
            months=tuple(months)
            if shipped_date is not None and months is not None and tuple(months) != shipped_date[0]
            else None,
            day=day if shipped_date is not None and day != shipped_date[1] else None,
            offset_days=offset if offset is not None and offset != shipped_offset else None,
            lead_days=lead_days
            if lead_days != tuple(sorted(set(shipped.lead_days), reverse=True))
            else None,
            target=target if target != shipped.target else None,
            responsible=chosen_responsible if chosen_responsible != shipped_responsible else None,
            paused_years=tuple(sorted(set(paused))),
        ),
        [],
    )


def _int_list(value: Any, *, allow_empty: bool = False) -> list[int] | None:
    """ "30, 7, 0" (or a card's multi-select "9,10") as integers; None if not such a list."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if allow_empty else None
    parts = [p.strip() for p in re.split(r"[,;\s]+", str(value).strip()) if p.strip()]
    if not parts or not all(_INTEGER.match(p) for p in parts):
        return None
    return [int(p) for p in parts]
