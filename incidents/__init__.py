"""The incident domain: what an incident is, its lifecycle and policies, and the use cases.

Imports nothing from Slack, SQLAlchemy or APScheduler: adapters implement the ports in `ports.py`.
"""
