"""What a member reads back: the role, who holds it, how to reach them, and the matched duty.

All against the small registry in who_registry.py with a fixed date (TODAY).
"""

from dataclasses import replace
from datetime import date

import pytest

from domain.registry import RoleRegistry, UnknownGroup, UnknownNetwork
from services.who import ContactFinder
from tests.dialogs.who_registry import COUNCIL, EXPERT, REGISTRY, TODAY


@pytest.fixture(scope="module")
def finder():
    return ContactFinder(REGISTRY)


def ask(finder, question, network_key="expert", group_key="logistik", **kwargs):
    kwargs.setdefault("today", TODAY)
    return finder.answer(question, network_key=network_key, group_key=group_key, **kwargs)


def test_a_swedish_answer_names_the_role_the_holder_with_mail_link_and_the_duty(finder):
    reply = ask(finder, "vem bokar lokalen till träffen?", group_key="logistik")
    assert reply.language == "sv"
    assert "**Mötesansvarig** i Logistik: Maja Lind." in reply.text
    assert "Uppgift: _Bokar möteslokaler för kommande år._" in reply.text
    assert reply.contact.roles[0] == "motesansvarig"
    assert reply.contact.group_key == "logistik"
    assert [a.person.name for a in reply.contact.holders] == ["Maja Lind"]


def test_an_english_question_gets_an_english_answer_with_the_english_duty(finder):
    reply = ask(finder, "who is the chair?", group_key="logistik")
    assert reply.language == "en"
    assert (
        "**Chair** in Logistics: Anna Berg "
        "([anna.berg@region.example](mailto:anna.berg@region.example))." in reply.text
    )
    assert "Duty: _Leads the expert group's work" in reply.text


def test_a_one_word_english_question_is_answered_in_english(finder):
    # No function words: the language of the role words it matched decides.
    reply = ask(finder, "secretary?", group_key="logistik")
    assert reply.language == "en"
    assert reply.text.startswith("**Secretary** in Logistics")


def test_an_explicit_language_wins(finder):
    assert ask(finder, "who is the chair?", language="sv").text.startswith("**Ordförande**")


def test_the_clients_locale_decides_only_when_the_question_does_not(finder):
    assert ask(finder, "budget?", hint="en-US").language == "en"
    assert ask(finder, "vem har budgeten?", hint="en-US").language == "sv"


def test_holders_whose_term_ended_or_has_not_started_are_not_shown(finder):
    now = ask(finder, "vem är ordförande?", group_key="logistik")
    assert "Anna Berg" in now.text and "Olle Gammal" not in now.text

    last_year = ask(finder, "vem är ordförande?", group_key="logistik", today=date(2025, 6, 1))
    assert "Olle Gammal" in last_year.text and "Anna Berg" not in last_year.text

    not_yet = ask(finder, "vem är ordförande?", group_key="lokalvard")
    assert "Nils Ny" not in not_yet.text
    assert "vakant" in not_yet.text


def test_the_deputy_is_shown(finder):
    reply = ask(finder, "vem skriver protokollet?", group_key="logistik")
    assert "**Sekreterare** i Logistik: Lena Holm" in reply.text
    assert "Ersättare: Per Sund ([per.sund@region.example](mailto:per.sund@region.example))." in (
        reply.text
    )
    assert [a.person.name for a in reply.contact.deputies] == ["Per Sund"]
    assert "Deputy: Per Sund" in ask(finder, "who takes the minutes?").text


def test_a_vacant_role_says_so_and_names_whom_to_ask_instead(finder):
    # Sven Åberg's term as finance officer ended 2025-12-31; the role asks the chair instead.
    reply = ask(finder, "vem har hand om budgeten?", group_key="logistik")
    assert "**Ekonomiansvarig** i Logistik är vakant just nu." in reply.text
    assert "Sven" not in reply.text
    assert "Fråga i stället **Ordförande** Anna Berg (" in reply.text
    assert reply.contact.holders == ()

    english = ask(finder, "who keeps the budget?", group_key="logistik")
    assert "**Finance officer** in Logistics is vacant at the moment." in english.text
    assert "Ask **Chair** Anna Berg (" in english.text


def test_without_its_own_ask_instead_a_vacant_role_uses_the_networks(finder):
    # Medlemsansvarig has no ask_instead; the network says: the chair, or the board's contact.
    reply = ask(finder, "vem ansvarar för medlemsregistret?", group_key="maltider")
    assert "**Medlemsansvarig** i Måltider är vakant just nu." in reply.text
    assert "**Ordförande** Karin Ek (" in reply.text
    assert "**Styrelsens kontaktperson** Eva Styr (" in reply.text


def test_a_vacant_ask_instead_role_is_followed_to_the_next_one(finder):
    # In Lokalvård the chair is vacant too (Nils Ny starts in June): on to the board's contact.
    reply = ask(finder, "vem har hand om budgeten?", group_key="lokalvard")
    assert "**Styrelsens kontaktperson** Eva Styr (" in reply.text


