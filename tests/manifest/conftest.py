"""Shared inputs for the manifest tests, and Microsoft's schemas from tests/node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from manifest.package import render_manifest
from tests.manifest.node_deps import require_node_modules

APP_ID = "0b5f7c1e-2d3a-4c8b-9e6f-1a2b3c4d5e6f"
HOST = "samverkan.example.se"


def teams_schema(manifest_version: str, file_name: str) -> dict[str, Any]:
    """One of the JSON schemas @microsoft/app-manifest ships for a manifest version."""
    schemas = require_node_modules() / "@microsoft/app-manifest/build/json-schemas/teams"
    path: Path = schemas / f"v{manifest_version}" / file_name
    assert path.is_file(), f"@microsoft/app-manifest has no {path.relative_to(schemas)}"
    return json.loads(path.read_text(encoding="utf-8"))


def validation_errors(schema: dict[str, Any], document: Any) -> list[str]:
    """Every error of `document` against a Draft 4 `schema`, one readable line each.

    The Teams schemas only $ref into themselves; jsonschema never fetches a remote $ref
    (it has no retriever configured), so this stays offline.
    """
    validator = Draft4Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


@pytest.fixture
def manifest() -> dict[str, Any]:
    return render_manifest(APP_ID, HOST, version="1.2.3")
