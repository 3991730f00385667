"""Which role a question is about, in which network and group: what `ContactFinder.find` decides.

All against the small registry in who_registry.py, never the shipped data files.
"""

from dataclasses import replace

import pytest

from domain.registry import Localized, Role, RoleRegistry, UnknownGroup, UnknownNetwork
from services.who import ContactFinder
from tests.dialogs.who_registry import COUNCIL, EXPERT, REGISTRY, with_role


@pytest.fixture(scope="module")
def finder():
    return ContactFinder(REGISTRY)


def top_role(finder, question, network_key="expert", group_key="logistik"):
    matches = finder.find(question, network_key=network_key, group_key=group_key).matches
    return matches[0].role_key if matches else None


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("vem är ordförande?", "ordforande"),
        ("Vem är sekreterare?", "sekreterare"),
        ("who is the secretary?", "sekreterare"),
        ("Who is the chair?", "ordforande"),
        ("medlemsansvarig?", "medlemsansvarig"),
        ("vem är styrelsens kontaktperson?", "styrelsens_kontaktperson"),
        ("who is the board's contact person?", "styrelsens_kontaktperson"),
    ],
)
def test_role_questions(finder, question, role):
    assert top_role(finder, question) == role


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("vem ordnar lokalen till träffen?", "motesansvarig"),
        ("vem ansvarar för medlemsregistret?", "medlemsansvarig"),
        ("who keeps the budget?", "ekonomiansvarig"),
        ("who books rooms?", "motesansvarig"),
        ("Vem skriver protokollet?", "sekreterare"),
        ("vem ska jag berätta om mina allergier för?", "motesansvarig"),
        ("who can I send my expenses to?", "ekonomiansvarig"),
        ("Vem beslutar om extra medel till utvecklingsprojekt?", "styrelsen"),
        ("vem fördelar ansvarsområdena?", "ordforande"),
    ],
)
def test_duty_questions(finder, question, role):
    assert top_role(finder, question) == role


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("vem är ordförnade?", "ordforande"),
        ("vem är sekretrare", "sekreterare"),
        ("vem har hand om budjeten?", "ekonomiansvarig"),
        ("who is the secertary?", "sekreterare"),
        ("vem ar ordforande", "ordforande"),  # typed without å, ä, ö
        ("mötesansvarg", "motesansvarig"),
    ],
)
def test_typos(finder, question, role):
    assert top_role(finder, question) == role


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("vem är budgetansvarig?", "ekonomiansvarig"),
        ("vem sköter möteslokalerna?", "motesansvarig"),
        ("Vem dokumenterar mötena?", "sekreterare"),
        ("vem uppdaterar medlemmarna i registret?", "medlemsansvarig"),
        ("vem är ordföranden?", "ordforande"),
    ],
)
def test_inflections_and_compounds(finder, question, role):
    assert top_role(finder, question) == role


@pytest.mark.parametrize(
    "question",
    [
        "Vad är klockan?",
        "what's the weather like?",
        "hej",
        "Hur blir vädret i helgen?",
        "Kan du skriva en dikt?",
        "who won the match yesterday?",
        "Hur många invånare har Göteborg?",
        "tack så mycket",
        "vem?",
        "who is responsible?",
        "",
    ],
)
def test_off_topic_questions_are_not_given_a_role(finder, question):
    assert finder.find(question, network_key="expert", group_key="logistik").matches == ()


def test_the_group_comes_from_the_conversation_when_the_question_names_none(finder):
    search = finder.find("vem är ordförande?", network_key="expert", group_key="maltider")
    assert (search.network_key, search.group_key, search.group_named) == (
        "expert",
        "maltider",
        False,
    )


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("vem är ordförande i logistikgruppen?", "logistik"),
        ("vem är sekreterare i måltidsgruppen?", "maltider"),
        ("who is the chair of the meals group?", "maltider"),
        ("Who is the secretary in logistik?", "logistik"),
        ("vem är mötesansvarig för lokalvård", "lokalvard"),
    ],
)
def test_a_group_named_in_the_question_replaces_the_conversations(finder, question, group):
    search = finder.find(
        question, network_key="expert", group_key="lokalvard" if group != "lokalvard" else None
    )
    assert search.group_key == group
    assert search.group_named
    assert search.matches  # the group's name is not mistaken for the whole question


def test_the_group_name_does_not_count_as_role_evidence(finder):
    # "logistik" is a group, not a duty: the role comes from the rest of the question.
    search = finder.find("vem är budgetansvarig i logistikgruppen?", network_key="expert")
    assert search.matches[0].role_key == "ekonomiansvarig"


@pytest.mark.parametrize(
    "question",
    [
        "vem är processledare i e-rådet?",
        "Vem är processledare i Fyrbodal?",
        "who is the process leader of the e-council?",
    ],
)
def test_a_network_named_in_the_question_replaces_the_conversations(finder, question):
    search = finder.find(question, network_key="expert", group_key="logistik")
    assert search.network_key == "council"
    assert search.network_named
    assert search.group_key is None  # the channel's group belongs to the other network
    assert search.matches[0].role_key == "processledare"


def test_naming_the_current_network_changes_nothing(finder):
    search = finder.find("vem är ordförande i e-rådet?", network_key="council")
    assert (search.network_key, search.network_named) == ("council", False)
    assert search.matches[0].role_key == "ordforande"


