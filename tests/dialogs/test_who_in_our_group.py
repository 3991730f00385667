"""Asked for someone in the asker's own group ("who in our group talks to the board?"), the
answer is one of the roles held in each group, not a role held network-wide that the question
also matches; a plain word for a group only, since "vem i styrgruppen …" names a body."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.examples import ExampleQuestion
from domain.registry import Group, Localized, Network, Role, RoleRegistry
from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(SHIPPED)


def top(finder: ContactFinder, question: str, network: str, group: str | None) -> str:
    matches = finder.find(question, network_key=network, group_key=group).matches
    return matches[0].role_key if matches else ""


@pytest.mark.parametrize(("question", "expected"), [
    # The group's chair is its contact towards the board; the board's contact person is a
    # board member, held network-wide.
    ("vem i gruppen pratar med styrelsen?", "ordforande"),
    ("who from the group takes our questions to the board?", "ordforande"),
    ("styrelsen vill ha en lägesrapport, vem i vår grupp svarar på sånt", "ordforande"),
    # Without "in our group" the board's contact person is still whom a group turns to.
    ("vem i styrelsen ska vi prata med?", "styrelsens_kontaktperson"),
])
def test_someone_in_our_group_is_one_of_the_groups_roles(finder, question, expected):
    assert top(finder, question, "bestservice", "logistik") == expected


def role(key: str, scope: str, title: tuple[str, str], duty: tuple[str, str]) -> Role:
    return Role(key=key, scope=scope, title=Localized(*title),
                duties=Localized((duty[0],), (duty[1],)))


REGISTRY = RoleRegistry((
    Network(
        key="forening",
        name=Localized("Föreningen", "The association"),
        groups=(Group("norr", Localized("Norr", "North")),),
        roles=(
            role("kommunikator", "network", ("Kommunikatör", "Communications officer"),
                 ("Skriver nyhetsbrev om gruppernas arbete till webben.",
                  "Writes newsletters about the groups' work for the website.")),
            role("skribent", "group", ("Skribent", "Writer"),
                 ("Skriver gruppens nyhetsbrev.", "Writes the group's newsletters.")),
            role("kassor", "network", ("Kassör", "Treasurer"),
                 ("Sköter föreningens pengar.", "Looks after the association's money.")),
            role("ordforande", "group", ("Ordförande", "Chair"),
                 ("Leder gruppens möten.", "Chairs the group's meetings.")),
        ),
    ),
))


@pytest.mark.parametrize("examples", [(), (
    # Questions told alike that went to the network-wide role do not overrule it either.
    ExampleQuestion("forening", "vem i gruppen skriver om arbetet?", ("kommunikator",)),
    ExampleQuestion("forening", "vem skriver nyhetsbrevet om vårt arbete?", ("kommunikator",)),
    ExampleQuestion("forening", "vem skriver nyhetsbrev om arbetet?", ("kommunikator",)),
)])
def test_a_new_registrys_group_role_answers_who_in_our_group_without_code(examples):
    finder = ContactFinder(REGISTRY, examples)
    assert top(finder, "vem skriver nyhetsbrevet om arbetet?", "forening", "norr") == "kommunikator"
    assert top(finder, "vem i gruppen skriver nyhetsbrevet om arbetet?", "forening", "norr") == (
        "skribent"
    )


@pytest.mark.parametrize("question", [
    "vem skriver nyhetsbrevet om arbetet, alltså från vår sida?",
    "vem skriver nyhetsbrevet om arbetet, är det kommunikatören eller någon hos oss?",
    "who writes the newsletter about the work, on our side I mean?",
])
def test_the_groups_side_told_after_the_question_is_one_of_the_groups_roles(question):
    examples = (
        ExampleQuestion("forening", "vem skriver nyhetsbrevet om vårt arbete?", ("kommunikator",)),
        ExampleQuestion("forening", "who writes the newsletter about our work?", ("kommunikator",)),
        ExampleQuestion("forening", "vem skriver nyhetsbrev om arbetet?", ("kommunikator",)),
    )
    assert top(ContactFinder(REGISTRY, examples), question, "forening", "norr") == "skribent"
