"""A small network with every kind of wheel rule, for the scheduler and dialog tests."""

from __future__ import annotations

from datetime import datetime

import yaml

from domain.meetings import Meeting
from domain.recurrence import aware
from domain.registry import Network
from storage.registry_files import load_network_document

CHAIR_ALFA_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
ADMIN_ID = "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"

WHEEL_YAML = f"""\
key: testnet
name: {{sv: Testnätet, en: The test network}}
groups:
  - key: alfa
    name: {{sv: Alfa, en: Alpha}}
  - key: beta
    name: {{sv: Beta, en: Beta}}
  - key: beredning
    name: {{sv: Beredningen, en: Preparation}}
roles:
  - key: ordforande
    scope: group
    title: {{sv: Ordförande, en: Chair}}
    duties: {{sv: [], en: []}}
  - key: processledare
    scope: network
    title: {{sv: Processledare, en: Process leader}}
    duties: {{sv: [], en: []}}
holders:
  - role: ordforande
    group: alfa
    name: Åsa Öberg
    email: asa@example.org
    entra_object_id: {CHAIR_ALFA_ID}
    term_start: 2027-01-01
    term_end: 2027-12-31
  - role: ordforande
    group: beta
    name: Bo Berg
  - role: processledare
    name: Pia Ek
    email: pia@example.org
admins: [pia@example.org]
channels:
  - key: styrelsen
    name: {{sv: Styrelsen, en: The board}}
agenda:
  standing_points:
    - {{sv: Ekonomi, en: Finances}}
    - {{sv: Erfarenhetsutbyte, en: Exchange of experience}}
  reminder_days: [7, 1]
meeting_kinds:
  - key: mote
    name: {{sv: Gruppmöte, en: Group meeting}}
  - key: rad
    name: {{sv: Rådsmöte, en: Council meeting}}
    standing_agenda: false
  - key: beredningsmote
    name: {{sv: Beredningsmöte, en: Preparation meeting}}
    standing_agenda: false
  - key: traff
    name: {{sv: Träff, en: Session}}
    standing_agenda: false
    steps:
      - title: {{sv: Start, en: Start}}
        purpose: {{sv: Vi börjar., en: We start.}}
        homework: {{sv: Läs utkastet., en: Read the draft.}}
      - title: {{sv: Slut, en: End}}
        purpose: {{sv: Vi avslutar., en: We finish.}}
meetings:
  - key: alfa_moten
    group: alfa
    kind: mote
    start: 2027-03-09T10:00
    end: 2027-03-09T16:00
    rrule: FREQ=YEARLY;BYMONTH=3,10;BYDAY=2TU
    mode: physical
    place: Rum 1
  - key: beta_traffar
    group: beta
    kind: traff
    start: 2027-02-03T09:00
    end: 2027-02-03T12:00
    rrule: FREQ=MONTHLY;INTERVAL=2;BYDAY=1WE;COUNT=2
    mode: online
    online_url: https://teams.example.org/m/1
wheel:
  - key: budget
    title: {{sv: Budget klar, en: Budget ready}}
    description: {{sv: Budgeten beslutas i november., en: The budget is decided in November.}}
    responsible: ordforande
    target: each_group
    rrule: FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=31
    lead_days: [30, 7, 0]
  - key: julhalsning
    title: {{sv: Julhälsning till styrelsen, en: Season's greetings to the board}}
    target: styrelsen
    rrule: FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24
    lead_days: [0]
    shift: none
  - key: kallelse
    title: {{sv: Kallelse skickad, en: Notice sent}}
    responsible: processledare
    target: general
    relative_to: {{kind: rad, days: -14}}
    lead_days: [3, 0]
  - key: utkast
    title: {{sv: Utkast utskickat, en: Draft sent}}
    target: each_group
    relative_to: {{kind: traff, days: -7, step: 1}}
    lead_days: [0]
  - key: fysiska
    title: {{sv: Två fysiska möten per år, en: Two meetings in person a year}}
    responsible: ordforande
    target: each_group
    rrule: FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15
    check: {{type: min_meetings, count: 2, kind: mote, mode: physical, year: current}}
  - key: beredning
    title: {{sv: Beredningsmöte före rådsmötet, en: Preparation before the council}}
    responsible: processledare
    target: beredning
    check: {{type: preceded_by, kind: rad, by_kind: beredningsmote, days: 14}}
    lead_days: [7]
  - key: mandat
    title: {{sv: Utse ordförande, en: Appoint a chair}}
    target: each_group
    check: {{type: term_end, role: ordforande}}
    lead_days: [30]
"""

WHEEL_NETWORK: Network = load_network_document(yaml.safe_load(WHEEL_YAML), "wheel test network")


def meeting(
    id: int,
    group: str,
    kind: str,
    start: str,
    *,
    hours: int = 2,
    mode: str = "physical",
    step: int | None = None,
    network: str = "testnet",
) -> Meeting:
    """A stored meeting starting at `start` (Stockholm, `YYYY-MM-DDTHH:MM`)."""
    starts_at = aware(datetime.fromisoformat(start))
    return Meeting(
        id=id,
        network_key=network,
        group_key=group,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at.replace(hour=starts_at.hour + hours),
        mode=mode,  # type: ignore[arg-type]
        step=step,
    )
