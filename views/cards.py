"""Adaptive cards the bot sends, built by small functions in one place.

Cards are plain JSON (Adaptive Card schema 1.5, what Teams renders); the Teams edge only
wraps them in an attachment. Buttons that ask an example question (help, greeting) send
`{"q": "<question>"}` back to the bot as a card submit, so a click and a typed question
take the same path. Every other button sends structured data, never text to re-parse:
one that shows something (the wheel, the meetings, the roles of a group) sends
`{"action": SHOW_…, "network": …, "group": …, "lang": …}` (`command_button`), one that
changes something (add an agenda point, add or move a meeting) `{"action": "<name>", ...}`
with its form's inputs; both are handled by the conversation's action table
(`dialogs.meetings`, `dialogs.roles_admin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.agenda import Agenda
from domain.recurrence import local
from domain.registry import Language
from texts import common as ct
from texts import meetings as mt
from texts import minutes as xt
from texts import roles as rt
from texts import wheel_admin as wt
from texts.markdown import escape, mailto

CARD_VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# The actions of buttons that show what a command shows, for a network and a group.
SHOW_AGENDA = "agenda.show"
SHOW_MEETINGS = "meetings.show"
SHOW_WHEEL = "wheel.show"
SHOW_ROLES = "roles.show"


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def question_button(question: str) -> dict[str, Any]:
    """A button that asks the bot `question` when clicked."""
    return {"type": "Action.Submit", "title": question, "data": {"q": question}}


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def suggestions_card(
    title: str,
    lines: list[str],
    suggestions: tuple[str, ...],
    *,
    buttons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A card with a heading, a few lines of text and question buttons (help, greeting),
    or the `buttons` given (e.g. one per group to choose from)."""
    body = [text_block(title, weight="Bolder", size="Medium")]
    body += [text_block(line, spacing="Small") for line in lines]
    actions = buttons if buttons is not None else [question_button(q) for q in suggestions]
    return _card(body, actions[:5])


