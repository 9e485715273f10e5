"""The Slack app manifest is valid for Slack and wired the way the bot expects."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
# Slack's published schema, copied into the repository (see its README.md) so every clone runs these tests.
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "slack-manifest-schema"
ENTRY_SCHEMA = SCHEMA_DIR / "manifest.schema.json"

REQUEST_PATH = "/slack/events"

# What each feature needs from Slack, so that dropping a scope breaks a test rather than a deploy.
SCOPES_BY_FEATURE = {
    "slash command and shortcut": {"commands"},
    "post summaries and updates": {"chat:write", "chat:write.public"},
    "create, rename and archive incident channels": {"channels:manage", "groups:write"},
    "read channel info": {"channels:read", "groups:read"},
    "join existing channels": {"channels:join"},
    "pin the summary": {"pins:write", "pins:read"},
    "resolve people for roles": {"users:read"},
    "notify responders by DM": {"im:write"},
    "read reactions": {"reactions:read"},
    "upload postmortems": {"files:write"},
    "incident canvases": {"canvases:write"},
    "channel bookmarks": {"bookmarks:write"},
    "capture and backfill the timeline": {"channels:history", "groups:history"},
    "find a sent nudge again after a crash": {"im:history"},
    "on-call user groups follow the schedule": {"usergroups:read", "usergroups:write"},
}
# Bot events and the scopes Slack requires before it will deliver them.
SCOPES_BY_EVENT = {
    "app_home_opened": set(),
    "member_joined_channel": {"channels:read", "groups:read"},
    "member_left_channel": {"channels:read", "groups:read"},
    "channel_archive": {"channels:read"},
    "channel_rename": {"channels:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
    "pin_added": {"pins:read"},
    "pin_removed": {"pins:read"},
}


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    return manifest


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest()


@pytest.fixture(scope="module")
def entry_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(ENTRY_SCHEMA.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def validator(entry_schema: dict[str, Any]) -> Validator:
    """A validator for the entry schema, with its remote `$ref`s served from the local copies.

    The entry schema points at versioned files on raw.githubusercontent.com; each is resolved to the
    file of the same name next to it, so nothing is fetched over the network.
    """
    registry: Registry[Any] = Registry()
    for uri in sorted(_remote_refs(entry_schema)):
        local = SCHEMA_DIR / uri.rsplit("/", 1)[-1]
        assert local.is_file(), f"{uri} has no local copy at {local}"
        contents = json.loads(local.read_text(encoding="utf-8"))
        registry = registry.with_resource(uri, Resource.from_contents(contents, default_specification=DRAFT7))
    validator_cls = validator_for(entry_schema)
    validator_cls.check_schema(entry_schema)
    return validator_cls(entry_schema, registry=registry)


def _remote_refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {ref for key, ref in node.items() if key == "$ref" and not ref.startswith("#")}
        return found.union(*(_remote_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_remote_refs(item) for item in node))
    return set()


def _error_report(validator: Validator, instance: Any) -> str:
    """The leaf errors, which say why a oneOf branch failed, rather than the oneOf itself."""
    lines = []
    pending = list(validator.iter_errors(instance))
    while pending:
        error = pending.pop()
        if error.context:
            pending.extend(error.context)
            continue
        where = "/".join(map(str, error.absolute_path)) or "<root>"
        lines.append(f"{where}: {error.message[:200]}")
    return "\n".join(sorted(set(lines)))


def test_schema_declares_draft_7_so_the_draft_7_validator_is_used(entry_schema: dict[str, Any]) -> None:
    assert entry_schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert validator_for(entry_schema) is Draft7Validator


def test_manifest_validates_against_slack_schema(validator: Validator, manifest: dict[str, Any]) -> None:
    assert validator.is_valid(manifest), _error_report(validator, manifest)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_schema_accepts_valid_fixture_and_rejects_invalid_one(validator: Validator, version: str) -> None:
    # Guards against a validator that accepts everything (for instance, unresolved refs).
    fixtures = SCHEMA_DIR / "tests" / version
    valid = json.loads((fixtures / "manifest.valid.json").read_text(encoding="utf-8"))
    invalid = json.loads((fixtures / "manifest.invalid.json").read_text(encoding="utf-8"))

    assert validator.is_valid(valid), _error_report(validator, valid)
    assert not validator.is_valid(invalid)


def test_schema_rejects_manifest_with_an_unknown_setting(validator: Validator, manifest: dict[str, Any]) -> None:
    broken = {**manifest, "settings": {**manifest["settings"], "bad_param": False}}

    assert not validator.is_valid(broken)


def test_background_color_is_a_hex_colour(entry_schema: dict[str, Any], manifest: dict[str, Any]) -> None:
    # The schema spells the pattern as "regex", which JSON Schema validators ignore, so check it here.
    v1_schema = json.loads((SCHEMA_DIR / "manifest.schema.1.0.0.json").read_text(encoding="utf-8"))
    pattern = v1_schema["definitions"]["app-manifests.v1.display_information.schema"]["properties"]["background_color"][
        "regex"
    ]

    assert re.fullmatch(pattern, manifest["display_information"]["background_color"])


def test_every_request_url_is_the_one_slack_events_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [
        *(command["url"] for command in manifest["features"]["slash_commands"]),
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    ]

    assert all(url.startswith("https://") and url.endswith(REQUEST_PATH) for url in urls), urls
    assert len(set(urls)) == 1, urls


def test_incident_command_exists_and_escapes_mentions(manifest: dict[str, Any]) -> None:
    commands = {command["command"]: command for command in manifest["features"]["slash_commands"]}

    assert "/incident" in commands
    assert commands["/incident"]["should_escape"] is True


def test_declare_incident_global_shortcut_exists(manifest: dict[str, Any]) -> None:
    shortcuts = {(shortcut["type"], shortcut["callback_id"]) for shortcut in manifest["features"]["shortcuts"]}

    assert ("global", "declare_incident") in shortcuts


def test_interactivity_is_enabled(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


@pytest.mark.parametrize("feature", sorted(SCOPES_BY_FEATURE))
def test_bot_scopes_cover_feature(manifest: dict[str, Any], feature: str) -> None:
    granted = set(manifest["oauth_config"]["scopes"]["bot"])

    assert SCOPES_BY_FEATURE[feature] <= granted, SCOPES_BY_FEATURE[feature] - granted


def test_bot_scopes_cover_subscribed_events(manifest: dict[str, Any]) -> None:
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]

    assert set(events) == set(SCOPES_BY_EVENT)
    for event in events:
        assert SCOPES_BY_EVENT[event] <= granted, (event, SCOPES_BY_EVENT[event] - granted)


def test_add_to_timeline_message_shortcut_exists(manifest: dict[str, Any]) -> None:
    shortcuts = {s["callback_id"]: s for s in manifest["features"]["shortcuts"]}
    assert shortcuts["add_to_timeline"]["type"] == "message"


def test_every_event_the_bot_handles_is_subscribed(manifest: dict[str, Any]) -> None:
    from bot.capture_events import CAPTURE_EVENTS

    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    # message.channels and message.groups both deliver `message` events.
    delivered = {e.split(".")[0] for e in subscribed}
    assert delivered >= CAPTURE_EVENTS


def test_create_action_item_message_shortcut_exists(manifest: dict[str, Any]) -> None:
    shortcuts = {s["callback_id"]: s for s in manifest["features"]["shortcuts"]}
    assert shortcuts["create_action_item"]["type"] == "message"
