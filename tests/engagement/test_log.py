"""The engagement handlers through a real dispatcher: rows of ids (never words), batching, nothing lost."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import ChannelRef, Member, MemberJoined, MemberLeft, MessagePosted, PlatformName, ReactionAdded
from bot.i18n import Catalogue
from bot.middleware import IgnoreBots
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.log import BatchedWriter, EngagementLog
from handlers.engagement.migrations import migrations
from tests.recording import RecordingPlatform
from tests.report.dataset import acme_settings

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
SECRET = "my secret plan for world domination"


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "log.db")
    apply_all(opened.db, [calendar_migrations, migrations])
    yield opened
    opened.close()


class Rig:
    """A dispatcher with the engagement handlers subscribed, as the feature installs them."""

    def __init__(self, store: Store, flush_events: int = 10_000, flush_seconds: float = 60.0) -> None:
        settings = acme_settings()
        outbox = Outbox({PlatformName.DISCORD: RecordingPlatform(PlatformName.DISCORD)})
        self.dispatcher = Dispatcher(CommunityDirectory(settings), outbox, Catalogue.shipped())
        self.dispatcher.use(IgnoreBots())
        self.optouts = OptOuts(store)
        self.writer = BatchedWriter(store, flush_events=flush_events, flush_seconds=flush_seconds)
        log = EngagementLog(self.writer, self.optouts)
        self.dispatcher.subscribe(MessagePosted, log.on_message)
        self.dispatcher.subscribe(ReactionAdded, log.on_reaction)
        self.dispatcher.subscribe(MemberJoined, log.on_join)
        self.dispatcher.subscribe(MemberLeft, log.on_leave)
        self.store = store
        self.ids = iter(range(1, 10**9))

    def base(self, minutes: int = 0) -> dict:
        return {"platform": PlatformName.DISCORD, "space_id": "G1", "event_id": f"e{next(self.ids)}",
                "at": T0 + timedelta(minutes=minutes)}

    async def say(self, member: Member, channel: str = "general", message_id: str = "m1", **extra) -> None:
        await self.dispatcher.dispatch(MessagePosted(channel=ChannelRef(channel), member=member, message_id=message_id,
                                                     text=SECRET, **extra, **self.base()))

    async def react(self, member: Member, message_id: str, emoji: str = "👍", channel: str = "general") -> None:
        await self.dispatcher.dispatch(ReactionAdded(channel=ChannelRef(channel), member=member,
                                                     message_id=message_id, emoji=emoji, **self.base()))

    def rows(self) -> list[dict]:
        return list(self.store.db["engagement_events"].rows_where(order_by="id"))


ALICE = Member("alice", "Alice")
CM = Member("carol", "Carol", roles=frozenset({"role-cm"}))


async def test_every_kind_becomes_a_row_of_ids(store):
    rig = Rig(store)
    await rig.dispatcher.dispatch(MemberJoined(member=ALICE, **rig.base()))
    await rig.say(ALICE, message_id="m1")
    await rig.say(ALICE, message_id="m2", reply_to_id="m1")
    await rig.say(ALICE, message_id="m3", thread_id="m1")
    await rig.react(ALICE, "m1")
    await rig.dispatcher.dispatch(MemberLeft(member=ALICE, **rig.base(5)))
    assert not rig.rows()  # nothing is written per event
    await rig.writer.stop()
    rows = rig.rows()
    assert [r["kind"] for r in rows] == ["join", "message", "reply", "reply", "reaction", "leave"]
    assert {(r["community"], r["platform"], r["member_id"]) for r in rows} == {("acme", "discord", "alice")}
    assert [r["target_id"] for r in rows] == [None, None, "m1", "m1", "m1", None]
    assert rows[1]["at"] == int(T0.timestamp())
    dump = "\n".join(str(list(r)) for r in store.db.execute("SELECT * FROM engagement_events").fetchall())
    assert "secret" not in dump and "domination" not in dump


async def test_bots_and_opted_out_members_are_not_counted(store):
    rig = Rig(store)
    await rig.optouts.set("acme", "discord", "bob", True)
    await rig.say(Member("robot", "Robot", is_bot=True))
    await rig.say(Member("bob", "Bob"))
    await rig.react(Member("bob", "Bob"), "m1")
    await rig.say(ALICE)
    await rig.writer.stop()
    assert [r["member_id"] for r in rig.rows()] == ["alice"]


async def test_a_full_buffer_is_written_without_waiting_for_the_timer(store):
    rig = Rig(store, flush_events=3)
    for index in range(3):
        await rig.say(ALICE, message_id=f"m{index}")
    for _ in range(200):  # bounded poll: the batch is written on the store's thread
        if len(rig.rows()) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(rig.rows()) == 3


async def test_the_timer_flushes_a_quiet_buffer(store):
    rig = Rig(store, flush_seconds=0.05)
    await rig.writer.start()
    await rig.say(ALICE)
    for _ in range(200):
        if rig.rows():
            break
        await asyncio.sleep(0.01)
    assert len(rig.rows()) == 1
    await rig.writer.stop()


async def test_a_clean_stop_loses_nothing(store):
    rig = Rig(store, flush_events=1000)
    await rig.writer.start()
    for index in range(10_007):
        await rig.say(ALICE, message_id=f"m{index}")
    await rig.writer.stop()
    assert store.db["engagement_events"].count == 10_007


async def test_a_failed_write_keeps_its_rows(store):
    rig = Rig(store)
    await rig.say(ALICE)
    store.db.execute("ALTER TABLE engagement_events RENAME TO engagement_events_away")
    await rig.writer.flush()
    assert rig.writer.buffered == 1
    store.db.execute("ALTER TABLE engagement_events_away RENAME TO engagement_events")
    await rig.say(ALICE, message_id="m2")
    await rig.writer.flush()
    assert [r["message_id"] for r in rig.rows()] == ["m1", "m2"]


async def test_replies_and_reactions_to_a_scheduled_post_carry_its_id(store):
    store.db["calendar_posts"].insert({"id": 7, "community": "acme", "status": "published",
                                       "author_platform": "discord", "author_id": "smm", "body": "News",
                                       "timezone": "Europe/Paris"})
    store.db["calendar_deliveries"].insert({
        "post_id": 7, "community": "acme", "due_at": "2026-11-18T08:00:00.000000+00:00", "platform": "discord",
        "channel_id": "announce", "idempotency_key": "k", "status": "published", "message_id": "p7",
        "finished_at": "2026-11-18T08:00:00.000000+00:00"})
    rig = Rig(store)
    await rig.say(ALICE, channel="announce", message_id="m9", reply_to_id="p7")
    await rig.react(ALICE, "p7", channel="announce")
    await rig.react(ALICE, "p7", channel="elsewhere")  # same id in another channel: not our post
    await rig.writer.stop()
    assert [r["post_id"] for r in rig.rows()] == [7, 7, None]


async def test_a_cms_feedback_mark_is_a_reaction_here_and_goes_to_the_inbox_not_the_log(store):
    rig = Rig(store)
    await rig.react(CM, "m1", emoji="📝")  # the feedback inbox takes the mark (tests/feedback)
    await rig.react(ALICE, "m2", emoji="📝")
    await rig.writer.stop()
    assert [(r["member_id"], r["kind"]) for r in rig.rows()] == [("carol", "reaction"), ("alice", "reaction")]


async def test_rows_in_help_channels_are_marked(store):
    rig = Rig(store)
    await rig.say(ALICE, channel="help-d", message_id="q1")
    await rig.say(ALICE, channel="general", message_id="m2")
    await rig.react(ALICE, "q1", channel="help-d")
    await rig.writer.stop()
    assert [(r["channel_id"], r["kind"], r["help"]) for r in rig.rows()] == [
        ("help-d", "message", 1), ("general", "message", 0), ("help-d", "reaction", 0)]


async def test_a_message_costs_the_log_a_few_calls_whoever_sends_it(store):
    """The handlers run for every event of the community: a message from a member never seen before costs the
    same few Python calls as one from a regular (no role model read, no cache to fill per member), counted
    with the profiler's hook over 40 members' first messages, some of them staff."""
    rig = Rig(store)
    senders = [Member(f"m{index}", "Someone", roles=frozenset({"role-cm"} if index % 5 == 0 else {"other"}))
               for index in range(40)]
    events = [MessagePosted(channel=ChannelRef("help-d"), member=member, message_id=f"q{index}", text=SECRET,
                            **rig.base()) for index, member in enumerate(senders)]
    community = acme_settings().communities[0]
    await rig.dispatcher.dispatch(events[0])  # the community's settings, read once
    called: list[str] = []

    def hook(frame, event, arg):
        if event == "call" and not frame.f_code.co_name.startswith("<"):
            called.append(frame.f_code.co_name)

    handler = rig.dispatcher._handlers[MessagePosted][0]
    sys.setprofile(hook)
    try:
        for event in events[1:]:
            await handler(event, community)
    finally:
        sys.setprofile(None)
    assert "roles_of" not in called and "space" not in called
    staff_messages = sum(1 for event in events[1:] if "role-cm" in event.member.roles)
    # the handler, the opt-out, the staff check, the append; a staff member's mark on top
    assert len(called) == 4 * (len(events) - 1) + staff_messages
    await rig.writer.flush()
    assert len(rig.rows()) == len(events)
    staff = store.db.execute("SELECT member_id FROM engagement_staff WHERE staff = 1 ORDER BY member_id").fetchall()
    assert sorted(r[0] for r in staff) == sorted(m.id for m in senders if "role-cm" in m.roles)
