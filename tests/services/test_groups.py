"""The one group resolution (`services.groups.resolve_group`): each step of its precedence
wins over every step below it, as its module docstring states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.registry import Group, Localized, Network
from services.groups import resolve_group

LOGISTIK = Group("logistik", Localized("Logistik", "Logistics"), ("logistikgruppen",))
LOKALVARD = Group("lokalvard", Localized("Lokalvård", "Cleaning services"), ("städ",))
MALTIDER = Group("maltider", Localized("Måltider", "Meals"))
VNS = Group("vns", Localized("VNS", "VNS"), ("vårdnära service",))
NETWORK = Network("bestservice", Localized("Best Service", "Best Service"),
                  groups=(LOGISTIK, LOKALVARD, MALTIDER, VNS))  # fmt: skip
ONE_GROUP = replace(NETWORK, groups=(MALTIDER,))

# Every input at once, each naming another group: the first step of the precedence wins.
ALL = {
    "chosen": "vns",
    "argument": "logistik: budgeten",
    "named": "maltider",
    "channel_group": "lokalvard",
    "sender_groups": ("maltider",),
}


def key(network: Network = NETWORK, **given) -> tuple[str | None, str]:
    choice = resolve_group(network, **given)
    return (choice.group.key if choice.group else None), choice.source


def test_the_precedence_step_by_step() -> None:
    given = dict(ALL)
    assert key(**given) == ("vns", "card")
    given.pop("chosen")
    assert key(**given, content=True) == ("lokalvard", "channel")  # an agenda point's text
    assert key(**given) == ("logistik", "argument")
    given.pop("argument")
    assert key(**given) == ("maltider", "message")
    given.pop("named")
    assert key(**given) == ("lokalvard", "channel")
    given.pop("channel_group")
    assert key(**given) == ("maltider", "sender")
    given.pop("sender_groups")
    assert key(ONE_GROUP, **given) == ("maltider", "only")
    assert key(ONE_GROUP, only_group=False) == (None, "none")
    assert key(**given) == (None, "none")


def test_content_without_a_channel_takes_the_group_from_the_argument() -> None:
    choice = resolve_group(NETWORK, argument="Logistik: Ny upphandling", content=True)
    assert (choice.group, choice.rest) == (LOGISTIK, "Ny upphandling")


@pytest.mark.parametrize(
    ("argument", "group", "rest"),
    [
        ("logistik", LOGISTIK, ""),
        ("Logistik?", LOGISTIK, ""),
        ("logistics", LOGISTIK, ""),
        ("LOGISTIKGRUPPEN 90 dagar", LOGISTIK, "90 dagar"),  # the longest name wins
        ("Lokalvård: nya städrutiner", LOKALVARD, "nya städrutiner"),
        ("vårdnära service – budget", VNS, "budget"),
        ("  måltider, 30 dagar", MALTIDER, "30 dagar"),
        ("logistikbudgeten", None, "logistikbudgeten"),  # a word that only begins so
        ("90 dagar", None, "90 dagar"),
    ],
)
def test_a_group_named_at_the_start_of_the_argument(argument, group, rest) -> None:
    choice = resolve_group(NETWORK, argument=argument)
    assert (choice.group, choice.rest) == (group, rest)


def test_keys_that_name_no_group_count_as_not_given() -> None:
    """A stale card's group, a channel bound to the board's channel, a removed group."""
    assert key(chosen="nedlagd", channel_group="styrelse", named="x", sender_groups=("y",)) == (
        None,
        "none",
    )
    assert key(chosen="nedlagd", channel_group="logistik") == ("logistik", "channel")


def test_a_sender_of_several_groups_is_asked_which() -> None:
    assert key(sender_groups=("logistik", "vns")) == (None, "none")
    assert key(sender_groups=("logistik", "logistik")) == ("logistik", "sender")
