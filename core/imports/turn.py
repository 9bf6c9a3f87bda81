"""When a batch may write, with two batches of an import in hand (core/imports/jobs.py
`_Overlapping`): ids, receipts and audit events follow the file's order as one batch at a time did."""

import threading
from collections.abc import Callable


class Turn:
    """A batch's place among the batches in hand: `wait()` returns once the batch before has
    `passed()` its own (at once for the first), and raises `Abandoned` if that one failed;
    `passed()` lets the next one go.

    A batch may also have a first step in turn: `wait_drawn()` returns once the batch before has
    drawn its ids (`drawn()`, which `passed()` implies). Between the two, a batch writes what needs
    its ids in the file's order but neither the receipts nor the audit trail (the payment
    import's enrolments and entitlements), while the batch before still writes the rest."""

    def __init__(self, before: "Turn | None"):
        self.before, self.failed = before, False
        self.done, self.drew = threading.Event(), threading.Event()

    def wait_drawn(self) -> None:
        self._wait(lambda before: before.drew)

    def wait(self) -> None:
        self._wait(lambda before: before.done)
        self.before = None  # nothing kept of the batches before

    def _wait(self, step: Callable[["Turn"], threading.Event]) -> None:
        before = self.before
        if before is not None:
            step(before).wait()
            if before.failed:
                raise Abandoned

    def drawn(self) -> None:
        self.drew.set()

    def passed(self, failed: bool = False) -> None:
        self.failed = failed
        self.drew.set()
        self.done.set()
        self.before = None


class Abandoned(Exception):
    """The batch before failed: this one writes nothing (the job resumes from its checkpoint)."""
