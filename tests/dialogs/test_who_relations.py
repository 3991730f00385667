"""Who a role turns to, read from its duties.

The registry here is made up for these tests (a choir with a conductor, section leaders and a
parish council): none of its words are in the shipped data files or in the matcher, so what
passes is read from the duties, not known in advance.
"""

from __future__ import annotations

import pytest

from domain.registry import Localized, Network, Role, RoleRegistry
from services.who import ContactFinder


def _role(key, title, sv, en):
    return Role(
        key=key, scope="network", title=Localized(*title), duties=Localized(tuple(sv), tuple(en))
    )


ROLES = (
    _role(
        "dirigent", ("Dirigent", "Conductor"),
        ["Leder repetitionerna.", "Är körens kontakt gentemot kyrkorådet."],
        ["Leads the rehearsals.", "Is the choir's contact towards the parish council."],
    ),
    _role(
        "kyrkorad", ("Kyrkorådet", "Parish council"),
        ["Beslutar om körens budget."],
        ["Decides on the choir's budget."],
    ),
    _role(
        "stamledare", ("Stämledare", "Section leader"),
        ["Rapporterar frånvaro till dirigenten.", "Övar in stämman med nya sångare."],
        ["Reports absences to the conductor.", "Rehearses the part with new singers."],
    ),
    _role(
        "notwart", ("Notwart", "Music librarian"),
        ["Köper in och lånar ut noter."],
        ["Buys and lends out sheet music."],
    ),
)


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(RoleRegistry((
        Network(key="kor", name=Localized("Kören", "The choir"), groups=(), roles=ROLES),
    )))


def top(finder: ContactFinder, question: str) -> str | None:
    matches = finder.find(question, network_key="kor").matches
    return matches[0].role_key if matches else None


@pytest.mark.parametrize(("question", "expected"), [
    # The named role's own duty reports to another role: that role.
    ("till vem rapporterar stämledaren?", "dirigent"),
    ("who does the section leader report to?", "dirigent"),
    # No duty of the named role sends anything, but one relates it to another role ("kontakt
    # gentemot kyrkorådet"): that role is the one it reports to.
    ("vem rapporterar dirigenten till?", "kyrkorad"),
    ("who does our conductor report the choir's work to?", "kyrkorad"),
])
def test_who_a_named_role_reports_to_is_read_from_its_duties(finder, question, expected):
    assert top(finder, question) == expected


@pytest.mark.parametrize("question", [
    # "till?"/"to?" ends the main clause, and a clause of time or condition follows.
    "vem rapporterar stämledaren till när någon fattas på repetitionen?",
    "who does the section leader report to when a singer is missing?",
])
def test_to_whom_is_asked_also_before_a_clause_of_time(finder, question):
    assert top(finder, question) == "dirigent"


def test_when_the_asker_takes_something_to_a_role_its_contact_answers(finder):
    # The asker acts ("tar jag"): the role named is the one turned to, not the one whose
    # relations are followed, so the role whose duty is the contact towards it answers.
    assert top(finder, "jag har en fråga till kyrkorådet, vem tar jag den med?") == "dirigent"


@pytest.mark.parametrize(("question", "expected"), [
    # The role named as the one who wants something is not the one who decides it.
    ("Dirigenten vill ha mer pengar i körens budget, vem beslutar om det?", "kyrkorad"),
    ("The conductor wants a bigger budget for the choir, who decides on that?", "kyrkorad"),
    # The role the asker is ("jag är ny som …", "I'm the new …") is not whom to ask.
    ("Jag är ny som stämledare och behöver låna noter, vem ska jag fråga?", "notwart"),
    ("I'm the new section leader and need sheet music, who should I ask?", "notwart"),
])
def test_the_role_that_wants_something_or_the_asker_is_not_the_answer(finder, question, expected):
    assert top(finder, question) == expected


def test_the_name_of_the_network_asked_in_names_the_role_that_uses_it():
    # A made-up parish whose network is also called "kyrkorådet": asked who belongs to it,
    # the role whose synonym the name is answers, not a role that merely "ingår" somewhere.
    roles = (
        Role(key="radet", scope="network", title=Localized("Förtroendevalda", "Elected members"),
             duties=Localized(("Beslutar om församlingens budget.",),
                              ("Decide on the parish budget.",)),
             synonyms=Localized(("kyrkorådet",), ("the parish council",))),
        Role(key="vice", scope="network", title=Localized("Vice ordförande", "Vice chair"),
             duties=Localized(("Ersätter ordföranden och ingår i arbetsutskottet.",),
                              ("Stands in for the chair and is part of the working committee.",))),
    )
    finder = ContactFinder(RoleRegistry((
        Network(key="forsamling", name=Localized("Kyrkorådet", "The parish council"),
                aliases=("kyrkorådet",), roles=roles),
    )))
    matches = finder.find("vilka ingår i kyrkorådet?", network_key="forsamling").matches
    assert matches and matches[0].role_key == "radet"


