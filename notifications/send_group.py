"""Group statements: the texts a worker process has in flight at once (TEXT_SENDS_IN_FLIGHT
threads) share their claims, their results and their rate-limit slots, one statement or
round trip each, the way a database groups commits. A thread that finds none of its kind
running runs one at once, for itself and every thread that asked meanwhile; threads that
ask while it runs wait for it and then go together in the next. Nothing waits for company:
one text alone runs at once, so a quiet worker is as quick as before, and a busy one makes
a round trip for several texts.

The profile in docs/performance.md: the claim and the result were each a round trip to
PostgreSQL a text, together nearly half of a sending thread's time on a loaded machine."""

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

MOST_AT_ONCE = 64  # rows in one statement: more would only make the others wait longer


class _Slot:
    __slots__ = ("done", "error", "result", "taken")

    def __init__(self) -> None:
        self.taken = False  # in a batch that is running
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class GroupRunner:
    """Runs `run_many(items)` for the items threads hand it, several at once when they
    arrive together; `run_many` answers one result for each item, in order. `lanes`
    statements may run at once: 2 for one that waits on the disk, so a text that comes
    while one flushes starts the next flush at once rather than waiting a flush more
    (PostgreSQL flushes for every commit waiting at that moment)."""

    def __init__(
        self, run_many: Callable[[Sequence[Hashable]], Sequence[Any]], *, lanes: int = 1
    ) -> None:
        self._run_many = run_many
        self._lanes = lanes
        self._changed = threading.Condition()
        self._waiting: list[tuple[Hashable, _Slot]] = []
        self._running = 0

    def run(self, item: Hashable) -> Any:
        """This item's result, once a statement with it in has run; its error if it failed."""
        slot = _Slot()
        with self._changed:
            self._waiting.append((item, slot))
        while not slot.done:
            with self._changed:
                while not slot.done and (slot.taken or self._running >= self._lanes):
                    self._changed.wait()
                if slot.done:
                    break
                self._running += 1
                batch = self._waiting[:MOST_AT_ONCE]
                del self._waiting[:MOST_AT_ONCE]
                for _, taken in batch:
                    taken.taken = True
            self._run_batch(batch)  # this thread's item may be in a later one
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _run_batch(self, batch: list[tuple[Hashable, _Slot]]) -> None:
        results: Sequence[Any] = ()
        error: BaseException | None = None
        try:
            results = self._run_many([item for item, _ in batch])
        except BaseException as failure:  # every thread of the batch hears of it
            error = failure
        with self._changed:
            for index, (_, slot) in enumerate(batch):
                if error is None:
                    slot.result = results[index]
                else:
                    slot.error = error
                slot.done = True
            self._running -= 1
            self._changed.notify_all()
