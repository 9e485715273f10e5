"""The Slack surface: Bolt listeners that parse a request, call one use case and render the answer."""
