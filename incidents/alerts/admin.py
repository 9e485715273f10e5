"""Managing integrations: add, list, show, rotate, disable, enable, remove (the CLI and `/incident integration`).

From Slack only admins may; from the CLI whoever runs it on the server is trusted. A new or rotated token is
returned once in an `IssuedToken` and never stored or logged: only its SHA-256 is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from incidents.alerts.intake import REJECTED_KEPT
from incidents.alerts.integrations import Integration, IssuedToken, new_token, token_digest
from incidents.alerts.model import AlertSourceKind, integration_name_problem
from incidents.alerts.ports import AlertsUnitOfWork, AlertsUnitOfWorkFactory, RejectedBody
from incidents.errors import InvalidInput, NotFound, PermissionDenied
from incidents.policy import Policy
from incidents.ports import Clock

SHOWN_REJECTED = 5


class IntegrationAdmin:
    def __init__(self, uow: AlertsUnitOfWorkFactory, clock: Clock, policy: Policy) -> None:
        self.uow = uow
        self.clock = clock
        self.policy = policy
        # Told the name of an integration that changed (the intake forgets what it read of it, at once).
        self.on_change: Callable[[str], None] = lambda _name: None

    def ensure_admin(self, actor: str) -> None:
        """Refuse a Slack user who is not one of the policy's admins."""
        if actor not in self.policy.admins:
            raise PermissionDenied("Only Firebreak admins can manage alert integrations.")

    async def add(self, kind: str, name: str, *, actor: str) -> IssuedToken:
        """A new integration, enabled, with its token (shown once)."""
        known = {k.value for k in AlertSourceKind}
        if kind not in known:
            raise InvalidInput({"kind": f"'{kind}' is not a kind of integration (kinds: {', '.join(sorted(known))})."})
        said = integration_name_problem(name)
        if said:
            raise InvalidInput({"name": said})
        if kind == AlertSourceKind.GENERIC and self.policy.alerts.generic_mapping_for(name) is None:
            raise InvalidInput(
                {
                    "kind": f"A generic integration needs a mapping: add alerts.integrations.{name}.generic "
                    "to the policy first."
                }
            )
        token = new_token()
        now = self.clock.now()
        integration = Integration(name, AlertSourceKind(kind), token_digest(token), True, actor, now)
        async with self.uow() as uow:
            integration = await uow.alerts.add_integration(integration)
            await uow.commit()
        self.on_change(name)
        return IssuedToken(integration, token)

    async def all(self) -> list[Integration]:
        async with self.uow(write=False) as uow:
            return await uow.alerts.integrations()

    async def show(self, name: str) -> tuple[Integration, list[RejectedBody]]:
        """The integration and the bodies it sent that could not be read in the last 7 days (newest first)."""
        since = self.clock.now() - REJECTED_KEPT
        async with self.uow(write=False) as uow:
            integration = await self._get(uow, name)
            return integration, await uow.alerts.rejected(name, since=since, limit=SHOWN_REJECTED)

    async def rotate(self, name: str) -> IssuedToken:
        """A new token; the old one stops working at once (in other processes within a few seconds)."""
        token = new_token()
        async with self.uow() as uow:
            integration = await self._get(uow, name)
            integration.token_hash, integration.rotated_at = token_digest(token), self.clock.now()
            await uow.alerts.save_integration(integration)
            await uow.commit()
        self.on_change(name)
        return IssuedToken(integration, token)

    async def set_enabled(self, name: str, enabled: bool) -> Integration:
        async with self.uow() as uow:
            integration = await self._get(uow, name)
            integration.enabled = enabled
            await uow.alerts.save_integration(integration)
            await uow.commit()
        self.on_change(name)
        return integration

    async def remove(self, name: str) -> None:
        """Remove it (its alerts and groups stay, for the record); its token stops working."""
        async with self.uow() as uow:
            await self._get(uow, name)
            await uow.alerts.remove_integration(name)
            await uow.commit()
        self.on_change(name)

    @staticmethod
    async def _get(uow: AlertsUnitOfWork, name: str) -> Integration:
        found = await uow.alerts.integration(name)
        if found is None:
            raise NotFound(f"There is no integration named {name}.")
        return found
