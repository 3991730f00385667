"""A small role registry for the answering tests, written out in Python.

Two networks shaped like the shipped ones but worded independently of data/networks/, so that
the tests pin the matching logic, not the wording of the shipped files: an expert network with
groups and group-scope roles, and an e-council with network-scope roles only. Holders cover
the cases a member notices: current, expired, not yet started, deputy and vacant.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.registry import Assignment, Group, Localized, Network, Person, Role, RoleRegistry

TODAY = date(2026, 3, 2)


def _role(key, scope, title, duties, synonyms=((), ()), ask_instead=()):
    return Role(
        key=key,
        scope=scope,
        title=Localized(*title),
        duties=Localized(tuple(duties[0]), tuple(duties[1])),
        synonyms=Localized(tuple(synonyms[0]), tuple(synonyms[1])),
        ask_instead=tuple(ask_instead),
    )


def _holder(role, name, email=None, group=None, deputy=False, start=None, end=None):
    return Assignment(
        role_key=role,
        person=Person(name=name, email=email),
        group_key=group,
        deputy=deputy,
        term_start=start,
        term_end=end,
    )


EXPERT_ROLES = (
    _role(
        "ordforande",
        "group",
        ("Ordförande", "Chair"),
        (
            [
                "Leder expertgruppens arbete och är gruppens kontakt mot styrelsen.",
                "Fördelar ansvarsområdena inom gruppen.",
            ],
            [
                "Leads the expert group's work and is its contact towards the board.",
                "Distributes the responsibilities within the group.",
            ],
        ),
        ask_instead=["styrelsens_kontaktperson"],
    ),
    _role(
        "sekreterare",
        "group",
        ("Sekreterare", "Secretary"),
        (
            ["Dokumenterar varje möte och sparar protokollet."],
            ["Documents every meeting and files the minutes."],
        ),
    ),
    _role(
        "motesansvarig",
        "group",
        ("Mötesansvarig", "Meeting organiser"),
        (
            [
                "Bokar möteslokaler för kommande år.",
                "Stämmer av antal deltagare och allergier med eventbyrån inför mötena.",
            ],
            [
                "Books meeting rooms for the coming year.",
                "Checks the number of participants and allergies with the event agency.",
            ],
        ),
    ),
    _role(
        "medlemsansvarig",
        "group",
        ("Medlemsansvarig", "Membership officer"),
        (
            ["Håller gruppens medlemsregister uppdaterat."],
            ["Keeps the group's member register up to date."],
        ),
    ),
    _role(
        "ekonomiansvarig",
        "group",
        ("Ekonomiansvarig", "Finance officer"),
        (
            ["Ansvarar för gruppens budget och utlägg."],
            ["Responsible for the group's budget and expenses."],
        ),
        ask_instead=["ordforande"],
    ),
    _role(
        "styrelsen",
        "network",
        ("Styrelsen", "The board"),
        (
            ["Beslutar om extra medel till utvecklingsprojekt."],
            ["Decides on extra funds for development projects."],
        ),
    ),
    _role(
        "styrelsens_kontaktperson",
        "network",
        ("Styrelsens kontaktperson", "The board's contact person"),
        (
            ["Tar emot expertgruppernas frågor till styrelsen och förslag på förbättringar."],
            ["Receives the expert groups' questions to the board and suggestions for improvement."],
        ),
    ),
)

EXPERT = Network(
    key="expert",
    name=Localized("Expertnätverket", "The expert network"),
    aliases=("expertnätverket", "expert network"),
    ask_instead=("ordforande", "styrelsens_kontaktperson"),
    groups=(
        Group("logistik", Localized("Logistik", "Logistics"), ("logistikgruppen",)),
        Group("maltider", Localized("Måltider", "Meals"), ("måltidsgruppen",)),
        Group("lokalvard", Localized("Lokalvård", "Cleaning"), ()),
    ),
    roles=EXPERT_ROLES,
    assignments=(
        _holder(
            "ordforande",
            "Olle Gammal",
            "olle.gammal@region.example",
            "logistik",
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
        ),
        _holder(
            "ordforande",
            "Anna Berg",
            "anna.berg@region.example",
            "logistik",
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
        ),
        _holder("ordforande", "Karin Ek", "karin.ek@region.example", "maltider"),
        _holder(
            "ordforande", "Nils Ny", "nils.ny@region.example", "lokalvard", start=date(2026, 6, 1)
        ),
        _holder("sekreterare", "Lena Holm", "lena.holm@region.example", "logistik"),
        _holder("sekreterare", "Per Sund", "per.sund@region.example", "logistik", deputy=True),
        _holder("motesansvarig", "Maja Lind", None, "logistik"),
        _holder(
            "ekonomiansvarig",
            "Sven Åberg",
            "sven.aberg@region.example",
            "logistik",
            start=date(2024, 1, 1),
            end=date(2025, 12, 31),
        ),
        _holder("styrelsens_kontaktperson", "Eva Styr", "eva.styr@region.example"),
    ),
)

COUNCIL = Network(
    key="council",
    name=Localized("Fyrbodals e-råd", "Fyrbodal e-council"),
    aliases=("e-rådet", "fyrbodal", "e-council"),
    ask_instead=("processledare",),
    roles=(
        _role(
            "ordforande",
            "network",
            ("Ordförande", "Chair"),
            (["Leder rådets möten."], ["Leads the council's meetings."]),
        ),
        _role(
            "vice_ordforande",
            "network",
            ("Vice ordförande", "Vice chair"),
            (["Ersätter ordföranden vid förhinder."], ["Stands in for the chair."]),
        ),
        _role(
            "processledare",
            "network",
            ("Processledare", "Process leader"),
            (
                ["Kallar till rådets möten och publicerar handlingar på hemsidan."],
                ["Calls the council's meetings and publishes documents on the website."],
            ),
        ),
        _role(
            "sekreterare",
            "network",
            ("Sekreterare", "Secretary"),
            (["För anteckningar under mötet."], ["Takes notes during the meeting."]),
        ),
    ),
    assignments=(
        _holder("ordforande", "Henrik Röste", "henrik.roste@kommun.example"),
        _holder("processledare", "Sara Herrman", "sara.herrman@kommun.example"),
    ),
)

REGISTRY = RoleRegistry((EXPERT, COUNCIL))


def with_role(registry: RoleRegistry, network_key: str, role: Role) -> RoleRegistry:
    """The registry with `role` added to one network: how an administrator extends the data."""
    networks = tuple(
        replace(n, roles=(*n.roles, role)) if n.key == network_key else n for n in registry.networks
    )
    return RoleRegistry(networks)
