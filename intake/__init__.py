"""The HTTP intake for monitoring alerts, beside `bot/` (it is not Slack).

Phase 1 holds the parsers: one module per kind of sender, each turning a decoded JSON body into a list of
normalised `incidents.alerts.model.Alert`s or raising an `intake.errors.AlertBodyError` that names the path it
could not read (the 422 answer). `intake.parsers.parse_alerts` picks the parser for an integration's kind.
May import `incidents`; never `bot`, `storage` or `firebreak`; only the composition root imports it.
"""
