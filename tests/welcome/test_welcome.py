"""The welcome handler through the dispatcher: one welcome per join, DMs, raids, restarts and replays."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import DirectMessage, Post


def welcomes(harness, channel: str = "welcome") -> list[Post]:
    return [a for a in harness.platform.of_type(Post) if a.channel_id == channel]


async def test_a_join_gets_one_welcome_that_pings_only_the_newcomer(make_harness):
    harness = await make_harness()
    await harness.join("u1", "Ann")
    [post] = welcomes(harness)
    assert post.content.mentioned_user_ids() == ("u1",)
    assert "We are 1 now" in post.content.text.plain()
    await harness.join("u2", "Bob")
    assert "We are 2 now" in welcomes(harness)[-1].content.text.plain()
    assert harness.platform.of_type(DirectMessage) == []


async def test_a_replayed_join_is_welcomed_once_even_across_a_restart(make_harness):
    first = await make_harness()
    await first.join("u1", event_id="gateway-1")
    await first.join("u1", event_id="gateway-1")  # a resume replays the event: same id
    assert len(welcomes(first)) == 1
    joined_at = first.clock.now()
    await first.stop()

    second = await make_harness(clock=first.clock)
    first.clock.advance(timedelta(minutes=5))
    # after the restart the platform delivers the same join under another event id: the store guard holds
    from bot.events import Member, MemberJoined, PlatformName

    event = MemberJoined(
        platform=PlatformName.CONSOLE, space_id="console", event_id="gateway-2", at=second.clock.now(),
        member=Member("u1", "u1", joined_at=joined_at),
    )
    await second.app.services.dispatcher.dispatch(event)
    assert welcomes(second) == []
    rows = list(second.store.db["welcome_welcomes"].rows)
    assert len(rows) == 1 and rows[0]["member_id"] == "u1"


async def test_leaving_and_joining_again_is_a_new_join_with_a_new_welcome(make_harness):
    harness = await make_harness()
    await harness.join("u1")
    queued = harness.store.waiting_later
    await harness.leave("u1")
    assert harness.store.waiting_later == queued + 1  # the roster line rides on the next trip, not one of its own
    row = await harness.store.run(lambda db: db["members"].get(("demo", "console", "u1")))
    assert row["left_at"] is not None
    harness.clock.advance(timedelta(days=1))
    await harness.join("u1")
    assert len(welcomes(harness)) == 2
    assert harness.store.db["members"].get(("demo", "console", "u1"))["left_at"] is None


async def test_the_onboarding_dm_falls_back_to_the_welcome_channel(make_harness):
    harness = await make_harness('dm = true\ndm_text = "Hello {name}, read {rules}"')
    await harness.join("u1", "Ann")
    [dm] = harness.platform.of_type(DirectMessage)
    assert dm.member_id == "u1" and dm.fallback_channel_id == "welcome"
    assert dm.content.text.plain() == "Hello Ann, read #rules"


async def test_a_disabled_welcome_still_keeps_the_member_list(make_harness):
    harness = await make_harness("enabled = false")
    await harness.join("u1")
    assert harness.platform.actions == []
    assert harness.store.db["members"].count == 1


async def test_a_join_spike_is_batched_with_one_alert(make_harness):
    harness = await make_harness("raid_joins = 3\nraid_seconds = 60")
    for number in range(1, 8):  # 7 joins within 7 seconds
        await harness.join(f"u{number}")
        harness.clock.advance(timedelta(seconds=1))
    single = [p for p in welcomes(harness) if len(p.content.mentioned_user_ids()) == 1]
    assert [p.content.mentioned_user_ids() for p in single] == [("u1",), ("u2",)]
    [alert] = welcomes(harness, "moderation")
    assert "3 members joined within 60 seconds" in alert.content.text.plain()
    assert alert.content.mentioned_user_ids() == ()

    await harness.advance(timedelta(seconds=60))
    [batch] = welcomes(harness)[2:]
    assert batch.content.mentioned_user_ids() == ("u3", "u4", "u5", "u6", "u7")
    assert "5 new members" in batch.content.text.plain()

    # calm again: a later join is welcomed alone, and no second alert was sent
    await harness.advance(timedelta(minutes=5))
    await harness.join("u8")
    assert welcomes(harness)[-1].content.mentioned_user_ids() == ("u8",)
    assert len(welcomes(harness, "moderation")) == 1
    assert harness.store.db["welcome_welcomes"].count == 8


async def test_a_long_raid_posts_one_batch_per_window_and_alerts_once(make_harness):
    harness = await make_harness("raid_joins = 10\nraid_seconds = 60")
    for number in range(750):  # five joins a second for two and a half minutes
        await harness.join(f"u{number}")
        harness.clock.advance(timedelta(milliseconds=200))
        await harness.wakeups.run_due()
    await harness.advance(timedelta(seconds=60))
    await harness.advance(timedelta(seconds=60))
    posts = welcomes(harness)
    assert len(posts) == 9 + 3  # nine single welcomes, then one batch per minute of the raid
    assert len(welcomes(harness, "moderation")) == 1
    batched = sum(int(p.content.text.plain().split(" new members")[0].rsplit(" ", 1)[-1]) for p in posts[9:])
    assert batched == 741


async def test_newcomers_held_at_shutdown_are_welcomed_before_stopping(make_harness):
    harness = await make_harness("raid_joins = 2\nraid_seconds = 60")
    await harness.join("u1")
    await harness.join("u2")
    await harness.join("u3")
    assert len(welcomes(harness)) == 1
    await harness.stop()
    assert welcomes(harness)[-1].content.mentioned_user_ids() == ("u2", "u3")


async def test_with_moderation_on_its_raid_alert_is_the_only_one(make_harness):
    harness = await make_harness("raid_joins = 2", moderation=True)
    for number in range(5):
        await harness.join(f"u{number}")
    assert welcomes(harness, "moderation") == []  # moderation (not installed here) posts the one alert
    assert len(welcomes(harness)) == 1  # batching still happens


async def test_the_platforms_own_member_count_wins_over_the_members_seen(make_harness):
    from bot.events import Member, MemberJoined, PlatformName

    harness = await make_harness()
    event = MemberJoined(platform=PlatformName.CONSOLE, space_id="console", event_id="join:big", at=harness.clock.now(),
                         member=Member("newbie", "Newbie", joined_at=harness.clock.now()), member_count=12345)
    await harness.app.services.dispatcher.dispatch(event)
    [post] = harness.platform.of_type(Post)
    assert "We are 12,345 now" in post.content.text.plain()  # the guild's count, not the 1 member seen
