"""The app package zip: its files, icons, input checks, command line, and no secrets."""

from __future__ import annotations

import argparse
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from manifest import draw_icons
from manifest.package import (
    MANIFEST_DIR,
    Developer,
    PackageError,
    add_package_arguments,
    build_package,
    main_package,
    render_manifest,
)
from tests.manifest.conftest import APP_ID, HOST


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and pixel rows of an 8-bit RGB or RGBA PNG (any filter)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks: dict[bytes, bytes] = {}
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunks[kind] = chunks.get(kind, b"") + data[position + 8 : position + 8 + length]
        position += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and color_type in (2, 6), f"unsupported PNG: depth {depth}, type {color_type}"
    channels = 4 if color_type == 6 else 3
    stride = width * channels
    raw = zlib.decompress(chunks[b"IDAT"])
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, row = line[0], bytearray(line[1:])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                nearest = min(
                    (abs(estimate - left), 0, left),
                    (abs(estimate - up), 1, up),
                    (abs(estimate - up_left), 2, up_left),
                )[2]
                row[i] = (row[i] + nearest) & 0xFF
        rows.append(row)
        previous = row
    pixels = [[tuple(row[x * channels : (x + 1) * channels]) for x in range(width)] for row in rows]
    return width, height, pixels


@pytest.fixture
def package(tmp_path) -> zipfile.ZipFile:
    return zipfile.ZipFile(build_package(APP_ID, HOST, tmp_path / "samverkan.zip", "1.2.3"))


def test_the_zip_holds_exactly_the_manifest_english_texts_and_icons_at_its_root(package):
    assert package.namelist() == ["manifest.json", "en.json", "color.png", "outline.png"]
    assert json.loads(package.read("manifest.json")) == render_manifest(APP_ID, HOST, "1.2.3")
    assert package.read("en.json") == (MANIFEST_DIR / "en.json").read_bytes()
    assert package.testzip() is None


def test_the_icons_have_the_sizes_and_colours_teams_requires(package):
    width, height, _ = read_png(package.read("color.png"))
    assert (width, height) == (192, 192)

    width, height, pixels = read_png(package.read("outline.png"))
    assert (width, height) == (32, 32)
    visible = [pixel for row in pixels for pixel in row if pixel[3] > 0]
    assert visible, "the outline icon is empty"
    assert {pixel[:3] for pixel in visible} == {(255, 255, 255)}, "outline must be white only"


def test_the_committed_icons_are_what_the_drawing_script_makes():
    assert (MANIFEST_DIR / "color.png").read_bytes() == draw_icons.color_icon()
    assert (MANIFEST_DIR / "outline.png").read_bytes() == draw_icons.outline_icon()


def test_the_same_inputs_build_the_same_bytes(tmp_path):
    first = build_package(APP_ID, HOST, tmp_path / "a.zip", "1.2.3")
    second = build_package(APP_ID, HOST, tmp_path / "b.zip", "1.2.3")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "app_id",
    [
        "",
        "samverkan-bot",
        "0b5f7c1e2d3a4c8b9e6f1a2b3c4d5e6f",
        "{0b5f7c1e-2d3a-4c8b-9e6f-1a2b3c4d5e6f}",
    ],
)
def test_an_app_id_that_is_not_a_guid_is_refused(app_id, tmp_path):
    with pytest.raises(PackageError, match="is not a GUID: give the bot's Microsoft Entra app id"):
        build_package(app_id, HOST, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("https://samverkan.example.se", "has a scheme"),
        ("samverkan.example.se/wheel", "has a path"),
        ("samverkan.example.se:8443", "has a port"),
        ("", "is not a public DNS host name"),
        ("localhost", "is not a public DNS host name"),
        ("10.1.2.3", "is not a public DNS host name"),
        ("samverkan example.se", "is not a public DNS host name"),
        ("-bot.example.se", "is not a public DNS host name"),
        ("samverkan.exempel.åäö.se", "is not ASCII"),
    ],
)
def test_a_host_that_is_not_a_bare_host_name_is_refused_with_the_reason(host, reason):
    with pytest.raises(PackageError) as refused:
        render_manifest(APP_ID, host, "1.0.0")
    assert reason in str(refused.value)
    assert repr(host) in str(refused.value)


def test_a_host_name_is_written_in_lower_case():
    manifest = render_manifest(APP_ID, "Samverkan.Example.SE", "1.0.0")
    assert manifest["validDomains"] == ["samverkan.example.se"]


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-beta", "01.0.0"])
def test_a_version_teams_would_refuse_is_refused(version):
    with pytest.raises(PackageError, match="is not MAJOR.MINOR.PATCH"):
        render_manifest(APP_ID, HOST, version)


@pytest.mark.parametrize(
    ("developer", "message"),
    [
        (Developer(privacy_url="http://example.se/privacy"), "privacy URL"),
        (Developer(website_url="example.se"), "website URL"),
        (Developer(name="Samverkansnätverket för regionerna i Sverige"), "developer name"),
    ],
)
def test_publisher_details_teams_would_refuse_are_refused(developer, message):
    with pytest.raises(PackageError, match=message):
        render_manifest(APP_ID, HOST, "1.0.0", developer)


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_package_arguments(parser)
    return main_package(parser.parse_args(argv))


def test_the_command_line_writes_the_package_and_says_where(tmp_path, capsys):
    out = tmp_path / "build" / "samverkan.zip"

    status = run_cli("--app-id", APP_ID, "--host", HOST, "--out", str(out), "--version", "1.4.0")

    assert status == 0
    assert out.is_file()
    assert json.loads(zipfile.ZipFile(out).read("manifest.json"))["version"] == "1.4.0"
    assert capsys.readouterr().out.startswith(f"wrote {out}: app {APP_ID} version 1.4.0")


def test_the_command_line_explains_bad_input_and_fails(tmp_path, capsys):
    status = run_cli(
        "--app-id", APP_ID, "--host", f"https://{HOST}", "--out", str(tmp_path / "x.zip")
    )

    assert status == 2
    assert capsys.readouterr().err.startswith("package error: host 'https://samverkan.example.se'")
    assert not (tmp_path / "x.zip").exists()


def test_no_secret_from_the_environment_ends_up_in_the_package(tmp_path, monkeypatch):
    secrets = {
        "MicrosoftAppPassword": "Qx8~secret-client-value.1234567890",
        "DATABASE_URL": "postgresql+asyncpg://samverkan:db-password-4711@db.internal/samverkan",
        "MicrosoftAppTenantId": "9d1c3f4e-7a6b-4c5d-8e9f-0a1b2c3d4e5f",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in secrets.items()))
    monkeypatch.chdir(tmp_path)

    assert run_cli("--app-id", APP_ID, "--host", HOST, "--out", "samverkan.zip") == 0

    package = zipfile.ZipFile(Path("samverkan.zip"))
    contents = [package.read(name) for name in package.namelist()]
    for value in (
        secrets["MicrosoftAppPassword"],
        "db-password-4711",
        secrets["MicrosoftAppTenantId"],
    ):
        assert not any(value.encode() in content for content in contents), value
