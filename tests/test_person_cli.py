"""`person export|erase` finds every person the registry holds: by e-mail, by Entra object
id and by name (the shipped e-council data registers its people by name alone). A name
that several people share lists them and erases none. Through the command line's own
parser and command function, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import wiring
from bot.settings import Settings
from cli.commands import person_command
from cli.main import build_parser
from tests.bot.conftest import SHIPPED_NETWORKS

ENTRA_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
# Another Henrik Röste, with an e-mail, beside the e-council's (registered by name only).
EXTRA_HOLDERS = f"""
  - role: motesansvarig
    group: logistik
    name: Henrik Röste
    email: henrik.roste@region.example
  - role: sekreterare
    group: logistik
    name: Lea Ström
    entra_object_id: {ENTRA_ID}
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The shipped networks plus EXTRA_HOLDERS in Best Service, on each database."""
    networks = tmp_path / "networks"
    shutil.copytree(SHIPPED_NETWORKS, networks)
    with (networks / "bestservice.yaml").open("a", encoding="utf-8") as data_file:
        data_file.write("\nholders:" + EXTRA_HOLDERS)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    else:
        url = request.getfixturevalue("empty_postgres_url")
    return Settings(database_url=url, networks_dir=networks, scheduler_interval_seconds=0)


@pytest.fixture(autouse=True)
def root_level() -> Iterator[None]:
    """The command quiets the root logger, as a process would; put it back afterwards."""
    level = logging.getLogger().level
    yield
    logging.getLogger().setLevel(level)


def person(settings: Settings, capsys, *argv: str) -> tuple[int, str, str]:
    """Run `app.py person ARGV…`; its exit code, standard output and standard error."""
    code = person_command(settings, build_parser().parse_args(["person", *argv]), wiring())
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_person_registered_by_name_only_is_exported_and_erased_by_name(settings, capsys):
    code, out, _ = person(settings, capsys, "export", "--name", "sara herrman")

    assert code == 0
    exported = json.loads(out)
    assert exported["person"] == {"name": "Sara Herrman", "email": None, "entra_object_id": None}
    assert [(r["network"], r["role"]) for r in exported["roles"]] == [("erad", "processledare")]

    code, out, err = person(settings, capsys, "erase", "--name", "Sara Herrman")

    assert code == 0
    assert out.startswith("erased --name Sara Herrman:") and '"roles": 1' in out
    assert "still in the data files" in err  # the shipped file would bring her back
    code, out, _ = person(settings, capsys, "export", "--name", "Sara Herrman")
    assert (code, json.loads(out)["person"], json.loads(out)["roles"]) == (0, None, [])


def test_a_person_is_found_by_entra_object_id_in_any_case(settings, capsys):
    code, out, _ = person(settings, capsys, "export", "--entra-id", ENTRA_ID.upper())

    assert code == 0
    assert json.loads(out)["person"]["name"] == "Lea Ström"

    code, out, _ = person(settings, capsys, "erase", "--entra-id", ENTRA_ID)

    assert code == 0 and '"roles": 1' in out
    code, out, _ = person(settings, capsys, "export", "--name", "Lea Ström")
    assert json.loads(out)["roles"] == []


def test_a_shared_name_lists_the_people_and_erases_none(settings, capsys):
    code, out, err = person(settings, capsys, "erase", "--name", "Henrik Röste")

    assert (code, out) == (2, "")
    assert "2 people are named 'Henrik Röste'; nothing was erased" in err
    assert "Henrik Röste <henrik.roste@region.example>" in err
    assert "Henrik Röste (registered by name only)" in err
    # Both still hold their roles.
    code, out, _ = person(settings, capsys, "export", "--email", "henrik.roste@region.example")
    assert [r["role"] for r in json.loads(out)["roles"]] == ["motesansvarig"]
    code, out, err = person(settings, capsys, "export", "--name", "henrik röste")
    assert (code, out) == (2, "") and "nothing was exported" in err


def test_exactly_one_way_of_naming_the_person_is_required(settings, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["person", "export"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["person", "erase", "--name", "A", "--email", "a@b.example"])
