"""Scheduled jobs derived from the database (see issue: follow-through)."""
