"""Example-question files: `data/examples/<network>.yaml` → `ExampleQuestion`s.

A file is `{network: <key>, examples: [{question: ..., roles: [<role key>, ...]}, ...]}`.
Loading reports every problem of every file at once, as network files do; a folder that
does not exist holds no examples (a deployment may ship none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.examples import ExampleQuestion
from storage.registry_files.problems import Problem, RegistryFileError

# libyaml's loader when installed: the shipped files hold some two thousand questions.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_examples(folder: str | Path) -> tuple[ExampleQuestion, ...]:
    """The example questions of every `*.yaml` file in `folder`, files in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        return ()
    examples: list[ExampleQuestion] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        file_examples, file_problems = _load_file(path)
        examples += file_examples
        problems += file_problems
    if problems:
        raise RegistryFileError(problems)
    return tuple(examples)


def _load_file(path: Path) -> tuple[list[ExampleQuestion], list[Problem]]:
    source = str(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(source, None, "", f"cannot read the file: {err}")]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return [], [Problem(source, line, "", f"not valid YAML: {getattr(err, 'problem', err)}")]
    if not isinstance(document, dict):
        return [], [Problem(source, None, "", "expected `network:` and `examples:`")]
    network_key = document.get("network")
    if not isinstance(network_key, str) or not network_key.strip():
        return [], [Problem(source, None, "network", "give the network's key")]
    items = document.get("examples")
    if not isinstance(items, list):
        return [], [Problem(source, None, "examples", "expected a list of questions")]
    examples, problems = [], []
    for position, item in enumerate(items):
        example = _example(network_key, item)
        if isinstance(example, str):
            problems.append(Problem(source, None, f"examples[{position}]", example))
        else:
            examples.append(example)
    return examples, problems


def _example(network_key: str, item: Any) -> ExampleQuestion | str:
    """The example, or what is wrong with it."""
    if not isinstance(item, dict):
        return "expected `question:` and `roles:`"
    question, roles = item.get("question"), item.get("roles")
    if not isinstance(question, str) or not question.strip():
        return "`question` must be a text"
    if isinstance(roles, str):
        roles = [roles]
    if (
        not isinstance(roles, list)
        or not roles
        or not all(isinstance(key, str) and key.strip() for key in roles)
    ):
        return "`roles` must list one or more role keys"
    return ExampleQuestion(network_key, question.strip(), tuple(roles))