def contact_card(
    *,
    language: Language,
    text: str,
    heading: str | None = None,
    contacts: list[tuple[str, str | None]],
    suggestions: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The answer to "who do I contact?": the answer text, and a mail button per contact.

    `contacts` are (name, work e-mail or None) pairs, best first.
    """
    body = [text_block(heading, weight="Bolder", size="Medium")] if heading else []
    body.append(text_block(text))
    actions = [
        {
            "type": "Action.OpenUrl",
            "title": ct.MAIL_BUTTON.get(language).format(name=name),
            "url": mailto(email),
        }
        for name, email in contacts
        if email
    ][:3]
    actions += [question_button(q) for q in suggestions[:3]]
    return _card(body, actions)


def with_footnote(card: dict[str, Any], note: str) -> dict[str, Any]:
    """A copy of `card` with a small, subtle line of text at the end of its body."""
    body = [*card.get("body", []), text_block(note, size="Small", isSubtle=True, spacing="Medium")]
    return {**card, "body": body}


def posts_overview_card(
    title: str, sections: list[tuple[str, list[str]]], empty: str | None
) -> dict[str, Any]:
    """The "utskick" overview: a heading per section and one line per post."""
    body = [text_block(title, weight="Bolder", size="Medium")]
    if empty is not None:
        body.append(text_block(empty))
    for heading, lines in sections:
        body.append(text_block(heading, weight="Bolder", spacing="Medium"))
        body += [text_block(f"- {line}", spacing="None") for line in lines]
    return _card(body, [])


def channel_mapping_card(
    *,
    title: str,
    intro: str,
    mapping_heading: str,
    mapping: list[tuple[str, str]],
    notes: list[str],
    confirm: tuple[str, dict[str, Any]] | None,
    change: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The welcome in a team: which channel the bot links to which group, and a confirm button.

    `mapping` is (channel name, what it is linked to as markdown) pairs; `confirm` and
    `change` are buttons' titles and the data they submit (`change` opens
    `channel_edit_card`).
    """
    body = [text_block(title, weight="Bolder", size="Medium"), text_block(intro)]
    body.append(text_block(mapping_heading, weight="Bolder", spacing="Medium"))
    # Channel names are the team's own, typed by its members: shown as text.
    facts = [{"title": escape(c), "value": t} for c, t in mapping]
    body.append({"type": "FactSet", "facts": facts})
    body += [text_block(note, spacing="Small", isSubtle=True) for note in notes]
    actions = []
    for button in (confirm, change):
        if button is not None:
            actions.append({"type": "Action.Submit", "title": button[0], "data": button[1]})
    return _card(body, actions)


# --- meetings, agendas and the annual wheel --------------------------------------------------

AGENDA_ITEM_MAX_LENGTH = 500  # what one agenda point may hold; the add-item input stops there


def submit_button(title: str, data: dict[str, Any]) -> dict[str, Any]:
    """A button that sends `data` (an `action` and its fields) back to the bot."""
    return {"type": "Action.Submit", "title": title, "data": data}


def agenda_card(
    agenda: Agenda, language: Language, *, heading: str | None = None
) -> dict[str, Any]:
    """A meeting's agenda: when and where, the step, the standing points, the members' points.

    Buttons: add a point (a small form), join online (when there is a link), the wheel.
    """
    meeting = agenda.meeting
    start, end = local(meeting.starts_at), local(meeting.ends_at)
    group_name = escape(agenda.group_name.get(language))
    title = heading or mt.AGENDA_TITLE.get(language).format(group=group_name)
    body: list[dict[str, Any]] = [text_block(title, weight="Bolder", size="Medium")]
    if meeting.cancelled:
        body.append(text_block(mt.CANCELLED.get(language), color="Attention", weight="Bolder"))
    facts = [
        (mt.WHEN.get(language), mt.format_span(start, end, language)),
        (mt.KIND.get(language), _meeting_kind_text(agenda, language)),
    ]
    if meeting.place:
        facts.append((mt.WHERE.get(language), escape(meeting.place)))
    body.append(_fact_set(facts))
    if agenda.step is not None:
        step = agenda.step
        body.append(
            text_block(
                mt.STEP.get(language).format(
                    n=meeting.step, count=agenda.step_count, title=escape(step.title.get(language))
                ),
                weight="Bolder",
                separator=True,
            )
        )
        purpose = f"**{mt.STEP_PURPOSE.get(language)}:** {escape(step.purpose.get(language))}"
        body.append(text_block(purpose))
        if step.homework.get(language):
            body.append(
                text_block(
                    f"**{mt.STEP_HOMEWORK.get(language)}:** {escape(step.homework.get(language))}",
                    isSubtle=True,
                )
            )
    number = 0
    if agenda.standing_points:
        heading_text = mt.STANDING_POINTS.get(language)
        body.append(text_block(heading_text, weight="Bolder", separator=True))
        for point in agenda.standing_points:
            number += 1
            body.append(text_block(f"{number}. {escape(point.get(language))}", spacing="None"))
    body.append(text_block(mt.MEMBER_ITEMS.get(language), weight="Bolder", separator=True))
    if not agenda.items:
        body.append(text_block(mt.NO_MEMBER_ITEMS.get(language), isSubtle=True, spacing="None"))
    for item in agenda.items:
        number += 1
        author = (
            " " + mt.ADDED_BY.get(language).format(name=escape(item.author_name))
            if item.author_name
            else ""
        )
        body.append(text_block(f"{number}. {escape(item.text)}{author}", spacing="None"))
    actions: list[dict[str, Any]] = []
    if not meeting.cancelled:
        actions.append(_add_item_form(meeting.id, language))
    if meeting.online_url:
        link = mt.ONLINE_LINK.get(language)
        actions.append({"type": "Action.OpenUrl", "title": link, "url": meeting.online_url})
    actions.append(
        command_button(
            mt.WHEEL_BUTTON.get(language),
            SHOW_WHEEL,
            meeting.network_key,
            meeting.group_key,
            language,
        )
    )
    return _card(body, actions)


def command_button(
    title: str, action: str, network_key: str, group_key: str | None, language: Language
) -> dict[str, Any]:
    """A button that shows what a command shows (`action`: one of the `SHOW_…`) for a
    network and a group (None: the channel's, or the whole network), in `language`."""
    return submit_button(
        title, {"action": action, "network": network_key, "group": group_key, "lang": language}
    )


def _meeting_kind_text(agenda: Agenda, language: Language) -> str:
    mode = mt.MODES[agenda.meeting.mode].get(language)
    kind = escape(agenda.kind_name.get(language))
    return mt.MEETING_LINE.get(language).format(kind=kind, mode=mode)


def _fact_set(facts: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in facts]}


