"""The packages are layers (docs/architecture.md): each imports only those below it.

The contracts live in pyproject.toml (`[tool.importlinter]`); `lint-imports` checks them
against the code's real imports, so an import against the direction fails here, naming
the importing module, the imported one and the line.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["root_packages"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_layer_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_against_the_layers_fails_and_names_the_import(tmp_path):
    """The check is not a formality: the domain importing storage is reported."""
    for package in root_packages():
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "domain" / "back_edge.py").write_text(
        "from storage.database import Database\n", encoding="utf-8"
    )

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "domain.back_edge -> storage.database (l.1)" in result.stdout


def test_nothing_imports_the_composition_root():
    """app.py builds everything; a module importing it would tie a layer to all of them."""
    importers = []
    for package in root_packages():
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                if "app" in names:
                    importers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert importers == []


def test_every_package_is_under_the_contracts():
    """A new top-level package joins the contracts, or its imports would go unchecked."""
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert packages == set(root_packages())
