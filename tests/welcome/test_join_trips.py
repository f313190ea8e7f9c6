"""What a member's join costs the store, counted in trips on the whole bot: the seen-event claim and the welcome's
own ledger, with the seen mark's "handled" riding on the next trip; nothing of it lost at shutdown."""

from __future__ import annotations

from bot.store import Store, database
from config.loader import parse_settings
from tests.conftest import DEMO_TOML
from tests.feedback.conftest import Session


def counting(store: Store) -> list[object]:
    trips: list[object] = []
    original = store.run

    async def counted(fn):
        trips.append(fn)
        return await original(fn)

    store.run = counted  # type: ignore[method-assign]
    return trips


def marks(store: Store) -> dict[str, int]:
    return {event_id.split(":")[1]: handled for event_id, handled in store.db.execute(
        "SELECT event_id, handled FROM seen_events WHERE event_id LIKE 'join:%'")}


async def test_a_join_costs_two_store_trips_and_its_handled_mark_rides_on_the_next(tmp_path, monkeypatch):
    # Neither the queued mark's own trip (due a second later) nor the engagement log's timed flush (every second
    # by default, here the longest allowed) comes within the test, however slow the machine: what is counted is
    # the join's trips and the next join carrying the mark.
    monkeypatch.setattr(database, "LATER_SECONDS", 3600.0)
    settings = parse_settings(DEMO_TOML + "\n[communities.engagement]\nflush_seconds = 60\n", "test.toml")
    session = Session(settings, tmp_path / "joins.db")
    await session.app.start()
    session.settle = False
    await session.play("join zoe")  # the first join of a run builds what every later one reuses
    trips = counting(session.store)

    printed = await session.play("join alice")

    assert "alice" in printed  # welcomed
    assert len(trips) == 2  # the seen claim, the welcome's ledger; engagement buffers its row
    assert marks(session.store)["alice"] == 0 and session.store.waiting_later == 1
    await session.play("join bob")
    assert len(trips) == 4
    assert marks(session.store)["alice"] == 1  # carried by bob's first trip
    await session.app.stop()

    reopened = Store.open(tmp_path / "joins.db")
    assert marks(reopened) == {"zoe": 1, "alice": 1, "bob": 1}  # the last mark written at shutdown
    reopened.close()