def _add_item_form(meeting_id: int, language: Language) -> dict[str, Any]:
    return {
        "type": "Action.ShowCard",
        "title": mt.ADD_ITEM_BUTTON.get(language),
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.Text",
                    "id": "text",
                    "label": mt.ADD_ITEM_LABEL.get(language),
                    "placeholder": mt.ADD_ITEM_PLACEHOLDER.get(language),
                    "maxLength": AGENDA_ITEM_MAX_LENGTH,
                    "isRequired": True,
                    "errorMessage": mt.ITEM_EMPTY.get(language),
                }
            ],
            "actions": [
                submit_button(
                    mt.ADD_ITEM_SUBMIT.get(language),
                    {"action": "agenda.add_item", "meeting_id": meeting_id, "lang": language},
                )
            ],
        },
    }


def wheel_card(
    title: str,
    rows: list[tuple[str, str, str, str]],
    language: Language,
    *,
    empty: str,
    buttons: list[dict[str, Any]],
    row_buttons: list[dict[str, Any]] | None = None,
    intro: str | None = None,
    more: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Coming dates of the annual wheel: (month, date, what, details) rows, soonest first,
    under a heading per month.

    `intro` (the window shown) follows the title; `more` (how many rows were left out,
    where to see them) ends the list. `row_buttons` (for admins): one button per row,
    e.g. to edit the row's entry.
    `note`: a line below the dates (how to subscribe to the calendar).
    """
    body: list[dict[str, Any]] = [text_block(title, weight="Bolder", size="Medium")]
    if intro:
        body.append(text_block(intro, isSubtle=True, spacing="None"))
    if not rows:
        body.append(text_block(empty))
    month = None
    for index, (row_month, day, what, details) in enumerate(rows):
        if row_month != month:
            month = row_month
            body.append(text_block(month, weight="Bolder", spacing="Large"))
        column_body = [text_block(what, weight="Bolder")]
        if details:
            column_body.append(text_block(details, isSubtle=True, spacing="None"))
        columns = [
            {"type": "Column", "width": "120px", "items": [text_block(day)]},
            {"type": "Column", "width": "stretch", "items": column_body},
        ]
        if row_buttons is not None and index < len(row_buttons):
            columns.append(
                {"type": "Column", "width": "auto", "verticalContentAlignment": "Center",
                 "items": [{"type": "ActionSet", "actions": [row_buttons[index]]}]}
            )  # fmt: skip
        body.append({"type": "ColumnSet", "separator": True, "columns": columns})
    if more:
        body.append(text_block(more, spacing="Medium"))
    if note:
        body.append(text_block(note, isSubtle=True, size="Small", separator=True))
    return _card(body, buttons)


def link_button(title: str, url: str) -> dict[str, Any]:
    """A button that opens `url`."""
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def notice_card(
    title: str, facts: list[tuple[str, str]], lines: list[str], buttons: list[dict[str, Any]]
) -> dict[str, Any]:
    """A scheduled notice (an annual-wheel deadline or a failed check): facts and text."""
    body: list[dict[str, Any]] = [text_block(title, weight="Bolder", size="Medium")]
    if facts:
        body.append(_fact_set(facts))
    body += [text_block(line) for line in lines]
    return _card(body, buttons)


@dataclass(frozen=True)
class MeetingListing:
    """One meeting as the meetings card lists it (texts already in the card's language)."""

    meeting_id: int
    when: str
    what: str
    date: str  # YYYY-MM-DD, local: the move form's defaults
    start: str  # HH:MM
    end: str
    place: str
    online_url: str


@dataclass(frozen=True)
class MeetingForm:
    """What the admin's add-meeting form offers: (value, title) choices and defaults."""

    network_key: str
    groups: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    group: str | None = None


def meetings_card(
    title: str,
    rows: list[MeetingListing],
    language: Language,
    *,
    empty: str,
    admin_form: MeetingForm | None,
    buttons: list[dict[str, Any]],
) -> dict[str, Any]:
    """Upcoming meetings; for an admin, a form to add one and, per meeting, move or cancel."""
    body: list[dict[str, Any]] = [text_block(title, weight="Bolder", size="Medium")]
    if not rows:
        body.append(text_block(empty))
    for row in rows:
        container: list[dict[str, Any]] = [
            text_block(row.when, weight="Bolder"),
            text_block(row.what, isSubtle=True, spacing="None"),
        ]
        if admin_form is not None:
            container.append(
                {
                    "type": "ActionSet",
                    "actions": [_move_form(row, language), _cancel_form(row, language)],
                }
            )
        body.append({"type": "Container", "separator": True, "items": container})
    actions = [_add_meeting_form(admin_form, language)] if admin_form is not None else []
    return _card(body, actions + buttons)


def _time_inputs(
    suffix: str, language: Language, date: str = "", start: str = "", end: str = ""
) -> list[dict[str, Any]]:
    return [
        {"type": "Input.Date", "id": f"date{suffix}", "label": mt.FIELD_DATE.get(language),
         "isRequired": True, "errorMessage": _required("date", language), "value": date},
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "width": "stretch", "items": [
                {"type": "Input.Time", "id": f"start{suffix}",
                 "label": mt.FIELD_START.get(language), "isRequired": True,
                 "errorMessage": _required("start", language), "value": start}]},
            {"type": "Column", "width": "stretch", "items": [
                {"type": "Input.Time", "id": f"end{suffix}",
                 "label": mt.FIELD_END.get(language), "isRequired": True,
                 "errorMessage": _required("end", language), "value": end}]},
        ]},
    ]  # fmt: skip