def test_roles_that_name_each_other_as_ask_instead_do_not_loop():
    circular = replace(
        COUNCIL,
        assignments=(),
        ask_instead=("ordforande",),
        roles=tuple(
            replace(r, ask_instead=("vice_ordforande",))
            if r.key == "ordforande"
            else replace(r, ask_instead=("ordforande",))
            for r in COUNCIL.roles
        ),
    )
    finder = ContactFinder(RoleRegistry((EXPERT, circular)))
    reply = ask(
        finder, "vem publicerar handlingar på hemsidan?", network_key="council", group_key=None
    )
    assert "**Processledare** i Fyrbodals e-råd är vakant just nu." in reply.text
    assert "ingen är registrerad där just nu heller" in reply.text


def test_a_group_role_asked_without_a_group_lists_the_groups_and_asks_for_one(finder):
    reply = ask(finder, "vem är ordförande?", group_key=None)
    assert "**Ordförande** finns i varje grupp i Expertnätverket:" in reply.text
    assert "- Logistik: Anna Berg" in reply.text
    assert "- Måltider: Karin Ek" in reply.text
    assert "- Lokalvård: vakant" in reply.text
    assert "Skriv vilken grupp du menar, till exempel: _vem är ordförande i Logistik?_" in (
        reply.text
    )
    assert reply.contact.group_key is None


def test_a_network_role_is_answered_for_the_network(finder):
    reply = ask(finder, "vem är styrelsens kontaktperson?", group_key="logistik")
    assert reply.text.startswith("**Styrelsens kontaktperson** i Expertnätverket: Eva Styr")
    assert reply.contact.group_key is None


def test_a_question_naming_another_network_is_answered_from_that_network(finder):
    reply = ask(finder, "vem är ordförande i e-rådet?", network_key="expert", group_key="logistik")
    assert reply.text.startswith("**Ordförande** i Fyrbodals e-råd: Henrik Röste")
    assert reply.contact.network_key == "council"


def test_the_group_named_in_the_question_is_the_one_answered(finder):
    reply = ask(finder, "vem är ordförande i måltidsgruppen?", group_key="logistik")
    assert "**Ordförande** i Måltider: Karin Ek" in reply.text


@pytest.mark.parametrize(
    ("question", "language", "opening"),
    [
        ("Vad är klockan?", "sv", "Jag vet inte vem du ska kontakta om det."),
        ("hej", "sv", "Jag vet inte vem du ska kontakta om det."),
        ("what's the weather like?", "en", "I don't know whom to contact about that."),
    ],
)
def test_abstaining_says_so_and_suggests_questions_from_the_registry(
    finder, question, language, opening
):
    reply = ask(finder, question)
    assert reply.language == language
    assert reply.text.startswith(opening)
    assert reply.contact.roles == ()
    assert 2 <= len(reply.suggestions) <= 3
    titles = {r.title.get(language).lower() for r in EXPERT.roles}
    for suggestion in reply.suggestions:
        assert f"- {suggestion}" in reply.text
        assert any(title in suggestion.lower() for title in titles)
        # Each suggestion leads to an answer, not another dead end.
        assert ask(finder, suggestion).contact.roles


def test_suggestions_come_from_the_network_asked_about(finder):
    reply = ask(finder, "Vad är klockan?", network_key="council", group_key=None)
    assert "Fyrbodals e-råd" in reply.text
    assert reply.suggestions == (
        "Vem är ordförande?",
        "Vem är vice ordförande?",
        "Vem är processledare?",
    )


def test_unknown_keys_raise_the_registrys_errors(finder):
    with pytest.raises(UnknownNetwork):
        ask(finder, "vem är ordförande?", network_key="nope", group_key=None)
    with pytest.raises(UnknownGroup):
        ask(finder, "vem är ordförande?", group_key="nope")


def test_markdown_in_names_is_escaped():
    person = replace(
        EXPERT.assignments[1], person=replace(EXPERT.assignments[1].person, name="Anna *Berg*_")
    )
    network = replace(EXPERT, assignments=(person,))
    finder = ContactFinder(RoleRegistry((network,)))
    assert r"Anna \*Berg\*\_" in ask(finder, "vem är ordförande?").text


def test_one_finder_answers_each_question_about_a_role_by_its_own_duty_group_and_day():
    # What is said about a role is written once per role, duty, group, language and day:
    # the same finder must still follow each of them, in any order of questions.
    finder = ContactFinder(REGISTRY)
    asked = [
        ("vem fördelar ansvarsområdena?", "logistik", TODAY, "Anna Berg", "Fördelar ansvar"),
        ("vem är ordförande?", "logistik", TODAY, "Anna Berg", "Leder expertgruppens"),
        ("vem fördelar ansvarsområdena?", "maltider", TODAY, "Karin Ek", "Fördelar ansvar"),
        ("vem fördelar ansvarsområdena?", "logistik", date(2025, 6, 1), "Olle Gammal", "Fördelar"),
        ("who assigns responsibilities within the group?", "logistik", TODAY, "Anna Berg",
         "Distributes"),
        ("vem fördelar ansvarsområdena?", "logistik", TODAY, "Anna Berg", "Fördelar ansvar"),
    ]
    for question, group_key, today, holder, duty in asked:
        reply = ask(finder, question, group_key=group_key, today=today)
        assert reply.contact.roles[0] == "ordforande"
        assert reply.contact.group_key == group_key
        assert [a.person.name for a in reply.contact.holders] == [holder], question
        assert f"_{duty}" in reply.text, question
