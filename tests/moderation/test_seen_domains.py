"""The spam rule's memory of linked domains survives a restart, stays bounded, and is forgotten after its period."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.events import Member
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.moderation import seen_domains
from handlers.moderation.migrations import moderation
from handlers.moderation.seen_domains import SeenDomains
from schedules.moderation.seen_domains import FLUSH_JOB, PURGE_JOB
from tests.moderation.conftest import T0, Bot

NO_DOMAIN_MODEL = "links = { domain_model = false }"  # this file is about the spam rule's memory only

UNSEEN = "new domain from a newcomer"
REGULAR = Member("rita", "Rita", joined_at=T0 - timedelta(days=300))


def newcomer(bot: Bot) -> Member:
    return Member("nora", "Nora", joined_at=bot.clock.now() - timedelta(minutes=2))


def spam_details(bot: Bot) -> list[str]:
    return [row["detail"] for row in bot.flag_rules() if row["rule"] == "spam"]


async def test_a_domain_seen_before_a_restart_is_not_new_after_it(tmp_path):
    first = await Bot(tmp_path, NO_DOMAIN_MODEL).start()
    await first.post("the club's photos are up: https://rosegarden-club.net/photos/2026", member=REGULAR)
    assert not first.flags()
    await first.stop()  # shutdown writes what the last minute saw

    second = await Bot(tmp_path, NO_DOMAIN_MODEL).start()
    second.clock.advance(timedelta(days=2))
    try:
        await second.post("look https://rosegarden-club.net/photos/2026", member=newcomer(second))
        assert not spam_details(second)
        await second.post("look https://other-garden-shop.net/sale", member=newcomer(second))
        [detail] = spam_details(second)
        assert UNSEEN in detail
    finally:
        await second.stop()


async def test_domains_are_written_every_minute_without_waiting_for_shutdown(bot):
    assert {FLUSH_JOB, PURGE_JOB} <= bot.app.services.wakeups.job_ids()
    await bot.post("see https://rosegarden-club.net/", member=REGULAR)
    assert bot.store.db[seen_domains.TABLE].count == 0  # the message path only touched memory
    await bot.app.services.wakeups.advance_to(bot.clock.now() + timedelta(minutes=1, seconds=1))
    [row] = list(bot.store.db[seen_domains.TABLE].rows)
    assert row["domain"] == "rosegarden-club.net" and row["first_seen"] == row["last_seen"] == "2026-11-23"
    assert set(row) == {"community", "domain", "first_seen", "last_seen"}  # no member, no message


async def test_a_domain_not_linked_for_the_period_is_new_again(make_bot):
    bot = await make_bot(f"spam = {{ seen_domains_days = 30 }}\n{NO_DOMAIN_MODEL}")
    await bot.post("see https://rosegarden-club.net/", member=REGULAR)
    await bot.post("see https://tulip-growers.org/", member=REGULAR)
    bot.clock.advance(timedelta(days=20))
    await bot.post("again https://tulip-growers.org/", member=REGULAR)  # seen again: its period starts over
    await bot.app.services.wakeups.advance_to(bot.clock.now() + timedelta(days=15))
    assert [r["domain"] for r in bot.store.db[seen_domains.TABLE].rows] == ["tulip-growers.org"]
    await bot.post("look https://rosegarden-club.net/", member=newcomer(bot))
    assert UNSEEN in spam_details(bot)[0]


async def test_before_the_memory_is_loaded_no_domain_is_called_new():
    memory = SeenDomains()
    assert memory.knows("example.org") is None
    memory.saw("example.org", date(2026, 1, 2))
    memory.merge([("old.example", date(2025, 12, 1))])
    assert memory.knows("old.example") and memory.knows("example.org") and memory.knows("x.example") is False


def test_store_round_trip_keeps_the_latest_day(tmp_path):
    store = Store.open(tmp_path / "db.sqlite")
    apply_all(store.db, [moderation])
    seen_domains.remember(store.db, "demo", {"a.example": date(2026, 1, 5), "b.example": date(2026, 1, 1)})
    seen_domains.remember(store.db, "demo", {"a.example": date(2026, 1, 3)})  # an older day never goes back
    seen_domains.remember(store.db, "other", {"c.example": date(2026, 1, 1)})
    assert seen_domains.load(store.db, "demo") == [("b.example", date(2026, 1, 1)), ("a.example", date(2026, 1, 5))]
    assert seen_domains.forget_older(store.db, "demo", date(2026, 1, 2)) == 1
    assert seen_domains.load(store.db, "demo") == [("a.example", date(2026, 1, 5))]
    assert seen_domains.load(store.db, "other") == [("c.example", date(2026, 1, 1))]
    store.close()


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 5)), max_size=60), st.integers(1, 5))
def test_memory_matches_a_naive_least_recently_seen_reference(events, bound):
    memory = SeenDomains(limit=bound)
    reference: list[tuple[str, date]] = []  # (domain, last day), least recently seen first
    for name, offset in events:
        day = date(2026, 1, 1) + timedelta(days=offset)
        memory.saw(name, day)
        known = dict(reference)
        if name in known and known[name] >= day:
            continue
        reference = [(d, last) for d, last in reference if d != name] + [(name, day)]
        reference = reference[-bound:]
    assert memory.items() == reference
