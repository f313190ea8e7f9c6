"""The crash tests' pause: stop delivery at a named point and say so on stderr, so the test can kill us there.

It patches the delivery code from outside (production code carries no test hook). Points:
`due` (before the post is claimed), `claimed` (its ledger row is `sending`, the platform call not made yet),
`sent` (the platform accepted it, the row is not `published` yet: the store's thread is held in the write),
`ahead` (the post was read and rendered ahead of its due instant, nothing claimed yet).
"""

from __future__ import annotations

import asyncio
import sys
import threading

POINTS = ("ahead", "due", "claimed", "sent")


def announce(point: str) -> None:
    print(f"calendar: paused at {point}", file=sys.stderr, flush=True)


def install(point: str) -> None:
    from handlers.calendar import posts
    from schedules.calendar.delivery import Publisher

    if point not in POINTS:
        raise SystemExit(f"unknown pause point {point!r} (known: {', '.join(POINTS)})")

    async def hold(*_args: object, **_kwargs: object) -> None:
        announce(point)
        await asyncio.Event().wait()

    if point == "ahead":
        read_ahead = Publisher.read_ahead

        async def read_then_hold(self: Publisher, *args: object, **kwargs: object) -> None:
            if await read_ahead(self, *args, **kwargs):  # type: ignore[arg-type]
                await hold()

        Publisher.read_ahead = read_then_hold  # type: ignore[assignment,method-assign]
    elif point == "due":
        Publisher._begin = hold  # type: ignore[method-assign]

        from schedules.calendar.instant import Instants

        def claim_never(self: Instants, *_args: object) -> asyncio.Future[None]:
            announce(point)  # posts read ahead are claimed in chunks: the first chunk's claim never goes
            return asyncio.get_running_loop().create_future()

        Instants._claim = claim_never  # type: ignore[method-assign,assignment]
    elif point == "claimed":
        from schedules.calendar.instant import Instants
        from schedules.calendar.sending import Sender

        Sender.attempt = hold  # type: ignore[method-assign,assignment]
        Instants._send_plain = hold  # type: ignore[method-assign,assignment]  # the workers of an instant's plain posts
    else:
        from handlers.calendar import bulk

        finish_many = bulk.finish_many

        def finish_many_or_hold(db, finishes, *args, **kwargs):
            if any(f.status == "published" for f in finishes):  # on the store's thread: block it, kill us now
                announce(point)
                threading.Event().wait()
            return finish_many(db, finishes, *args, **kwargs)

        bulk.finish_many = finish_many_or_hold
        finish = posts.finish_delivery

        def finish_or_hold(db, delivery_id, status, *args, **kwargs):
            if status == "published":  # runs on the store's thread: block it, the test kills us now
                announce(point)
                threading.Event().wait()
            return finish(db, delivery_id, status, *args, **kwargs)

        posts.finish_delivery = finish_or_hold
