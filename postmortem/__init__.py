"""Postmortem drafting (see issue: postmortems). Implements the drafter interface incidents/ defines."""
