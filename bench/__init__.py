"""Benchmarks: run as scripts from the repository root, e.g. `.venv/bin/python bench/ack.py`."""
