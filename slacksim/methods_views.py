"""views.* methods: modals (open, push, update) and the Home tab (publish)."""

from __future__ import annotations

import time
from typing import Any

from .api import ApiError, Handler, Request, arg_str
from .blockkit import view_errors
from .render import view_json
from .state import View, Workspace

STACK_MAX = 3  # views.push: "Currently the limit is 3"


def _invalid(*messages: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": list(messages)})


def _view_arg(req: Request) -> dict[str, Any]:
    view = req.args.get("view")
    errors = view_errors(view)
    if errors:
        raise _invalid(*(f"[ERROR] {error}" for error in errors))
    assert isinstance(view, dict)  # view_errors() reports anything else
    return view


def _trigger(ws: Workspace, req: Request) -> str:
    # Checked before the view, as Slack does ("before getting to any possible validation errors").
    trigger_id = arg_str(req.args, "trigger_id")
    if not trigger_id:
        raise _invalid("invalid `trigger_id`")
    if trigger_id in ws.used_triggers:
        raise ApiError("exchanged_trigger_id")
    return trigger_id


def _exchange(ws: Workspace, trigger_id: str) -> str | None:
    """Triggers are single-use; returns the user the trigger was issued for, if the test said."""
    ws.used_triggers.add(trigger_id)
    return ws.trigger_users.get(trigger_id)


def _check_external_id(ws: Workspace, external_id: str, owner: View | None = None) -> None:
    for view in ws.views.values():
        if external_id and view.external_id == external_id and view is not owner:
            raise ApiError("duplicate_external_id")


def _apply(ws: Workspace, view: View, body: dict[str, Any]) -> None:
    view.type = body["type"]
    view.title = body.get("title")
    view.submit = body.get("submit")
    view.close = body.get("close")
    view.blocks = list(body.get("blocks", []))
    view.callback_id = str(body.get("callback_id", ""))
    view.private_metadata = str(body.get("private_metadata", ""))
    view.external_id = str(body.get("external_id", ""))
    view.hash = f"{int(time.time())}.{ws.new_id('').lower()}"


def _new_view(ws: Workspace, body: dict[str, Any], user: str | None) -> View:
    _check_external_id(ws, str(body.get("external_id", "")))
    view = View(id=ws.new_id("V"), type=body["type"], user=user)
    _apply(ws, view, body)
    ws.views[view.id] = view
    return view


def open_view(ws: Workspace, req: Request) -> dict[str, Any]:
    trigger_id = _trigger(ws, req)
    body = _view_arg(req)
    if body["type"] != "modal":
        raise _invalid("[ERROR] must be modal [json-pointer:/view/type]")
    view = _new_view(ws, body, _exchange(ws, trigger_id))
    return {"ok": True, "view": view_json(ws, view)}


def _stack_depth(ws: Workspace, view: View) -> int:
    depth = 1
    while view.previous_view_id and view.previous_view_id in ws.views:
        view = ws.views[view.previous_view_id]
        depth += 1
    return depth


def push(ws: Workspace, req: Request) -> dict[str, Any]:
    trigger_id = _trigger(ws, req)
    body = _view_arg(req)
    user = ws.trigger_users.get(trigger_id)
    # The trigger does not say which modal it came from; the user's latest modal is the best guess.
    below = next((v for v in reversed(ws.views.values()) if v.type == "modal" and v.user == user), None)
    if below is not None and _stack_depth(ws, below) >= STACK_MAX:
        raise ApiError("push_limit_reached")
    view = _new_view(ws, body, _exchange(ws, trigger_id))
    if below is not None:
        view.previous_view_id = below.id
        view.root_view_id = below.root_view_id or below.id
    return {"ok": True, "view": view_json(ws, view)}


def update(ws: Workspace, req: Request) -> dict[str, Any]:
    view_id = arg_str(req.args, "view_id")
    external_id = arg_str(req.args, "external_id")
    if not view_id and not external_id:
        raise _invalid("either `view_id` or `external_id` is required")
    body = _view_arg(req)
    if view_id:
        view = ws.views.get(view_id)
    else:
        view = next((v for v in ws.views.values() if v.external_id == external_id), None)
    if view is None:
        # Slack's documented code for an unknown view_id / external_id is "not_found".
        raise ApiError("not_found")
    expected_hash = arg_str(req.args, "hash")
    if expected_hash and expected_hash != view.hash:
        raise ApiError("hash_conflict")
    _check_external_id(ws, str(body.get("external_id", "")), owner=view)
    _apply(ws, view, body)
    return {"ok": True, "view": view_json(ws, view)}


def publish(ws: Workspace, req: Request) -> dict[str, Any]:
    user_id = arg_str(req.args, "user_id")
    if user_id not in ws.users:
        raise _invalid("invalid `user_id`")
    body = _view_arg(req)
    if body["type"] != "home":
        raise _invalid("[ERROR] must be home [json-pointer:/view/type]")
    home = next((v for v in ws.views.values() if v.type == "home" and v.user == user_id), None)
    if home is None:
        return {"ok": True, "view": view_json(ws, _new_view(ws, body, user_id))}
    expected_hash = arg_str(req.args, "hash")
    if expected_hash and expected_hash != home.hash:
        raise ApiError("hash_conflict")
    _apply(ws, home, body)
    return {"ok": True, "view": view_json(ws, home)}


METHODS: dict[str, Handler] = {
    "views.open": open_view,
    "views.push": push,
    "views.update": update,
    "views.publish": publish,
}
