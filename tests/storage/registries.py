"""Registries for the storage tests: a hand-written document and generated ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import strategies as st

from domain.registry import Assignment, Group, Localized, Network, Person, Role, RoleRegistry
from storage.registry_files import same_person

SHIPPED_NETWORKS = Path(__file__).resolve().parents[2] / "data" / "networks"

# Every field of the format, in the order of the format's description.
SAMPLE_YAML = """\
key: testnet
name: {sv: Testnätet, en: The test network}
description: {sv: Ett nätverk för prov., en: A network for tests.}
aliases: [testet, test network]
ask_instead: [ordforande]
groups:
  - key: alfa
    name: {sv: Alfa, en: Alpha}
    aliases: [a-gruppen]
  - key: beta
    name: {sv: Beta, en: Beta}
roles:
  - key: ordforande
    scope: group
    title: {sv: Ordförande, en: Chair}
    duties:
      sv: [Leder gruppen.]
      en: [Leads the group.]
    synonyms:
      sv: [ledare]
      en: [lead]
  - key: styrelsen
    scope: network
    title: {sv: Styrelsen, en: The board}
    duties:
      sv: []
      en: []
    ask_instead: [ordforande]
holders:
  - role: ordforande
    group: alfa
    name: Sara Herrman
    email: sara@example.org
    term_start: 2026-01-01
    term_end: 2026-12-31
  - role: ordforande
    group: alfa
    name: Olle Ek
    deputy: true
  - role: styrelsen
    name: Åsa Öberg
    entra_object_id: 0f8fad5b-d9cb-469f-a165-70867728950e
"""

SARA = Person("Sara Herrman", email="sara@example.org")

SAMPLE_NETWORK = Network(
    key="testnet",
    name=Localized("Testnätet", "The test network"),
    description=Localized("Ett nätverk för prov.", "A network for tests."),
    aliases=("testet", "test network"),
    groups=(
        Group("alfa", Localized("Alfa", "Alpha"), aliases=("a-gruppen",)),
        Group("beta", Localized("Beta", "Beta")),
    ),
    roles=(
        Role(
            key="ordforande",
            scope="group",
            title=Localized("Ordförande", "Chair"),
            duties=Localized(("Leder gruppen.",), ("Leads the group.",)),
            synonyms=Localized(("ledare",), ("lead",)),
        ),
        Role(
            key="styrelsen",
            scope="network",
            title=Localized("Styrelsen", "The board"),
            duties=Localized((), ()),
            ask_instead=("ordforande",),
        ),
    ),
    assignments=(
        Assignment(
            "ordforande",
            SARA,
            group_key="alfa",
            term_start=date(2026, 1, 1),
            term_end=date(2026, 12, 31),
        ),
        Assignment("ordforande", Person("Olle Ek"), group_key="alfa", deputy=True),
        Assignment(
            "styrelsen",
            Person("Åsa Öberg", entra_object_id="0f8fad5b-d9cb-469f-a165-70867728950e"),
        ),
    ),
    ask_instead=("ordforande",),
)


def minimal_network(key: str, *holders: Person, role_key: str = "kontakt") -> Network:
    """A network with one network role held by `holders`, in that order."""
    return Network(
        key=key,
        name=Localized(key.title(), key.title()),
        roles=(Role(role_key, "network", Localized("Kontakt", "Contact"), Localized((), ())),),
        assignments=tuple(Assignment(role_key, person) for person in holders),
    )


# --- generated registries -----------------------------------------------------------------

# Any printable text, with line breaks and tabs, and never blank (names must not be).
_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t"),
    min_size=1,
    max_size=12,
).filter(str.strip)
_words = st.lists(_text, max_size=3).map(tuple)
_key = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_email = st.from_regex(r"[a-zA-Z0-9._%+-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,4}", fullmatch=True)
_person = st.builds(
    Person,
    name=_text,
    email=st.none() | _email,
    entra_object_id=st.none() | st.uuids().map(str),
)


def _distinct_persons(persons: list[Person]) -> list[Person]:
    distinct: list[Person] = []
    for person in persons:
        if not any(same_person(person, other) for other in distinct):
            distinct.append(person)
    return distinct


@st.composite
def _network(draw: st.DrawFn, key: str, persons: list[Person]) -> Network:
    groups = draw(
        st.lists(
            st.builds(Group, key=_key, name=st.builds(Localized, _text, _text), aliases=_words),
            max_size=3,
            unique_by=lambda g: g.key,
        )
    )
    roles = draw(
        st.lists(
            st.builds(
                Role,
                key=_key,
                scope=st.sampled_from(["group", "network"] if groups else ["network"]),
                title=st.builds(Localized, _text, _text),
                duties=st.builds(Localized, _words, _words),
                synonyms=st.builds(Localized, _words, _words),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda r: r.key,
        )
    )
    role_keys = [role.key for role in roles]
    roles = [
        replace(role, ask_instead=tuple(draw(st.lists(st.sampled_from(role_keys), max_size=2))))
        for role in roles
    ]
    assignments = []
    for _ in range(draw(st.integers(0, 5))):
        role = draw(st.sampled_from(roles))
        start = draw(st.none() | st.dates(date(2000, 1, 1), date(2040, 1, 1)))
        length = draw(st.none() | st.integers(0, 800))
        assignments.append(
            Assignment(
                role_key=role.key,
                person=draw(st.sampled_from(persons)),
                group_key=draw(st.sampled_from(groups)).key if role.scope == "group" else None,
                deputy=draw(st.booleans()),
                term_start=start,
                term_end=(start or date(2030, 1, 1)) + timedelta(days=length)
                if length is not None
                else None,
            )
        )
    description = draw(
        st.just(Localized("", "")) | st.builds(Localized, _text | st.just(""), _text)
    )
    return Network(
        key=key,
        name=draw(st.builds(Localized, _text, _text)),
        description=description,
        aliases=draw(_words),
        groups=tuple(groups),
        roles=tuple(roles),
        assignments=tuple(assignments),
        ask_instead=tuple(draw(st.lists(st.sampled_from(role_keys), max_size=2))),
    )


@st.composite
def registries(draw: st.DrawFn) -> RoleRegistry:
    """Valid registries: any texts, keys, holders, deputies and terms the format allows."""
    persons = _distinct_persons(draw(st.lists(_person, min_size=1, max_size=6)))
    keys = draw(st.lists(_key, min_size=1, max_size=3, unique=True))
    return RoleRegistry(tuple(draw(_network(key, persons)) for key in keys))
