"""Block Kit validation with the limits in slack-platform-limits.md (sections 1-4).

Messages read like Slack's own: "<problem> [json-pointer:/blocks/0/text/text]", so a failing test
points at the offending field.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
BLOCK_TYPES = frozenset(
    {"section", "header", "divider", "context", "actions", "input", "image", "rich_text", "markdown"}
    | {"file", "video", "call", "context_actions", "table"}
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
SELECTS_WITH_OPTIONS = frozenset({"static_select", "multi_static_select"})


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, pointer: str, problem: str) -> None:
        self.errors.append(f"{problem} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(pointer, f"must be less than {limit + 1} characters")

    def text(self, obj: Any, pointer: str, *, limit: int, plain_only: bool = False, required: bool = True) -> None:
        if obj is None:
            if required:
                self.fail(pointer, "missing required field")
            return
        allowed = {"plain_text"} if plain_only else TEXT_TYPES
        if not isinstance(obj, dict) or obj.get("type") not in allowed or not isinstance(obj.get("text"), str):
            self.fail(pointer, f"must be a text object of type {' or '.join(sorted(allowed))}")
            return
        if not obj["text"]:
            self.fail(f"{pointer}/text", "must be more than 0 characters")
        self.max_len(obj["text"], limit, f"{pointer}/text")

    def items(self, value: Any, pointer: str, *, most: int, least: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.fail(pointer, "must be an array")
            return []
        if len(value) > most:
            self.fail(pointer, f"no more than {most} items allowed")
        if len(value) < least:
            self.fail(pointer, f"must provide at least {least} items")
        return value

    def blocks(self, blocks: Any, pointer: str, *, most: int) -> None:
        for index, block in enumerate(self.items(blocks, pointer, most=most, least=0)):
            self.block(block, f"{pointer}/{index}")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            self.fail(pointer, "failed to match all allowed schemas (unknown or missing block type)")
            return
        self.max_len(block.get("block_id"), 255, f"{pointer}/block_id")
        kind = block["type"]
        if kind == "header":
            self.text(block.get("text"), f"{pointer}/text", limit=150, plain_only=True)
        elif kind == "section":
            self.section(block, pointer)
        elif kind == "context":
            for i, element in enumerate(self.items(block.get("elements"), f"{pointer}/elements", most=10)):
                if isinstance(element, dict) and element.get("type") in TEXT_TYPES:
                    self.text(element, f"{pointer}/elements/{i}", limit=3000)
        elif kind == "actions":
            for i, element in enumerate(self.items(block.get("elements"), f"{pointer}/elements", most=25)):
                self.element(element, f"{pointer}/elements/{i}")
        elif kind == "input":
            self.text(block.get("label"), f"{pointer}/label", limit=2000, plain_only=True)
            self.text(block.get("hint"), f"{pointer}/hint", limit=2000, plain_only=True, required=False)
            self.element(block.get("element"), f"{pointer}/element")
        elif kind == "image":
            if not block.get("image_url") and not block.get("slack_file"):
                self.fail(f"{pointer}/image_url", "missing required field")
            self.max_len(block.get("image_url"), 3000, f"{pointer}/image_url")
            self.max_len(block.get("alt_text"), 2000, f"{pointer}/alt_text")
            self.text(block.get("title"), f"{pointer}/title", limit=2000, plain_only=True, required=False)
        elif kind == "markdown":
            self.max_len(block.get("text"), 12000, f"{pointer}/text")

    def section(self, block: dict[str, Any], pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(pointer, "must provide text or fields")
        self.text(block.get("text"), f"{pointer}/text", limit=3000, required=False)
        if "fields" in block:
            for i, item in enumerate(self.items(block["fields"], f"{pointer}/fields", most=10)):
                self.text(item, f"{pointer}/fields/{i}", limit=2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory")

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            self.fail(pointer, "missing required field: element")
            return
        kind = element["type"]
        self.max_len(element.get("action_id"), 255, f"{pointer}/action_id")
        self.text(element.get("placeholder"), f"{pointer}/placeholder", limit=150, plain_only=True, required=False)
        if "confirm" in element:
            self.confirm(element["confirm"], f"{pointer}/confirm")
        if kind == "button":
            self.text(element.get("text"), f"{pointer}/text", limit=75, plain_only=True)
            self.max_len(element.get("value"), 2000, f"{pointer}/value")
            self.max_len(element.get("url"), 3000, f"{pointer}/url")
        elif kind in SELECTS_WITH_OPTIONS:
            if "option_groups" in element:
                groups = self.items(element["option_groups"], f"{pointer}/option_groups", most=100)
                for g, group in enumerate(groups):
                    group_pointer = f"{pointer}/option_groups/{g}"
                    if not isinstance(group, dict):
                        self.fail(group_pointer, "must be an option group object")
                        continue
                    self.text(group.get("label"), f"{group_pointer}/label", limit=75, plain_only=True)
                    self.options(group.get("options"), f"{group_pointer}/options", most=100)
            else:
                self.options(element.get("options"), f"{pointer}/options", most=100)
        elif kind == "overflow":
            self.options(element.get("options"), f"{pointer}/options", most=5)
        elif kind in ("checkboxes", "radio_buttons"):
            self.options(element.get("options"), f"{pointer}/options", most=10)
        elif kind == "plain_text_input" and isinstance(element.get("max_length"), int):
            if element["max_length"] > 3000:
                self.fail(f"{pointer}/max_length", "must be at most 3000")
        elif kind == "image":
            self.max_len(element.get("image_url"), 3000, f"{pointer}/image_url")
            self.max_len(element.get("alt_text"), 2000, f"{pointer}/alt_text")

    def options(self, options: Any, pointer: str, *, most: int) -> None:
        for i, option in enumerate(self.items(options, pointer, most=most)):
            if not isinstance(option, dict):
                self.fail(f"{pointer}/{i}", "must be an option object")
                continue
            self.text(option.get("text"), f"{pointer}/{i}/text", limit=75)
            self.max_len(option.get("value"), 150, f"{pointer}/{i}/value")
            self.text(option.get("description"), f"{pointer}/{i}/description", limit=75, required=False)

    def confirm(self, confirm: Any, pointer: str) -> None:
        if not isinstance(confirm, dict):
            self.fail(pointer, "must be a confirm object")
            return
        self.text(confirm.get("title"), f"{pointer}/title", limit=100, plain_only=True)
        self.text(confirm.get("text"), f"{pointer}/text", limit=300)
        self.text(confirm.get("confirm"), f"{pointer}/confirm", limit=30, plain_only=True)
        self.text(confirm.get("deny"), f"{pointer}/deny", limit=30, plain_only=True)


def message_block_errors(blocks: Any) -> list[str]:
    """Problems with a message's `blocks` (chat.postMessage, chat.update, chat.postEphemeral, response_url)."""
    checker = _Checker()
    checker.blocks(blocks, "/blocks", most=MESSAGE_BLOCKS_MAX)
    return checker.errors


def view_errors(view: Any) -> list[str]:
    """Problems with a modal or Home tab view, as views.open/push/update/publish report them."""
    checker = _Checker()
    if not isinstance(view, dict):
        return ["missing required field: view [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("/view/type", "must be one of: modal, home")
    blocks = view.get("blocks", [])
    has_input = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", limit=24, plain_only=True)
        checker.text(view.get("submit"), "/view/submit", limit=24, plain_only=True, required=has_input)
        checker.text(view.get("close"), "/view/close", limit=24, plain_only=True, required=False)
    checker.blocks(blocks, "/view/blocks", most=VIEW_BLOCKS_MAX)
    checker.max_len(view.get("private_metadata"), 3000, "/view/private_metadata")
    checker.max_len(view.get("callback_id"), 255, "/view/callback_id")
    checker.max_len(view.get("external_id"), 255, "/view/external_id")
    return checker.errors
