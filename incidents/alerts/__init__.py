"""Alerts: monitoring alerts normalised, grouped and routed (issue 12).

The intake adapter (`intake/`) turns each vendor's webhook body into `Alert`s; this slice owns what an alert is,
which group it belongs to (`grouping`), the `alerts:` section of the policy (`policy`) and where an alert goes
(`routing`). Storage, posting, declaring and resolving are built on these in phase 2.
"""
