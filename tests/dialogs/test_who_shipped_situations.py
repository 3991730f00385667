"""Situations told in a member's own words, on the shipped networks: the data files'
synonyms, not code, say whose they are (a new network gets its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(SHIPPED)


@pytest.mark.parametrize("question", [
    # Absent from a project meeting: the project manager who leads the project hears of it.
    "jag kan inte komma på projektmötet på torsdag",
    "jag har förhinder nästa vecka",
    "I can't make it to the project meeting next week",
    "apologies, I won't be at Tuesday's project meeting",
])
def test_an_absence_from_the_project_meeting_goes_to_the_project_manager(finder, question):
    matches = finder.find(question, network_key="lansprojekt").matches
    assert matches and matches[0].role_key == "utvecklingsledare"


@pytest.mark.parametrize("question", [
    # Who sits on the e-council is the principal's to appoint, not the council's own.
    "vår representant i e-rådet slutar hos oss, vad gör vi nu?",
    "vi vill gå med i e-rådet",
    "our representative is leaving, we need a replacement on the council",
    "our municipality would like to join the council",
])
def test_joining_or_leaving_the_council_goes_to_the_principal_who_appoints_its_members(
    finder, question
):
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == "uppdragsgivare"


@pytest.mark.parametrize("question", [
    # "Member manager" is how members name the membership officer in English.
    "who is the member manager in our group?",
    "vem är medlemsansvarig i vår grupp?",
])
def test_the_membership_officer_is_found_by_the_name_members_use(finder, question):
    matches = finder.find(question, network_key="bestservice", group_key="maltider").matches
    assert matches and matches[0].role_key == "medlemsansvarig"


@pytest.mark.parametrize("question", [
    # How a working group's meetings are led is its chair's: the chair leads them.
    "jag är inte nöjd med hur träffen leddes idag",
    "our meeting ran way over time again",
    "I have some feedback on how the meetings are run",
])
def test_how_the_working_groups_meetings_are_led_goes_to_the_chair(finder, question):
    matches = finder.find(question, network_key="arbetsgrupp").matches
    assert matches and matches[0].role_key == "ordforande"


@pytest.mark.parametrize("question", [
    # What the group has done this year is the chair's to tell: it follows up the group's work.
    "my director asked what our expert group has achieved so far this year, who knows?",
    "our head of service wants a picture of what the group has achieved this year",
])
def test_what_the_group_achieved_this_year_goes_to_its_chair(finder, question):
    matches = finder.find(question, network_key="bestservice", group_key="logistik").matches
    assert matches and matches[0].role_key == "ordforande"


def test_a_question_the_asker_wants_the_council_to_take_up_goes_to_the_preparation_group(finder):
    # The preparation group decides which questions are brought to the council.
    question = "vi vill att rådet tar upp vår fråga om e-arkiv"
    matches = finder.find(question, network_key="erad").matches
    assert matches and matches[0].role_key == "beredning"
