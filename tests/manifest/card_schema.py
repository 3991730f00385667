"""Check Adaptive Cards the way Teams reads them, for any test that builds a card.

    from tests.manifest.card_schema import validate_card
    validate_card(card)          # raises CardInvalid listing every problem

No npm package ships the Adaptive Card 1.5 JSON schema (see manifest/README.md for what
was searched), so the check runs Microsoft's own Adaptive Cards parser (`adaptivecards`,
pinned in tests/node/package.json) under Node.js, targeting version 1.5 with Teams' limit
of six actions: unknown element and action types, invalid property values, missing
required properties, too many actions, a version above 1.5, and every property the
parser does not know (typos the parser itself would silently drop) are reported.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.manifest.node_deps import NODE_DIR, require_node_modules

VALIDATOR = NODE_DIR / "validate-card.cjs"


class CardInvalid(AssertionError):
    """A card Teams would not show as built; `problems` lists each reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid Adaptive Card:\n" + "\n".join(f"  - {p}" for p in problems))


def card_problems(cards: list[dict[str, Any]]) -> list[list[str]]:
    """Every problem of each card, in order; an empty list for a valid card."""
    require_node_modules(needs_node=True)
    result = subprocess.run(
        ["node", str(VALIDATOR)],
        input=json.dumps(cards),
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{VALIDATOR.name} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def validate_card(card: dict[str, Any]) -> None:
    """Raise CardInvalid if Teams' Adaptive Cards 1.5 renderer would not accept `card` as is."""
    (problems,) = card_problems([card])
    if problems:
        raise CardInvalid(problems)
