"""What the alerts policy models share: strictness, and problems worded for the person editing the file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class Strict(BaseModel):
    """Unknown keys are errors (a typo must not silently do nothing) and a loaded policy never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(text: str) -> PydanticCustomError:
    """A validation error shown as written, without pydantic's "Value error, " in front of it."""
    # The text goes in as context, never as the template: a regex such as `a{2}` must not be formatted.
    return PydanticCustomError("alerts_policy", "{problem}", {"problem": text})
