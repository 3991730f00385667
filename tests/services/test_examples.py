"""Example questions: a clear agreement of the nearest labelled questions overrules the finder.

The association here is made up for these tests; its roles share no word with the
situations asked, so only the examples can tell whom a situation is for.
"""

from __future__ import annotations

from pathlib import Path

from domain.examples import ExampleQuestion
from domain.registry import Localized, Network, Role, RoleRegistry
from services.examples import ExampleIndex
from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


def _role(key: str, title: tuple[str, str], sv: str | tuple, en: str | tuple) -> Role:
    sv, en = ((sv,), (en,)) if isinstance(sv, str) else (sv, en)
    return Role(key=key, scope="network", title=Localized(*title), duties=Localized(sv, en))


REGISTRY = RoleRegistry((
    Network(
        key="forening",
        name=Localized("Föreningen", "The association"),
        groups=(),
        roles=(
            _role("kassor", ("Kassör", "Treasurer"), "Sköter föreningens pengar.",
                  "Looks after the association's money."),
            _role("vaktmastare", ("Vaktmästare", "Caretaker"),
                  ("Låser upp inför mötena.", "Sköter föreningens lokal."),
                  ("Unlocks before the meetings.", "Looks after the association's premises.")),
            _role("sekreterare", ("Sekreterare", "Secretary"), "För protokoll vid mötena.",
                  "Keeps the minutes of the meetings."),
        ),
    ),
))


def _examples(*pairs: tuple[str, str]) -> tuple[ExampleQuestion, ...]:
    return tuple(ExampleQuestion("forening", text, (role,)) for text, role in pairs)


# Situations told about the premises, in words no duty uses.
CARETAKER_SITUATIONS = _examples(
    ("Det droppar från taket i samlingssalen, vem ringer jag?", "vaktmastare"),
    ("Taket läcker i salen igen, vem ska jag säga till?", "vaktmastare"),
    ("Vem fixar det när det droppar från taket?", "vaktmastare"),
)


def top(finder: ContactFinder, question: str) -> str | None:
    matches = finder.find(question, network_key="forening").matches
    return matches[0].role_key if matches else None


def test_a_situation_told_like_earlier_examples_goes_to_their_role():
    question = "Det droppar från taket vid scenen och pengarna till en hantverkare, vem ringer jag?"
    without = ContactFinder(REGISTRY)
    with_examples = ContactFinder(REGISTRY, CARETAKER_SITUATIONS)

    assert top(without, question) == "kassor"  # "pengar" is all the duties can go on
    assert top(with_examples, question) == "vaktmastare"


def test_examples_that_disagree_leave_the_finders_answer():
    split = _examples(
        ("Det droppar från taket, vem ringer jag?", "vaktmastare"),
        ("Det droppar från taket på pengaskåpet, vem ringer jag?", "kassor"),
        ("Det droppar från taket i förrådet, vem ringer jag?", "sekreterare"),
    )
    finder = ContactFinder(REGISTRY, split)

    assert top(finder, "Det droppar från taket och vem tar pengarna, vem ringer jag?") == "kassor"


def test_a_question_far_from_every_example_keeps_the_finders_answer():
    finder = ContactFinder(REGISTRY, CARETAKER_SITUATIONS)

    assert top(finder, "Vem för protokoll?") == "sekreterare"
    assert top(finder, "Who keeps the minutes?") == "sekreterare"


def test_a_situation_the_finder_has_nothing_for_takes_the_role_of_close_examples():
    # No duty word at all: the finder alone abstains; the examples told alike answer.
    message = "Det droppar från taket i samlingssalen"

    assert top(ContactFinder(REGISTRY), message) is None
    assert top(ContactFinder(REGISTRY, CARETAKER_SITUATIONS), message) == "vaktmastare"


def test_a_message_the_finder_has_nothing_for_and_no_example_is_close_to_stays_unanswered():
    finder = ContactFinder(REGISTRY, CARETAKER_SITUATIONS)

    assert top(finder, "Vilken färg har bilen?") is None
    assert top(finder, "taket") is None  # one shared word is not a question told alike


