"""What a clock sweep knows about its table between two readings: "nothing to do before this instant".

A sweep that wakes every minute (or every few seconds) to find nothing open would cost a store trip each time,
on a bot whose polls and surveys are open a few days a month. So the sweep reads the store, and when it finds
nothing to do it says until when (`rest`): the earliest instant something it knows of falls due, or never.
Until then its next wake-ups read nothing. Whatever may give it work (a poll opened, a survey created, started
or closed) `stir`s it: the next sweep reads the store again. Nothing is kept across a restart: a new process
starts stirred, so its first sweep reads the store and finds what was left open.

A reading that began before a `stir` is stale: the rest it concludes is refused (`reading` returns the token
`rest` checks), so a poll opened while the sweep was reading is never slept through.
"""

from __future__ import annotations

from datetime import datetime


class QuietUntil:
    """In memory only: stirred at first, resting once a sweep found nothing to do, stirred again on a change."""

    def __init__(self) -> None:
        self._stirs = 0  # changes seen so far: a reading remembers how many there were when it began
        self._resting = False
        self._until: datetime | None = None  # with `_resting`: None means nothing is pending at all

    def stir(self) -> None:
        """Something may have given the sweep work: its next wake-up reads the store."""
        self._stirs += 1
        self._resting = False

    def reading(self) -> int:
        """Call before reading the store; pass the token to `rest`."""
        return self._stirs

    def rest(self, token: int, until: datetime | None) -> None:
        """The reading that began at `token` found nothing to do before `until` (None: nothing at all)."""
        if token == self._stirs:
            self._resting, self._until = True, until

    def resting(self, now: datetime) -> bool:
        """True when a wake-up at `now` may skip the store."""
        return self._resting and (self._until is None or now < self._until)