def _place_inputs(
    suffix: str, language: Language, place: str = "", online_url: str = ""
) -> list[dict[str, Any]]:
    return [
        {"type": "Input.Text", "id": f"place{suffix}", "label": mt.FIELD_PLACE.get(language),
         "value": place, "maxLength": 300},
        {"type": "Input.Text", "id": f"online_url{suffix}", "style": "Url",
         "label": mt.FIELD_LINK.get(language), "value": online_url, "maxLength": 1000},
    ]  # fmt: skip


def _move_form(row: MeetingListing, language: Language) -> dict[str, Any]:
    # Every meeting's form is in the same card: input ids carry the meeting id.
    suffix = f"_{row.meeting_id}"
    return {
        "type": "Action.ShowCard",
        "title": mt.MOVE_BUTTON.get(language),
        "card": {
            "type": "AdaptiveCard",
            "body": _time_inputs(suffix, language, row.date, row.start, row.end)
            + _place_inputs(suffix, language, row.place, row.online_url),
            "actions": [
                submit_button(
                    mt.SAVE.get(language),
                    {"action": "meeting.move", "meeting_id": row.meeting_id, "lang": language},
                )
            ],
        },
    }


def _cancel_form(row: MeetingListing, language: Language) -> dict[str, Any]:
    return {
        "type": "Action.ShowCard",
        "title": mt.CANCEL_BUTTON.get(language),
        "card": {
            "type": "AdaptiveCard",
            "body": [text_block(mt.CANCEL_CONFIRM.get(language).format(when=row.when))],
            "actions": [
                submit_button(
                    mt.CANCEL_SUBMIT.get(language),
                    {"action": "meeting.cancel", "meeting_id": row.meeting_id, "lang": language},
                )
            ],
        },
    }


def _required(field: str, language: Language) -> str:
    """The message a required input shows when left empty: "Ange ett datum"."""
    problem = mt.FORM_PROBLEMS[field].get(language)
    return problem[0].upper() + problem[1:]


def _choices(
    id_: str, label: str, choices: list[tuple[str, str]], value: str | None, language: Language
) -> dict[str, Any]:
    return {
        "type": "Input.ChoiceSet",
        "id": id_,
        "label": label,
        "style": "compact",
        "isRequired": True,
        "errorMessage": _required(id_, language),
        "value": value or (choices[0][0] if choices else ""),
        "choices": [{"title": title, "value": key} for key, title in choices],
    }


def _add_meeting_form(form: MeetingForm, language: Language) -> dict[str, Any]:
    modes = [(mode, text.get(language)) for mode, text in mt.MODES.items()]
    body = [
        _choices("group", mt.FIELD_GROUP.get(language), form.groups, form.group, language),
        _choices("kind", mt.FIELD_KIND.get(language), form.kinds, None, language),
        *_time_inputs("", language),
        _choices("mode", mt.FIELD_MODE.get(language), modes, "physical", language),
        *_place_inputs("", language),
    ]
    return {
        "type": "Action.ShowCard",
        "title": mt.ADD_MEETING_BUTTON.get(language),
        "card": {
            "type": "AdaptiveCard",
            "body": body,
            "actions": [
                submit_button(
                    mt.SAVE.get(language),
                    {"action": "meeting.add", "network": form.network_key, "lang": language},
                )
            ],
        },
    }


