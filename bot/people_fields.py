"""The people a form names, checked in the ack so a mistake comes back as an error under the field.

The check asks Slack (users.info, cached), so it gets a time budget well inside the 3 seconds an ack has. Past
it (Slack slow or rate limited), the form is accepted and the work after the ack checks again, telling the
user there if the person can't be named.
"""

from __future__ import annotations

import asyncio

from incidents.context import Context
from incidents.people import person_problem

ACK_BUDGET = 1.5  # seconds


async def person_field_errors(ctx: Context, actor: str, fields: dict[str, str | None]) -> dict[str, str]:
    """Field name → the problem with the person it names, for the fields that name one who can't be named."""
    errors: dict[str, str] = {}
    try:
        async with asyncio.timeout(ACK_BUDGET):
            for field, user_id in fields.items():
                problem = await person_problem(ctx, user_id, actor=actor) if user_id else None
                if problem is not None:
                    errors[field] = problem
    except TimeoutError:
        pass  # what was found so far stands; the rest is checked again after the ack
    return errors
