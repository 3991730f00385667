"""Every Adaptive Card the bot sends, collected by talking to it as members would.

`collect_cards()` opens the bot's own services (`app.open_services`: a new SQLite database
seeded with the shipped networks, the conversation with every command the composition root
wires in) and runs real questions through its `dialogs.conversation.Conversation`: in every
network, in Swedish and in English, it greets, asks for help, thanks, asks off-topic, types
the commands, asks for every role (network-wide and in every group), and then clicks every
question button and command button (`views.cards.command_button`) on every card it got,
until no new question turns up. A new kind of reply
with a card is collected as soon as one of those questions, or a button on a card, leads
to it.

While collecting, every card builder in `views.cards` (a public function whose name ends
in `_card`) is wrapped to record that it ran, so a test can require that each builder was
reached (`CardCollection.builders_reached`), bar those listed in `NOT_YET_REACHED`. Cards
the conversation cannot reach from the shipped data (mail buttons: the shipped holders have
no e-mail addresses; features not wired into the conversation yet) are built directly in
`builder_samples()`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import open_services
from bot.settings import Settings
from domain.registry import Language, Network, RoleRegistry
from domain.turns import Reply, Turn
from storage.registry_files import load_directory
from views import cards as card_builders

SHIPPED_NETWORKS = Path(__file__).resolve().parents[2] / "data" / "networks"

# What a member types besides role questions, per language: small talk, commands, off-topic.
SMALL_TALK: dict[Language, tuple[str, ...]] = {
    "sv": (
        "Hej",
        "hjälp",
        "tack!",
        "Vad blir det för väder i morgon?",
        "utskick",
        "dagordning",
        "årshjulet",
        "möten",
        "roller",
    ),
    "en": (
        "Hello",
        "help",
        "thanks!",
        "What will the weather be like tomorrow?",
        "posts",
        "agenda",
        "annual wheel",
        "meetings",
        "roles",
    ),
}
ROLE_QUESTION: dict[Language, str] = {"sv": "Vem är {role}?", "en": "Who is the {role}?"}
ROLE_IN_GROUP_QUESTION: dict[Language, str] = {
    "sv": "Vem är {role} i {group}?",
    "en": "Who is the {role} in {group}?",
}
# Card builders that neither a question nor a sample reaches yet, and why. Features still
# being wired in; when a question reaches one (or a sample is added), strike it here: the
# guard test fails both for a builder reached that is still listed and for a new builder
# that is neither reached nor listed.
NOT_YET_REACHED: dict[str, str] = {}

# The Teams locale of a member who writes in each language.
LOCALES: dict[Language, str] = {"sv": "sv-SE", "en": "en-US"}
SAMPLE = "sample"
# Follow buttons at most this many clicks deep from a typed question.
MAX_CLICK_DEPTH = 3


@dataclass(frozen=True)
class SentCard:
    """One distinct card, with the first question (typed or clicked) that produced it."""

    card: dict[str, Any]
    network: str  # SAMPLE for a card built directly, not sent in a conversation
    question: str  # for a sample: what it shows
    clicked: bool  # reached by clicking a button on another card

    @property
    def is_sample(self) -> bool:
        return self.network == SAMPLE

    @property
    def label(self) -> str:
        if self.is_sample:
            return f"sample card: {self.question}"
        how = "button" if self.clicked else "typed"
        return f"{self.network}: {how} {self.question!r}"


@dataclass
class CardCollection:
    cards: list[SentCard] = field(default_factory=list)
    builders_reached: set[str] = field(default_factory=set)
    # Buttons whose question the bot answers with "I don't know whom to contact".
    unanswered_buttons: list[str] = field(default_factory=list)


def card_builder_names() -> list[str]:
    """The public card builders in dialogs/cards.py: functions named `*_card`."""
    return sorted(
        name
        for name, value in vars(card_builders).items()
        if name.endswith("_card")
        and not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == card_builders.__name__
    )


@contextmanager
def _recording_builders(reached: set[str]) -> Iterator[None]:
    originals = {name: getattr(card_builders, name) for name in card_builder_names()}

    def recording(name: str, builder: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            reached.add(name)
            return builder(*args, **kwargs)

        return wrapper

    for name, builder in originals.items():
        setattr(card_builders, name, recording(name, builder))
    try:
        yield
    finally:
        for name, builder in originals.items():
            setattr(card_builders, name, builder)


def shipped_registry() -> RoleRegistry:
    return load_directory(SHIPPED_NETWORKS)


def _typed_questions(network: Network) -> Iterator[tuple[str, Language]]:
    for language in ("sv", "en"):
        for text in SMALL_TALK[language]:
            yield text, language
        for role in network.roles:
            title = role.title.get(language)
            yield ROLE_QUESTION[language].format(role=title), language
            if role.scope == "group":
                for group in network.groups:
                    yield (
                        ROLE_IN_GROUP_QUESTION[language].format(
                            role=title, group=group.name.get(language)
                        ),
                        language,
                    )


# Buttons that show what a command shows carry structured data (`views.cards.command_button`).
COMMAND_ACTIONS = {
    card_builders.SHOW_AGENDA,
    card_builders.SHOW_MEETINGS,
    card_builders.SHOW_WHEEL,
    card_builders.SHOW_ROLES,
}


def _clicks(card: dict[str, Any]) -> list[str]:
    """What clicking each question or command button sends: the question, or the command
    button's data as JSON (a line starting with "{")."""
    clicks = []
    for action in card.get("actions", []):
        data = action.get("data")
        if action.get("type") != "Action.Submit" or not isinstance(data, dict):
            continue
        if isinstance(data.get("q"), str):
            clicks.append(data["q"])
        elif data.get("action") in COMMAND_ACTIONS:
            clicks.append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return clicks


