"""The engagement log's handlers against a plain reference written from what the log promises: whatever the
mix of messages, replies, thread posts, reactions, joins and leaves, members with or without staff roles, bots
and opted-out members, on Discord and Slack, the rows and the staff table it writes are exactly the
reference's (the handlers read each event once and keep caches; the reference recomputes everything)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import ChannelRef, Member, MemberJoined, MemberLeft, MessagePosted, PlatformName, ReactionAdded
from bot.i18n import Catalogue
from bot.middleware import IgnoreBots
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.roles import roles_of
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.log import STAFF_ROLES, BatchedWriter, EngagementLog
from handlers.engagement.migrations import migrations
from tests.recording import RecordingPlatform
from tests.report.dataset import acme_settings

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
SPACES = {PlatformName.DISCORD: "G1", PlatformName.SLACK: "T1"}
CHANNELS = ("general", "help-d", "help-s", "fb-d")
ROLES = ("role-cm", "role-smm", "UCM", "other")
OPTED_OUT = {("acme", "discord", "m2"), ("acme", "slack", "m3")}

members = st.builds(
    Member,
    id=st.sampled_from(["m1", "m2", "m3", "UCM", "bot1"]),
    display_name=st.just("Someone"),
    roles=st.frozensets(st.sampled_from(ROLES), max_size=2),
    is_bot=st.booleans(),
)
happenings = st.lists(st.tuples(
    st.sampled_from(["say", "reply", "thread", "react", "join", "leave"]),
    st.sampled_from([PlatformName.DISCORD, PlatformName.SLACK]),
    members,
    st.sampled_from(CHANNELS),
    st.integers(min_value=0, max_value=3),  # minutes after the previous one
), max_size=30)


def event_of(index: int, verb: str, platform: PlatformName, member: Member, channel: str, at: datetime):
    base = {"platform": platform, "space_id": SPACES[platform], "event_id": f"e{index}", "at": at, "member": member}
    if verb == "join":
        return MemberJoined(**base)
    if verb == "leave":
        return MemberLeft(**base)
    if verb == "react":
        return ReactionAdded(channel=ChannelRef(channel), message_id=f"m{index - 1}", emoji="👍", **base)
    extra = {"reply": {"reply_to_id": "t1"}, "thread": {"thread_id": "t2"}}.get(verb, {})
    return MessagePosted(channel=ChannelRef(channel), message_id=f"msg{index}", text="words never kept", **extra,
                         **base)


def reference(events, settings) -> tuple[list[tuple], dict[tuple[str, str, str], tuple[int, int]]]:
    """The rows and the staff table, recomputed from scratch for each event."""
    community = settings.communities[0]
    rows: list[tuple] = []
    staff: dict[tuple[str, str, str], tuple[int, int]] = {}
    for event in events:
        member, platform = event.member, event.platform.value
        if member.is_bot or (community.id, platform, member.id) in OPTED_OUT:
            continue
        at = int(event.at.timestamp())
        if not isinstance(event, MemberLeft):
            key = (community.id, platform, member.id)
            holds = bool(roles_of(member, community, event.platform) & STAFF_ROLES)
            if holds or (key in staff and staff[key][0]):
                staff[key] = (int(holds), at)
        if isinstance(event, MessagePosted):
            target = event.reply_to_id or event.thread_id
            help_channels = community.space(platform).channels.help
            rows.append((community.id, platform, event.channel.id, member.id, "reply" if target else "message", at,
                         event.message_id, target, int(event.channel.id in help_channels), None))
        elif isinstance(event, ReactionAdded):
            rows.append((community.id, platform, event.channel.id, member.id, "reaction", at, None, event.message_id,
                         0, None))
        else:
            kind = "join" if isinstance(event, MemberJoined) else "leave"
            rows.append((community.id, platform, "", member.id, kind, at, None, None, 0, None))
    return rows, staff


async def logged(events, settings) -> tuple[list[tuple], dict[tuple[str, str, str], tuple[int, int]]]:
    store = Store.open(":memory:")
    try:
        apply_all(store.db, [calendar_migrations, migrations])
        outboxes = {platform: RecordingPlatform(platform) for platform in SPACES}
        dispatcher = Dispatcher(CommunityDirectory(settings), Outbox(outboxes), Catalogue.shipped())
        dispatcher.use(IgnoreBots())
        optouts = OptOuts(store)
        for community, platform, member_id in OPTED_OUT:
            await optouts.set(community, platform, member_id, True)
        writer = BatchedWriter(store, flush_events=7, flush_seconds=60.0)  # a few batches per example
        log = EngagementLog(writer, optouts)
        for event_type, handler in log.subscriptions():
            dispatcher.subscribe(event_type, handler)
        for event in events:
            await dispatcher.dispatch(event)
        await writer.stop()
        rows = [tuple(r) for r in store.db.execute(
            "SELECT community, platform, channel_id, member_id, kind, at, message_id, target_id, help, post_id "
            "FROM engagement_events ORDER BY id").fetchall()]
        staff = {(r[0], r[1], r[2]): (r[3], r[4]) for r in store.db.execute(
            "SELECT community, platform, member_id, staff, seen_at FROM engagement_staff").fetchall()}
        return rows, staff
    finally:
        store.close()


@given(happenings)
def test_the_log_writes_what_a_plain_reference_computes(drawn):
    settings = acme_settings()
    at = T0
    events = []
    for index, (verb, platform, member, channel, minutes) in enumerate(drawn):
        at += timedelta(minutes=minutes)
        events.append(event_of(index, verb, platform, member, channel, at))
    assert asyncio.run(logged(events, settings)) == reference(events, settings)
