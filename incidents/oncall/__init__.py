"""On-call: schedules, who is on call when, overrides and swaps, escalation policies, iCal in and out.

The slice's policy section is `oncall:` (see `policy`); the resolver answers from the schedule's definition,
the overrides and any iCal layers' calendars given to it, and never touches storage or Slack itself.
"""
