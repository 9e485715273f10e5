"""Doing the alerts slice's scheduled work (see work.py); the scheduler hands each claimed row here."""

from __future__ import annotations

import logging

from incidents.alerts.context import AlertsContext
from incidents.alerts.declaring import run_auto_resolve, run_declare
from incidents.alerts.posting import post_group, post_storm, retry_or_drop
from incidents.alerts.work import DECLARE, POST, RESOLVE, STORM
from incidents.errors import ChatError
from incidents.ports import DueWork

log = logging.getLogger(__name__)


class AlertWork:
    def __init__(self, actx: AlertsContext) -> None:
        self.actx = actx
        self.handlers = {POST: post_group, STORM: post_storm, DECLARE: run_declare, RESOLVE: run_auto_resolve}

    async def run(self, work: DueWork) -> None:
        try:
            await self.handlers[work.kind](self.actx, work)
        except ChatError as exc:
            await retry_or_drop(self.actx, work, exc)
        except Exception:
            log.exception("Alert work %s failed", work.key)
            await retry_or_drop(self.actx, work, ChatError("internal_error", transient=True))