@pytest.mark.parametrize("question", [
    "jag har skrivit upp frånvaron i stämman, vart ska jag skicka den?",
    "I wrote down the absences in our part, where should I send them?",
    "The section leader has the list of absences, who does it go to?",
])
def test_where_a_thing_goes_next_follows_the_duty_that_sends_it(finder, question):
    # The asker has done a role's work (its duty: reports absences to the conductor) and asks
    # where the result goes: the role that duty sends it to.
    assert top(finder, question) == "dirigent"


def test_without_asking_where_it_goes_the_role_doing_the_work_answers(finder):
    assert top(finder, "vem rapporterar frånvaron?") == "stamledare"


@pytest.mark.parametrize(("question", "expected"), [
    # A role named right after "när"/"when" is when, not who.
    ("Vem övar in stämman med de nya sångarna när dirigenten är borta?", "stamledare"),
    ("Who rehearses the part with the new singers when the conductor is away?", "stamledare"),
    # A role told to wonder or want something, with no who-word at all.
    ("Dirigenten undrar hur stor körens budget är i år", "kyrkorad"),
    ("The conductor wonders how big the choir's budget is this year", "kyrkorad"),
])
def test_a_role_named_as_when_or_as_the_one_wondering_is_not_the_answer(finder, question, expected):
    assert top(finder, question) == expected


def test_the_duty_with_the_very_verb_asked_about_says_to_whom():
    # A made-up school: the head teacher sends reports one way and delegates another.
    roles = (
        Role(key="rektor", scope="network", title=Localized("Skolledare", "Head teacher"),
             duties=Localized(
                 ("Skickar årsrapporten till huvudmannen.",
                  "Delegerar schemaläggningen till arbetslaget."),
                 ("Sends the annual report to the school board.",
                  "Delegates the timetabling to the teaching team."))),
        Role(key="huvudman", scope="network", title=Localized("Huvudmannen", "School board"),
             duties=Localized(("Fastställer budgeten.",), ("Sets the budget.",))),
        Role(key="arbetslag", scope="network", title=Localized("Arbetslaget", "Teaching team"),
             duties=Localized(("Planerar undervisningen.",), ("Plans the teaching.",))),
    )
    finder = ContactFinder(RoleRegistry((
        Network(key="skola", name=Localized("Skolan", "The school"), roles=roles),
    )))

    def asked(question: str) -> str | None:
        matches = finder.find(question, network_key="skola").matches
        return matches[0].role_key if matches else None

    assert asked("vem delegerar skolledaren uppgifter till?") == "arbetslag"
    assert asked("who does the head teacher delegate tasks to?") == "arbetslag"
    assert asked("vem skickar skolledaren rapporter till?") == "huvudman"


def test_a_choice_between_two_roles_is_answered_with_one_of_them():
    # A made-up club: a third role's duty names both roles offered, which alone would make
    # it the one acting on them; but the question offers two, and the answer is one of them.
    def role(key, title, sv, en):
        return Role(key=key, scope="network", title=Localized(*title),
                    duties=Localized((sv,), (en,)))

    roles = (
        role("kassor", ("Kassör", "Treasurer"), "Sköter klubbens pengar.",
             "Looks after the club's money."),
        role("styrelse", ("Styrelsen", "Board"), "Beslutar om extra pengar till klubbresor.",
             "Decides on extra money for club trips."),
        role("valberedning", ("Valberedning", "Nominating committee"),
             "Beslutar vilka som föreslås till styrelsen och till kassör.",
             "Decides whom to propose for the board and for treasurer."),
    )
    finder = ContactFinder(RoleRegistry((
        Network(key="klubb", name=Localized("Klubben", "The club"), roles=roles),
    )))
    for question in ("Vem beslutar om extra pengar till resan, styrelsen eller kassören?",
                     "Who decides on extra money for the trip, the board or the treasurer?"):
        matches = finder.find(question, network_key="klubb").matches
        assert matches and matches[0].role_key == "styrelse", question