def test_examples_about_another_body_by_its_title_do_not_overrule_the_body_named():
    # "Who is on the steering group?" is worded like "who is on the preparation group?", and
    # the preparation group's duty mentions the steering group.
    preparation = tuple(
        ExampleQuestion("erad", text, ("beredning",))
        for text in ("who is on the preparation group?", "who is in the preparation group?",
                     "who's on the preparation group for the e-council?")
    )
    question = "who is on the steering group?"
    without = ContactFinder(SHIPPED).find(question, network_key="erad").matches
    matches = ContactFinder(SHIPPED, preparation).find(question, network_key="erad").matches

    assert without[0].role_key == "styrgrupp"
    assert matches[0].role_key == "styrgrupp"
    # The examples still answer the body they name.
    asked = ContactFinder(SHIPPED, preparation).find(
        "who's on the preparation group?", network_key="erad"
    )
    assert asked.matches[0].role_key == "beredning"


def test_an_example_that_names_another_role_by_its_title_is_not_the_same_question():
    # One word apart, as close as wording gets, and still about another role.
    vice = (ExampleQuestion("erad", "Vem är vice ordförande i Fyrbodals e-råd?",
                            ("vice_ordforande",)),)
    finder = ContactFinder(SHIPPED, vice)

    asked = finder.find("Vem är ordförande i Fyrbodals e-råd?", network_key="erad")
    assert asked.matches[0].role_key == "ordforande"
    itself = finder.find("vem är vice ordförande i fyrbodals e-råd", network_key="erad")
    assert itself.matches[0].role_key == "vice_ordforande"


def test_examples_asking_who_holds_a_role_do_not_overrule_who_appoints_it():
    # "who appoints X?" is worded like "who is X?", one verb apart; the verb is the question.
    holder = tuple(
        ExampleQuestion("bestservice", text, ("motesansvarig",))
        for text in ("who is our meeting organiser?", "who is the meeting organiser in our group?",
                     "who's our meeting organiser?")
    )
    finder = ContactFinder(SHIPPED, holder)

    def asked(question: str) -> str:
        search = finder.find(question, network_key="bestservice", group_key="maltider")
        return search.matches[0].role_key

    assert asked("who appoints our meeting organiser?") == "ordforande"
    assert asked("who is our meeting organiser?") == "motesansvarig"
    # Named by its whole title, though another title shares its word ("Vice chair").
    chair = ContactFinder(SHIPPED, tuple(
        ExampleQuestion("erad", text, ("ordforande",))
        for text in ("who's the e-council chair", "e-council chair?")
    ))
    decides = chair.find("who decides the e-council chair for next year?", network_key="erad")
    assert decides.matches[0].role_key == "styrgrupp"


def test_an_example_for_a_role_the_registry_no_longer_has_is_left_out():
    stale = _examples(
        ("Det droppar från taket, vem ringer jag?", "fastighetsskotare"),
        ("Taket läcker, vem ringer jag?", "fastighetsskotare"),
    )
    index = ExampleIndex(
        stale + CARETAKER_SITUATIONS,
        lambda network, role: role in {r.key for r in REGISTRY.network(network).roles},
    )

    vote = index.vote("Det droppar från taket, vem ringer jag?", "forening")

    assert vote is not None and vote.role_key == "vaktmastare"
    assert index.vote("Det droppar från taket", "another network") is None


def test_a_question_added_with_its_right_role_is_answered_with_it_though_it_names_another():
    # The correction a team makes: the bot answered a question wrongly, someone adds it to
    # the examples with the role that should have answered. Even though the question names
    # the treasurer, and the other examples say nothing of keys.
    question = "Vem ska kassören lämna nycklarna till när hen slutar?"
    corrected = CARETAKER_SITUATIONS + _examples(
        (question, "vaktmastare"), ("Vem sköter föreningens pengar?", "kassor"),
    )

    assert top(ContactFinder(REGISTRY, CARETAKER_SITUATIONS), question) == "kassor"
    assert top(ContactFinder(REGISTRY, corrected), question) == "vaktmastare"
    # Written again in other case, without accents or the question mark: the same words.
    retyped = "vem ska kassoren lamna nycklarna till nar hen slutar"
    assert top(ContactFinder(REGISTRY, corrected), retyped) == "vaktmastare"


def test_the_duty_shown_for_a_role_the_examples_chose_is_the_one_the_question_is_about():
    finder = ContactFinder(REGISTRY, CARETAKER_SITUATIONS)

    search = finder.find(
        "Det droppar från taket i lokalen och pengarna till en hantverkare, vem ringer jag?",
        network_key="forening",
    )

    assert search.matches[0].role_key == "vaktmastare"
    assert search.matches[0].duty is not None
    assert search.matches[0].duty.sv == "Sköter föreningens lokal."
