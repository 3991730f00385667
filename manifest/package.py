"""Build the Teams app package: the zip an admin uploads to Teams to install the bot.

The package holds exactly `manifest.json`, `en.json` (English texts), `color.png` and
`outline.png`, at the zip root. The manifest is rendered from `manifest.template.json`
with the deployment's values: the bot's app id (its Entra app id, `MicrosoftAppId`), the
public host name the bot and its pages are served from, the app version and who
publishes it. Nothing else goes in: the package is shown to every user who installs the
app, so it never contains a secret, and it is built only from the files in this folder
and the arguments given, never from the environment.

    python app.py package --app-id GUID --host bot.example.se --out samverkan.zip

See manifest/README.md for the choices in the manifest (schema version, permissions).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).resolve().parent
TEMPLATE = MANIFEST_DIR / "manifest.template.json"
PYPROJECT = MANIFEST_DIR.parent / "pyproject.toml"

# The package's files, in the order they are written: manifest first, as Teams' own tools do.
MANIFEST_FILE = "manifest.json"
COPIED_FILES = ("en.json", "color.png", "outline.png")
PACKAGE_FILES = (MANIFEST_FILE, *COPIED_FILES)

# Zip entries carry this fixed timestamp so that the same inputs give the same bytes.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

_DEVELOPER_NAME_MAX = 32  # the manifest schema's limit for developer.name


class PackageError(ValueError):
    """The package cannot be built from these inputs; the message says what to change."""


@dataclass(frozen=True)
class Developer:
    """Who publishes the app, as Teams shows it on the app's details page.

    The URLs default to pages on the bot's own host (`https://HOST/`, `/privacy`,
    `/terms`); set them to the publishing organisation's real pages.
    """

    name: str = "Samverkan"
    website_url: str | None = None
    privacy_url: str | None = None
    terms_url: str | None = None


def check_app_id(app_id: str) -> str:
    """Return `app_id` if it is a GUID (the form of an Entra app id), else raise PackageError."""
    if not _GUID.match(app_id):
        raise PackageError(
            f"app id {app_id!r} is not a GUID: give the bot's Microsoft Entra app id "
            "(MicrosoftAppId), for example 0b5f7c1e-2d3a-4c8b-9e6f-1a2b3c4d5e6f"
        )
    return app_id


def check_host(host: str) -> str:
    """Return `host` in lower case if it is a bare DNS host name, else raise PackageError.

    Teams loads the bot's pages over https from this name and lists it in validDomains,
    which takes a name only: no scheme, path or port, and no IP address.
    """
    hint = "give the host name only, for example bot.example.se"
    if "://" in host:
        raise PackageError(f"host {host!r} has a scheme: {hint} (without https://)")
    if "/" in host:
        raise PackageError(f"host {host!r} has a path: {hint} (without /...)")
    if ":" in host:
        raise PackageError(f"host {host!r} has a port: {hint}; Teams uses https on port 443")
    if not host.isascii():
        raise PackageError(f"host {host!r} is not ASCII: give its punycode form (xn--...)")
    name = host.lower()
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise PackageError(
            f"host {host!r} is not a public DNS host name: {hint} "
            "(letters, digits and hyphens in dot-separated labels; no IP address)"
        )
    return name


def check_version(version: str) -> str:
    """Return `version` if it is MAJOR.MINOR.PATCH, the only form Teams accepts."""
    if not _SEMVER.match(version):
        raise PackageError(
            f"version {version!r} is not MAJOR.MINOR.PATCH (for example 1.4.0); "
            "raise it for every package uploaded to Teams"
        )
    return version


def project_version() -> str:
    """The project's version from pyproject.toml: the default app version."""
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def _check_https_url(what: str, url: str) -> str:
    if not url.startswith("https://") or len(url) > 2048 or any(c.isspace() for c in url):
        raise PackageError(f"{what} {url!r} must be an https:// address of at most 2048 characters")
    return url


def _template_values(
    app_id: str, host: str, version: str | None, developer: Developer
) -> dict[str, str]:
    app_id = check_app_id(app_id)
    host = check_host(host)
    if not developer.name.strip() or len(developer.name) > _DEVELOPER_NAME_MAX:
        raise PackageError(
            f"developer name {developer.name!r} must be 1 to {_DEVELOPER_NAME_MAX} characters"
        )
    return {
        "app_id": app_id,
        "host": host,
        "version": check_version(version if version is not None else project_version()),
        "developer_name": developer.name,
        "website_url": _check_https_url("website URL", developer.website_url or f"https://{host}/"),
        "privacy_url": _check_https_url(
            "privacy URL", developer.privacy_url or f"https://{host}/privacy"
        ),
        "terms_url": _check_https_url(
            "terms-of-use URL", developer.terms_url or f"https://{host}/terms"
        ),
    }


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Replace {{name}} placeholders in every string of the parsed template.

    Working on parsed JSON rather than on the text means a value can never break the
    manifest's JSON, whatever characters it holds.
    """
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], node)
    return node


def render_manifest(
    app_id: str,
    host: str,
    version: str | None = None,
    developer: Developer = Developer(),
) -> dict[str, Any]:
    """The manifest for a deployment, as a dict ready to be written as manifest.json.

    `version` defaults to the project's version; raises PackageError for invalid inputs.
    """
    values = _template_values(app_id, host, version, developer)
    return _fill(json.loads(TEMPLATE.read_text(encoding="utf-8")), values)


def build_package(
    app_id: str,
    host: str,
    out_path: str | Path,
    version: str | None = None,
    developer: Developer = Developer(),
) -> Path:
    """Write the app package zip to `out_path` (parent folders are created) and return its path.

    The same inputs always give the same bytes, so a rebuilt package can be compared
    with the one that was uploaded.
    """
    manifest = render_manifest(app_id, host, version, developer)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    contents = {MANIFEST_FILE: (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()}
    contents |= {name: (MANIFEST_DIR / name).read_bytes() for name in COPIED_FILES}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name in PACKAGE_FILES:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            package.writestr(entry, contents[name])
    return out


def add_package_arguments(parser: argparse.ArgumentParser) -> None:
    """The command-line options of `app.py package`, read by `main_package`."""
    parser.add_argument("--app-id", required=True, help="the bot's Entra app id (MicrosoftAppId)")
    parser.add_argument("--host", required=True, help="public host name, e.g. bot.example.se")
    parser.add_argument("--out", required=True, help="zip file to write")
    parser.add_argument("--version", help="app version MAJOR.MINOR.PATCH (default: the project's)")
    parser.add_argument("--developer-name", default=Developer.name, help="publisher shown in Teams")
    parser.add_argument("--website-url", help="publisher's website (default https://HOST/)")
    parser.add_argument("--privacy-url", help="privacy statement (default https://HOST/privacy)")
    parser.add_argument("--terms-url", help="terms of use (default https://HOST/terms)")


def main_package(args: argparse.Namespace) -> int:
    """`app.py package`: build the zip; exit status 0, or 2 with the reason on stderr."""
    developer = Developer(
        name=args.developer_name,
        website_url=args.website_url,
        privacy_url=args.privacy_url,
        terms_url=args.terms_url,
    )
    try:
        out = build_package(args.app_id, args.host, args.out, args.version, developer)
    except PackageError as err:
        print(f"package error: {err}", file=sys.stderr)
        return 2
    manifest = json.loads(zipfile.ZipFile(out).read(MANIFEST_FILE))
    print(
        f"wrote {out}: app {manifest['id']} version {manifest['version']} "
        f"for https://{manifest['validDomains'][0]} (manifest schema {manifest['manifestVersion']})"
    )
    return 0
