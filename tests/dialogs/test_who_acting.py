"""Who acts on a role, what a composite role is made of, and answers on a network of 2,000
groups.

The registry here is made up for these tests (an association with a meeting, a board and an
election committee): none of its words are in the shipped data files or in the matcher, so
what passes is read from the duties, not known in advance.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.registry import Assignment, Group, Localized, Network, Person, Role, RoleRegistry
from services.who import MAX_GROUP_LINES, ContactFinder

TODAY = date(2026, 3, 2)
TEAMS_MESSAGE_LIMIT = 28 * 1024  # bytes: Teams refuses larger messages


def _role(key, scope, title, sv, en):
    return Role(key=key, scope=scope, title=Localized(*title), duties=Localized(tuple(sv), tuple(en)))


ROLES = (
    _role(
        "stamman", "network", ("Föreningsstämman", "The general meeting"),
        ["Väljer kassör och revisor.", "Fastställer årsavgiften."],
        ["Elects the treasurer and the auditor.", "Sets the yearly fee."],
    ),
    _role(
        "kassor", "network", ("Kassör", "Treasurer"),
        ["Sköter föreningens pengar.", "Lämnar bokslutet till revisorn."],
        ["Looks after the association's money.", "Sends the year-end accounts to the auditor."],
    ),
    _role(
        "revisor", "network", ("Revisor", "Auditor"),
        ["Granskar räkenskaperna."],
        ["Audits the accounts."],
    ),
    _role(
        "ordforande", "network", ("Ordförande", "Chair"),
        ["Leder styrelsens möten."], ["Chairs the board's meetings."],
    ),
    _role(
        "sekreterare", "network", ("Sekreterare", "Secretary"),
        ["För protokoll vid mötena."], ["Keeps the minutes of the meetings."],
    ),
    _role(
        "webbansvarig", "network", ("Webbansvarig", "Web editor"),
        ["Uppdaterar hemsidan."], ["Updates the website."],
    ),
    _role(
        "valberedning", "network", ("Valberedning", "Election committee"),
        ["Föreslår kandidater till stämman.", "Består av kassör och revisor."],
        ["Proposes candidates to the general meeting.", "Made up of the treasurer and the auditor."],
    ),
)


def registry(*assignments: Assignment) -> RoleRegistry:
    return RoleRegistry((
        Network(
            key="forening",
            name=Localized("Föreningen", "The association"),
            groups=(),
            roles=ROLES,
            assignments=assignments,
        ),
    ))


def top(finder: ContactFinder, question: str) -> str | None:
    matches = finder.find(question, network_key="forening").matches
    return matches[0].role_key if matches else None


@pytest.mark.parametrize(("question", "acting"), [
    ("vem väljer revisor?", "stamman"),
    ("who elects the treasurer?", "stamman"),
    ("vem utser kassören?", "stamman"),  # another verb of electing than the duty's
    ("vem kan byta ut kassören?", "stamman"),  # replacing is electing another
    ("who can replace the auditor?", "stamman"),
])
def test_the_role_that_elects_a_named_role_is_answered_not_the_role_named(question, acting):
    assert top(ContactFinder(registry()), question) == acting


def test_who_receives_what_a_named_role_sends_is_read_from_that_roles_duty():
    finder = ContactFinder(registry())

    assert top(finder, "vem tar emot kassörens bokslut?") == "revisor"
    assert top(finder, "who does the treasurer send the accounts to?") == "revisor"


def test_a_role_named_after_to_or_with_is_the_one_turned_to_not_the_answer():
    finder = ContactFinder(registry())

    # The treasurer's duty sends the accounts to the auditor: the auditor's contact.
    assert top(finder, "vem har kontakt med revisorn?") == "kassor"
    assert top(finder, "vem är revisor?") == "revisor"


def test_a_roles_contact_named_in_a_duty_in_the_genitive_is_the_contact_towards_it():
    sponsored = ROLES + (
        _role("huvudman", "network", ("Huvudmannen", "The sponsor"),
              ["Finansierar föreningen."], ["Funds the association."]),
        _role("samordnare", "network", ("Samordnare", "Coordinator"),
              ["Är huvudmannens primära kontaktperson.", "Samordnar arbetet."],
              ["Is the sponsor's primary contact.", "Coordinates the work."]),
    )
    finder = ContactFinder(RoleRegistry((
        Network(key="forening", name=Localized("Föreningen", "The association"), groups=(),
                roles=sponsored),
    )))

    # Named after "mot"/"for", the sponsor is the one turned to; the duty says who that is.
    assert top(finder, "vem är primär kontakt mot huvudmannen?") == "samordnare"
    assert top(finder, "who is the main contact for the sponsor?") == "samordnare"
    # "för" after a word for contact turns to the role as "mot" does.
    assert top(finder, "vem är primär kontakt för huvudmannen?") == "samordnare"
    assert top(finder, "vem är huvudmannen?") == "huvudman"


def test_asked_who_sits_in_a_body_the_body_named_is_the_answer():
    finder = ContactFinder(registry())

    assert top(finder, "vilka sitter i valberedningen?") == "valberedning"
    assert top(finder, "who sits on the election committee?") == "valberedning"


def test_a_question_about_the_role_itself_still_gets_that_role():
    finder = ContactFinder(registry())

    assert top(finder, "vem är kassör?") == "kassor"
    assert top(finder, "who audits the accounts?") == "revisor"


def test_a_composite_role_names_its_members_and_their_holders_and_is_not_vacant():
    finder = ContactFinder(registry(
        Assignment("kassor", Person("Kim Kassör", "kim@example.org")),
        Assignment("revisor", Person("Rut Revisor")),
    ))

    reply = finder.answer("vem är valberedningen?", network_key="forening", today=TODAY)

    assert reply.contact.roles[0] == "valberedning"
    assert "vakant" not in reply.text
    assert "**Valberedning** i Föreningen består av:" in reply.text
    assert "- **Kassör**: Kim Kassör ([kim@example.org](mailto:kim@example.org))" in reply.text
    assert "- **Revisor**: Rut Revisor" in reply.text
    assert [a.person.name for a in reply.contact.holders] == ["Kim Kassör", "Rut Revisor"]


def test_a_composite_role_with_one_member_held_lists_the_other_as_vacant():
    finder = ContactFinder(registry(Assignment("revisor", Person("Rut Revisor"))))

    reply = finder.answer("who is on the election committee?", network_key="forening", today=TODAY)

    assert "is vacant" not in reply.text
    assert "- **Treasurer**: vacant" in reply.text
    assert "- **Auditor**: Rut Revisor" in reply.text


def test_a_composite_role_is_vacant_only_when_nobody_holds_it_or_a_member_role():
    finder = ContactFinder(registry())

    reply = finder.answer("vem är valberedningen?", network_key="forening", today=TODAY)

    assert "**Valberedning** i Föreningen är vakant just nu." in reply.text


def test_a_group_role_asked_network_wide_in_2000_groups_fits_a_teams_message():
    groups = tuple(Group(f"g{i}", Localized(f"Grupp {i}", f"Group {i}")) for i in range(2000))
    secretary = Role(
        key="sekreterare", scope="group", title=Localized("Sekreterare", "Secretary"),
        duties=Localized(("Skriver protokoll.",), ("Writes the minutes.",)),
    )
    network = Network(
        key="stor", name=Localized("Stora nätverket", "The big network"), groups=groups,
        roles=(secretary,),
        assignments=tuple(
            Assignment("sekreterare", Person(f"Person {i}", f"p{i}@example.org"), f"g{i}")
            for i in range(2000)
        ),
    )
    finder = ContactFinder(RoleRegistry((network,)))

    reply = finder.answer("vem är sekreterare?", network_key="stor", today=TODAY)

    assert len(reply.text.encode("utf-8")) < TEAMS_MESSAGE_LIMIT
    assert reply.text.count("\n- Grupp ") == MAX_GROUP_LINES
    assert f"och {2000 - MAX_GROUP_LINES} grupper till" in reply.text
    assert "vem är sekreterare i Grupp 0?" in reply.text  # how to ask for one group


def test_who_works_together_with_a_role_is_the_partner_its_duty_names_from_either_side():
    partnered = ROLES + (
        _role("arkivarie", "network", ("Arkivarie", "Archivist"),
              ["Ordnar arkivet tillsammans med sekreteraren."],
              ["Sorts the archive together with the secretary."]),
    )
    finder = ContactFinder(RoleRegistry((
        Network(key="forening", name=Localized("Föreningen", "The association"), groups=(),
                roles=partnered),
    )))

    # The archivist's duty names the secretary as partner: asked from either side, the
    # other one answers, not the role named in the question.
    assert top(finder, "vem ordnar arkivet tillsammans med sekreteraren?") == "arkivarie"
    assert top(finder, "who sorts the archive together with the archivist?") == "sekreterare"


def test_presented_for_a_role_is_told_to_it():
    finder = ContactFinder(registry())

    # "för" after a verb of presenting is "till": the election committee proposes to the
    # general meeting, so it presents, not the general meeting named.
    assert top(finder, "vem presenterar kandidaterna för föreningsstämman?") == "valberedning"
