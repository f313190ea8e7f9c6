"""Who is asked by DM, how fast, and never twice in the period, restarts included."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import OpenModal
from bot.clock import SimulatedClock
from bot.events import ChannelRef, Member, MessagePosted, PlatformName
from handlers.surveys.messages import opt_out_id, score_id


async def test_only_active_members_who_did_not_opt_out_are_asked(make_world):
    world = await make_world()
    for member in ("alice", "bob", "carol", "erin"):
        await world.say(member)
    await world.command("erin", "privacy opt-out")
    await world.command("carol", "survey opt-out")
    world.clock.advance(timedelta(weeks=3))
    await world.say("dave")  # active too, later
    world.clock.advance(timedelta(weeks=2))  # alice, bob, carol, erin: 5 weeks ago; dave: 2 weeks ago
    answers = await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    assert "Survey #1 is open until" in answers[0] and "1 member will get it by direct message" in answers[0]
    assert [dm.member_id for dm in world.dms()] == ["dave"]


async def test_staff_are_never_asked(make_world):
    world = await make_world()
    await world.say("alice")
    # the engagement log learns who is staff from the roles members speak with
    await world.app.services.dispatcher.dispatch(MessagePosted(
        platform=PlatformName.CONSOLE, space_id="console", event_id="staff1", at=world.clock.now(),
        channel=ChannelRef("general"), member=Member("claire", "Claire", frozenset({"cm"})), message_id="x1",
        text="hi"))
    await world.command("sam", "survey new kind=csat where=dm", roles=("smm",))
    assert [dm.member_id for dm in world.dms()] == ["alice"]


async def test_dms_go_out_at_the_configured_rate_and_never_twice_across_a_restart(make_world, tmp_path):
    world = await make_world(surveys="dms_per_minute = 3\nrepeat_days = 30")
    members = [f"m{i:02d}" for i in range(8)]
    for member in members:
        await world.say(member)
    answers = await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    assert "8 members" in answers[0]
    assert len(world.dms()) == 3  # the first minute's budget
    await world.advance(timedelta(seconds=61))
    assert len(world.dms()) == 6
    clock_now = world.clock.now()
    await world.stop()  # a restart with two DMs still queued

    world = await make_world(surveys="dms_per_minute = 3\nrepeat_days = 30",
                             clock=SimulatedClock(clock_now + timedelta(seconds=30)))
    assert len(world.dms()) == 0  # the budget of the last minute is spent, read from the store
    await world.advance(timedelta(seconds=61))  # the first tick after the restart
    assert sorted(dm.member_id for dm in world.dms()) == members[6:]
    await world.advance(timedelta(minutes=5))
    assert len(world.dms()) == 2

    # a new survey 29 days later reaches nobody; 31 days later, everyone who is still active
    world.clock.advance(timedelta(days=29))
    for member in members:
        await world.say(member)
    answers = await world.command("sam", "survey new kind=csat where=dm", roles=("smm",))
    assert "No member can be sent survey #2" in answers[0]
    world.clock.advance(timedelta(days=2))
    answers = await world.command("sam", "survey new kind=csat where=dm", roles=("smm",))
    assert "8 members" in answers[0]
    sent = world.db.execute("SELECT survey_id, count(*) FROM survey_recipients GROUP BY survey_id").fetchall()
    assert sent == [(1, 8), (3, 8)]


async def test_a_crash_between_claim_and_send_counts_as_sent(make_world):
    world = await make_world()
    await world.say("alice")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    world.db.execute("UPDATE survey_recipients SET status = 'sending'")
    world.db.conn.commit()
    now = world.clock.now()
    await world.stop()
    world = await make_world(clock=SimulatedClock(now + timedelta(minutes=2)))
    assert world.db.execute("SELECT status FROM survey_recipients").fetchall() == [("sent",)]
    assert world.dms() == []


async def test_do_not_ask_me_again_stops_every_later_survey(make_world):
    world = await make_world(surveys="repeat_days = 1")
    await world.say("alice")
    await world.say("bob")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    actions = await world.click("alice", opt_out_id(1))
    assert "will not be sent any survey" in actions[0].content.text.plain()
    actions = await world.click("alice", score_id(1, 8))
    assert not any(isinstance(a, OpenModal) for a in actions)  # an opted-out member's score is not recorded
    assert world.db.execute("SELECT count(*) FROM survey_answers").fetchone() == (0,)
    world.clock.advance(timedelta(days=2))
    await world.say("alice")
    await world.say("bob")
    await world.command("sam", "survey new kind=csat where=dm", roles=("smm",))
    assert [dm.member_id for dm in world.dms()] == ["alice", "bob", "bob"]
    await world.command("alice", "survey opt-in")
    assert world.db.execute("SELECT count(*) FROM survey_optouts").fetchone() == (0,)


async def test_closed_dms_fall_back_to_the_surveys_channel_with_a_mention(make_world):
    from bot.actions import ActionResult, DirectMessage, Post
    from tests.recording import RecordingPlatform

    class ClosedDms(RecordingPlatform):
        async def execute(self, action):
            if isinstance(action, DirectMessage):
                self.actions.append(action)
                assert action.fallback_channel_id == "lobby"
                post = Post(channel_id=action.fallback_channel_id, content=action.content)
                self.actions.append(post)
                return ActionResult.done("f1", "lobby")
            return await super().execute(action)

    world = await make_world(platform=ClosedDms())
    await world.say("alice")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    fallback = world.posts()[-1]
    assert fallback.content.mentioned_user_ids() == ("alice",)
    assert world.db.execute("SELECT status, channel_id FROM survey_recipients").fetchall() == [("sent", "lobby")]


async def test_with_max_recipients_everyone_gets_a_turn(make_world):
    world = await make_world(surveys="max_recipients = 2\nrepeat_days = 1")
    members = ["m1", "m2", "m3", "m4", "m5"]
    for _ in range(3):
        for member in members:
            await world.say(member)
        await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
        world.clock.advance(timedelta(days=2))
    asked = [dm.member_id for dm in world.dms()]
    assert asked == ["m1", "m2", "m3", "m4", "m1", "m5"]  # never asked first, then the longest ago
