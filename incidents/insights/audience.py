"""Who the figures are for, and which incidents they cover.

Privacy is applied where the rows are read (the port is given the `Audience`), and again here as a guard, so a
figure can never count what its audience may not see:
- a posted report (`Audience.posted()`) covers public incidents only and names nobody's load;
- a person covers public incidents and the private ones they are an insider of (member, role holder), and sees
  only their own row of responder load;
- an admin covers every incident and sees everyone's load.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidents.insights.rows import ActionItemRow, IncidentRow


@dataclass(frozen=True, slots=True)
class Audience:
    viewer: str | None = None  # None: posted to a channel
    admin: bool = False

    @classmethod
    def posted(cls) -> Audience:
        return cls(None, False)

    @classmethod
    def person(cls, user: str, *, admin: bool = False) -> Audience:
        return cls(user, admin)

    @property
    def is_posted(self) -> bool:
        return self.viewer is None and not self.admin

    def may_see(self, item: IncidentRow | ActionItemRow) -> bool:
        if not item.private or self.admin:
            return True
        return self.viewer is not None and self.viewer in item.insiders

    def may_see_person(self, user: str) -> bool:
        """Whether this audience may see `user`'s own figures (responder load)."""
        return self.admin or (self.viewer is not None and self.viewer == user)


@dataclass(frozen=True, slots=True)
class Scope:
    """`--severity S` and `--service X`: the incidents a request narrows the figures to (case-insensitive)."""

    severity: str | None = None
    service: str | None = None

    def matches(self, row: IncidentRow) -> bool:
        if self.severity is not None and row.severity.lower() != self.severity.lower():
            return False
        if self.service is not None:
            wanted = self.service.lower()
            return any(service.lower() == wanted for service in row.services)
        return True
