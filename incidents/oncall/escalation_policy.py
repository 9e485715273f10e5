"""Escalation policies: ordered steps that each notify someone, then wait; repeated up to 5 times.

A step names exactly one target: a schedule (whoever is on call when the step fires), users (all of them, or
one per firing in round robin), a user group, a channel, or another policy to hand over to (the other
policy's steps then run instead; such a step is the last of its policy).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidents.durations import Duration
from incidents.oncall.policy_fields import ChannelRef, Problems, UsergroupId, UserId, problem

MAX_REPEAT = 5
TARGET_KEYS = ("schedule", "users", "usergroup", "channel", "policy")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EscalationStep(_Strict):
    schedule: str | None = None
    users: list[UserId] | None = Field(default=None, min_length=1, max_length=50)
    mode: Literal["all", "round_robin"] = "all"
    usergroup: UsergroupId | None = None
    channel: ChannelRef | None = None
    policy: str | None = None  # hand over to this policy
    wait: Duration = timedelta(0)  # after notifying, before the next step (or the next repeat)

    @model_validator(mode="after")
    def _one_target(self) -> EscalationStep:
        named = [key for key in TARGET_KEYS if getattr(self, key) is not None]
        found = Problems()
        if len(named) != 1:
            said = ", ".join(named) if named else "none"
            found.add((), f"a step notifies exactly one of {', '.join(TARGET_KEYS)} (this one: {said})")
        if self.mode != "all" and self.users is None:
            found.add(("mode",), "mode applies to a step that notifies users")
        if self.policy is not None and self.wait:
            found.add(("wait",), "a hand-over step does not wait: the other policy's steps do")
        found.raise_any("EscalationStep")
        return self

    @property
    def target_kind(self) -> str:
        return next(key for key in TARGET_KEYS if getattr(self, key) is not None)


class EscalationPolicy(_Strict):
    steps: list[EscalationStep] = Field(min_length=1, max_length=20)
    repeat: int = 0  # how many more times the steps run after the first time, if nobody acknowledges

    @field_validator("repeat")
    @classmethod
    def _repeat(cls, repeat: int) -> int:
        if not 0 <= repeat <= MAX_REPEAT:
            raise problem(f"{repeat} is not a repeat count: a policy repeats 0 to {MAX_REPEAT} times")
        return repeat

    @model_validator(mode="after")
    def _hand_over_last(self) -> EscalationPolicy:
        found = Problems()
        for index, step in enumerate(self.steps[:-1]):
            if step.policy is not None:
                found.add(("steps", index, "policy"), "a hand-over step must be the last step (the rest never runs)")
        if self.steps[-1].policy is not None and self.repeat:
            found.add(("repeat",), "a policy that hands over does not repeat: the other policy's repeat applies")
        found.raise_any("EscalationPolicy")
        return self

    @property
    def hands_over_to(self) -> str | None:
        return self.steps[-1].policy


def hand_over_cycle(policies: dict[str, EscalationPolicy], start: str) -> list[str] | None:
    """The chain of hand-overs from `start` back to a policy already in it (`a → b → a`), if there is one."""
    chain = [start]
    current = policies.get(start)
    while current is not None and current.hands_over_to is not None:
        nxt = current.hands_over_to
        if nxt in chain:
            return [*chain, nxt]
        chain.append(nxt)
        current = policies.get(nxt)
    return None
