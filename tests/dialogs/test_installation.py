"""Which network a team is and which group a channel is, from the names people gave them."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_NETWORKS_DIR
from dialogs.installation import group_for_channel, network_for_team, normalized
from domain.registry import RoleRegistry
from storage.registry_files import load_directory

REGISTRY = RoleRegistry(tuple(load_directory(DEFAULT_NETWORKS_DIR).networks))
NETWORKS = {network.key: network for network in REGISTRY.networks}


def test_names_are_compared_folded_and_without_punctuation() -> None:
    assert normalized("  Logistik-GRUPPEN! ") == "logistik gruppen"
    assert normalized("Måltider") == "maltider"


@pytest.mark.parametrize(
    ("team_name", "network"),
    [
        ("Best Service", "bestservice"),
        ("BEST SERVICE", "bestservice"),
        ("Fyrbodals e-råd", "erad"),
        ("E-rådet i Fyrbodal", "erad"),  # its aliases inside a longer name
        ("Kunskapsstyrning – arbetsgrupper", "arbetsgrupp"),
        ("Kansliet", None),
        (None, None),
    ],
)
def test_a_team_is_the_network_its_name_names(team_name, network) -> None:
    found = network_for_team(REGISTRY, team_name)
    assert (found.key if found else None) == network


@pytest.mark.parametrize(
    ("channel_name", "group"),
    [
        ("Logistik", "logistik"),
        ("logistikgruppen", "logistik"),  # an alias
        ("Maltider", "maltider"),  # typed without the ring
        ("Expertgrupp Logistik 2026", "logistik"),
        ("Vårdnära service", "vns"),
        ("Logistik och måltider", None),  # two groups: no guess
        ("General", None),
        ("Fika", None),
    ],
)
def test_a_channel_is_the_group_its_name_names(channel_name, group) -> None:
    found = group_for_channel(NETWORKS["bestservice"], channel_name)
    assert (found.key if found else None) == group
