"""Questions members have asked, each labelled with the roles that rightly answer it.

A network's example questions are data, like its roles: a new network answers from its
roles' titles and duties alone, and answers situations told in members' own words better
once it has examples. The role keys are the registry's stable keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExampleQuestion:
    """One question as a member wrote it, and the roles that answer it (best first)."""

    network_key: str
    text: str
    role_keys: tuple[str, ...]
