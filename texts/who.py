"""The Swedish and English texts of "who do I contact?" answers, side by side.

Texts are markdown as Teams shows it: **bold**, _italics_, [links](mailto:...), "- " lists, and
a blank line between paragraphs. Placeholders in braces are filled by `render`.
"""

from __future__ import annotations

from domain.registry import Language, Localized
from texts.markdown import escape, mailto

TEXTS: dict[str, Localized[str]] = {
    # "**Sekreterare** i Logistik: Anna Berg (anna.berg@...)."
    "held_by": Localized("**{role}** {scope}: {people}.", "**{role}** {scope}: {people}."),
    "in_group": Localized("i {group}", "in {group}"),
    "in_network": Localized("i {network}", "in {network}"),
    "deputies": Localized("Ersättare: {people}.", "Deputy: {people}."),
    "duty": Localized("Uppgift: _{duty}_", "Duty: _{duty}_"),
    "vacant": Localized(
        "**{role}** {scope} är vakant just nu.", "**{role}** {scope} is vacant at the moment."
    ),
    "ask_instead": Localized("Fråga i stället {roles}.", "Ask {roles} instead."),
    "ask_instead_nobody": Localized(
        "Den som har rollen {roles} kan svara, men ingen är registrerad där just nu heller.",
        "Whoever holds the role {roles} can help, but nobody is registered there at the moment"
        " either.",
    ),
    # "Fråga i stället **Ordförande** Anna Berg (anna.berg@...)."
    "role_with_people": Localized("**{role}** {people}", "**{role}** {people}"),
    "role_in_your_group": Localized("**{role}** i din grupp", "**{role}** in your group"),
    "role_alone": Localized("**{role}**", "**{role}**"),
    "or": Localized("eller", "or"),
    "and": Localized("och", "and"),
    "per_group": Localized(
        "**{role}** finns i varje grupp i {network}:", "Each group in {network} has a **{role}**:"
    ),
    "group_line": Localized("- {group}: {people}", "- {group}: {people}"),
    "vacant_short": Localized("vakant", "vacant"),
    "more_groups": Localized("- … och {count} grupper till", "- … and {count} more groups"),
    "made_of": Localized("**{role}** {scope} består av:", "**{role}** {scope} is made up of:"),
    "member_line": Localized("- **{role}**: {people}", "- **{role}**: {people}"),
    "name_the_group": Localized(
        "Skriv vilken grupp du menar, till exempel: _{example}_",
        "Say which group you mean, for example: _{example}_",
    ),
    "example_in_group": Localized("vem är {role} i {group}?", "who is the {role} in {group}?"),
    "example": Localized("Vem är {role}?", "Who is the {role}?"),
    "unknown": Localized(
        "Jag vet inte vem du ska kontakta om det.", "I don't know whom to contact about that."
    ),
    "suggest": Localized(
        "Jag kan svara på vem som har vilken roll i {network}. Du kan till exempel fråga:",
        "I can tell you who holds which role in {network}. You could ask, for example:",
    ),
    "suggestion_line": Localized("- {question}", "- {question}"),
}

# Every answer renders a dozen texts: each language's are looked up directly.
_SWEDISH = {key: text.sv for key, text in TEXTS.items()}
_ENGLISH = {key: text.en for key, text in TEXTS.items()}


def render(key: str, language: Language, **values: str) -> str:
    """The text `key` in `language` with its placeholders filled."""
    return (_ENGLISH if language == "en" else _SWEDISH)[key].format(**values)


def person_link(name: str, email: str | None) -> str:
    """ "Anna Berg ([anna@x.se](mailto:anna@x.se))", or the bare name without an e-mail."""
    if not email:
        return escape(name)
    return f"{escape(name)} ([{escape(email)}]({mailto(email)}))"


def join_list(items: list[str], language: Language, conjunction: str = "and") -> str:
    """ "A", "A och B", "A, B och C" (or "or"/"eller" with conjunction="or")."""
    if len(items) <= 1:
        return "".join(items)
    word = TEXTS[conjunction].get(language)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def role_in_question(title: str, language: Language) -> str:
    """A role title as it reads inside a question: "Mötesansvarig" -> "mötesansvarig".

    Acronym-like titles ("VNS", "FoU") keep their capitals; English drops a leading "The",
    since the question supplies its own article.
    """
    if language == "en" and title.lower().startswith("the "):
        title = title[4:]
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
