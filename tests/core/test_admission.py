"""The middleware's synchronous answers (`admit`): the same events reach the handlers as through the full chain
of calls, and an event that needs nothing but a yes from each middleware goes through none of their calls.

The reference is the same middleware with `admit` hidden, so the dispatcher runs every event through the chain
of calls as it always did."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import ChannelRef, Member, MemberJoined, MessagePosted, PlatformName
from bot.i18n import Catalogue
from bot.middleware import DeduplicateEvents, IgnoreBots
from bot.outbox import Outbox
from bot.roles import Role, listed_ids, roles_of
from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import parse_settings
from tests.conftest import DEMO_TOML
from tests.recording import RecordingPlatform

SETTINGS = parse_settings(DEMO_TOML, "test.toml")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class ChainOnly:
    """A middleware seen through its call alone (no `admit`): the way every event took before."""

    def __init__(self, middleware) -> None:
        self.middleware = middleware

    async def __call__(self, event, community, nxt) -> None:
        await self.middleware(event, community, nxt)


class CountedCalls(IgnoreBots):
    calls = 0

    async def __call__(self, event, community, nxt) -> None:
        type(self).calls += 1
        await super().__call__(event, community, nxt)


def dispatcher_for(settings, store, hide_admit: bool):
    dispatcher = Dispatcher(CommunityDirectory(settings), Outbox({PlatformName.CONSOLE: RecordingPlatform()}),
                            Catalogue.shipped())
    for middleware in (IgnoreBots(own_ids={"bot"}), DeduplicateEvents(store, memory_size=4)):
        dispatcher.use(ChainOnly(middleware) if hide_admit else middleware)
    return dispatcher


# (kind, member, event number, space): a message or a join, by a member, a bot or the bot itself, with event ids
# drawn from a few so that replays happen, in the community's space or an unclaimed one
happenings = st.lists(st.tuples(st.sampled_from(["message", "join"]), st.sampled_from(["alice", "bob", "bot", "robot"]),
                                st.integers(0, 6), st.sampled_from(["console", "elsewhere"])), max_size=30)


@given(happenings)
@example([("message", "alice", 1, "console"), ("join", "bob", 1, "console"), ("message", "alice", 1, "console"),
          ("join", "bob", 1, "console"), ("message", "bot", 2, "console"), ("message", "robot", 3, "console")])
async def test_the_same_events_reach_the_handlers_with_or_without_the_synchronous_answers(played):
    seen: dict[bool, list[str]] = {}
    for hide_admit in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "cmbot.db")
            apply_all(store.db, [])
            dispatcher = dispatcher_for(SETTINGS, store, hide_admit)
            handled: list[str] = []

            async def handler(event, community, handled=handled):
                handled.append(event.event_id)
                return []

            dispatcher.subscribe(MessagePosted, handler)
            dispatcher.subscribe(MemberJoined, handler)
            for index, (kind, who, number, space) in enumerate(played):
                member = Member(id=who, display_name=who, is_bot=who == "robot")
                common = {"platform": PlatformName.CONSOLE, "space_id": space, "at": T0 + timedelta(seconds=index),
                          "member": member}
                if kind == "join":
                    event = MemberJoined(event_id=f"join:{who}:{number}", **common)
                else:
                    event = MessagePosted(event_id=f"m{number}", channel=ChannelRef("general"), message_id=f"m{number}",
                                          text="hello", **common)
                await dispatcher.dispatch(event)
            seen[hide_admit] = handled
            store.close()
    assert seen[False] == seen[True]


async def test_a_plain_message_goes_through_no_middleware_call(settings, store, t0):
    dispatcher = Dispatcher(CommunityDirectory(settings), Outbox({PlatformName.CONSOLE: RecordingPlatform()}),
                            Catalogue.shipped())
    dispatcher.use(CountedCalls())
    dispatcher.use(DeduplicateEvents(store))
    handled = []

    async def handler(event, community):
        handled.append(event.event_id)
        return []

    dispatcher.subscribe(MessagePosted, handler)
    CountedCalls.calls = 0
    for number in range(3):
        await dispatcher.dispatch(MessagePosted(
            platform=PlatformName.CONSOLE, space_id="console", event_id=f"m{number % 2}", at=t0,
            member=Member(id="alice", display_name="Alice"), channel=ChannelRef("general"),
            message_id=f"m{number % 2}", text="hello"))
    assert handled == ["m0", "m1"]  # the third is a replay of the first, dropped from memory
    assert CountedCalls.calls == 0


def reference_roles_of(member, community, platform):
    """The former `roles_of`: sets built from the member's markers and each configured list."""
    space = community.space(platform)
    held = {Role.MEMBER}
    if space is None:
        return frozenset(held)
    markers = set(member.roles) | {member.id}
    for role in (Role.SMM, Role.CM, Role.ADMIN):
        if markers & set(getattr(space.roles, role.value)):
            held.add(role)
    return frozenset(held)


markers = st.sampled_from(["smm", "cm", "admin", "other", "alice"])


@given(st.sampled_from(["alice", "smm", "cm", "admin", "zed"]), st.frozensets(markers, max_size=4),
       st.sampled_from(list(PlatformName)))
def test_roles_of_finds_the_roles_the_former_code_found(member_id, roles, platform):
    community = SETTINGS.communities[0]
    member = Member(id=member_id, display_name=member_id, roles=roles)
    assert roles_of(member, community, platform) == reference_roles_of(member, community, platform)


@given(st.sampled_from(["alice", "smm", "cm", "admin", "zed"]), st.frozensets(markers, max_size=4),
       st.sampled_from(list(PlatformName)), st.frozensets(st.sampled_from([Role.SMM, Role.CM, Role.ADMIN])))
def test_the_listed_ids_tell_what_roles_of_tells(member_id, roles, platform, wanted):
    """A member holds one of `wanted` exactly when its id or a role id is among the ids listed for them (the
    engagement log's check on every event)."""
    community = SETTINGS.communities[0]
    member = Member(id=member_id, display_name=member_id, roles=roles)
    ids = listed_ids(community, platform, wanted)
    holds = member.id in ids or not member.roles.isdisjoint(ids)
    assert holds == bool(roles_of(member, community, platform) & wanted)
