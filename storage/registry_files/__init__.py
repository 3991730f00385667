"""Network data files: YAML documents to and from `RoleRegistry`.

A file holds one network document (`key:`, `name:`, `groups:`, `roles:`,
`holders:`, ...) or several as `{networks: [...]}`; `dump` always writes the
latter. The optional planning sections (`admins:`, `channels:`, `agenda:`,
`meeting_kinds:`, `meetings:`, `wheel:`) describe meetings and the annual wheel;
`planning_document` / `read_planning` give them as plain JSON-safe data, which is how
the database stores them. Loading checks everything a person editing the file can get
wrong and raises one `RegistryFileError` listing every problem, each with the file, the
line and the place in the document (`roles[3].title.en`, counting from 0). Order is
kept everywhere, so `load(dump(registry)) == registry`.

- `schema`: the documents as pydantic models, with every check and message;
- `reading`: YAML with line numbers → models → `RoleRegistry`, and the checks across files;
- `writing`: `RoleRegistry` → YAML, and the planning sections as JSON;
- `problems`: `Problem` and `RegistryFileError`;
- `examples`: the example-question files (`data/examples/`), labelled with role keys.
"""

from storage.registry_files.examples import load_examples
from storage.registry_files.problems import Problem, RegistryFileError
from storage.registry_files.reading import (
    PersonDetails,
    load_directory,
    load_file,
    load_network_document,
    read_planning,
    same_person,
)
from storage.registry_files.schema import PLANNING_SECTIONS
from storage.registry_files.writing import dump, planning_document, write_file

__all__ = [
    "PLANNING_SECTIONS",
    "PersonDetails",
    "Problem",
    "RegistryFileError",
    "dump",
    "load_directory",
    "load_examples",
    "load_file",
    "load_network_document",
    "planning_document",
    "read_planning",
    "same_person",
    "write_file",
]
