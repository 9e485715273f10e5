"""User groups: usergroups.list, usergroups.users.list, usergroups.users.update (Slack's documented shapes)."""

from __future__ import annotations

from typing import Any

from .api import ApiError, Handler, Request, arg_bool, arg_str
from .state import Usergroup, Workspace


def usergroup_json(ws: Workspace, group: Usergroup, *, include_users: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": group.id,
        "team_id": ws.team_id,
        "is_usergroup": True,
        "is_subteam": True,
        "name": group.name,
        "description": "",
        "handle": group.handle,
        "is_external": False,
        "date_create": 1_700_000_000,
        "date_update": group.updated,
        "date_delete": 0,
        "auto_type": None,
        "created_by": ws.bot_user_id,
        "updated_by": ws.bot_user_id,
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "user_count": len(group.users),
    }
    if include_users:
        found["users"] = list(group.users)
    return found


def _group(ws: Workspace, req: Request) -> Usergroup:
    group = ws.usergroups.get(arg_str(req.args, "usergroup", missing="invalid_arguments"))
    if group is None:
        raise ApiError("no_such_subteam")
    return group


def usergroups_list(ws: Workspace, req: Request) -> dict[str, Any]:
    include_users = arg_bool(req.args, "include_users")
    return {
        "ok": True,
        "usergroups": [usergroup_json(ws, g, include_users=include_users) for g in ws.usergroups.values()],
    }


def usergroups_users_list(ws: Workspace, req: Request) -> dict[str, Any]:
    return {"ok": True, "users": list(_group(ws, req).users)}


def usergroups_users_update(ws: Workspace, req: Request) -> dict[str, Any]:
    group = _group(ws, req)
    users = [u.strip() for u in arg_str(req.args, "users", missing="invalid_users").split(",") if u.strip()]
    if not users:
        raise ApiError("invalid_users")  # Slack refuses to empty a user group this way
    if any(u not in ws.users or ws.users[u].deleted for u in users):
        raise ApiError("invalid_users")
    group.users = users
    group.updated += 1
    return {"ok": True, "usergroup": usergroup_json(ws, group)}


METHODS: dict[str, Handler] = {
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
    "usergroups.users.update": usergroups_users_update,
}
