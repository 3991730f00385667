"""Example-question files: the shipped ones name real roles; a wrong one is reported whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_EXAMPLES_DIR, DEFAULT_NETWORKS_DIR
from storage.registry_files import RegistryFileError, load_directory, load_examples


def test_every_shipped_example_names_a_network_and_roles_the_shipped_data_has():
    registry = load_directory(DEFAULT_NETWORKS_DIR)
    examples = load_examples(DEFAULT_EXAMPLES_DIR)

    assert {e.network_key for e in examples} == set(registry.keys())
    unknown = [
        (e.network_key, key, e.text)
        for e in examples
        for key in e.role_keys
        if key not in {role.key for role in registry.network(e.network_key).roles}
    ]
    assert unknown == []


def test_a_missing_folder_holds_no_examples(tmp_path: Path):
    assert load_examples(tmp_path / "none here") == ()


def test_every_problem_of_every_file_is_reported_with_its_place(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "network: forening\n"
        "examples:\n"
        "  - {question: 'Vem har nyckeln?', roles: [vaktmastare]}\n"
        "  - {question: '', roles: [kassor]}\n"
        "  - {question: 'Vem betalar?', roles: []}\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text("examples: [\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("examples: []\n", encoding="utf-8")

    with pytest.raises(RegistryFileError) as raised:
        load_examples(tmp_path)

    reported = [str(problem) for problem in raised.value.problems]
    assert reported[0].endswith("a.yaml: examples[1]: `question` must be a text")
    assert reported[1].endswith("a.yaml: examples[2]: `roles` must list one or more role keys")
    assert "b.yaml:" in reported[2] and "not valid YAML" in reported[2]
    assert reported[3].endswith("c.yaml: network: give the network's key")
    assert len(reported) == 4


def test_a_role_may_be_written_bare(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "network: forening\nexamples:\n  - {question: ' Vem har nyckeln? ', roles: vaktmastare}\n",
        encoding="utf-8",
    )

    [example] = load_examples(tmp_path)

    assert (example.network_key, example.text, example.role_keys) == (
        "forening", "Vem har nyckeln?", ("vaktmastare",)
    )
