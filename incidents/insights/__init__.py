"""Insights: what past incidents teach, computed by one set of definitions from plain rows.

Every figure Firebreak shows (stats, charts, CSV, reports, the postmortem's durations) comes from this package,
so no two numbers share a name with different meanings. The input is plain rows (rows.py) already narrowed to
what the viewer may see; the output is plain dataclasses that bot/ words and charts/ draws.
"""
