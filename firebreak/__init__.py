"""The composition root: settings, wiring and the `firebreak` command line."""
