"""Network data files: what loads, what is refused and why, and what an export writes."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from domain.registry import RoleRegistry
from storage.registry_files import (
    RegistryFileError,
    dump,
    load_directory,
    load_file,
    load_network_document,
    write_file,
)
from tests.storage.registries import (
    SAMPLE_NETWORK,
    SAMPLE_YAML,
    SHIPPED_NETWORKS,
    registries,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_network_file_loads_into_the_registry_it_describes(tmp_path: Path) -> None:
    registry = load_file(write(tmp_path / "testnet.yaml", SAMPLE_YAML))

    assert registry == RoleRegistry((SAMPLE_NETWORK,))


def test_an_export_loads_back_as_the_same_registry(tmp_path: Path) -> None:
    registry = RoleRegistry((SAMPLE_NETWORK,))

    write_file(registry, tmp_path / "export.yaml")

    assert load_file(tmp_path / "export.yaml") == registry
    assert [p.name for p in tmp_path.iterdir()] == ["export.yaml"]  # no temporary left behind


def test_an_export_is_a_networks_document_written_like_the_hand_written_files() -> None:
    text = dump(RoleRegistry((SAMPLE_NETWORK,)))

    assert text.startswith("networks:\n  - key: testnet\n")
    assert "    name: {sv: Testnätet, en: The test network}\n" in text
    assert "        term_start: 2026-01-01\n" in text
    assert "deputy: false" not in text and "group: null" not in text


@settings(max_examples=60, deadline=None)
@given(registries())
def test_any_valid_registry_survives_dump_and_load(registry: RoleRegistry) -> None:
    assert load_file_text(dump(registry)) == registry


def load_file_text(text: str) -> RoleRegistry:
    # Through a real file, as `registry import` reads it; hypothesis calls this many times
    # within one test, so `tmp_path` would be shared.
    with tempfile.TemporaryDirectory() as directory:
        return load_file(write(Path(directory) / "networks.yaml", text))


def test_the_shipped_networks_load_and_export_stably(tmp_path: Path) -> None:
    shipped = load_directory(SHIPPED_NETWORKS)
    assert {"bestservice", "erad", "arbetsgrupp", "lansprojekt"} <= set(shipped.keys())

    exported = dump(shipped)
    reloaded = load_file(write(tmp_path / "export.yaml", exported))

    assert reloaded == shipped
    assert dump(reloaded) == exported


def test_a_folder_loads_its_yaml_files_in_name_order(tmp_path: Path) -> None:
    second = SAMPLE_YAML.replace("key: testnet", "key: zeta")
    write(tmp_path / "b.yaml", SAMPLE_YAML)
    write(tmp_path / "a.yaml", second)
    write(tmp_path / "notes.txt", "not a network")

    assert load_directory(tmp_path).keys() == ("zeta", "testnet")


def test_a_file_may_hold_several_networks(tmp_path: Path) -> None:
    other = yaml.safe_load(SAMPLE_YAML) | {"key": "other"}
    document = {"networks": [yaml.safe_load(SAMPLE_YAML), other]}

    registry = load_file(write(tmp_path / "all.yaml", yaml.safe_dump(document)))

    assert registry.keys() == ("testnet", "other")


def test_a_parsed_document_loads_and_its_errors_name_the_source() -> None:
    document = yaml.safe_load(SAMPLE_YAML)
    assert load_network_document(document, "admin card") == SAMPLE_NETWORK

    del document["roles"][0]["scope"]
    with pytest.raises(RegistryFileError) as error:
        load_network_document(document, "admin card")
    assert str(error.value) == "admin card: roles[0].scope: missing required field"


# --- refused files ------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the sample document: set, add or (with `...`) delete the value at `path`."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = document
        for part in parents:
            target = target[part]
        if value is ...:
            del target[last]
        elif isinstance(target, list) and last == len(target):
            target.append(value)
        else:
            target[last] = value

    return change


REFUSED = {
    "unknown field (typo)": (
        _set("roles.0.synonym", {"sv": ["x"], "en": ["y"]}),
        "roles[0].synonym",
        "unknown field 'synonym'; did you mean 'synonyms'?",
    ),
    "unknown top-level field": (_set("holder", []), "holder", "did you mean 'holders'?"),
    "a holder's private phone number": (
        _set("holders.0.phone", "070-123 45 67"),
        "holders[0].phone",
        "'phone': the registry keeps no private contact details (data protection)",
    ),
    "a holder's home address": (
        _set("holders.0.hemadress", "Storgatan 1"),
        "holders[0].hemadress",
        "give only name, work e-mail or Entra object id",
    ),
    "missing required field": (_set("roles.1.title.en", ...), "roles[1].title.en", "missing"),
    "missing network key": (_set("key", ...), "key", "missing required field"),
    "empty name": (_set("groups.1.name.sv", "  "), "groups[1].name.sv", "must not be empty"),
    "not text": (_set("name.en", 42), "name.en", "must be text; got 42"),
    "not a mapping": (_set("name", "Testnätet"), "name", "must be a mapping with sv, en"),
    "bad key syntax": (_set("groups.1.key", "Beta grupp"), "groups[1].key", "not a valid key"),
    "bad network key": (_set("key", "test-net"), "key", "'test-net' is not a valid key"),
    "duplicate group key": (
        _set("groups.1.key", "alfa"),
        "groups[1].key",
        "duplicate group key 'alfa' (first at groups[0])",
    ),
    "duplicate role key": (
        _set("roles.2", yaml.safe_load(SAMPLE_YAML)["roles"][0]),
        "roles[2].key",
        "duplicate role key 'ordforande' (first at roles[0])",
    ),
    "scope neither group nor network": (
        _set("roles.0.scope", "grupp"),
        "roles[0].scope",
        "must be 'group' or 'network', not 'grupp'",
    ),
    "holder of an unknown role": (
        _set("holders.0.role", "ordförande"),
        "holders[0].role",
        "unknown role 'ordförande'; did you mean 'ordforande'?",
    ),
    "holder in an unknown group": (
        _set("holders.0.group", "gamma"),
        "holders[0].group",
        "unknown group 'gamma'",
    ),
    "group role held without a group": (
        _set("holders.1.group", ...),
        "holders[1].group",
        "role 'ordforande' is held per group; give one of alfa, beta",
    ),
    "network role held in a group": (
        _set("holders.2.group", "alfa"),
        "holders[2].group",
        "role 'styrelsen' is a network role: remove the group",
    ),
    "malformed e-mail": (
        _set("holders.0.email", "sara(at)example.org"),
        "holders[0].email",
        "'sara(at)example.org' is not an e-mail address",
    ),
    "malformed Entra object id": (
        _set("holders.2.entra_object_id", "asa"),
        "holders[2].entra_object_id",
        "not an Entra object id",
    ),
    "deputy not true/false": (
        _set("holders.1.deputy", "ja"),
        "holders[1].deputy",
        "must be true or false",
    ),
    "term ends before it starts": (
        _set("holders.0.term_end", "2025-12-31"),
        "holders[0].term_end",
        "term_end 2025-12-31 is before term_start 2026-01-01",
    ),
    "date not ISO": (
        _set("holders.0.term_start", "1/1/2026"),
        "holders[0].term_start",
        "'1/1/2026' is not a date in ISO form (YYYY-MM-DD)",
    ),
    "date that does not exist": (
        _set("holders.0.term_start", "2026-02-30"),
        "holders[0].term_start",
        "'2026-02-30' is not a date",
    ),
    "network ask_instead names an unknown role": (
        _set("ask_instead", ["ordforande", "kassor"]),
        "ask_instead[1]",
        "unknown role 'kassor'",
    ),
    "role ask_instead names an unknown role": (
        _set("roles.1.ask_instead", ["ordforande", "sekreterare"]),
        "roles[1].ask_instead[1]",
        "unknown role 'sekreterare'",
    ),
    "one person with two names": (
        _set("holders.1.email", "SARA@example.org"),
        "holders[1]",
        "'Olle Ek' (SARA@example.org) is the same person as 'Sara Herrman' (sara@example.org) "
        "at holders[0] (line",
    ),
}


@pytest.mark.parametrize("change, place, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_wrong_file_is_refused_naming_file_place_and_problem(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], place: str, message: str
) -> None:
    document = copy.deepcopy(yaml.safe_load(SAMPLE_YAML))
    change(document)
    path = write(tmp_path / "testnet.yaml", yaml.safe_dump(document, allow_unicode=True))

    with pytest.raises(RegistryFileError) as error:
        load_file(path)

    [problem] = error.value.problems
    assert problem.source == str(path)
    assert problem.place == place
    assert message in problem.message
    assert str(error.value).startswith(f"{path}:{problem.line}: {place}: ")


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    text = SAMPLE_YAML.replace("scope: network", "scope: natverk").replace(
        "email: sara@example.org", "email: sara"
    )
    path = write(tmp_path / "testnet.yaml", text)

    with pytest.raises(RegistryFileError) as error:
        load_file(path)

    assert str(error.value).splitlines() == [
        f"{path}:23: roles[1].scope: must be 'group' or 'network', not 'natverk'",
        f"{path}:33: holders[0].email: 'sara' is not an e-mail address",
    ]


def test_a_mistake_in_one_field_hides_none_of_the_others_in_the_same_item(tmp_path: Path) -> None:
    document = yaml.safe_load(SAMPLE_YAML)
    document["roles"][1] |= {"scope": "natverk", "ask_instead": ["kassor"]}
    document["holders"][0] |= {"email": "sara", "term_end": "2025-12-31"}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    path = write(tmp_path / "testnet.yaml", text)

    with pytest.raises(RegistryFileError) as error:
        load_file(path)

    assert [(p.place, p.message.split(";")[0]) for p in error.value.problems] == [
        ("roles[1].scope", "must be 'group' or 'network', not 'natverk'"),
        ("roles[1].ask_instead[0]", "unknown role 'kassor'"),
        ("holders[0].email", "'sara' is not an e-mail address"),
        ("holders[0].term_end", "term_end 2025-12-31 is before term_start 2026-01-01"),
    ]
    assert all(p.line is not None for p in error.value.problems)


def test_a_key_given_twice_in_a_networks_file_names_the_first_by_its_full_place(
    tmp_path: Path,
) -> None:
    broken = yaml.safe_load(SAMPLE_YAML) | {"key": "other"}
    broken["groups"][1]["key"] = "alfa"
    document = {"networks": [yaml.safe_load(SAMPLE_YAML), broken]}
    path = write(tmp_path / "all.yaml", yaml.safe_dump(document, allow_unicode=True))

    with pytest.raises(RegistryFileError) as error:
        load_file(path)

    [problem] = error.value.problems
    assert str(problem) == (
        f"{path}:{problem.line}: networks[1].groups[1].key: "
        "duplicate group key 'alfa' (first at networks[1].groups[0])"
    )


def test_a_key_given_twice_in_one_mapping_is_refused(tmp_path: Path) -> None:
    beta = "    name: {sv: Beta, en: Beta}\n"
    text = SAMPLE_YAML.replace(beta, beta + beta)

    with pytest.raises(RegistryFileError) as error:
        load_file(write(tmp_path / "testnet.yaml", text))

    [problem] = error.value.problems
    assert (problem.line, problem.place) == (12, "groups[1].name")
    assert problem.message == "'name' is given twice (first on line 11)"


def test_a_network_in_a_networks_file_is_placed_by_its_index(tmp_path: Path) -> None:
    broken = yaml.safe_load(SAMPLE_YAML) | {"key": "other"}
    broken["roles"][0]["title"] = {"sv": "Ordförande"}
    document = {"networks": [yaml.safe_load(SAMPLE_YAML), broken]}

    with pytest.raises(RegistryFileError) as error:
        load_file(write(tmp_path / "all.yaml", yaml.safe_dump(document, allow_unicode=True)))

    assert [p.place for p in error.value.problems] == ["networks[1].roles[0].title.en"]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("key: testnet\nname: {sv: x, en: [y}\n", 2, "not valid YAML"),
        ("", None, "the file is empty"),
        ("- just\n- a list\n", 1, "must be a mapping with key, name"),
    ],
    ids=["syntax error", "empty file", "not a mapping"],
)
def test_a_file_that_is_no_network_document_is_refused(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    with pytest.raises(RegistryFileError) as error:
        load_file(write(tmp_path / "testnet.yaml", text))

    [problem] = error.value.problems
    assert problem.line == line
    assert message in problem.message


def test_the_same_network_in_two_files_is_refused_naming_both(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", SAMPLE_YAML)
    write(tmp_path / "b.yaml", SAMPLE_YAML)

    with pytest.raises(RegistryFileError) as error:
        load_directory(tmp_path)

    [problem] = error.value.problems
    assert problem.source == str(tmp_path / "b.yaml")
    assert f"duplicate network key 'testnet' (also at {tmp_path / 'a.yaml'}:1 key)" in (
        problem.message
    )


def test_one_person_told_differently_in_two_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", SAMPLE_YAML)
    write(
        tmp_path / "b.yaml",
        SAMPLE_YAML.replace("key: testnet", "key: other").replace("Sara Herrman", "Sara H."),
    )

    with pytest.raises(RegistryFileError) as error:
        load_directory(tmp_path)

    [problem] = error.value.problems
    assert (problem.source, problem.place) == (str(tmp_path / "b.yaml"), "holders[0]")
    assert f"same person as 'Sara Herrman' (sara@example.org) at {tmp_path / 'a.yaml'}:" in (
        problem.message
    )


def test_a_missing_folder_or_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryFileError, match="not a folder"):
        load_directory(tmp_path / "nowhere")
    with pytest.raises(RegistryFileError, match="cannot read the file"):
        load_file(tmp_path / "nowhere.yaml")
