"""The settings table is one table: README.md's "Configuration" and docs/deployment.md's
"Settings" are the same rows, and together they name every variable `bot/settings.py`
reads, so an operator never meets a setting that no table explains."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


class RecordingEnvironment(dict[str, str]):
    """An empty environment that notes every variable asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)


def settings_table(path: Path, heading: str) -> list[str]:
    """The rows of the first table after `heading` in the Markdown file at `path`."""
    text = path.read_text(encoding="utf-8")
    start = text.index(heading)
    rows: list[str] = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|"):
            rows.append(line.strip())
        elif rows:
            break
    return rows


def variables(rows: list[str]) -> set[str]:
    """The variable names in the first column of each row (`NAME`, `OTHER`)."""
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


README_ROWS = settings_table(ROOT / "README.md", "## Configuration")
DEPLOYMENT_ROWS = settings_table(ROOT / "docs" / "deployment.md", "## 4. Settings")


def test_the_deployment_guide_has_the_readme_settings_table_row_for_row() -> None:
    only_readme = [row for row in README_ROWS if row not in DEPLOYMENT_ROWS]
    only_deployment = [row for row in DEPLOYMENT_ROWS if row not in README_ROWS]
    assert not only_readme and not only_deployment, (
        "README.md and docs/deployment.md must have the same settings table; copy these rows:\n"
        + "\n".join(f"only in README.md: {row}" for row in only_readme)
        + "\n".join(f"only in docs/deployment.md: {row}" for row in only_deployment)
    )
    assert README_ROWS == DEPLOYMENT_ROWS  # and in the same order


def test_every_variable_the_settings_read_is_in_the_table() -> None:
    environment = RecordingEnvironment()
    Settings.from_mapping(environment)

    assert len(environment.asked) > 20  # the recording sees the reads
    missing = environment.asked - variables(README_ROWS)
    assert not missing, f"bot/settings.py reads {sorted(missing)}, which the table lacks"
