"""A large generated registry for the scheduler benches: many groups, monthly meetings.

    .venv/bin/python bench/registry.py OUT_DIR [--groups 1000] [--networks 10]

Writes `--networks` data files into OUT_DIR (an empty folder for `NETWORKS_DIR`) with
`--groups` groups between them. Every group meets monthly (`gruppmote`, alternately in
person and online) and every other group has a preparation meeting (`beredning`) a week
before; each network's wheel has what makes planning work hard: a yearly entry per
group, a "12 meetings in person a year" check on the first of every month, a "preceded by
a preparation meeting" check, a notice two weeks before every meeting and a term-of-office
check. The files load with `storage.registry_files.load_directory`, as the bot loads them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def network_key(number: int) -> str:
    """The key of the generated network `number`."""
    return f"natverk{number:03d}"


def group_key(network: int, group: int) -> str:
    """The key of group `group` of network `network` (unique across the registry)."""
    return f"grupp{network:03d}x{group:04d}"


def _localized(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def network_document(number: int, groups: int) -> dict[str, Any]:
    """One generated network as its data file holds it."""
    keys = [group_key(number, g) for g in range(groups)]
    meetings = []
    for index, key in enumerate(keys):
        meetings.append({
            "key": f"{key}_moten", "group": key, "kind": "gruppmote",
            "start": "2026-01-13T10:00", "end": "2026-01-13T12:00",
            "rrule": "FREQ=MONTHLY;BYDAY=2TU",
            "mode": "physical" if index % 2 == 0 else "online",
        })
        if index % 2 == 0:
            meetings.append({
                "key": f"{key}_beredning", "group": key, "kind": "beredning",
                "start": "2026-01-06T10:00", "end": "2026-01-06T11:00",
                "rrule": "FREQ=MONTHLY;BYDAY=1TU", "mode": "online",
            })
    return {
        "key": network_key(number),
        "name": _localized(f"Nätverk {number}", f"Network {number}"),
        "description": _localized("Ett genererat nätverk.", "A generated network."),
        "groups": [{"key": key, "name": _localized(f"Grupp {key}", f"Group {key}")}
                   for key in keys],
        "roles": [
            {"key": "ordforande", "scope": "group", "title": _localized("Ordförande", "Chair"),
             "duties": {"sv": ["Leder gruppens arbete."], "en": ["Leads the group's work."]}},
            {"key": "processledare", "scope": "network",
             "title": _localized("Processledare", "Process lead"),
             "duties": {"sv": ["Håller ihop nätverket."], "en": ["Holds the network together."]}},
        ],
        "agenda": {"standing_points": [_localized("Ekonomi", "Budget")], "reminder_days": [7]},
        "meeting_kinds": [
            {"key": "gruppmote", "name": _localized("Gruppmöte", "Group meeting")},
            {"key": "beredning", "name": _localized("Beredning", "Preparation")},
        ],
        "meetings": meetings,
        "wheel": [
            {"key": "budget", "title": _localized("Budget klar", "Budget ready"),
             "responsible": "ordforande", "target": "each_group",
             "rrule": "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1", "lead_days": [30, 7, 0]},
            {"key": "fysiska_moten",
             "title": _localized("Tolv fysiska möten per år", "Twelve meetings in person a year"),
             "responsible": "ordforande", "target": "each_group",
             "rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "lead_days": [0],
             "check": {"type": "min_meetings", "count": 12, "kind": "gruppmote",
                       "mode": "physical", "year": "current"}},
            {"key": "beredd",
             "title": _localized("Beredning före gruppmötet", "Preparation before the meeting"),
             "target": "each_group", "lead_days": [7],
             "check": {"type": "preceded_by", "kind": "gruppmote", "by_kind": "beredning",
                       "days": 14}},
            {"key": "kallelse", "title": _localized("Kallelse skickad", "Notice sent"),
             "target": "each_group", "relative_to": {"kind": "gruppmote", "days": -14},
             "lead_days": [3, 0]},
            {"key": "mandat", "title": _localized("Utse ordförande", "Appoint the chair"),
             "target": "each_group", "check": {"type": "term_end", "role": "ordforande"},
             "lead_days": [30, 7]},
        ],
    }


def write_registry(directory: Path, groups: int, networks: int) -> list[Path]:
    """Write the generated networks into `directory`; returns the files."""
    directory.mkdir(parents=True, exist_ok=True)
    per_network = [groups // networks + (1 if n < groups % networks else 0)
                   for n in range(networks)]
    paths = []
    for number, count in enumerate(per_network):
        path = directory / f"{network_key(number)}.yaml"
        path.write_text(yaml.safe_dump(network_document(number, count), allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--networks", type=int, default=10)
    args = parser.parse_args()
    write_registry(args.directory, args.groups, args.networks)
    from storage.registry_files import load_directory

    registry = load_directory(args.directory)
    print(f"{len(registry.networks)} networks, "
          f"{sum(len(n.groups) for n in registry.networks)} groups in {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
