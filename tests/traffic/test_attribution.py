"""The attribution rule alone: a batch of joins and the counts read after it; never a wrong link."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.traffic.attribution import attribute
from handlers.traffic.invites import AMBIGUOUS, INVITE, NO_BASELINE, NO_INVITE


def test_one_join_one_link():
    outcome = attribute({"a": 3, "b": 1}, {"a": 4, "b": 1}, [("m1", 10)])
    assert [(r.member_id, r.attribution, r.code) for r in outcome.results] == [("m1", INVITE, "a")]
    assert outcome.counts == {"a": 4, "b": 1}


def test_concurrent_joins_through_one_link_are_all_that_links():
    outcome = attribute({"a": 3, "b": 1}, {"a": 5, "b": 1}, [("m1", 10), ("m2", 10)])
    assert {(r.attribution, r.code) for r in outcome.results} == {(INVITE, "a")}


def test_concurrent_joins_through_two_links_are_never_guessed():
    outcome = attribute({"a": 3, "b": 1}, {"a": 4, "b": 2}, [("m1", 10), ("m2", 11)])
    assert {r.attribution for r in outcome.results} == {AMBIGUOUS}
    assert outcome.counts == {"a": 4, "b": 2}


def test_more_uses_than_joins_or_fewer_is_ambiguous():
    assert attribute({"a": 0}, {"a": 2}, [("m1", 1)]).results[0].attribution == AMBIGUOUS
    assert {r.attribution for r in attribute({"a": 0}, {"a": 1}, [("m1", 1), ("m2", 1)]).results} == {AMBIGUOUS}


def test_new_links_count_from_zero_and_no_move_is_no_invite():
    assert attribute({"a": 3}, {"a": 3, "new": 1}, [("m1", 1)]).results[0].code == "new"
    assert attribute({"a": 3}, {"a": 3}, [("m1", 1)]).results[0].attribution == NO_INVITE


def test_without_a_reference_nothing_is_attributed():
    outcome = attribute(None, {"a": 3}, [("m1", 1)])
    assert outcome.results[0].attribution == NO_BASELINE and outcome.counts == {"a": 3}


CODES = st.sampled_from(["a", "b", "c", None])  # None: a join by no tracked link (vanity URL, discovery)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CODES, min_size=1, max_size=4), min_size=1, max_size=8))
def test_never_a_wrong_link_and_always_the_link_when_a_batch_used_only_one(batches):
    """Batches as the adapter makes them (the counts read after every join of the batch, and only those)."""
    counts = {"a": 7, "b": 0, "c": 2}
    reference: dict[str, int] | None = dict(counts)
    member = 0
    for batch in batches:
        truth = {}
        for code in batch:
            member += 1
            truth[f"m{member}"] = code
            if code is not None:
                counts[code] += 1
        outcome = attribute(reference, dict(counts), [(m, member) for m in truth])
        reference = outcome.counts
        for result in outcome.results:
            if result.attribution == INVITE:
                assert result.code == truth[result.member_id]
        used = Counter(batch)
        if len(used) == 1 and None not in used:
            assert all(r.attribution == INVITE for r in outcome.results)
        if set(used) == {None}:
            assert all(r.attribution == NO_INVITE for r in outcome.results)


async def test_invite_events_keep_the_reference_counts_and_the_links(tmp_path):
    from datetime import UTC, datetime

    from bot.events import InviteCreated, InviteDeleted, InvitesSeen, PlatformName
    from bot.platforms.discord.invites import invite_created, invite_deleted
    from bot.store import Store
    from bot.store.migrations import apply_all
    from config.loader import parse_settings
    from handlers.traffic.attribution import InviteAttribution
    from handlers.traffic.invites import list_invites, save_invite
    from handlers.traffic.migrations import migrations
    from tests.traffic.conftest import TRAFFIC_TOML

    community = parse_settings(TRAFFIC_TOML, "t.toml").communities[0]
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [migrations])
    handlers = InviteAttribution(store)
    base = {"platform": PlatformName.DISCORD, "space_id": "100", "at": now}
    await handlers.on_invites_seen(InvitesSeen(event_id="r1", uses={"old": 4}, refresh=1, **base), community)
    created = invite_created({"guild_id": "100", "code": "new", "uses": 0, "channel_id": "700"}, now)
    assert isinstance(created, InviteCreated) and created.code == "new"
    await handlers.on_invite_created(created, community)
    assert handlers.spaces[("discord", "100")].counts == {"old": 4, "new": 0}
    save_invite(store.db, platform="discord", code="new", community="brand", space_id="100", campaign="noel",
                source="bio", channel_id="700", created_by="7", now=now)
    deleted = invite_deleted({"guild_id": "100", "code": "new", "channel_id": "700"}, now)
    assert isinstance(deleted, InviteDeleted)
    await handlers.on_invite_deleted(deleted, community)
    assert handlers.spaces[("discord", "100")].counts == {"old": 4}
    assert list_invites(store.db, "brand") == []  # a deleted link is no longer offered
    assert invite_created({"code": "dm"}, now) is None  # outside a guild: nothing to track
    # A reading older than one already applied is not used: its joins are not guessed.
    await handlers.on_invites_seen(InvitesSeen(event_id="r3", uses={"old": 5}, refresh=3, joined=(("m1", 1),),
                                               **base), community)
    await handlers.on_invites_seen(InvitesSeen(event_id="r2", uses={"old": 6}, refresh=2, joined=(("m2", 1),),
                                               **base), community)
    rows = store.db.execute("SELECT member_id, attribution FROM traffic_joins ORDER BY member_id").fetchall()
    assert rows == [("m1", "untracked"), ("m2", "ambiguous")]
    store.close()


async def test_a_member_who_opted_out_is_never_recorded(tmp_path):
    from datetime import UTC, datetime

    from bot.events import InvitesSeen, PlatformName
    from bot.optouts import OptOuts
    from bot.store import Store
    from bot.store.migrations import apply_all
    from config.loader import parse_settings
    from handlers.traffic.attribution import InviteAttribution
    from handlers.traffic.migrations import migrations
    from tests.traffic.conftest import TRAFFIC_TOML

    community = parse_settings(TRAFFIC_TOML, "t.toml").communities[0]
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [migrations])
    optouts = OptOuts(store)
    await optouts.set("brand", "discord", "quiet", True)
    handlers = InviteAttribution(store, optouts)
    base = {"platform": PlatformName.DISCORD, "space_id": "100", "at": datetime(2026, 11, 16, tzinfo=UTC)}
    await handlers.on_invites_seen(InvitesSeen(event_id="r1", uses={"a": 0}, refresh=1, **base), community)
    await handlers.on_invites_seen(InvitesSeen(event_id="r2", uses={"a": 2}, refresh=2,
                                               joined=(("quiet", 5), ("loud", 5)), **base), community)
    rows = store.db.execute("SELECT member_id, attribution FROM traffic_joins").fetchall()
    assert rows == [("loud", "untracked")]  # both used the link; only the member who did not opt out is kept
    store.close()
