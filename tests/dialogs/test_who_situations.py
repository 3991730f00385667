"""Situations, acts and relations between roles, read from a registry made up for these tests.

A sports club: an annual meeting, a board, the board's contact person, a team manager, a
treasurer, a kit manager and a caretaker. None of its words are in the shipped data files, so
what passes is read from the registry's duties and synonyms, as a new network's would be:
a role with new duties (and situations) is answered without code changes.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.registry import Localized, Network, Role, RoleRegistry
from services.who import ContactFinder, is_situation

TODAY = date(2026, 3, 2)


def _role(key, title, sv, en, synonyms=((), ())):
    return Role(
        key=key,
        scope="network",
        title=Localized(*title),
        duties=Localized(tuple(sv), tuple(en)),
        synonyms=Localized(tuple(synonyms[0]), tuple(synonyms[1])),
    )


ROLES = (
    _role(
        "arsmote", ("Årsmötet", "The annual meeting"),
        ["Utser de ledamöter som ska sitta i styrelsen.", "Fastställer medlemsavgiften."],
        ["Appoints the members who sit on the board.", "Sets the membership fee."],
    ),
    _role(
        "styrelse", ("Styrelsen", "The board"),
        ["Beslutar om vem som är kassör.", "Bokar träningstiderna åt lagen."],
        ["Decides who is the treasurer.", "Books the training slots for the teams."],
    ),
    _role(
        "kontakt", ("Styrelsens kontaktperson", "The board's contact person"),
        ["Den ledamot i styrelsen som lagen vänder sig till med frågor till styrelsen."],
        ["The board member the teams turn to with questions to the board."],
    ),
    _role(
        "lagledare", ("Lagledare", "Team manager"),
        ["Lagets kontakt gentemot styrelsen.", "Lyfter lagets önskemål till styrelsen.",
         "Ser till att uppgifterna i laget fördelas."],
        ["The team's contact towards the board.", "Raises the team's wishes to the board.",
         "Makes sure the tasks in the team are shared out."],
    ),
    _role(
        "kassor", ("Kassör", "Treasurer"),
        ["Betalar klubbens räkningar."], ["Pays the club's bills."],
    ),
    _role(
        "materialare", ("Materialförvaltare", "Kit manager"),
        ["Sköter bollar och västar."], ["Looks after balls and bibs."],
    ),
    _role(
        "vaktmastare", ("Vaktmästare", "Caretaker"),
        ["Sköter klubbstugan."], ["Looks after the clubhouse."],
        synonyms=(
            ["klubbstuga", "jag har tappat nyckeln till omklädningsrummet",
             "vi har ett läckande element i duschen"],
            ["clubhouse", "I lost the key to the changing room",
             "we have a leaking radiator in the shower"],
        ),
    ),
)


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    network = Network(
        key="klubben", name=Localized("Klubben", "The club"), groups=(), roles=ROLES,
    )
    return ContactFinder(RoleRegistry((network,)))


def top(finder: ContactFinder, question: str) -> str | None:
    matches = finder.find(question, network_key="klubben").matches
    return matches[0].role_key if matches else None


# -- situations ------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Nyckeln till omklädningsrummet är borta, jag har tappat den",
    "Jag tappade min nyckel till omklädningsrummet i går",
    "The key to the changing room is lost",
    "There's a radiator leaking in the shower",
    "det läcker från elementet i duschen",
])
def test_a_situation_naming_no_role_gets_the_role_whose_situation_it_is(finder, question):
    assert top(finder, question) == "vaktmastare"


def test_a_situation_is_no_word_for_the_role_and_is_never_shown(finder):
    # Told in the first person, it describes what happens; it does not name the caretaker.
    assert is_situation("jag har tappat nyckeln till omklädningsrummet", "sv")
    assert is_situation("I lost the key to the changing room", "en")
    assert not is_situation("klubbstuga", "sv")
    assert "tappat" not in finder.role_words

    reply = finder.answer("jag har tappat nyckeln till omklädningsrummet",
                          network_key="klubben", today=TODAY)

    assert reply.contact.roles[0] == "vaktmastare"
    assert "Uppgift: _Sköter klubbstugan._" in reply.text
    assert "tappat" not in reply.text


@pytest.mark.parametrize("message", [
    "Duschen var kall i dag", "The shower was cold today", "vi har tappat bort oss",
])
def test_one_everyday_word_shared_with_a_situation_is_not_enough(finder, message):
    assert top(finder, message) is None


# -- the acting role -------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "vem utser kassör i styrelsen?",
    "who appoints the treasurer of the board?",
])
def test_the_role_named_right_after_the_verb_is_the_one_acted_on(finder, question):
    # The annual meeting appoints the board's members; the board decides who is treasurer.
    assert top(finder, question) == "styrelse"


@pytest.mark.parametrize("question", [
    "vem ser till att vi får en materialförvaltare?",
    "who makes sure someone takes on the kit manager role?",
    "vem fördelar uppgiften som materialförvaltare?",
])
def test_who_makes_sure_a_role_is_filled_is_the_role_whose_duty_makes_sure(finder, question):
    assert top(finder, question) == "lagledare"


@pytest.mark.parametrize("question", [
    "vem tar lagledaren upp önskemål med?",
    "who does the team manager take the team's wishes to?",
])
def test_who_a_named_role_takes_something_to_is_read_from_its_duty(finder, question):
    assert top(finder, question) == "styrelse"


def test_a_role_still_answers_for_what_it_does_itself(finder):
    assert top(finder, "vem bokar träningstiderna?") == "styrelse"
    assert top(finder, "vem betalar räkningarna?") == "kassor"


# -- a role related to another the way a duty says ---------------------------------------------


@pytest.mark.parametrize(("question", "role"), [
    ("vem i styrelsen kan vi ställa frågor till?", "kontakt"),  # "ledamot i styrelsen"
    ("jag har en fråga till styrelsen, vem tar jag den med?", "kontakt"),  # "frågor till"
    ("vem har kontakten med styrelsen?", "lagledare"),  # "kontakt gentemot styrelsen"
    ("who is our contact person towards the board?", "lagledare"),
    ("vem är styrelsens kontaktperson?", "kontakt"),
    ("vilka sitter i styrelsen?", "styrelse"),  # belonging to the board: the board
])
def test_the_board_its_contact_person_and_the_teams_contact_are_told_apart(
    finder, question, role
):
    assert top(finder, question) == role
