"""What is chosen by an act, on the shipped networks: "vem bestämmer vilka <X> …" is answered
by the role whose duty chooses X, not by the role named where X goes.

The shipped data, unlike the made-up registries of the other who-tests: these questions come
from the blind sets (bench/blind-3.yaml, bench/blind-7.yaml) and the duties that answer them
("Utser de representanter som ska bemanna e-rådet", "Decides which projects to start") are
the seeds'.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(SHIPPED)


@pytest.mark.parametrize(("question", "expected"), [
    # The principal appoints the representatives; the council is only where they sit.
    ("Vem bestämmer vilka representanter som ska sitta i rådet?", "uppdragsgivare"),
    ("Who decides which representatives sit on the council?", "uppdragsgivare"),
    # The steering group decides which projects start; the action plan is what they follow.
    ("Who decides which projects to start based on the action plan?", "styrgrupp"),
    ("Vem bestämmer vilka projekt som ska startas utifrån handlingsplanen?", "styrgrupp"),
])
def test_who_decides_which_things_is_the_role_whose_duty_chooses_them(finder, question, expected):
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == expected


@pytest.mark.parametrize(("question", "expected"), [
    # Making sure of a thing is doing it: the role whose duty the thing is.
    ("Vem ser till att vårt medlemsregister är aktuellt?", "medlemsansvarig"),
    ("vem ser till att mötet dokumenteras och sparas", "sekreterare"),
    # With the responsibilities named, the chair's own "ser till att" duty answers.
    ("vem ser till att ansvarsområdena fördelas i gruppen?", "ordforande"),
])
def test_making_sure_of_a_thing_is_answered_by_the_role_that_does_it(finder, question, expected):
    matches = finder.find(question, network_key="bestservice", group_key="logistik").matches
    assert matches and matches[0].role_key == expected


@pytest.mark.parametrize(("question", "network", "expected"), [
    # A title word in another role's duty ("the annual meeting", "development projects") does
    # not name the role: the chair, who shares out the group's tasks, appoints.
    ("who appoints our meeting organiser?", "bestservice", "ordforande"),
    ("Vem utser sekreteraren i vår grupp?", "bestservice", "ordforande"),
    ("who assigns the secretary role in our group", "bestservice", "ordforande"),
    ("vem tilldelar rollen som mötesansvarig?", "bestservice", "ordforande"),
    ("Who hands out the meeting organiser job in our group?", "bestservice", "ordforande"),
    ("vem delar ut rollen som sekreterare?", "bestservice", "ordforande"),
    # One of the group chosen, whatever the task is called.
    ("Who decides which of us becomes the meeting coordinator?", "bestservice", "ordforande"),
    ("Vem bestämmer vem av oss som ska boka lokaler?", "bestservice", "ordforande"),
    # Electing fills the role named after the verb: the duty that elects that very role
    # answers (the group's participants appoint their chair; the council its vice chair).
    ("Vem utser ordföranden i vår grupp?", "bestservice", "deltagare"),
    ("who elects our chair for next year?", "bestservice", "deltagare"),
    ("Who picks the vice chair?", "erad", "styrgrupp"),
    # The secretary drafts, the process leader compiles the minutes from the draft.
    ("Vem sammanställer protokollet efter mötet?", "erad", "processledare"),
    # A noun of deciding in the named role's duty ("Makes sure the decisions … are taken") is
    # not its deciding: the duty that leads with the verb is.
    ("who decides the goals that the project owner then follows up on?", "lansprojekt",
     "lansstyrgrupp"),
])
def test_who_appoints_or_decides_is_the_role_whose_duty_does_it(
    finder, question, network, expected
):
    group = "logistik" if network == "bestservice" else None
    matches = finder.find(question, network_key=network, group_key=group).matches
    assert matches and matches[0].role_key == expected


@pytest.mark.parametrize("question", [
    "who is the process leader the primary contact for?",
    "Who is the process leader the main contact for?",
    "vem är processledaren primär kontakt för?",
])
def test_whom_a_role_is_something_for_is_the_role_its_duty_names(finder, question):
    # "Is the principal's primary contact": the principal, not the process leader named.
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == "uppdragsgivare"
    # Asked who the role is, the role itself.
    assert finder.find("who is the process leader?", network_key="erad").matches[0].role_key == (
        "processledare"
    )


@pytest.mark.parametrize("question", [
    "I'm from the kommundirektörsnätverket and want a status update on the action plan. "
    "Who do I talk to?",
    "Jag jobbar på Kommundirektörsnätverket och vill veta hur det går med e-rådet",
])
def test_a_member_of_a_body_is_answered_by_the_role_that_deals_most_with_it(finder, question):
    # The principal is named by the name in its title's brackets; the asker is of it, so the
    # role whose duties name the principal most ("Is the principal's primary contact",
    # "Informs the principal …") answers.
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == "processledare"
    assert finder.find("vem är kommundirektörsnätverket?", network_key="erad").matches[
        0
    ].role_key == "uppdragsgivare"


@pytest.mark.parametrize(("question", "expected"), [
    # Who is on a body is the body, not a role whose duty says something "in" it.
    ("who's on the steering group?", "styrgrupp"),
    ("who is on the steering group?", "styrgrupp"),
    ("vem är i beredningen?", "beredning"),
])
def test_who_is_on_a_body_is_answered_by_the_body(finder, question, expected):
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == expected


def test_someone_in_a_body_who_does_something_is_still_found_by_the_relation(finder):
    # "Den ledamot i styrelsen som expertgruppen vänder sig till …": the board's contact.
    matches = finder.find(
        "vem i styrelsen ska VNS prata med?", network_key="bestservice", group_key="vns"
    ).matches
    assert matches and matches[0].role_key == "styrelsens_kontaktperson"


def test_where_a_role_takes_something_is_the_role_its_duty_takes_it_to(finder):
    # "Tar vidare beslut utanför styrgruppens mandat till uppdragsgivaren."
    matches = finder.find(
        "vart tar ordföranden frågor som ligger utanför rådets mandat?", network_key="erad"
    ).matches
    assert matches and matches[0].role_key == "uppdragsgivare"
    # "vårt" folds to "vart" too, and asks nothing of the kind.
    ours = finder.find("vårt e-råd, vem är ordförande?", network_key="erad").matches
    assert ours and ours[0].role_key == "ordforande"


@pytest.mark.parametrize(("question", "expected"), [
    # The principal's people want to know: not whom to ask, but the one who informs them.
    ("kommundirektörerna vill ha en lägesrapport", "processledare"),
    # Asked who the directors are, the principal.
    ("vilka är kommundirektörerna?", "uppdragsgivare"),
])
def test_a_body_that_wants_something_is_not_whom_to_ask(finder, question, expected):
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == expected


@pytest.mark.parametrize("question", [
    "I'm taking notes at tomorrow's meeting, who do I send my draft to afterwards?",
    "jag fick skriva på mötet idag, vart skickar jag utkastet?",
    "I took notes at yesterday's meeting, who should get my draft?",
])
def test_the_asker_in_a_roles_shoes_sends_where_its_duty_sends(finder, question):
    # "Sammanställer utkast till mötesprotokoll och skickar det till processledaren."
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == "processledare"


@pytest.mark.parametrize("question", [
    # "Communicates the proposal to the management group": presenting or handing it over is
    # taking it there, asked "to whom" also before what it is for.
    "who does our chair hand the finished proposal to?",
    "vem presenterar ordföranden förslaget för beslut till?",
    "who does the chair take version 5 to for approval?",
    "vem lämnar ordföranden det färdiga förslaget till för beslut?",
])
def test_whom_a_role_presents_or_hands_something_to_is_the_role_its_duty_names(
    finder, question
):
    matches = finder.find(question, network_key="arbetsgrupp", group_key="vardprogram").matches
    assert matches and matches[0].role_key == "ledningsgrupp"


@pytest.mark.parametrize(("question", "network", "expected"), [
    # Keeping a role updated is informing it: "Informerar uppdragsgivaren om hur arbetet …".
    ("vem håller uppdragsgivaren uppdaterad om arbetet?", "erad", "processledare"),
    ("who keeps the steering group informed between meetings?", "erad", "processledare"),
    # A thing kept updated is no one informed.
    ("who keeps the member register updated?", "bestservice", "medlemsansvarig"),
])
def test_who_keeps_a_role_updated_is_the_role_whose_duty_informs_it(
    finder, question, network, expected
):
    matches = finder.find(question, network_key=network).matches
    assert matches and matches[0].role_key == expected


@pytest.mark.parametrize(("question", "expected"), [
    # The project group is made up of the project members (the seed: "Projektmedlem (medlem
    # i projektgruppen t ex)"): asked who is in it, with a member named as a guess, the group.
    ("Who is in the project team, only the project members?", "projektgrupp"),
    ("vilka är med i projektteamet, är det bara projektmedlemmarna?", "projektgrupp"),
    # A member asked for by its title in the asker's group is still the member.
    ("vem är projektmedlem i vår grupp?", "projektmedlem"),
])
def test_the_project_group_is_its_members(finder, question, expected):
    matches = finder.find(question, network_key="lansprojekt").matches
    assert matches and matches[0].role_key == expected
