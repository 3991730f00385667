"""The cards the bot sends are cards Teams renders (Adaptive Cards 1.5, Teams' limits)."""

from __future__ import annotations

import pytest

from tests.manifest.card_schema import CardInvalid, card_problems, validate_card
from views.cards import contact_card, suggestions_card

SUGGESTIONS_SV = (
    "Vem bokar möteslokaler?",
    "Vem håller medlemsregistret?",
    "Vem ansvarar för budgeten?",
    "Vem dokumenterar mötena?",
    "Vem är styrelsens kontaktperson?",
    "Vem samlar in nyckeltalen?",
)


def test_a_suggestions_card_with_more_suggestions_than_fit_is_valid():
    card = suggestions_card(
        "Hej! Jag vet vem som ansvarar för vad i Best Service.",
        ["Fråga om en roll eller en uppgift.", "Jag svarar på svenska och engelska."],
        SUGGESTIONS_SV,
    )

    validate_card(card)
    assert len(card["actions"]) == 5


def test_a_suggestions_card_with_only_a_heading_is_valid():
    validate_card(suggestions_card("Vad vill du veta?", [], ()))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_contact_card_with_every_button_it_can_have_is_valid(language):
    contacts = [
        ("Anna Andersson", "anna.andersson@region.example.se"),
        ("Bo Berg", "bo.berg@region.example.se"),
        ("Cecilia Ek", "cecilia.ek@kommun.example.se"),
        ("David Fors", "david.fors@kommun.example.se"),
    ]
    card = contact_card(
        language=language,
        heading="Mötesansvarig – Logistik",
        text="Bokar möteslokaler, senast i december för kommande år.",
        contacts=contacts,
        suggestions=SUGGESTIONS_SV,
    )

    validate_card(card)
    assert len(card["actions"]) == 6  # three mail buttons, three questions: Teams' maximum


def test_a_contact_card_for_people_without_e_mail_is_valid():
    card = contact_card(
        language="sv",
        heading="Sekreterare",
        text="Ingen har rollen i gruppen just nu.",
        contacts=[("Okänd", None)],
    )

    validate_card(card)
    assert "actions" not in card


def test_the_card_check_reports_what_teams_would_not_show():
    card = {
        "type": "AdaptiveCard",
        "version": "1.6",
        "body": [
            {"type": "TextBlok", "text": "typo in the type"},
            {"type": "TextBlock", "text": "x", "size": "Huge", "colour": "red"},
            {"type": "FactSet", "facts": [{"title": "Roll", "valu": "Sekreterare"}]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Öppna"}]
        + [{"type": "Action.Submit", "title": str(n), "data": {"q": str(n)}} for n in range(6)],
    }

    with pytest.raises(CardInvalid) as invalid:
        validate_card(card)

    report = "\n".join(invalid.value.problems)
    for expected in (
        'card version must be 1.5 or lower, got "1.6"',
        'Unknown element type "TextBlok"',
        'Invalid value "Huge" for property "size"',
        'TextBlock: unknown property "colour"',
        'FactSet.facts[0]: unknown property "valu"',
        'Property "url" must be set',
        "Maximum number of actions exceeded (6)",
    ):
        assert expected in report


def test_several_cards_are_checked_in_one_go():
    valid = suggestions_card("Hjälp", ["En rad."], ())
    assert card_problems([valid, {"type": "AdaptiveCard", "version": "1.5", "speek": "x"}]) == [
        [],
        ['card: unknown property "speek"'],
    ]