def test_the_same_role_question_is_answered_per_network(finder):
    assert top_role(finder, "vem är sekreterare?", "council", None) == "sekreterare"
    assert top_role(finder, "vem publicerar handlingar på hemsidan?", "council", None) == (
        "processledare"
    )
    # The expert network has no process leader: no guessing one of its own roles.
    assert top_role(finder, "vem publicerar handlingar på hemsidan?", "expert", None) is None


def test_a_whole_title_beats_a_title_that_only_contains_it(finder):
    assert top_role(finder, "vem är ordförande?", "council", None) == "ordforande"
    assert top_role(finder, "vem är vice ordförande?", "council", None) == "vice_ordforande"


def test_matches_carry_the_duty_that_matched_in_both_languages(finder):
    (match, *_) = finder.find("who books rooms?", network_key="expert").matches
    assert match.duty == Localized(
        "Bokar möteslokaler för kommande år.", "Books meeting rooms for the coming year."
    )
    (match, *_) = finder.find("vem stämmer av allergier?", network_key="expert").matches
    assert match.duty.sv.startswith("Stämmer av antal deltagare")


def test_a_new_role_is_found_without_code_changes():
    role = Role(
        key="kommunikationsansvarig",
        scope="group",
        title=Localized("Kommunikationsansvarig", "Communications officer"),
        duties=Localized(
            ("Skriver nyhetsbrevet och uppdaterar gruppens sida på hemsidan.",),
            ("Writes the newsletter and updates the group's page on the website.",),
        ),
    )
    before = ContactFinder(REGISTRY)
    after = ContactFinder(with_role(REGISTRY, "expert", role))
    for question in [
        "vem skriver nyhetsbrevet?",
        "who updates our page on the website?",
        "vem är kommunikationsansvarig i logistik?",
        "nyhetsbrev?",
    ]:
        assert before.find(question, network_key="expert").matches == ()
        assert after.find(question, network_key="expert").matches[0].role_key == role.key


def test_unknown_keys_raise_the_registrys_errors(finder):
    with pytest.raises(UnknownNetwork):
        finder.find("vem är ordförande?", network_key="nope")
    with pytest.raises(UnknownGroup):
        finder.find("vem är ordförande?", network_key="expert", group_key="nope")


def test_a_name_that_is_an_ordinary_word_of_the_current_network_is_not_taken_as_a_name():
    # Aliases like "projektet" or "protokollet" are everyday words: where the current network's
    # own texts use them ("utvecklingsprojekt", "protokollet"), they are part of the question.
    council = replace(COUNCIL, aliases=(*COUNCIL.aliases, "projektet"))
    groups = tuple(
        replace(g, aliases=(*g.aliases, "protokollet")) if g.key == "maltider" else g
        for g in EXPERT.groups
    )
    finder = ContactFinder(RoleRegistry((replace(EXPERT, groups=groups), council)))

    search = finder.find("vem beslutar om medel till projektet?", network_key="expert")
    assert (search.network_key, search.matches[0].role_key) == ("expert", "styrelsen")
    search = finder.find("vem skriver protokollet?", network_key="expert", group_key="logistik")
    assert (search.group_key, search.matches[0].role_key) == ("logistik", "sekreterare")
    # A name that is no ordinary word here still moves the question.
    assert finder.find("vem är processledare i e-rådet?", network_key="expert").network_key == (
        "council"
    )


def test_answers_stay_the_same_once_the_finder_forgets_the_words_it_has_seen(monkeypatch):
    # The finder keeps what each question word says about each network's roles, up to a
    # limit; past it, it starts afresh and must find the same roles as before.
    questions = [
        "vem är ordförande?",
        "Vem skriver protokollet?",
        "who keeps the budget?",
        "vem ansvarar för medlemsregistret?",
        "vem ordnar lokalen till träffen?",
    ]
    expected = [top_role(ContactFinder(REGISTRY), q) for q in questions]
    monkeypatch.setattr("services.who._EVIDENCE_LIMIT", 2)
    monkeypatch.setattr("services.text._CACHE_LIMIT", 3)
    forgetful = ContactFinder(REGISTRY)
    for _ in range(2):
        assert [top_role(forgetful, q) for q in questions] == expected


def test_the_words_a_finder_remembers_stay_bounded_whatever_members_write(monkeypatch):
    # Members' words are open-ended (names, typos, pasted text): a long-running bot must not
    # keep every word it was ever asked, only the recent ones, up to a limit.
    monkeypatch.setattr("services.who._EVIDENCE_LIMIT", 20)
    monkeypatch.setattr("services.text._CACHE_LIMIT", 50)
    finder = ContactFinder(REGISTRY)
    analyzer = finder._analyzer
    expected = top_role(finder, "vem skriver protokollet?")
    for n in range(500):
        # An inflection no one wrote before ("protokollabc"): a new word with readings.
        made_up = "".join("abcdefghijklmnopqrstuvwxyz"[(n // 26**i) % 26] for i in range(3))
        finder.find(f"vem skriver protokoll{made_up}?", network_key="expert")
    remembered = len(analyzer._words)
    assert 50 < remembered <= 100
    evidence = [len(i.evidence) for i in finder._networks.values()]
    assert 20 < max(evidence) and all(kept <= 40 for kept in evidence)
    assert len(finder._acting_surfaces) <= 20  # its words' verbs of acting
    assert top_role(finder, "vem skriver protokollet?") == expected
