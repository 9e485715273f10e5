"""What a process remembers of its finished Slack effects, and which transaction deletes them."""

from __future__ import annotations

from incidents.outbox import BATCH, Done, Outbox


def _outbox(*rows: tuple[str, int, bool]) -> Outbox:
    outbox = Outbox()
    for key, incident_id, chained in rows:
        outbox.done(key, Done(incident_id, f"INC-{incident_id}", chained))
    return outbox


def test_a_change_takes_its_own_incidents_rows_and_leaves_the_others_until_there_are_many() -> None:
    outbox = _outbox(("a1", 1, True), ("a2", 1, False), ("b1", 2, False), ("c1", 3, True))
    assert set(outbox.take_done(within=1)) == {"a1", "a2"}
    assert outbox.take_done(within=4) == {} and outbox.has_done()
    for n in range(BATCH):
        outbox.done(f"d{n}", Done(5, "INC-5", False))
    taken = outbox.take_done(within=4)
    assert "b1" in taken and len(taken) == BATCH + 1  # in bulk, on no chain only
    assert set(outbox.take_done()) == {"c1"}  # a transaction of its own takes the rest, chains and all
    assert not outbox.has_done()


def test_each_key_goes_to_one_transaction_only() -> None:
    outbox = _outbox(("a1", 1, False))
    assert set(outbox.take_done()) == {"a1"}
    assert outbox.take_done() == {} and not outbox.has_done()


def test_an_attempt_already_in_flight_is_not_started_twice() -> None:
    outbox = Outbox()
    assert outbox.start("k") and not outbox.start("k")
    outbox.finish("k")
    assert outbox.start("k")
