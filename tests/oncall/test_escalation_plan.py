"""Escalation policies laid out as firings (repeats, hand-overs, waits) and the round-robin choice."""

from __future__ import annotations

from datetime import timedelta

from incidents.oncall.escalation_plan import plan_escalation, round_robin_pick
from incidents.oncall.policy import OncallPolicy

ONCALL = OncallPolicy.model_validate(
    {
        "schedules": {"primary": {"timezone": "UTC", "layers": [{"ical": "https://x.example/c.ics"}]}},
        "escalation_policies": {
            "urgent": {
                "repeat": 1,
                "steps": [
                    {"schedule": "primary", "wait": "5m"},
                    {"users": ["U0A", "U0B"], "mode": "round_robin", "wait": "10m"},
                    {"channel": "C0ESC"},
                ],
            },
            "gentle": {"steps": [{"schedule": "primary", "wait": "30m"}, {"policy": "urgent"}]},
        },
    }
)


def test_a_policy_fires_its_steps_after_the_waits_and_repeats() -> None:
    plan = plan_escalation(ONCALL, "urgent")

    assert [(p.run, p.index, p.after, p.step.target_kind) for p in plan] == [
        (0, 0, timedelta(0), "schedule"),
        (0, 1, timedelta(minutes=5), "users"),
        (0, 2, timedelta(minutes=15), "channel"),
        (1, 0, timedelta(minutes=15), "schedule"),  # the last step waits 0: the repeat follows at once
        (1, 1, timedelta(minutes=20), "users"),
        (1, 2, timedelta(minutes=30), "channel"),
    ]
    assert len({p.work_key(42) for p in plan}) == len(plan)
    assert plan[4].work_key(42) == "page:42:urgent:1:1"


def test_a_hand_over_continues_with_the_other_policys_firings() -> None:
    plan = plan_escalation(ONCALL, "gentle")

    assert [(p.policy, p.run, p.index, p.after) for p in plan][:3] == [
        ("gentle", 0, 0, timedelta(0)),
        ("urgent", 0, 0, timedelta(minutes=30)),
        ("urgent", 0, 1, timedelta(minutes=35)),
    ]
    assert len(plan) == 7


def test_round_robin_pages_one_user_per_firing_and_passes_over_skipped_ones() -> None:
    users = ["U0A", "U0B", "U0C"]

    picks = []
    cursor = 0
    for _ in range(4):
        user, cursor = round_robin_pick(users, cursor)
        picks.append(user)
    skipped, after_skip = round_robin_pick(users, 1, skip={"U0B"})
    nobody, _ = round_robin_pick(users, 0, skip=set(users))

    assert picks == ["U0A", "U0B", "U0C", "U0A"]
    assert (skipped, after_skip) == ("U0C", 0)
    assert nobody is None