def minutes_request_card(
    title: str,
    facts: list[tuple[str, str]],
    text: str,
    meeting_id: int,
    language: Language,
    *,
    folder_url: str | None = None,
) -> dict[str, Any]:
    """Asking for (or reminding of) a meeting's minutes: the meeting, the secretary, a
    button to upload and, when known, a link to the folder they go to."""
    body = [text_block(title, weight="Bolder", size="Medium"), _fact_set(facts), text_block(text)]
    actions = [
        submit_button(
            xt.UPLOAD_BUTTON.get(language), {"action": "minutes.upload", "meeting_id": meeting_id}
        )
    ]
    if folder_url:
        actions.append(
            {"type": "Action.OpenUrl", "title": xt.FOLDER_BUTTON.get(language), "url": folder_url}
        )
    return _card(body, actions)


def minutes_pick_card(
    title: str, choices: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Which meeting a received file belongs to: one button per meeting."""
    body = [text_block(title, weight="Bolder")]
    return _card(body, [submit_button(label, data) for label, data in choices])


def minutes_replace_card(
    title: str, lines: list[str], choices: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Whether a received file replaces a meeting's filed minutes: the question, what is
    filed, and a button per answer."""
    body = [text_block(title, weight="Bolder"), *(text_block(line) for line in lines)]
    return _card(body, [submit_button(label, data) for label, data in choices])


# --- administration: channel links and annual-wheel entries ----------------------------------


def _choice_set(
    id_: str, label: str, choices: list[tuple[str, str]], value: str, *, multi: bool = False
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": id_,
        "label": label,
        "style": "compact",
        "value": value,
        "choices": [{"title": title, "value": key} for key, title in choices],
    }
    if multi:
        element.update(isMultiSelect=True, style="expanded")
    return element


def channel_edit_card(
    *,
    title: str,
    intro: str,
    channels: list[tuple[str, str, str]],
    choices: list[tuple[str, str]],
    submit: tuple[str, dict[str, Any]],
    network: tuple[str, list[tuple[str, str]], str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """An admin's form to link each channel of a team to a group (or to none).

    `channels` are (input id, channel name, chosen value) triples, each offered `choices`
    ((value, title) pairs); `network`, when the team may change network, is the label,
    the networks and the current one. `submit` is the save button's title and data.
    """
    body: list[dict[str, Any]] = [
        text_block(title, weight="Bolder", size="Medium"),
        text_block(intro),
    ]
    if network is not None:
        label, networks, current = network
        body.append(_choice_set("team_network", label, networks, current))
    body += [_choice_set(id_, name, choices, value) for id_, name, value in channels]
    body += [text_block(note, spacing="Small", isSubtle=True) for note in notes or []]
    return _card(body, [submit_button(*submit)])


@dataclass(frozen=True)
class WheelEntryForm:
    """One annual-wheel entry's edit form, texts already in the card's language.

    `months`/`day` are offered for entries on given days of the year, `offset` for
    entries relative to meetings; neither for checks that carry their own dates.
    Choices are (value, title) pairs; multi-select values are comma-separated.
    """

    data: dict[str, Any]  # what the save button submits besides the inputs
    title: str
    facts: list[tuple[str, str]]  # the entry as it stands
    lead_days: str
    targets: list[tuple[str, str]]
    target: str
    roles: list[tuple[str, str]]
    responsible: str
    years: list[tuple[str, str]]
    paused: str
    months: list[tuple[str, str]] | None = None
    chosen_months: str = ""
    days: list[tuple[str, str]] | None = None
    day: str = ""
    offset: str | None = None  # days before the meeting, as text
    note: str | None = None  # why the date cannot be changed here
    reset: dict[str, Any] | None = None  # the reset button's data, when changed


def wheel_entry_form_card(form: WheelEntryForm, language: Language) -> dict[str, Any]:
    """An admin's form to change one annual-wheel entry: when, reminders, where, who, pause."""
    body: list[dict[str, Any]] = [
        text_block(wt.FORM_TITLE.get(language).format(title=form.title), weight="Bolder",
                   size="Medium"),
        _fact_set(form.facts),
    ]  # fmt: skip
    if form.months is not None and form.days is not None:
        body.append(
            _choice_set("months", wt.FIELD_MONTHS.get(language), form.months,
                        form.chosen_months, multi=True)
        )  # fmt: skip
        body.append(_choice_set("day", wt.FIELD_DAY.get(language), form.days, form.day))
    if form.offset is not None:
        body.append(
            {"type": "Input.Number", "id": "offset", "label": wt.FIELD_OFFSET.get(language),
             "min": -365, "max": 365, "value": int(form.offset)}
        )  # fmt: skip
    if form.note:
        body.append(text_block(form.note, isSubtle=True))
    body += [
        {"type": "Input.Text", "id": "lead_days", "label": wt.FIELD_LEAD.get(language),
         "value": form.lead_days, "maxLength": 60},
        _choice_set("target", wt.FIELD_TARGET.get(language), form.targets, form.target),
        _choice_set("responsible", wt.FIELD_RESPONSIBLE.get(language), form.roles,
                    form.responsible),
        _choice_set("paused", wt.FIELD_PAUSED.get(language), form.years, form.paused,
                    multi=True),
    ]  # fmt: skip
    actions = [submit_button(wt.SAVE.get(language), {**form.data, "action": "wheel.save"})]
    if form.reset is not None:
        actions.append(submit_button(wt.RESET.get(language), form.reset))
    return _card(body, actions)


def wheel_entries_card(
    title: str, intro: str, entries: list[tuple[str, str, dict[str, Any]]], language: Language
) -> dict[str, Any]:
    """Every entry of a network's annual wheel, each with its edit button.

    `entries` are (title, how it stands, edit button data) triples.
    """
    body: list[dict[str, Any]] = [
        text_block(title, weight="Bolder", size="Medium"),
        text_block(intro),
    ]
    for what, details, data in entries:
        body.append(
            {
                "type": "ColumnSet",
                "separator": True,
                "columns": [
                    {"type": "Column", "width": "stretch", "items": [
                        text_block(what, weight="Bolder"),
                        text_block(details, isSubtle=True, spacing="None")]},
                    {"type": "Column", "width": "auto", "verticalContentAlignment": "Center",
                     "items": [{"type": "ActionSet", "actions": [
                         submit_button(wt.EDIT_BUTTON.get(language), data)]}]},
                ],
            }
        )  # fmt: skip
    return _card(body, [])


# --- role holders (dialogs.roles_admin) ------------------------------------------------------

# The people picker's dataset: Teams asks the bot (`application/search` invoke) as one types.
PEOPLE_DATASET = "samverkan.people"


@dataclass(frozen=True)
class RoleListing:
    """One role on the roles card: its title, its holders' lines and its deputies' names."""

    title: str
    holders: list[str]
    deputies: list[str]


@dataclass(frozen=True)
class HolderInput:
    """A current holder in the edit form: name, deputy or not, term (ISO dates or "")."""

    name: str
    deputy: bool
    term_start: str
    term_end: str


@dataclass(frozen=True)
class RoleEditForm:
    """The edit card of one role: who holds it now, and the submits' common data.

    `people` are the picker's fixed choices (value, title), e.g. people already in the
    registry; the directory search adds to them as one types.
    """

    title: str
    intro: str
    current: list[str]
    holders: list[HolderInput]
    people: list[tuple[str, str]]
    data: dict[str, Any]


def roles_card(
    title: str,
    listings: list[RoleListing],
    language: Language,
    *,
    empty: str,
    note: str | None,
    edit: tuple[list[tuple[str, str]], dict[str, Any]] | None,
    buttons: list[dict[str, Any]],
) -> dict[str, Any]:
    """Who holds each role of a group (or network-wide), with terms and deputies.

    For those who may change them, `edit` is the roles to choose from (key, title) and
    the data the "edit a role" form submits.
    """
    body: list[dict[str, Any]] = [text_block(title, weight="Bolder", size="Medium")]
    if not listings:
        body.append(text_block(empty))
    for listing in listings:
        items = [text_block(listing.title, weight="Bolder")]
        items += [text_block(line, spacing="None") for line in listing.holders]
        if listing.deputies:
            deputies = f"{rt.DEPUTIES.get(language)}: {', '.join(listing.deputies)}"
            items.append(text_block(deputies, spacing="None", isSubtle=True))
        body.append({"type": "Container", "separator": True, "items": items})
    if note:
        body.append(text_block(note, size="Small", isSubtle=True, spacing="Medium"))
    actions = []
    if edit is not None:
        roles, data = edit
        actions.append(
            {
                "type": "Action.ShowCard",
                "title": rt.EDIT_A_ROLE.get(language),
                "card": {
                    "type": "AdaptiveCard",
                    "body": [
                        {
                            "type": "Input.ChoiceSet",
                            "id": "role",
                            "label": rt.FIELD_ROLE.get(language),
                            "style": "compact",
                            "isRequired": True,
                            "errorMessage": rt.CHOOSE.get(language),
                            "value": roles[0][0] if roles else "",
                            "choices": [{"title": t, "value": key} for key, t in roles],
                        }
                    ],
                    "actions": [submit_button(rt.SHOW_FORM.get(language), data)],
                },
            }
        )
    return _card(body, (actions + buttons)[:6])


def role_edit_card(form: RoleEditForm, language: Language) -> dict[str, Any]:
    """One role's holders, with a form to add a person (people picker, deputy, term) and
    one to change or remove those who hold it now."""
    body = [text_block(form.title, weight="Bolder", size="Medium")]
    body += [text_block(line, spacing="None") for line in form.current]
    body.append(text_block(form.intro, size="Small", isSubtle=True, spacing="Medium"))
    add = {
        "type": "Action.ShowCard",
        "title": rt.ADD_BUTTON.get(language),
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.ChoiceSet",
                    "id": "person",
                    "label": rt.FIELD_PERSON.get(language),
                    "style": "filtered",
                    "placeholder": rt.PERSON_PLACEHOLDER.get(language),
                    "isRequired": True,
                    "errorMessage": rt.PERSON_REQUIRED.get(language),
                    "choices": [{"title": title, "value": value} for value, title in form.people],
                    "choices.data": {"type": "Data.Query", "dataset": PEOPLE_DATASET},
                },
                _toggle("deputy_new", rt.FIELD_DEPUTY.get(language), False),
                *_term_inputs("new", language, "", ""),
            ],
            "actions": [
                submit_button(rt.SAVE.get(language), {**form.data, "action": "roles.add"})
            ],
        },
    }
    actions = [add]
    if form.holders:
        rows: list[dict[str, Any]] = []
        for number, holder in enumerate(form.holders):
            rows.append(
                {
                    "type": "Container",
                    "separator": number > 0,
                    "items": [
                        text_block(holder.name, weight="Bolder"),
                        _toggle(f"deputy_{number}", rt.FIELD_DEPUTY.get(language), holder.deputy),
                        *_term_inputs(str(number), language, holder.term_start, holder.term_end),
                        _toggle(
                            f"remove_{number}",
                            rt.FIELD_REMOVE.get(language).format(name=holder.name),
                            False,
                        ),
                    ],
                }
            )
        actions.append(
            {
                "type": "Action.ShowCard",
                "title": rt.CHANGE_BUTTON.get(language),
                "card": {
                    "type": "AdaptiveCard",
                    "body": rows,
                    "actions": [
                        submit_button(
                            rt.SAVE.get(language), {**form.data, "action": "roles.update"}
                        )
                    ],
                },
            }
        )
    return _card(body, actions)


def _toggle(id_: str, title: str, on: bool) -> dict[str, Any]:
    return {"type": "Input.Toggle", "id": id_, "title": title, "value": "true" if on else "false",
            "valueOn": "true", "valueOff": "false"}  # fmt: skip


def _term_inputs(suffix: str, language: Language, start: str, end: str) -> list[dict[str, Any]]:
    return [
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "width": "stretch", "items": [
                {"type": "Input.Date", "id": f"start_{suffix}",
                 "label": rt.FIELD_TERM_START.get(language), "value": start}]},
            {"type": "Column", "width": "stretch", "items": [
                {"type": "Input.Date", "id": f"end_{suffix}",
                 "label": rt.FIELD_TERM_END.get(language), "value": end}]},
        ]},
    ]  # fmt: skip
