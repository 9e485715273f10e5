"""Rendered list answers: reused while nothing was written, for half a second at most."""

from __future__ import annotations

from bot.list_answers import ListAnswers


class Counter:
    def __init__(self) -> None:
        self.writes = 0
        self.now = 50.0

    def committed(self) -> int:
        return self.writes

    def clock(self) -> float:
        return self.now


def test_an_answer_is_reused_until_half_a_second_old() -> None:
    state = Counter()
    answers = ListAnswers(state.committed, clock=state.clock)
    answers.put("k", "three incidents", version=answers.version())

    state.now += 0.4
    assert answers.get("k") == "three incidents"
    state.now += 0.1
    assert answers.get("k") is None


def test_a_committed_write_forgets_every_answer() -> None:
    state = Counter()
    answers = ListAnswers(state.committed, clock=state.clock)
    answers.put("a", "one", version=answers.version())
    answers.put("b", "two", version=answers.version())

    state.writes += 1

    assert answers.get("a") is None and answers.get("b") is None


def test_an_answer_rendered_while_a_write_committed_is_not_kept() -> None:
    state = Counter()
    answers = ListAnswers(state.committed, clock=state.clock)
    version = answers.version()
    state.writes += 1  # committed between reading the incidents and keeping the answer
    answers.put("k", "stale", version=version)

    assert answers.get("k") is None


def test_the_oldest_answer_makes_room() -> None:
    state = Counter()
    answers = ListAnswers(state.committed, size=2, clock=state.clock)
    for key in ("a", "b", "c"):
        answers.put(key, key, version=answers.version())

    assert [answers.get(k) for k in ("a", "b", "c")] == [None, "b", "c"]
