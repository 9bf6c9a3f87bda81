"""A batch's turn among the batches in hand (core/imports/turn.py): its ids once the batch
before has drawn its own, the rest once that one has passed, nothing once it failed."""

import contextlib
import threading

import pytest

from yibao.core.imports.turn import Abandoned, Turn


def _returns_within(call, seconds: float = 0.2) -> bool:
    done = threading.Event()

    def run():
        with contextlib.suppress(Abandoned):
            call()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


def test_the_first_batch_waits_for_nothing():
    turn = Turn(None)
    assert _returns_within(turn.wait_drawn) and _returns_within(turn.wait)


def test_ids_may_be_drawn_once_the_batch_before_drew_its_own_the_rest_once_it_passed():
    before = Turn(None)
    turn = Turn(before)
    assert not _returns_within(turn.wait_drawn)
    before.drawn()
    assert _returns_within(turn.wait_drawn)
    assert not _returns_within(turn.wait)
    before.passed()
    assert _returns_within(turn.wait)


def test_passing_lets_both_steps_go():
    before = Turn(None)
    turn = Turn(before)
    before.passed()
    turn.wait_drawn()
    turn.wait()


@pytest.mark.parametrize("drew_first", [True, False])
def test_a_batch_after_a_failed_one_writes_nothing(drew_first):
    before = Turn(None)
    turn = Turn(before)
    if drew_first:
        before.drawn()
        turn.wait_drawn()  # it drew its ids and wrote its enrolments: its transaction rolls back
    before.passed(failed=True)
    if not drew_first:
        with pytest.raises(Abandoned):
            turn.wait_drawn()
    with pytest.raises(Abandoned):
        turn.wait()