def _abstains(reply: Reply) -> bool:
    """The bot's "I don't know whom to contact about that": a contact answer with no role."""
    return reply.contact is not None and not reply.contact.roles


async def collect_cards(workdir: Path) -> CardCollection:
    """Ask every question (see the module docstring) and keep each distinct card once.

    The bot's database is a new SQLite file in `workdir`.
    """
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{workdir / 'cards.db'}",
        networks_dir=SHIPPED_NETWORKS,
    )
    collection = CardCollection()
    seen: set[str] = set()
    with _recording_builders(collection.builders_reached):
        async with open_services(settings) as services:
            for network in shipped_registry().networks:
                asked: set[str] = set()
                # (question, language, clicked, depth): typed questions, then their buttons.
                queue = [(q, lang, False, 0) for q, lang in _typed_questions(network)]
                while queue:
                    question, language, clicked, depth = queue.pop(0)
                    if question in asked:
                        continue
                    asked.add(question)
                    data = json.loads(question) if question.startswith("{") else None
                    turn = Turn(
                        text="" if data is not None else question,
                        value=data,
                        network_key=network.key,
                        user_name="Kim Andersson",
                        locale=LOCALES[language],
                    )
                    replies = await services.conversation.respond(turn)
                    if clicked and any(_abstains(reply) for reply in replies):
                        collection.unanswered_buttons.append(f"{network.key}: {question!r}")
                    for reply in replies:
                        if reply.card is None:
                            continue
                        key = json.dumps(reply.card, sort_keys=True, ensure_ascii=False)
                        if key not in seen:
                            seen.add(key)
                            collection.cards.append(
                                SentCard(reply.card, network.key, question, clicked)
                            )
                        if depth < MAX_CLICK_DEPTH:
                            queue += [
                                (q, reply.language, True, depth + 1)
                                for q in _clicks(reply.card)
                            ]
        collection.cards += builder_samples()
    return collection


