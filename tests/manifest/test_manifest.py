"""The rendered manifest: valid for Teams, Swedish first with English beside it, and bound to
the deployment's bot, host and permissions."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from typing import Any

from manifest.package import MANIFEST_DIR, Developer, render_manifest
from tests.manifest.conftest import APP_ID, HOST, teams_schema, validation_errors

EN = json.loads((MANIFEST_DIR / "en.json").read_text(encoding="utf-8"))
README = (MANIFEST_DIR / "README.md").read_text(encoding="utf-8")

SWEDISH_COMMANDS = ["vem", "dagordning", "årshjul", "protokoll", "roller", "hjälp"]
ENGLISH_COMMANDS = ["who", "agenda", "wheel", "minutes", "roles", "help"]


def manifest_schema(manifest: dict[str, Any]) -> dict[str, Any]:
    return teams_schema(manifest["manifestVersion"], "MicrosoftTeams.schema.json")


def localization_schema(manifest: dict[str, Any]) -> dict[str, Any]:
    return teams_schema(manifest["manifestVersion"], "MicrosoftTeams.Localization.schema.json")


def string_paths(node: Any, prefix: str = "") -> dict[str, str]:
    """Every string in the manifest by the path a localisation file names it with,
    e.g. `bots[0].commandLists[1].commands[2].title`."""
    if isinstance(node, dict):
        found: dict[str, str] = {}
        for key, value in node.items():
            found |= string_paths(value, f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(node, list):
        found = {}
        for index, item in enumerate(node):
            found |= string_paths(item, f"{prefix}[{index}]")
        return found
    return {prefix: node} if isinstance(node, str) else {}


def localisable_paths(manifest: dict[str, Any]) -> set[str]:
    """The manifest's strings that its localisation schema lets a language file translate."""
    schema = localization_schema(manifest)
    named = set(schema["properties"]) - {"$schema", "localizationKeys"}
    patterns = [re.compile(pattern) for pattern in schema["patternProperties"]]
    return {
        path
        for path in string_paths(manifest)
        if path in named or any(pattern.search(path) for pattern in patterns)
    }


def test_the_rendered_manifest_is_valid_against_microsofts_schema(manifest):
    schema = manifest_schema(manifest)

    assert validation_errors(schema, manifest) == []
    # Draft 4 has no `const`, so the validator skips the schema's pin of the version: check it.
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert manifest["$schema"].endswith(
        f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json"
    )


def test_the_schema_check_catches_a_manifest_teams_would_reject(manifest):
    broken = copy.deepcopy(manifest)
    broken["bots"][0]["scopes"].append("channel")
    broken["name"]["short"] = "Samverkan för roller, möten och årshjul"  # over 30 characters

    errors = validation_errors(manifest_schema(manifest), broken)

    assert any(error.startswith("bots/0/scopes/3") for error in errors), errors
    assert any(error.startswith("name/short") for error in errors), errors


def test_the_english_file_is_valid_against_the_localization_schema(manifest):
    assert validation_errors(localization_schema(manifest), EN) == []
    assert EN["$schema"] == manifest["$schema"].replace(
        "MicrosoftTeams.schema.json", "MicrosoftTeams.Localization.schema.json"
    )


def test_the_english_file_translates_every_localisable_string(manifest):
    assert set(EN) - {"$schema"} == localisable_paths(manifest)


def test_swedish_is_the_default_language_and_english_users_get_english(manifest):
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "sv-SE",
        "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
    }
    assert manifest["name"] == {
        "short": "Samverkan",
        "full": "Samverkan – roller, möten och årshjul",
    }
    assert EN["name.full"] == "Samverkan – roles, meetings and annual wheel"

    command_lists = manifest["bots"][0]["commandLists"]
    assert [command_list["scopes"] for command_list in command_lists] == [
        ["team"],
        ["personal"],
        ["groupChat"],
    ]
    for list_index, command_list in enumerate(command_lists):
        assert [command["title"] for command in command_list["commands"]] == SWEDISH_COMMANDS
        english = [
            EN[f"bots[0].commandLists[{list_index}].commands[{index}].title"]
            for index in range(len(SWEDISH_COMMANDS))
        ]
        assert english == ENGLISH_COMMANDS


def test_the_bot_graph_identity_and_pages_use_the_deployments_app_id_and_host(manifest):
    bot = manifest["bots"][0]

    assert manifest["id"] == bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is True
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": f"api://{HOST}/{APP_ID}"}
    assert manifest["validDomains"] == [HOST]
    wheel_tab = next(tab for tab in manifest["staticTabs"] if tab["entityId"] == "arshjul")
    # Teams fills in the user's language and theme, so the tab matches the client.
    assert wheel_tab["contentUrl"] == f"https://{HOST}/wheel?lang={{app.locale}}&theme={{app.theme}}"
    assert (wheel_tab["name"], EN["staticTabs[1].name"]) == ("Årshjul", "Annual wheel")
    assert "{{" not in json.dumps(manifest)


def test_the_app_asks_a_team_only_for_the_permissions_it_uses(manifest):
    permissions = manifest["authorization"]["permissions"]["resourceSpecific"]
    names = {permission["name"] for permission in permissions}

    assert names == {
        "ChannelSettings.Read.Group",
        "TeamSettings.Read.Group",
        "TeamMember.Read.Group",
    }
    assert {permission["type"] for permission in permissions} == {"Application"}
    # Reading every channel message would send a team's whole conversation to the bot.
    assert "ChannelMessage.Read.Group" not in names
    for name in names:
        assert f"`{name}`" in README, f"manifest/README.md does not explain {name}"


def test_the_publisher_defaults_to_pages_on_the_host_and_can_be_set():
    assert render_manifest(APP_ID, HOST, "1.0.0")["developer"] == {
        "name": "Samverkan",
        "websiteUrl": f"https://{HOST}/",
        "privacyUrl": f"https://{HOST}/privacy",
        "termsOfUseUrl": f"https://{HOST}/terms",
    }
    region = Developer(
        name="Region Exempel",
        website_url="https://www.region.example.se/",
        privacy_url="https://www.region.example.se/integritet",
        terms_url="https://www.region.example.se/villkor",
    )
    assert render_manifest(APP_ID, HOST, "1.0.0", region)["developer"] == {
        "name": "Region Exempel",
        "websiteUrl": "https://www.region.example.se/",
        "privacyUrl": "https://www.region.example.se/integritet",
        "termsOfUseUrl": "https://www.region.example.se/villkor",
    }


def test_the_app_version_defaults_to_the_projects_version():
    with (MANIFEST_DIR.parent / "pyproject.toml").open("rb") as file:
        project_version = tomllib.load(file)["project"]["version"]

    assert render_manifest(APP_ID, HOST)["version"] == project_version
    assert render_manifest(APP_ID, HOST, "2.3.4")["version"] == "2.3.4"
