"""Asked who chooses the holder of a role ("vem bestämmer vem som blir kassör?", "who decides
who becomes treasurer?"): the role whose duty chooses it answers, never the role to be filled,
even when that role's own duty uses a deciding verb.

The registry here is made up for these tests (a choir: a conductor who sees to it that the
tasks are shared out, a treasurer whose fee "beslutas" at the annual meeting, an annual
meeting that elects the treasurer, a board that decides ticket prices): none of its words are
in the shipped data files or in the matcher, so what passes is read from the duties, not known
in advance.
"""

from __future__ import annotations

import pytest

from domain.registry import Localized, Network, Role, RoleRegistry
from services.who import ContactFinder


def _role(key, title, sv, en):
    return Role(
        key=key, scope="network", title=Localized(*title), duties=Localized(tuple(sv), tuple(en)),
        synonyms=Localized((), ()),
    )


ROLES = (
    _role(
        "dirigent", ("Dirigent", "Conductor"),
        ["Leder körens repetitioner.", "Ser till att uppgifterna i kören fördelas."],
        ["Leads the choir's rehearsals.", "Makes sure the tasks in the choir are distributed."],
    ),
    _role(
        "kassor", ("Kassör", "Treasurer"),
        ["Sköter körens kassa.", "Medlemsavgiften beslutas på årsmötet varje vår."],
        ["Keeps the choir's accounts.", "The membership fee is decided at the annual meeting each spring."],
    ),
    _role(
        "notforvaltare", ("Notförvaltare", "Sheet music keeper"),
        ["Lånar ut noterna och beslutar vilka noter som köps in."],
        ["Lends out the scores and decides which scores are bought."],
    ),
    _role(
        "arsmote", ("Årsmöte", "Annual meeting"),
        ["Väljer kassör och revisor för ett år."],
        ["Elects the treasurer and the auditor for a year."],
    ),
    _role(
        "styrelse", ("Styrelse", "Board"),
        ["Beslutar om konserternas biljettpriser."],
        ["Decides on the concerts' ticket prices."],
    ),
)


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(RoleRegistry((
        Network(key="koren", name=Localized("Kören", "The choir"), roles=ROLES),
    )))


def top(finder: ContactFinder, question: str) -> str | None:
    matches = finder.find(question, network_key="koren").matches
    return matches[0].role_key if matches else None


@pytest.mark.parametrize("question", [
    # No duty chooses the sheet music keeper by name: the one who shares out the tasks does,
    # not the keeper (whose own duty "beslutar") nor the board (which decides on prices).
    "vem bestämmer vem som blir notförvaltare?",
    "vem bestämmer vem som ska bli notförvaltare i kören",
    "who decides who becomes the sheet music keeper?",
    "who decides who will be sheet music keeper?",
])
def test_the_role_that_shares_out_the_tasks_chooses_a_holder(finder, question):
    assert top(finder, question) == "dirigent"


@pytest.mark.parametrize("question", [
    # A duty that elects the very role answers first; the treasurer, whose own duty says
    # something "beslutas", is the one filled.
    "vem bestämmer vem som blir kassör?",
    "Vem bestämmer vem som ska bli kassör hos oss?",
    "who decides who becomes treasurer?",
    "who decides who gets to be the treasurer?",
])
def test_the_role_that_elects_the_very_role_chooses_its_holder(finder, question):
    assert top(finder, question) == "arsmote"


@pytest.mark.parametrize(("question", "expected"), [
    # Not a who-clause: the rules for acts as before.
    ("vem väljer kassör?", "arsmote"),
    ("who elects the treasurer?", "arsmote"),
    ("vem sköter kassan?", "kassor"),
])
def test_other_acting_questions_are_unchanged(finder, question, expected):
    assert top(finder, question) == expected