def builder_samples() -> list[SentCard]:
    """Cards the conversation does not send from the shipped data, built directly.

    Mail buttons (the shipped holders have no e-mail addresses), a posts overview with
    posts in it (a new database has none), and cards of features whose command or event
    is not part of the conversation yet. When one becomes reachable by a question, ask that
    question in `SMALL_TALK` or `_typed_questions` instead.
    """
    contacts = [
        ("Anna Andersson", "anna.andersson@region.example.se"),
        ("Bo Berg", "bo.berg@kommun.example.se"),
        ("Cecilia Ek", "cecilia.ek@kommun.example.se"),
        ("David Fors", "david.fors@kommun.example.se"),
    ]
    questions = {
        "sv": ("Vem är sekreterare?", "Vem ansvarar för budgeten?", "Vem bokar möteslokalen?"),
        "en": ("Who is the secretary?", "Who keeps the budget?", "Who books the meeting room?"),
    }
    texts = {
        "sv": "**Ekonomiansvarig** i Logistik: Anna Andersson.\n\nErsättare: Bo Berg.",
        "en": "**Finance officer** in Logistics: Anna Andersson.\n\nDeputy: Bo Berg.",
    }
    samples = [
        SentCard(
            card_builders.contact_card(
                language=language,
                heading=None,
                text=texts[language],
                contacts=contacts,
                suggestions=questions[language],
            ),
            SAMPLE,
            f"contact card with mail buttons ({language})",
            clicked=False,
        )
        for language in ("sv", "en")
    ]
    if hasattr(card_builders, "posts_overview_card"):
        samples.append(
            SentCard(
                card_builders.posts_overview_card(
                    "Utskick i Best Service",
                    [
                        ("Kommande", ["tis 1 december 09:00 · Logistik · Dagordning inför mötet"]),
                        (
                            "Skickade sent",
                            [
                                "mån 23 november 09:00 · Allmänt · Årshjulet: budget"
                                " — skickat mån 23 november 11:30"
                            ],
                        ),
                    ],
                    None,
                ),
                SAMPLE,
                "posts overview with upcoming and late posts",
                clicked=False,
            )
        )
    if hasattr(card_builders, "channel_mapping_card"):
        samples.append(
            SentCard(
                card_builders.channel_mapping_card(
                    title="Hej Best Service!",
                    intro="Jag svarar på vem du ska kontakta. Så här kopplar jag kanalerna:",
                    mapping_heading="Kanaler",
                    mapping=[("Allmänt", "hela nätverket"), ("Logistik", "gruppen Logistik")],
                    notes=["Stämmer det inte? Skriv ”koppla kanal” i kanalen."],
                    confirm=("Det stämmer", {"action": "confirm_channels"}),
                ),
                SAMPLE,
                "channel mapping",
                clicked=False,
            )
        )
    # A role's edit card is for administrators, whom the collection does not play.
    samples += [
        SentCard(
            card_builders.role_edit_card(
                card_builders.RoleEditForm(
                    title="Ändra Ordförande – Logistik",
                    intro="Lägg till en person, eller ändra eller ta bort de som har rollen nu.",
                    current=["Anna Andersson (2025-01-01 – 2026-12-31)", "Bo Berg (ersättare)"],
                    holders=[
                        card_builders.HolderInput("Anna Andersson", False, "2025-01-01",
                                                  "2026-12-31"),
                        card_builders.HolderInput("Bo Berg", True, "", ""),
                    ],
                    people=[("email:anna.andersson@region.example.se", "Anna Andersson")],
                    data={"network": "bestservice", "group": "logistik", "role": "ordforande",
                          "lang": "sv", "before": []},
                ),
                "sv",
            ),
            SAMPLE,
            "a role's edit card with the people picker",
            clicked=False,
        ),
        SentCard(
            card_builders.roles_card(
                "Roller – Logistik",
                [card_builders.RoleListing("Ordförande", ["Anna Andersson"], ["Bo Berg"])],
                "sv",
                empty="",
                note=None,
                edit=([("ordforande", "Ordförande")], {"action": "roles.edit", "lang": "sv"}),
                buttons=[],
            ),
            SAMPLE,
            "the roles card as an administrator sees it",
            clicked=False,
        ),
    ]  # fmt: skip
    # Administrators' forms for the channel links and the annual wheel's entries.
    samples += [
        SentCard(
            card_builders.channel_edit_card(
                title="Ändra kanalkopplingen",
                intro="Välj vad varje kanal i teamet hör till.",
                channels=[("channel_0", "Fika", "-"), ("channel_1", "Logistik", "logistik")],
                choices=[("-", "ingen grupp"), ("logistik", "Logistik"),
                         ("styrelsen", "kanalen Styrelsen")],
                submit=("Spara", {"action": "channels.save", "team": "19:team", "lang": "sv"}),
                network=("Teamets nätverk", [("bestservice", "Best Service"),
                                             ("erad", "Fyrbodals e-råd")], "bestservice"),
                notes=["Byter du nätverk kopplas kanalerna om efter sina namn."],
            ),
            SAMPLE,
            "the channel links form as an administrator sees it",
            clicked=False,
        ),
        SentCard(
            card_builders.wheel_entry_form_card(
                card_builders.WheelEntryForm(
                    data={"network": "bestservice", "rule": "budget", "lang": "sv"},
                    title="Budget för kommande år",
                    facts=[("När", "1 november varje år"), ("Påminnelser", "30, 7 dagar före")],
                    lead_days="30, 7, 0",
                    targets=[("each_group", "varje grupps egen kanal"), ("general", "Allmänt")],
                    target="each_group",
                    roles=[("-", "ingen särskild roll"), ("ekonomiansvarig", "Ekonomiansvarig")],
                    responsible="ekonomiansvarig",
                    years=[("2026", "2026"), ("2027", "2027")],
                    paused="2027",
                    months=[("10", "oktober"), ("11", "november")],
                    chosen_months="11",
                    days=[("1", "1"), ("-1", "sista dagen")],
                    day="1",
                    reset={"action": "wheel.reset", "network": "bestservice", "rule": "budget"},
                ),
                "sv",
            ),
            SAMPLE,
            "an annual-wheel entry's edit form",
            clicked=False,
        ),
        SentCard(
            card_builders.wheel_entries_card(
                "Årshjulets poster i Best Service",
                "Välj en post att ändra.",
                [("Budget för kommande år", "1 november varje år · Allmänt",
                  {"action": "wheel.edit", "network": "bestservice", "rule": "budget"})],
                "sv",
            ),
            SAMPLE,
            "every annual-wheel entry with its edit button",
            clicked=False,
        ),
    ]  # fmt: skip
    # Minutes cards go out as scheduled posts and in reply to a file, not to a question.
    samples += [
        SentCard(
            card_builders.minutes_request_card(
                "Protokoll för mötet 12 mars",
                [("Möte", "Logistik, torsdag 12 mars"), ("Sekreterare", "Anna Andersson")],
                "Mötet är slut. Anna Andersson, skicka protokollet till mig.",
                1,
                "sv",
                folder_url="https://contoso.sharepoint.com/sites/bestservice/Logistik",
            ),
            SAMPLE,
            "minutes request with the folder link",
            clicked=False,
        ),
        SentCard(
            card_builders.minutes_pick_card(
                "Vilket möte hör protokoll.pdf till?",
                [("12 mars", {"action": "minutes.pick", "meeting_id": 1})],
            ),
            SAMPLE,
            "which meeting a minutes file belongs to",
            clicked=False,
        ),
        SentCard(
            card_builders.minutes_replace_card(
                "Ersätta det arkiverade protokollet? SharePoint sparar den gamla versionen",
                [
                    "Protokollet för Logistik 12 mars är redan arkiverat: "
                    "[2026-03-12 Logistik protokoll.pdf](https://contoso.sharepoint.com/x)",
                    "Vill du ersätta det med protokoll.pdf?",
                ],
                [
                    ("Ersätt", {"action": "minutes.replace", "upload": "t", "replace": True}),
                    ("Behåll det arkiverade",
                     {"action": "minutes.replace", "upload": "t", "replace": False}),
                ],  # fmt: skip
            ),
            SAMPLE,
            "whether a file replaces the filed minutes",
            clicked=False,
        ),
    ]
    return samples
