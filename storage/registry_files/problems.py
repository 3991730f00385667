"""What is wrong in a network data file: each finding with its file, line and place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]  # a place in a document: ("roles", 3, "title", "en")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file."""

    source: str
    line: int | None  # 1-based; None when the document came without line numbers
    place: str  # e.g. "roles[3].title.en"; "" for the whole document
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class RegistryFileError(Exception):
    """A network data file cannot be read or is wrong; `problems` lists every finding."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def place(path: KeyPath) -> str:
    """A path as the person editing the file reads it: `roles[3].title.en`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
