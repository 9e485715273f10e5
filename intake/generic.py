"""Generic JSON, read through the integration's mapping (`alerts.integrations.<name>.generic` in the policy;
see incidents/alerts/generic_mapping.py for the paths).

Without `alerts` in the mapping the body is one alert; with it, each item of that list is one, and the other
paths are read from the item (`$.`-paths from the body). Required: `title` and `status`; a status value
outside `status_map` (or, without one, other than firing / acknowledged / resolved, any case) is refused and
named. Group key: `fingerprint`, else `labels`, else the title. Idempotency: the item (or body) as a whole.
"""

from __future__ import annotations

from incidents.alerts.generic_mapping import ROOT, GenericMapping, path_parts
from incidents.alerts.model import Alert, AlertLink, AlertSourceKind, AlertStatus
from intake.context import IntakeContext
from intake.errors import MissingField, MissingMapping, UnknownStatus, WrongType
from intake.reading import as_list, at, body_digest, instant, scalar_text, tag_labels, text_map

STATUSES = {status.value: status for status in AlertStatus}


def parse_generic(body: object, context: IntakeContext) -> list[Alert]:
    """The alerts of a body read through the integration's generic mapping."""
    mapping = context.mapping
    if mapping is None:
        raise MissingMapping(context.integration)
    if mapping.alerts is None:
        return [_alert(body, "", body, mapping, context)]
    items_path = _absolute(mapping.alerts, "")
    items = as_list(_value(body, mapping.alerts, "", body), items_path) if items_path else as_list(body, "")
    return [_alert(item, at(items_path, index), body, mapping, context) for index, item in enumerate(items)]


def _alert(item: object, where: str, body: object, mapping: GenericMapping, context: IntakeContext) -> Alert:
    def text(path: str | None) -> str | None:
        if path is None:
            return None
        found = scalar_text(_value(item, path, where, body), _absolute(path, where))
        return found.strip() or None if found is not None else None

    title = text(mapping.title)
    if title is None:
        raise MissingField(_absolute(mapping.title, where))
    status = _status(text(mapping.status), _absolute(mapping.status, where), mapping)
    labels = tag_labels(_optional(item, mapping.labels, where, body), _absolute(mapping.labels or "", where))
    annotations = text_map(
        _optional(item, mapping.annotations, where, body), _absolute(mapping.annotations or "", where)
    )
    url = text(mapping.url)
    ended = instant(_optional(item, mapping.ended_at, where, body), _absolute(mapping.ended_at or "", where))
    started = instant(_optional(item, mapping.started_at, where, body), _absolute(mapping.started_at or "", where))
    return Alert(
        kind=AlertSourceKind.GENERIC,
        integration=context.integration,
        title=title,
        status=status,
        started_at=started or context.received_at,
        idempotency_key=body_digest("generic", item),
        fingerprint=text(mapping.fingerprint),
        source_severity=text(mapping.severity),
        service=text(mapping.service) or labels.get("service"),
        ended_at=(ended or context.received_at) if status is AlertStatus.RESOLVED else None,
        links=(AlertLink(url, "Source"),) if url else (),
        labels=labels,
        annotations=annotations,
    )


def _status(said: str | None, path: str, mapping: GenericMapping) -> AlertStatus:
    if said is None:
        raise MissingField(path)
    known = {value.lower(): status for value, status in mapping.status_map.items()} if mapping.status_map else STATUSES
    status = known.get(said.lower())
    if status is None:
        raise UnknownStatus(path, said, mapping.status_map or STATUSES)
    return status


def _optional(item: object, path: str | None, where: str, body: object) -> object:
    return None if path is None else _value(item, path, where, body)


def _value(item: object, path: str, where: str, body: object) -> object:
    """The value at a mapping path (None when absent); an object or array where the path goes on through a
    string or number is a wrong type, named where it happened."""
    parts = path_parts(path)
    node, walked = (body, "") if parts[0] == ROOT else (item, where)
    for part in parts[1:] if parts[0] == ROOT else parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            if not part.isdigit():
                raise WrongType(walked, "an object", node)
            index = int(part)
            node = node[index] if index < len(node) else None
        elif node is None:
            return None
        else:
            raise WrongType(walked, "an object or array", node)
        walked = at(walked, part)
    return node


def _absolute(path: str, where: str) -> str:
    """How a mapping path is named in an error: from the body's root, as the sender sees its JSON."""
    if not path:
        return where
    parts = path_parts(path)
    if parts[0] == ROOT:
        return ".".join(parts[1:])
    return ".".join([where, *parts]) if where else ".".join(parts)
