"""A role's name begun and cut short names that role: "styrelsens kontakt" is the board's
contact person, not the board, although "styrelsen" is the board's whole title."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.registry import Localized, Network, Role, RoleRegistry
from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


@pytest.fixture(scope="module")
def finder() -> ContactFinder:
    return ContactFinder(SHIPPED)


def top(finder: ContactFinder, question: str, network: str, group: str | None = None) -> str:
    matches = finder.find(question, network_key=network, group_key=group).matches
    return matches[0].role_key if matches else ""


@pytest.mark.parametrize(("question", "network", "expected"), [
    ("styrelsens kontakt?", "bestservice", "styrelsens_kontaktperson"),
    ("vem är styrelsens kontakt för logistikgruppen?", "bestservice", "styrelsens_kontaktperson"),
    ("board contact for måltider?", "bestservice", "styrelsens_kontaktperson"),
    ("who is the process lead for the e-council?", "erad", "processledare"),
    # The longest name told wins: the board's contact person, not the chair's "contact
    # person"; a whole name is matched as before.
    ("who's the board's contact person for the logistics group?", "bestservice",
     "styrelsens_kontaktperson"),
    ("vem är vår kontaktperson och ordförande?", "bestservice", "ordforande"),
    ("vem sitter i styrelsen?", "bestservice", "styrelsen"),
    # A development leader's training is not a development leader "cut short".
    ("Who's responsible for the development leader's training in improvement knowledge?",
     "lansprojekt", "operativ_ledning"),
])
def test_a_name_begun_and_cut_short_names_its_role(finder, question, network, expected):
    assert top(finder, question, network, "logistik" if network == "bestservice" else None) == (
        expected
    )


def test_a_new_role_named_after_a_body_is_found_by_its_name_cut_short_without_code():
    def role(key: str, title: tuple[str, str], duty: tuple[str, str]) -> Role:
        return Role(key=key, scope="network", title=Localized(*title),
                    duties=Localized((duty[0],), (duty[1],)))

    registry = RoleRegistry((
        Network(
            key="forening",
            name=Localized("Föreningen", "The association"),
            groups=(),
            roles=(
                role("revisorerna", ("Revisorerna", "The auditors"),
                     ("Granskar räkenskaperna.", "Audit the accounts.")),
                role("ordforande", ("Ordförande", "Chair"),
                     ("Leder föreningens möten.", "Chairs the association's meetings.")),
                role("kassor", ("Kassör", "Treasurer"),
                     ("Sköter föreningens pengar.", "Looks after the association's money.")),
                role("revisorernas_kontaktperson",
                     ("Revisorernas kontaktperson", "The auditors' contact person"),
                     ("Svarar på revisorernas frågor.", "Answers the auditors' questions.")),
            ),
        ),
    ))
    finder = ContactFinder(registry)

    assert top(finder, "revisorernas kontakt?", "forening") == "revisorernas_kontaktperson"
    assert top(finder, "the auditors contact?", "forening") == "revisorernas_kontaktperson"
    assert top(finder, "vilka är revisorerna?", "forening") == "revisorerna"
